"""Checks a rule needs beyond its own schema: fields exist and fit their operators, placeholders
name evidence the rule produces, and the cross-record moves fit the record kind."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from screening.normalizing.countries import read_country
from screening.normalizing.decisions import DECISION_VALUES, read_status
from screening.normalizing.roles import vocabulary
from screening.records import NAME_FIELD, Column, RecordKind, ValueType, schema_for
from screening.rulespec.conditions import (
    COUNT,
    OPERATOR_TYPES,
    OWNER,
    AllCondition,
    AnyCondition,
    AsOfCondition,
    Condition,
    CountIncreaseCondition,
    FieldCondition,
    FieldDate,
    FindingCondition,
    NotCondition,
    OwnedThroughCondition,
    PeriodCondition,
    Scalar,
    inner_condition,
    move_of,
    through_lookup,
    walk,
)
from screening.rulespec.rule import Rule

Location = tuple[str | int, ...]
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)(?:\|([^{}]*))?\}")
"""`{field}`, `{field|shown when missing}` or `{count|plural:noun}` in an explain template."""
PLURAL = "plural:"
"""`{workers.count|plural:DPRK national}`: the noun for a number, "DPRK national" where it is 1,
"DPRK nationals" otherwise; `plural:person/people` gives both forms."""
_FORM = re.compile(r"\s*([A-Za-z]+):(?!\s)")
"""What reads as a form (`plural:`, or a misspelt one such as `plurl:`) rather than words."""


def plural_forms(words: str | None) -> tuple[str, str] | None:
    """The singular and plural of a `plural:` placeholder's noun (None: not a plural form).

    The plural is written after a `/`, or made by English's regular rule on the last word:
    company → companies, link → links, box → boxes."""
    if words is None or not words.startswith(PLURAL):
        return None
    noun = words.removeprefix(PLURAL).strip()
    if "/" in noun:
        singular, plural = (part.strip() for part in noun.split("/", 1))
        return singular, plural
    return noun, _regular_plural(noun)


def _regular_plural(noun: str) -> str:
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    return noun + "s"


LIST_EVIDENCE = (
    "list.name",
    "list.reference",
    "list.entry_name",
    "list.matched_name",
    "list.score",
    "list.alignment",
    "list.read_as",
    "list.corroboration",
    "list.listed_on",
    "list.also_matched",
)
AGGREGATE_EVIDENCE = ("count", "ids", "names")
OWNER_EVIDENCE = ("record_id", "name", "path", "depth")
"""What `owned_through` shows of the chain, under the `owner.` prefix."""


class CheckError(ValueError):
    """A problem in a rule, with the location of the offending value in the rule file."""

    def __init__(self, message: str, location: Location):
        super().__init__(message)
        self.location = location


def evidence_keys(condition: Condition, kind: RecordKind, prefix: str = "") -> Iterator[str]:
    """The evidence keys a condition contributes to a finding (placeholders may use them)."""
    if isinstance(condition, FieldCondition):
        yield prefix + condition.field
        if condition.listed is not None:
            yield from (prefix + key for key in LIST_EVIDENCE)
            if condition.listed.in_force_on is not None:
                yield prefix + condition.listed.in_force_on
        if isinstance(condition.argument, FieldDate):
            yield prefix + condition.argument.field
        if condition.named_in is not None:
            yield prefix + condition.named_in
    elif isinstance(condition, PeriodCondition):
        yield prefix + condition.period.start
        yield prefix + condition.period.end
        for end in (condition.overlaps.start, condition.overlaps.end):
            if isinstance(end, FieldDate):
                yield prefix + end.field
    elif isinstance(condition, CountIncreaseCondition):
        counts = condition.count_increase
        yield prefix + counts.per
        yield from (f"{prefix}{COUNT}.{key}" for key in ("then", "now"))
        yield from evidence_keys(counts.now, kind, prefix)
    elif isinstance(condition, OwnedThroughCondition):
        yield from (f"{prefix}{OWNER}.{key}" for key in OWNER_EVIDENCE)
        where = condition.owned_through.where
        yield from evidence_keys(where, RecordKind.company, f"{prefix}{OWNER}.")
    elif isinstance(condition, AllCondition | AnyCondition):
        for child in condition.all if isinstance(condition, AllCondition) else condition.any:
            yield from evidence_keys(child, kind, prefix)
    elif isinstance(condition, NotCondition):
        yield from evidence_keys(condition.not_, kind, prefix)
    elif isinstance(condition, FindingCondition):
        yield f"{prefix}finding.{condition.finding}"
    elif isinstance(condition, AsOfCondition):
        yield "as_of"
        if isinstance(condition.as_of.argument, FieldDate):
            yield prefix + condition.as_of.argument.field
    elif (move := move_of(condition)) is not None:
        if move.aggregate:
            yield from (f"{prefix}{move.name}.{key}" for key in AGGREGATE_EVIDENCE)
        else:
            yield f"{prefix}{move.name}.record_id"
            yield f"{prefix}{move.name}.{NAME_FIELD[move.target]}"
            inner = inner_condition(condition, move)
            yield from evidence_keys(inner, move.target, f"{prefix}{move.name}.")


def check_condition(condition: Condition, kind: RecordKind, location: Location) -> Iterator[str]:
    """Check fields and moves; yield the rule ids the condition's `finding` refers to."""
    if isinstance(condition, FieldCondition):
        _check_field(condition, kind, location)
    elif isinstance(condition, PeriodCondition):
        for end in ("start", "end"):
            _check_date_field(getattr(condition.period, end), kind, (*location, "period", end))
            _check_date_ref(getattr(condition.overlaps, end), kind, (*location, "overlaps", end))
    elif isinstance(condition, AllCondition):
        for index, child in enumerate(condition.all):
            yield from check_condition(child, kind, (*location, "all", index))
    elif isinstance(condition, AnyCondition):
        for index, child in enumerate(condition.any):
            yield from check_condition(child, kind, (*location, "any", index))
    elif isinstance(condition, NotCondition):
        yield from check_condition(condition.not_, kind, (*location, "not"))
    elif isinstance(condition, FindingCondition):
        yield condition.finding
    elif isinstance(condition, AsOfCondition):
        test = condition.as_of
        _check_date_ref(test.argument, kind, (*location, "as_of", test.operator))
    elif isinstance(condition, OwnedThroughCondition):
        yield from _check_ownership(condition, kind, location)
    elif isinstance(condition, CountIncreaseCondition):
        counts, here = condition.count_increase, (*location, "count_increase")
        columns = schema_for(kind).columns
        if counts.per not in columns:
            raise CheckError(
                f"{kind.value} records have no field {counts.per!r} (fields: {', '.join(columns)})",
                (*here, "per"),
            )
        yield from check_condition(counts.then, kind, (*here, "then"))
        yield from check_condition(counts.now, kind, (*here, "now"))
    else:
        yield from _check_move(condition, kind, location)


def _check_ownership(
    condition: OwnedThroughCondition, kind: RecordKind, location: Location
) -> Iterator[str]:
    here = (*location, "owned_through")
    if kind is not RecordKind.company:
        raise CheckError(
            f"`owned_through` applies to company records; this is a {kind.value}", here
        )
    ownership = condition.owned_through
    if ownership.via is not None:
        yield from check_condition(ownership.via, RecordKind.relationship, (*here, "via"))
    yield from check_condition(ownership.where, RecordKind.company, (*here, "where"))


def _check_date_ref(value: object, kind: RecordKind, location: Location) -> None:
    """A `{field: ..., days: ...}` date names a date field of the record, or of the record a
    lookup move (`employer.`, `company.`) reaches."""
    if not isinstance(value, FieldDate):
        return
    move, field = through_lookup(value.field, kind)
    _check_date_field(field, kind if move is None else move.target, (*location, "field"))


def _check_move(condition: Condition, kind: RecordKind, location: Location) -> Iterator[str]:
    move = move_of(condition)
    if move is None:
        raise TypeError(f"unknown condition {condition!r}")
    if move.source is not kind:
        raise CheckError(
            f"`{move.name}` moves from a {move.source.value} record; this is a {kind.value}",
            (*location, move.name),
        )
    inner_location = (*location, move.name, *(("where",) if move.aggregate else ()))
    yield from check_condition(inner_condition(condition, move), move.target, inner_location)


def _check_field(condition: FieldCondition, kind: RecordKind, location: Location) -> None:
    columns = schema_for(kind).columns
    if condition.field not in columns:
        raise CheckError(
            f"{kind.value} records have no field {condition.field!r} "
            f"(fields: {', '.join(columns)})",
            (*location, "field"),
        )
    allowed = OPERATOR_TYPES.get(condition.operator)
    value_type = columns[condition.field].type
    if allowed is not None and value_type not in allowed:
        raise CheckError(
            f"operator `{condition.operator}` does not apply to {value_type.value} field "
            f"{condition.field!r}",
            (*location, condition.operator),
        )
    if condition.operator in ("equals", "in"):
        _check_literals(condition, columns[condition.field], (*location, condition.operator))
    if condition.operator == "matches":
        _check_regex(condition.matches or "", (*location, "matches"))
    if condition.operator == "in_group":
        groups = vocabulary().groups
        for group in condition.in_group or []:
            if group not in groups:
                raise CheckError(
                    f"unknown role group {group!r} (groups: {', '.join(groups)})",
                    (*location, "in_group"),
                )
    _check_date_ref(condition.argument, kind, (*location, condition.operator))
    if condition.named_in is not None:
        move, field = through_lookup(condition.named_in, kind)
        owner = kind if move is None else move.target
        column = schema_for(owner).columns.get(field)
        if column is None or column.type not in (ValueType.text, ValueType.identifier):
            raise CheckError(
                f"{field!r} is not a text field of {owner.value} records",
                (*location, "named_in"),
            )
    if condition.listed is not None and condition.listed.in_force_on is not None:
        where = (*location, "listed", "in_force_on")
        _check_date_field(condition.listed.in_force_on, kind, where)


def literal_values(condition: FieldCondition, column: Column) -> list[Scalar]:
    """The values an `equals`/`in` names, read as the records' values of that column are
    (`North Korea`, `КНДР` → KP; `одобрено` → approved), so that they compare with the
    normalized column. Raises ValueError, saying why, for one no record could hold."""
    return [_literal(value, column) for value in _written(condition)]


def _written(condition: FieldCondition) -> list[Scalar]:
    if condition.operator == "in":
        return list(condition.in_ or [])
    return [] if condition.equals is None else [condition.equals]


def _literal(value: Scalar, column: Column) -> Scalar:
    text = str(value)
    if column.type is ValueType.country:
        country = read_country(text)
        if country.code is None:
            raise ValueError(
                f"{text!r} is no country the records could hold "
                f"({country.problem or 'not a country'}); write an ISO code such as KP, or a "
                "country's name"
            )
        return country.code
    if column.type is ValueType.decision and text.casefold() not in DECISION_VALUES:
        status = read_status(text)
        if status.problem is not None:
            raise ValueError(
                f"{text!r} is no Committee decision ({status.problem}); "
                f"write one of: {', '.join(DECISION_VALUES)}"
            )
        return status.status
    if column.choices and text.casefold() not in column.choices:
        raise ValueError(f"{text!r} is not one of {', '.join(column.choices)}")
    return value


def _check_literals(condition: FieldCondition, column: Column, location: Location) -> None:
    for index, value in enumerate(_written(condition)):
        try:
            _literal(value, column)
        except ValueError as problem:
            where = (*location, index) if condition.operator == "in" else location
            raise CheckError(str(problem), where) from None


def _check_date_field(field: str, kind: RecordKind, location: Location) -> None:
    column = schema_for(kind).columns.get(field)
    if column is None or column.type is not ValueType.date:
        raise CheckError(f"{field!r} is not a date field of {kind.value} records", location)


_ONE_EMPTY_TEXT = pa.array([""], type=pa.large_string())


def regex_error(pattern: str) -> str | None:
    """Why RE2, the engine `matches` runs on, refuses `pattern`; None when it compiles.

    The pattern is compiled the way the engine's `matches` runs it (Arrow's RE2). Arrow
    compiles a pattern only when there is a value to test, so it is tried on one empty text."""
    try:
        pc.match_substring_regex(_ONE_EMPTY_TEXT, pattern=pattern)
    except pa.ArrowInvalid as error:
        return str(error).removeprefix("Invalid regular expression: ")
    return None


# What a pattern written for Perl or Python often uses and RE2 does not have: said plainly when
# RE2 refuses such a pattern, since its own message ("invalid escape sequence: \1") does not.
_PERL_ONLY = re.compile(r"\\[1-9]|\(\?[=!<]")


def _check_regex(pattern: str, location: Location) -> None:
    """Refuse what RE2 refuses, compiled as the engine runs it, so a rule file that validates
    never fails a run (Python's `re` accepts `a++`, which RE2 refuses, and refuses `\\p{Hangul}`,
    which RE2 accepts). RE2 is linear time, so a rule file cannot make a run hang."""
    problem = regex_error(pattern)
    if problem is None:
        return
    if _PERL_ONLY.search(pattern):
        raise CheckError("backreferences and lookaround are not supported (RE2 syntax)", location)
    raise CheckError(f"invalid regular expression (RE2 syntax): {problem}", location)


def check_template(rule: Rule) -> None:
    """Every placeholder of `explain` names a field of the record or evidence the rule produces;
    a `plural:` form names a number and a noun."""
    known = set(schema_for(rule.applies_to).columns) | {"as_of"}
    known |= set(evidence_keys(rule.when, rule.applies_to))
    _check_braces(rule.explain)
    for name, words in PLACEHOLDER.findall(rule.explain):
        if name not in known:
            raise CheckError(
                f"explain uses {{{name}}}, which this rule does not produce "
                f"(available: {', '.join(sorted(known))})",
                ("explain",),
            )
        _check_form(name, words or None, rule.applies_to)


def _check_form(name: str, words: str | None, kind: RecordKind) -> None:
    """A `{name|plural:noun}` counts a number and names a noun; a form this language does not
    know (`plurl:`) is an error, not words shown when the value is missing."""
    form = None if words is None else _FORM.match(words)
    if form is None:
        return
    written = f"{{{name}|{words}}}"
    if form.group(0).strip() != PLURAL:
        raise CheckError(
            f"explain uses {written}: {form.group(1)!r} is no template form; write "
            f"{{{name}|{PLURAL}noun}} for the noun of a number, or {{{name}|words}} for the words "
            "shown when the value is missing (with a space after a colon)",
            ("explain",),
        )
    forms = plural_forms(words)
    assert forms is not None
    if not all(forms) or any("/" in form for form in forms):
        raise CheckError(
            f"explain uses {written}: write {PLURAL}noun (company) or {PLURAL}singular/plural "
            "(person/people)",
            ("explain",),
        )
    if not _is_number(name, kind):
        raise CheckError(
            f"explain uses {written}, but {{{name}}} is not a number: {PLURAL} chooses the noun "
            "for a count ({workers.count|plural:DPRK national}) or a number field",
            ("explain",),
        )


def _is_number(name: str, kind: RecordKind) -> bool:
    """Whether a placeholder holds a number: a count (`workers.count`, `count.now`), the depth
    of an ownership chain, or a number field of a record."""
    *path, last = name.split(".")
    if last in ("then", "now") and path[-1:] == [COUNT]:
        return True
    if (last == "count" and path) or (last == "depth" and path[-1:] == [OWNER]):
        return True
    kinds = [kind] if not path else list(RecordKind)
    return any(
        (column := schema_for(each).columns.get(last)) is not None
        and column.type is ValueType.number
        for each in kinds
    )


def _check_braces(template: str) -> None:
    """A `{` or `}` outside a complete placeholder would reach the report as it is written."""
    rest = PLACEHOLDER.sub(lambda match: " " * len(match.group(0)), template)
    stray = re.search(r"[{}]", rest)
    if stray is None:
        return
    near = template[stray.start() : stray.start() + 40].split("\n")[0]
    raise CheckError(
        f"explain has a {stray.group(0)!r} that opens or closes no placeholder, at «{near}»: "
        "write {field} or {field|shown when missing}",
        ("explain",),
    )


def finding_kinds(condition: Condition, kind: RecordKind) -> dict[str, RecordKind]:
    """For each `finding: ID` in the condition, the record kind it is asked about."""
    return {
        part.finding: asked_on
        for part, asked_on in walk(condition, kind)
        if isinstance(part, FindingCondition)
    }
