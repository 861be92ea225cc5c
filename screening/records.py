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


@dataclass(frozen=True)
class Column:
    """Marker carried in a field's metadata: its value type (and the allowed values of a choice)."""

    type: ValueType
    choices: tuple[str, ...] = ()


Text = Annotated[str, Column(ValueType.text)]
Identifier = Annotated[str, Column(ValueType.identifier)]
Country = Annotated[str, Column(ValueType.country), Field(description="ISO 3166-1 alpha-2 code")]
Date = Annotated[dt.date, Column(ValueType.date)]
Number = Annotated[float, Column(ValueType.number)]
PartyType = Annotated[
    Literal["person", "organization"], Column(ValueType.choice, ("person", "organization"))
]
Exemption = Annotated[
    str,
    Column(ValueType.text),
    Field(description="Reference of a recorded 1718 Committee exemption or approval, if any"),
]


class _Record(BaseModel):
    model_config = ConfigDict(extra="allow")

    record_id: Identifier


class WorkerRecord(_Record):
    """A person employed or present in a jurisdiction (HR, migration or payroll export)."""

    full_name: Text
    nationality: Country | None = None
    date_of_birth: Date | None = None
    passport_number: Identifier | None = None
    visa_type: Text | None = None
    permit_number: Identifier | None = None
    permit_issued: Date | None = None
    permit_expires: Date | None = None
    contract_signed: Date | None = None
    employer_id: Identifier | None = None
    employer_name: Text | None = None
    employment_start: Date | None = None
    employment_end: Date | None = None
    monthly_income: Number | None = None
    currency: Text | None = None
    work_country: Country | None = None
    work_site: Text | None = None
    role: Text | None = None
    committee_exemption: Exemption | None = None


class CompanyRecord(_Record):
    """A company from a supplier, counterparty or corporate register."""

    name: Text
    country: Country | None = None
    registration_number: Identifier | None = None
    incorporated: Date | None = None
    dissolved: Date | None = None
    sector: Text | None = None
    committee_exemption: Exemption | None = None


class RelationshipRecord(_Record):
    """An ownership, control or joint-venture link between a company and a party."""

    company_id: Identifier
    party_name: Text
    party_type: PartyType | None = None
    party_country: Country | None = None
    role: Text | None = Field(
        default=None,
        description="owner, shareholder, beneficial_owner, jv_partner, director, ...",
    )
    share_pct: Number | None = None
    start_date: Date | None = None
    end_date: Date | None = None


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
