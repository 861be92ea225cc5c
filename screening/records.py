"""Record schemas: the canonical CSV columns of each record kind and how each is normalized.

These pydantic models are the single source of truth for the input format. The reader and the
normalizer never list columns themselves: they ask `schema_for(kind)`. Rows are not validated one
by one through pydantic (that would be a Python loop per record); the models describe columns and
the normalizer applies each column's type to the whole column at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Annotated, Literal, cast, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, JsonValue


class RecordKind(StrEnum):
    worker = "worker"
    company = "company"
    relationship = "relationship"


class ValueType(StrEnum):
    """How a column is normalized."""

    text = "text"
    identifier = "identifier"
    country = "country"
    date = "date"
    number = "number"
    choice = "choice"
    decision = "decision"
    role = "role"


@dataclass(frozen=True)
class Column:
    """Marker carried in a field's metadata: its value type (and the allowed values of a choice;
    whether a number is a percentage, read and shown as one)."""

    type: ValueType
    choices: tuple[str, ...] = ()
    percent: bool = False


Text = Annotated[str, Column(ValueType.text)]
Identifier = Annotated[str, Column(ValueType.identifier)]
Country = Annotated[str, Column(ValueType.country)]
Date = Annotated[dt.date, Column(ValueType.date)]
Number = Annotated[float, Column(ValueType.number)]
Percent = Annotated[float, Column(ValueType.number, percent=True)]
PartyType = Annotated[
    Literal["person", "organization"], Column(ValueType.choice, ("person", "organization"))
]
Decision = Annotated[str, Column(ValueType.decision)]
Role = Annotated[str, Column(ValueType.role)]


def _looks_like(*headers: str) -> dict[str, JsonValue]:
    """Headers that exports use for this column (synonyms, other languages): a file carrying one
    instead of the column is refused with the fix, not read with the column silently empty."""
    return {"look_alikes": list(headers)}


class _CommitteeDecision(BaseModel):
    """A 1718 Committee decision recorded on the record it covers."""

    committee_exemption: Text | None = Field(
        default=None,
        description="Older single column for a 1718 Committee decision, in words: read into "
        "committee_decision, committee_reference and committee_decided_on where those are empty "
        "(a reference alone reads as an approval; unreadable text is a data issue)",
        json_schema_extra=_looks_like(
            "exemption", "exemption_note", "committee_approval", "sanctions_exemption"
        ),
    )
    committee_decision: Decision | None = Field(
        default=None,
        description="1718 Committee decision on an exemption or approval request: approved, "
        "refused, pending or not applied (English or Russian words)",
        json_schema_extra=_looks_like("committee_status", "exemption_status", "committee_outcome"),
    )
    committee_reference: Identifier | None = Field(
        default=None,
        description="Reference of the Committee decision, e.g. 1718C/EX/2018/011",
        json_schema_extra=_looks_like(
            "committee_ref", "exemption_reference", "exemption_ref", "exemption_number"
        ),
    )
    committee_decided_on: Date | None = Field(
        default=None,
        description="Date of the Committee decision (a refusal starts a clock)",
        json_schema_extra=_looks_like(
            "committee_date", "exemption_date", "decision_date", "committee_decision_date"
        ),
    )
    committee_covers: Text | None = Field(
        default=None,
        description="What the decision covers: record ids, passport or registration numbers "
        "or names, separated by ';' (empty: this record)",
        json_schema_extra=_looks_like("covers", "exemption_covers", "committee_scope"),
    )


class _Record(BaseModel):
    model_config = ConfigDict(extra="allow")

    record_id: Identifier = Field(
        description="Unique id of the record in its file",
        json_schema_extra=_looks_like("id", "record", "recordid", "row_id", "ref"),
    )


class _Worker(_Record):
    full_name: Text = Field(
        description="Name as written in the source (any script)",
        json_schema_extra=_looks_like(
            "name", "worker_name", "employee_name", "person_name", "fio", "фио", "имя"
        ),
    )
    nationality: Country | None = Field(
        default=None,
        description="Country of nationality: code or name, any language",
        json_schema_extra=_looks_like(
            "citizenship",
            "nation",
            "national",
            "country_of_citizenship",
            "citizen_of",
            "гражданство",
            "национальность",
            "국적",
            "国籍",
        ),
    )
    date_of_birth: Date | None = Field(
        default=None,
        description="YYYY-MM-DD or DD.MM.YYYY",
        json_schema_extra=_looks_like(
            "dob", "birth_date", "birthdate", "born", "date_birth", "birthday", "дата_рождения"
        ),
    )
    passport_number: Identifier | None = Field(
        default=None,
        description="Passport or identity document number",
        json_schema_extra=_looks_like(
            "passport",
            "passport_no",
            "passport_num",
            "passport_id",
            "document_number",
            "document_no",
            "паспорт",
            "номер_паспорта",
        ),
    )
    visa_type: Text | None = Field(
        default=None,
        description="e.g. work, student, tourist, business (English or Russian)",
        json_schema_extra=_looks_like(
            "visa", "visa_category", "visa_class", "visa_kind", "виза", "тип_визы"
        ),
    )
    permit_number: Identifier | None = Field(
        default=None,
        description="Work permit number",
        json_schema_extra=_looks_like(
            "permit",
            "permit_no",
            "permit_num",
            "work_permit",
            "work_permit_number",
            "work_permit_no",
            "разрешение",
        ),
    )
    permit_issued: Date | None = Field(
        default=None,
        description="Date the work permit was issued",
        json_schema_extra=_looks_like(
            "permit_issue_date",
            "permit_date",
            "permit_issued_on",
            "permit_issue",
            "work_permit_issued",
            "permit_from",
        ),
    )
    permit_expires: Date | None = Field(
        default=None,
        description="Date the work permit expires",
        json_schema_extra=_looks_like(
            "permit_expiry",
            "permit_expiry_date",
            "permit_expiration",
            "permit_valid_until",
            "permit_end",
            "permit_until",
            "permit_expires_on",
        ),
    )
    contract_signed: Date | None = Field(
        default=None,
        description="Date the written employment contract was finalized",
        json_schema_extra=_looks_like(
            "contract_date", "contract_signed_on", "date_of_contract", "contract"
        ),
    )
    employer_id: Identifier | None = Field(
        default=None,
        description="record_id of the employing company",
        json_schema_extra=_looks_like(
            "company_id", "employer_code", "employer_record_id", "employer_ref"
        ),
    )
    employer_name: Text | None = Field(
        default=None,
        description="Employer name as written in the source",
        json_schema_extra=_looks_like(
            "employer", "company", "company_name", "employer_company", "работодатель"
        ),
    )
    employment_start: Date | None = Field(
        default=None,
        description="First day of employment",
        json_schema_extra=_looks_like(
            "start_date",
            "hire_date",
            "hired",
            "date_hired",
            "hired_on",
            "employed_since",
            "employment_start_date",
            "start_of_employment",
        ),
    )
    employment_end: Date | None = Field(
        default=None,
        description="Last day of employment (empty: still employed)",
        json_schema_extra=_looks_like(
            "end_date",
            "termination_date",
            "terminated",
            "date_left",
            "left_on",
            "employment_end_date",
            "end_of_employment",
        ),
    )
    monthly_income: Number | None = Field(
        default=None,
        description="Monthly pay; spaces, separators and currency signs allowed",
        json_schema_extra=_looks_like(
            "salary",
            "monthly_salary",
            "wage",
            "wages",
            "income",
            "pay",
            "monthly_pay",
            "monthly_wage",
            "зарплата",
        ),
    )
    currency: Text | None = Field(
        default=None,
        description="Currency of the income, e.g. RUB",
        json_schema_extra=_looks_like("ccy", "salary_currency", "income_currency", "валюта"),
    )
    work_country: Country | None = Field(
        default=None,
        description="Country where the work is done",
        json_schema_extra=_looks_like(
            "country_of_work", "work_location_country", "host_country", "country_of_employment"
        ),
    )
    work_site: Text | None = Field(
        default=None,
        description="Site or address of the work",
        json_schema_extra=_looks_like(
            "site", "workplace", "work_location", "work_address", "location"
        ),
    )
    role: Text | None = Field(
        default=None,
        description="Job title or function",
        json_schema_extra=_looks_like(
            "job_title", "position", "title", "job", "occupation", "должность"
        ),
    )
    residence_status: Text | None = Field(
        default=None,
        description="Immigration or protection status, e.g. refugee, asylum seeker, UN mission "
        "staff (a legal bar to repatriation under UNSCR 2397 OP8)",
        json_schema_extra=_looks_like(
            "immigration_status",
            "residence",
            "legal_status",
            "residency_status",
            "migration_status",
        ),
    )


class _Company(_Record):
    name: Text = Field(
        description="Company name as registered",
        json_schema_extra=_looks_like(
            "company_name",
            "company",
            "legal_name",
            "entity_name",
            "registered_name",
            "organization",
            "organisation",
            "наименование",
            "название",
        ),
    )
    country: Country | None = Field(
        default=None,
        description="Country of registration",
        json_schema_extra=_looks_like(
            "country_of_registration",
            "registration_country",
            "jurisdiction",
            "incorporation_country",
            "country_of_incorporation",
            "registered_in",
            "страна",
        ),
    )
    registration_number: Identifier | None = Field(
        default=None,
        description="Registry number (e.g. OGRN, USCC)",
        json_schema_extra=_looks_like(
            "reg_no",
            "registration_no",
            "reg_number",
            "regno",
            "registration",
            "company_number",
            "registry_number",
            "ogrn",
            "огрн",
            "inn",
            "инн",
            "uscc",
        ),
    )
    incorporated: Date | None = Field(
        default=None,
        description="Date of incorporation",
        json_schema_extra=_looks_like(
            "incorporation_date",
            "date_of_incorporation",
            "founded",
            "established",
            "registered_on",
            "registration_date",
        ),
    )
    dissolved: Date | None = Field(
        default=None,
        description="Date of dissolution (empty: active)",
        json_schema_extra=_looks_like(
            "dissolution_date",
            "date_dissolved",
            "liquidated",
            "liquidation_date",
            "closed_on",
            "date_closed",
        ),
    )
    sector: Text | None = Field(
        default=None,
        description="Line of business, e.g. construction",
        json_schema_extra=_looks_like(
            "industry",
            "business",
            "line_of_business",
            "activity",
            "business_activity",
            "okved",
            "оквэд",
            "nace",
        ),
    )


class _Relationship(_Record):
    company_id: Identifier = Field(
        description="record_id of the company the link belongs to",
        json_schema_extra=_looks_like("company", "entity_id", "company_record_id"),
    )
    party_name: Text = Field(
        description="Name of the owner, shareholder, partner or officer",
        json_schema_extra=_looks_like(
            "party",
            "owner",
            "owner_name",
            "shareholder",
            "shareholder_name",
            "partner",
            "partner_name",
            "related_party",
        ),
    )
    party_type: PartyType | None = Field(
        default=None,
        description="person or organization (empty: not recorded)",
        json_schema_extra=_looks_like("type", "entity_type", "owner_type", "party_kind"),
    )
    party_country: Country | None = Field(
        default=None,
        description="Country of the party (nationality or registration)",
        json_schema_extra=_looks_like(
            "party_nationality",
            "owner_country",
            "shareholder_country",
            "partner_country",
            "nationality",
        ),
    )
    role: Role | None = Field(
        default=None,
        description="owner, shareholder, LLC member, beneficial owner, jv_partner, director, ... "
        "in English, Russian, Korean or Chinese: read through the role vocabulary "
        "(screening/normalizing/roles.yaml)",
        json_schema_extra=_looks_like(
            "relationship", "relation", "relationship_type", "link", "capacity"
        ),
    )
    share_pct: Percent | None = Field(
        default=None,
        description="Share held, in percent: 30, 30%, 30.5 % or 30,5 (a comma is the decimal "
        "mark); a fraction of the whole as a fraction, 1/3 or ½ (33.33%, 50%). A bare number is "
        "in percent: 0.3 is 0.3%, and where every share of a file is 1 or less they may be "
        "fractions of one (0.3 for 30%), so they are read as unknown and listed: write 30%. Over "
        "100% or below 0% is a data issue",
        json_schema_extra=_looks_like(
            "share",
            "shares",
            "share_percent",
            "share_percentage",
            "shareholding",
            "ownership",
            "ownership_pct",
            "ownership_percent",
            "stake",
            "percent",
            "pct",
            "доля",
        ),
    )
    start_date: Date | None = Field(
        default=None,
        description="Date the link began (e.g. JV agreement)",
        json_schema_extra=_looks_like("start", "since", "from", "date_from", "valid_from", "began"),
    )
    end_date: Date | None = Field(
        default=None,
        description="Date the link ended (empty: still open)",
        json_schema_extra=_looks_like("end", "until", "to", "date_to", "valid_to", "ended"),
    )
    party_id: Identifier | None = Field(
        default=None,
        description="record_id of the party where it is a company in the data: ownership "
        "chains follow it",
        json_schema_extra=_looks_like(
            "party_record_id", "owner_id", "shareholder_id", "partner_id"
        ),
    )


# The Committee decision columns come last in every kind (bases' fields come first).
class WorkerRecord(_CommitteeDecision, _Worker):
    """A person employed or present in a jurisdiction (HR, migration or payroll export)."""


class CompanyRecord(_CommitteeDecision, _Company):
    """A company from a supplier, counterparty or corporate register."""


class RelationshipRecord(_CommitteeDecision, _Relationship):
    """An ownership, control or joint-venture link between a company and a party."""


MODELS: dict[RecordKind, type[_Record]] = {
    RecordKind.worker: WorkerRecord,
    RecordKind.company: CompanyRecord,
    RecordKind.relationship: RelationshipRecord,
}

NAME_FIELD: dict[RecordKind, str] = {
    RecordKind.worker: "full_name",
    RecordKind.company: "name",
    RecordKind.relationship: "party_name",
}

IDENTITY_FIELDS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.worker: ("record_id", "full_name", "passport_number", "permit_number"),
    RecordKind.company: ("record_id", "name", "registration_number"),
    RecordKind.relationship: ("record_id", "party_name"),
}
"""The fields by which a Committee decision's `committee_covers` may name the record itself."""

ALSO_FILLS: dict[str, tuple[str, ...]] = {
    "committee_exemption": ("committee_decision", "committee_reference", "committee_decided_on"),
}
"""Columns whose values are read into other columns: a file with one has those too."""


@dataclass(frozen=True)
class Schema:
    """The columns of one record kind, derived from its pydantic model."""

    kind: RecordKind
    columns: dict[str, Column]
    required: tuple[str, ...]
    look_alikes: dict[str, str]
    """Each header a column is known to go by in exports → that column."""

    @property
    def name_field(self) -> str:
        return NAME_FIELD[self.kind]


def _column_of(annotation: object, metadata: list[object]) -> Column:
    for item in metadata:
        if isinstance(item, Column):
            return item
    # `X | None` hides the Annotated metadata one level down
    for arg in get_args(annotation):
        if get_origin(arg) is Annotated:
            for item in arg.__metadata__:
                if isinstance(item, Column):
                    return item
    raise TypeError(f"field without a Column marker: {annotation!r}")


@cache
def schema_for(kind: RecordKind) -> Schema:
    """The column schema of a record kind."""
    model = MODELS[kind]
    columns: dict[str, Column] = {}
    required: list[str] = []
    look_alikes: dict[str, str] = {}
    for name, info in model.model_fields.items():
        columns[name] = _column_of(info.annotation, list(info.metadata))
        if info.is_required():
            required.append(name)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        look_alikes.update(dict.fromkeys(cast(list[str], extra.get("look_alikes", [])), name))
    return Schema(kind=kind, columns=columns, required=tuple(required), look_alikes=look_alikes)


@cache
def percent_fields() -> frozenset[str]:
    """The columns of any kind that hold a percentage (read as one, shown as 40%)."""
    return frozenset(
        name
        for kind in RecordKind
        for name, column in schema_for(kind).columns.items()
        if column.percent
    )
