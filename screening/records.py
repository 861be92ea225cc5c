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
from typing import Annotated, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field


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
    """Marker carried in a field's metadata: its value type (and the allowed values of a choice)."""

    type: ValueType
    choices: tuple[str, ...] = ()


Text = Annotated[str, Column(ValueType.text)]
Identifier = Annotated[str, Column(ValueType.identifier)]
Country = Annotated[str, Column(ValueType.country)]
Date = Annotated[dt.date, Column(ValueType.date)]
Number = Annotated[float, Column(ValueType.number)]
PartyType = Annotated[
    Literal["person", "organization"], Column(ValueType.choice, ("person", "organization"))
]
Decision = Annotated[str, Column(ValueType.decision)]
Role = Annotated[str, Column(ValueType.role)]


class _CommitteeDecision(BaseModel):
    """A 1718 Committee decision recorded on the record it covers."""

    committee_exemption: Text | None = Field(
        default=None,
        description="Older single column for a 1718 Committee decision, in words: read into "
        "committee_decision, committee_reference and committee_decided_on where those are empty "
        "(a reference alone reads as an approval; unreadable text is a data issue)",
    )
    committee_decision: Decision | None = Field(
        default=None,
        description="1718 Committee decision on an exemption or approval request: approved, "
        "refused, pending or not applied (English or Russian words)",
    )
    committee_reference: Identifier | None = Field(
        default=None, description="Reference of the Committee decision, e.g. 1718C/EX/2018/011"
    )
    committee_decided_on: Date | None = Field(
        default=None, description="Date of the Committee decision (a refusal starts a clock)"
    )
    committee_covers: Text | None = Field(
        default=None,
        description="What the decision covers: record ids, passport or registration numbers "
        "or names, separated by ';' (empty: this record)",
    )


class _Record(BaseModel):
    model_config = ConfigDict(extra="allow")

    record_id: Identifier = Field(description="Unique id of the record in its file")


class _Worker(_Record):
    full_name: Text = Field(description="Name as written in the source (any script)")
    nationality: Country | None = Field(
        default=None, description="Country of nationality: code or name, any language"
    )
    date_of_birth: Date | None = Field(default=None, description="YYYY-MM-DD or DD.MM.YYYY")
    passport_number: Identifier | None = Field(
        default=None, description="Passport or identity document number"
    )
    visa_type: Text | None = Field(
        default=None, description="e.g. work, student, tourist, business (English or Russian)"
    )
    permit_number: Identifier | None = Field(default=None, description="Work permit number")
    permit_issued: Date | None = Field(default=None, description="Date the work permit was issued")
    permit_expires: Date | None = Field(default=None, description="Date the work permit expires")
    contract_signed: Date | None = Field(
        default=None, description="Date the written employment contract was finalized"
    )
    employer_id: Identifier | None = Field(
        default=None, description="record_id of the employing company"
    )
    employer_name: Text | None = Field(
        default=None, description="Employer name as written in the source"
    )
    employment_start: Date | None = Field(default=None, description="First day of employment")
    employment_end: Date | None = Field(
        default=None, description="Last day of employment (empty: still employed)"
    )
    monthly_income: Number | None = Field(
        default=None, description="Monthly pay; spaces, separators and currency signs allowed"
    )
    currency: Text | None = Field(default=None, description="Currency of the income, e.g. RUB")
    work_country: Country | None = Field(default=None, description="Country where the work is done")
    work_site: Text | None = Field(default=None, description="Site or address of the work")
    role: Text | None = Field(default=None, description="Job title or function")
    residence_status: Text | None = Field(
        default=None,
        description="Immigration or protection status, e.g. refugee, asylum seeker, UN mission "
        "staff (a legal bar to repatriation under UNSCR 2397 OP8)",
    )


class _Company(_Record):
    name: Text = Field(description="Company name as registered")
    country: Country | None = Field(default=None, description="Country of registration")
    registration_number: Identifier | None = Field(
        default=None, description="Registry number (e.g. OGRN, USCC)"
    )
    incorporated: Date | None = Field(default=None, description="Date of incorporation")
    dissolved: Date | None = Field(default=None, description="Date of dissolution (empty: active)")
    sector: Text | None = Field(default=None, description="Line of business, e.g. construction")


class _Relationship(_Record):
    company_id: Identifier = Field(description="record_id of the company the link belongs to")
    party_name: Text = Field(description="Name of the owner, shareholder, partner or officer")
    party_type: PartyType | None = Field(
        default=None, description="person or organization (empty: not recorded)"
    )
    party_country: Country | None = Field(
        default=None, description="Country of the party (nationality or registration)"
    )
    role: Role | None = Field(
        default=None,
        description="owner, shareholder, LLC member, beneficial owner, jv_partner, director, ... "
        "in English, Russian, Korean or Chinese: read through the role vocabulary "
        "(screening/normalizing/roles.yaml)",
    )
    share_pct: Number | None = Field(default=None, description="Share held, in percent")
    start_date: Date | None = Field(
        default=None, description="Date the link began (e.g. JV agreement)"
    )
    end_date: Date | None = Field(
        default=None, description="Date the link ended (empty: still open)"
    )
    party_id: Identifier | None = Field(
        default=None,
        description="record_id of the party where it is a company in the data: ownership "
        "chains follow it",
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


@dataclass(frozen=True)
class Schema:
    """The columns of one record kind, derived from its pydantic model."""

    kind: RecordKind
    columns: dict[str, Column]
    required: tuple[str, ...]

    @property
    def name_field(self) -> str:
        return NAME_FIELD[self.kind]

    def columns_of(self, value_type: ValueType) -> list[str]:
        return [name for name, column in self.columns.items() if column.type is value_type]


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
    for name, info in model.model_fields.items():
        columns[name] = _column_of(info.annotation, list(info.metadata))
        if info.is_required():
            required.append(name)
    return Schema(kind=kind, columns=columns, required=tuple(required))
