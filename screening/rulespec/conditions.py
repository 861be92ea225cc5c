"""The condition language of rule files: a small closed set of condition forms.

A condition is one YAML mapping, recognised by its key: `all`, `any`, `not` combine conditions;
`field` tests one field of the record with exactly one operator; `period` tests a date range held in
two fields; `employer`, `company`, `relationships`, `workers` move to related records; `finding`
asks whether another rule fired on the same record; `as_of` compares the screen's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    JsonValue,
    Tag,
    field_validator,
    model_validator,
)

from screening.normalizing.values import read_number
from screening.records import RecordKind, ValueType

AS_OF = "as_of"
Scalar = str | int | float | bool


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class FieldDate(_Spec):
    """A date held in a field of the record (or, as `employer.X` / `company.X`, of the record it
    links to), moved by a number of days: a deadline that runs from a recorded event."""

    field: str = Field(description="A date field, e.g. committee_decided_on or company.dissolved")
    days: int = Field(default=0, description="Days added (negative: subtracted)")


DateRef = Annotated[
    dt.date | Literal["as_of"] | FieldDate,
    Field(
        description="A fixed date (YYYY-MM-DD), `as_of` (the date the screen is judged at), or "
        "{field: NAME, days: N}: a record's date plus N days (missing: the test does not hold)"
    ),
]


class ListMatch(_Spec):
    """Options of the `listed` operator."""

    threshold: float | None = Field(
        default=None, ge=0.5, le=1.0, description="Minimum match score 0..1 (default: matcher's)"
    )
    schema_: Literal["person", "organization"] | None = Field(
        default=None, alias="schema", description="Only list entries of this type"
    )
    in_force_on: str | None = Field(
        default=None,
        description="A date field of the record (e.g. end_date): only entries listed on or before "
        "that date count; a missing date means the record is ongoing, so every entry counts; "
        "entries without a listing date always count",
    )


_DATES = (ValueType.date,)
_NUMBERS = (ValueType.number,)
_TEXTS = (
    ValueType.text,
    ValueType.identifier,
    ValueType.country,
    ValueType.choice,
    ValueType.decision,
    ValueType.role,
)


def _operator(*look_alikes: str, tests: Sequence[ValueType] = ()) -> dict[str, JsonValue]:
    """What an operator is declared with, beside its type and description: the value types of
    the fields it can test (none: any), and what an analyst may write for it (`later_than` for
    `after`), named in the error when they do."""
    return {"tests": [value_type.value for value_type in tests], "look_alikes": list(look_alikes)}


class FieldCondition(_Spec):
    """Test one field of the record with exactly one operator."""

    field: str = Field(description="A column of the record kind, e.g. nationality")
    equals: Scalar | None = Field(
        default=None,
        description="Value equals this (text: any case)",
        json_schema_extra=_operator("is", "eq", "equal", "equal_to", "==", "value"),
    )
    in_: list[Scalar] | None = Field(
        default=None,
        alias="in",
        description="Value is one of these (text: any case)",
        json_schema_extra=_operator("one_of", "any_of", "in_list", "is_in", "among"),
    )
    present: Literal[True] | None = Field(
        default=None,
        description="Value is given and readable",
        json_schema_extra=_operator("exists", "given", "not_empty", "not_missing", "known"),
    )
    missing: Literal[True] | None = Field(
        default=None,
        description="Value is empty or unreadable",
        json_schema_extra=_operator("empty", "absent", "blank", "is_empty", "unknown"),
    )
    before: DateRef | None = Field(
        default=None,
        description="Date is before this date",
        json_schema_extra=_operator("earlier_than", "prior_to", "lt_date", "until", tests=_DATES),
    )
    after: DateRef | None = Field(
        default=None,
        description="Date is after this date",
        json_schema_extra=_operator("later_than", "since", "gt_date", "from", tests=_DATES),
    )
    on_or_before: DateRef | None = Field(
        default=None,
        description="Date is on or before this",
        json_schema_extra=_operator("not_after", "up_to", "by", tests=_DATES),
    )
    on_or_after: DateRef | None = Field(
        default=None,
        description="Date is on or after this",
        json_schema_extra=_operator("not_before", "starting", "as_from", tests=_DATES),
    )
    gt: float | None = Field(
        default=None,
        description="Number is greater than this",
        json_schema_extra=_operator("greater_than", "more_than", "above", ">", tests=_NUMBERS),
    )
    ge: float | None = Field(
        default=None,
        description="Number is at least this",
        json_schema_extra=_operator("at_least", "min", "minimum", "gte", ">=", tests=_NUMBERS),
    )
    lt: float | None = Field(
        default=None,
        description="Number is less than this",
        json_schema_extra=_operator("less_than", "below", "under", "<", tests=_NUMBERS),
    )
    le: float | None = Field(
        default=None,
        description="Number is at most this",
        json_schema_extra=_operator("at_most", "max", "maximum", "lte", "<=", tests=_NUMBERS),
    )
    in_group: list[str] | None = Field(
        default=None,
        description="Role is in one of these groups of the role vocabulary (e.g. [stake])",
        json_schema_extra=_operator(tests=(ValueType.role,)),
    )
    named_in: str | None = Field(
        default=None,
        description="Value is one of the ';'-separated items of another text field, of the record "
        "or of the record a lookup reaches (e.g. company.committee_covers), compared in any case",
        json_schema_extra=_operator(tests=(ValueType.text, ValueType.identifier)),
    )
    matches: str | None = Field(
        default=None,
        max_length=200,
        description="Text contains a match of this RE2 regular expression (linear time; "
        "use (?i) for any case)",
        json_schema_extra=_operator("contains", "regex", "pattern", "like", "match", tests=_TEXTS),
    )
    listed: ListMatch | None = Field(
        default=None,
        description="Name matches a designated person or entity on the sanctions lists",
        json_schema_extra=_operator(tests=(ValueType.text,)),
    )

    @field_validator("gt", "ge", "lt", "le", mode="before")
    @classmethod
    def _number_as_records_write_it(cls, value: Any) -> Any:
        """`50%`, `30,5` or `1/3` read as a share or an amount of the records is read; what
        does not read is left to the number check, which names it."""
        return read_number(value) if isinstance(value, str) else value

    @field_validator("in_group", mode="before")
    @classmethod
    def _one_group_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one_operator(self) -> FieldCondition:
        given = self.operators()
        if len(given) != 1:
            names = ", ".join(OPERATORS)
            found = ", ".join(given) or "none"
            raise ValueError(f"give exactly one operator ({names}); found {found}")
        return self

    def operators(self) -> list[str]:
        """YAML names of the operators this condition sets."""
        return [
            info.alias or name
            for name, info in type(self).model_fields.items()
            if name != "field" and getattr(self, name) is not None
        ]

    @property
    def operator(self) -> str:
        return self.operators()[0]

    @property
    def argument(self) -> Any:
        return getattr(self, "in_" if self.operator == "in" else self.operator)


OPERATORS: dict[str, str] = {
    info.alias or name: info.description or ""
    for name, info in FieldCondition.model_fields.items()
    if name != "field"
}


def _declared(key: str) -> dict[str, list[str]]:
    """Each operator's `_operator(...)` declaration of `key`."""
    return {
        info.alias or name: cast(list[str], info.json_schema_extra.get(key, []))
        for name, info in FieldCondition.model_fields.items()
        if isinstance(info.json_schema_extra, dict)
    }


OPERATOR_LOOK_ALIKES: dict[str, str] = {
    look_alike: operator
    for operator, look_alikes in _declared("look_alikes").items()
    for look_alike in look_alikes
}
"""Keys written for an operator by analysts used to other tools (`later_than`) → the operator."""
OPERATOR_TYPES: dict[str, frozenset[ValueType]] = {
    operator: frozenset(ValueType(value) for value in tests)
    for operator, tests in _declared("tests").items()
    if tests
}
"""The value types of the fields an operator can test (operators not here test any field)."""
DATE_OPERATORS = frozenset(
    operator for operator, tests in OPERATOR_TYPES.items() if tests == {ValueType.date}
)
"""Operators whose argument is a date: a fixed one, `as_of`, or a field's date plus days."""


class DateTest(_Spec):
    """Exactly one comparison of a date with a fixed date or a record's date."""

    before: dt.date | FieldDate | None = None
    after: dt.date | FieldDate | None = None
    on_or_before: dt.date | FieldDate | None = None
    on_or_after: dt.date | FieldDate | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> DateTest:
        if len(self.model_dump(exclude_none=True)) != 1:
            raise ValueError("give exactly one of before, after, on_or_before, on_or_after")
        return self

    @property
    def operator(self) -> str:
        return next(iter(self.model_dump(exclude_none=True)))

    @property
    def argument(self) -> dt.date | FieldDate:
        value: dt.date | FieldDate = getattr(self, self.operator)
        return value


class AsOfCondition(_Spec):
    """The screen's as-of date compares with a fixed date (e.g. a deadline has passed)."""

    as_of: DateTest


class DateRange(_Spec):
    start: DateRef
    end: DateRef


class PeriodFields(_Spec):
    start: str = Field(description="Field holding the start date (missing: period unknown)")
    end: str = Field(description="Field holding the end date (missing: still open)")


class PeriodCondition(_Spec):
    """A period held in two date fields overlaps a date range (an open end means ongoing)."""

    period: PeriodFields
    overlaps: DateRange


class AllCondition(_Spec):
    """Every condition holds."""

    all: list[Condition] = Field(min_length=1)


class AnyCondition(_Spec):
    """At least one condition holds."""

    any: list[Condition] = Field(min_length=1)


class NotCondition(_Spec):
    """The condition does not hold (a test on a missing value does not hold either)."""

    not_: Condition = Field(alias="not")


class EmployerCondition(_Spec):
    """Worker: the company named by employer_id satisfies the condition."""

    employer: Condition


class CompanyCondition(_Spec):
    """Relationship: the company named by company_id satisfies the condition."""

    company: Condition


class Aggregate(_Spec):
    where: Condition
    at_least: int = Field(default=1, ge=1, description="How many related records must satisfy it")


class RelationshipsCondition(_Spec):
    """Company: at least `at_least` of its relationships satisfy `where`."""

    relationships: Aggregate


class WorkersCondition(_Spec):
    """Company: at least `at_least` of the workers it employs satisfy `where`."""

    workers: Aggregate


class Ownership(_Spec):
    where: Condition = Field(description="The owning company at the top of the chain satisfies it")
    via: Condition | None = Field(
        default=None,
        description="Every link of the chain (a relationship whose party_id names a company in "
        "the data) satisfies it, e.g. a stake of 50% or more; default: every such link",
    )
    max_depth: int = Field(default=5, ge=1, le=20, description="Most links followed up the chain")


class OwnedThroughCondition(_Spec):
    """Company: owned, through one or more companies in the data (relationships whose party_id
    is a company's record_id, up to `max_depth` links, cycles followed once), by a company
    that satisfies `where`."""

    owned_through: Ownership


class Counts(_Spec):
    per: str = Field(description="The field that groups the records, e.g. work_country")
    then: Condition = Field(description="The records counted at the reference point")
    now: Condition = Field(description="The records counted now; findings fall on these")


class CountIncreaseCondition(_Spec):
    """Per value of a field (e.g. per host country), more records satisfy `now` than `then`:
    holds for the records that satisfy `now` in such a group (a missing value groups nothing)."""

    count_increase: Counts


COUNT = "count"
"""Evidence prefix of `count_increase`: `count.then` and `count.now` of the record's group."""

OWNER = "owner"
"""Evidence prefix of `owned_through`: the owning company at the top of the chain."""


class FindingCondition(_Spec):
    """Another rule (applying to the same record kind) fired on this record."""

    finding: str


@dataclass(frozen=True)
class Move:
    """A cross-record condition form: the kinds it joins and the column that links them."""

    name: str
    source: RecordKind
    target: RecordKind
    link: str
    """Holds the other side's record_id: on the source for lookups, on the target for aggregates."""
    aggregate: bool


MOVES: dict[type[_Spec], Move] = {
    EmployerCondition: Move(
        "employer", RecordKind.worker, RecordKind.company, "employer_id", False
    ),
    CompanyCondition: Move(
        "company", RecordKind.relationship, RecordKind.company, "company_id", False
    ),
    RelationshipsCondition: Move(
        "relationships", RecordKind.company, RecordKind.relationship, "company_id", True
    ),
    WorkersCondition: Move("workers", RecordKind.company, RecordKind.worker, "employer_id", True),
}


def through_lookup(path: str, kind: RecordKind) -> tuple[Move | None, str]:
    """A field path seen from a record of `kind`: `company.dissolved` names a field of the
    record a lookup move reaches (that move, `dissolved`); a plain name, the record's own."""
    head, _, rest = path.partition(".")
    for move in MOVES.values():
        if rest and not move.aggregate and move.name == head and move.source is kind:
            return move, rest
    return None, path


def move_of(condition: Any) -> Move | None:
    """The move a condition makes to related records, if it is a cross-record condition."""
    return MOVES.get(type(condition))


def inner_condition(condition: Any, move: Move) -> Condition:
    """The condition a move applies to the related records."""
    inner = getattr(condition, move.name)
    return inner.where if move.aggregate else inner  # type: ignore[no-any-return]


def walk(condition: Condition, kind: RecordKind) -> Iterator[tuple[Condition, RecordKind]]:
    """Every condition of the tree, parents before children, with the record kind it tests."""
    yield condition, kind
    if isinstance(condition, AllCondition | AnyCondition):
        for child in condition.all if isinstance(condition, AllCondition) else condition.any:
            yield from walk(child, kind)
    elif isinstance(condition, NotCondition):
        yield from walk(condition.not_, kind)
    elif isinstance(condition, OwnedThroughCondition):
        ownership = condition.owned_through
        if ownership.via is not None:
            yield from walk(ownership.via, RecordKind.relationship)
        yield from walk(ownership.where, RecordKind.company)
    elif isinstance(condition, CountIncreaseCondition):
        yield from walk(condition.count_increase.then, kind)
        yield from walk(condition.count_increase.now, kind)
    elif (move := move_of(condition)) is not None:
        yield from walk(inner_condition(condition, move), move.target)


def tested_fields(condition: Condition, kind: RecordKind) -> Iterator[tuple[RecordKind, str]]:
    """Every field the condition tests, with the kind of record it is a field of."""
    for part, part_kind in walk(condition, kind):
        if isinstance(part, FieldCondition):
            yield part_kind, part.field
        elif isinstance(part, PeriodCondition):
            yield part_kind, part.period.start
            yield part_kind, part.period.end


_FORMS: dict[str, type[_Spec]] = {
    "all": AllCondition,
    "any": AnyCondition,
    "not": NotCondition,
    "field": FieldCondition,
    "period": PeriodCondition,
    "employer": EmployerCondition,
    "company": CompanyCondition,
    "relationships": RelationshipsCondition,
    "workers": WorkersCondition,
    "owned_through": OwnedThroughCondition,
    "count_increase": CountIncreaseCondition,
    "finding": FindingCondition,
    "as_of": AsOfCondition,
}


def _form_of(value: Any) -> str | None:
    """The union member a condition is: tags are named `<key> condition`, never a YAML key."""
    if isinstance(value, BaseModel):
        for key, model in _FORMS.items():
            if isinstance(value, model):
                return f"{key} condition"
        return None
    if isinstance(value, dict):
        for key in _FORMS:
            if key in value:
                return f"{key} condition"
    return None


Condition = Annotated[
    Annotated[AllCondition, Tag("all condition")]
    | Annotated[AnyCondition, Tag("any condition")]
    | Annotated[NotCondition, Tag("not condition")]
    | Annotated[FieldCondition, Tag("field condition")]
    | Annotated[PeriodCondition, Tag("period condition")]
    | Annotated[EmployerCondition, Tag("employer condition")]
    | Annotated[CompanyCondition, Tag("company condition")]
    | Annotated[RelationshipsCondition, Tag("relationships condition")]
    | Annotated[WorkersCondition, Tag("workers condition")]
    | Annotated[OwnedThroughCondition, Tag("owned_through condition")]
    | Annotated[CountIncreaseCondition, Tag("count_increase condition")]
    | Annotated[FindingCondition, Tag("finding condition")]
    | Annotated[AsOfCondition, Tag("as_of condition")],
    Discriminator(
        _form_of,
        custom_error_type="condition",
        custom_error_message=f"a condition needs one of the keys: {', '.join(_FORMS)}",
    ),
]

for _model in (
    AllCondition,
    AnyCondition,
    NotCondition,
    EmployerCondition,
    CompanyCondition,
    Aggregate,
    RelationshipsCondition,
    WorkersCondition,
    Ownership,
    OwnedThroughCondition,
    Counts,
    CountIncreaseCondition,
):
    _model.model_rebuild()
