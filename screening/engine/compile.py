"""Compile a rule's condition tree into one function over whole tables.

Each condition form becomes a closure that returns an `Evaluated` (mask + evidence columns) for
every record of the kind at once. Moves to related records are joins and group-bys on record ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from screening.display import display
from screening.engine.context import Context, Evaluated
from screening.engine.operators import OPERATORS
from screening.records import NAME_FIELD, RecordKind
from screening.rulespec.checks import LIST_EVIDENCE
from screening.rulespec.conditions import (
    AS_OF,
    AllCondition,
    AnyCondition,
    AsOfCondition,
    Condition,
    FieldCondition,
    FindingCondition,
    NotCondition,
    PeriodCondition,
    inner_condition,
    move_of,
)

Compiled = Callable[[Context], Evaluated]


def compile_condition(condition: Condition, kind: RecordKind) -> Compiled:
    """The function that evaluates `condition` on every record of `kind`."""
    if isinstance(condition, FieldCondition):
        return _compile_field(condition, kind)
    if isinstance(condition, PeriodCondition):
        return _compile_period(condition, kind)
    if isinstance(condition, AllCondition):
        return _combine([compile_condition(c, kind) for c in condition.all], every=True)
    if isinstance(condition, AnyCondition):
        return _combine([compile_condition(c, kind) for c in condition.any], every=False)
    if isinstance(condition, NotCondition):
        return _negate(compile_condition(condition.not_, kind))
    if isinstance(condition, FindingCondition):
        return _compile_finding(condition.finding, kind)
    if isinstance(condition, AsOfCondition):
        return _compile_as_of(condition, kind)
    move = move_of(condition)
    if move is None:
        raise TypeError(f"unknown condition {condition!r}")
    inner = compile_condition(inner_condition(condition, move), move.target)
    if not move.aggregate:
        return _compile_lookup(inner, kind, move.target, move.link, move.name)
    at_least = getattr(condition, move.name).at_least
    return _compile_aggregate(inner, move.target, move.link, move.name, at_least)


def resolve_date(value: dt.date | str, as_of: pd.Timestamp) -> pd.Timestamp:
    """A rule's date: fixed, or the screen's as-of date."""
    return as_of if value == AS_OF else pd.Timestamp(value)


def _compile_field(condition: FieldCondition, kind: RecordKind) -> Compiled:
    name, operator = condition.field, condition.operator
    if operator == "listed":
        return _compile_listed(condition, kind)
    predicate = OPERATORS[operator]
    argument: Any = condition.argument

    def run(context: Context) -> Evaluated:
        values = context.values(kind)[name]
        resolved = argument
        if isinstance(argument, dt.date | str) and operator in _DATE_OPERATORS:
            resolved = resolve_date(argument, context.as_of)
        return Evaluated(predicate(values, resolved), {name: values})

    return run


_DATE_OPERATORS = {"before", "after", "on_or_before", "on_or_after"}


def _compile_listed(condition: FieldCondition, kind: RecordKind) -> Compiled:
    options = condition.listed
    assert options is not None
    threshold, schema = options.threshold, options.schema_

    def run(context: Context) -> Evaluated:
        values = context.values(kind)
        best = context.name_matches(kind, condition.field, threshold, schema)
        mask = pd.Series(values.index.isin(best.index), index=values.index)
        evidence = {condition.field: values[condition.field]}
        for key in LIST_EVIDENCE:
            evidence[key] = best[key.removeprefix("list.")].reindex(values.index)
        return Evaluated(mask, evidence, best["entry_sha"].reindex(values.index))

    return run


def _compile_period(condition: PeriodCondition, kind: RecordKind) -> Compiled:
    start_field, end_field = condition.period.start, condition.period.end

    def run(context: Context) -> Evaluated:
        values = context.values(kind)
        start, end = values[start_field], values[end_field]
        window_start = resolve_date(condition.overlaps.start, context.as_of)
        window_end = resolve_date(condition.overlaps.end, context.as_of)
        mask = (start <= window_end) & (end.isna() | (end >= window_start))
        return Evaluated(mask.fillna(False).astype(bool), {start_field: start, end_field: end})

    return run


def _combine(parts: list[Compiled], every: bool) -> Compiled:
    def run(context: Context) -> Evaluated:
        results = [part(context) for part in parts]
        mask = results[0].mask.copy()
        evidence: dict[str, pd.Series] = {}
        entry_sha: pd.Series | None = None
        for result in results:
            mask = (mask & result.mask) if every else (mask | result.mask)
            evidence.update(result.evidence)
            if result.entry_sha is not None:
                entry_sha = (
                    result.entry_sha if entry_sha is None else entry_sha.fillna(result.entry_sha)
                )
        return Evaluated(mask, evidence, entry_sha)

    return run


def _negate(part: Compiled) -> Compiled:
    def run(context: Context) -> Evaluated:
        result = part(context)
        return Evaluated(~result.mask, result.evidence, result.entry_sha)

    return run


def _compile_as_of(condition: AsOfCondition, kind: RecordKind) -> Compiled:
    test = condition.as_of
    predicate = OPERATORS[test.operator]

    def run(context: Context) -> Evaluated:
        index = context.values(kind).index
        as_of = pd.Series(context.as_of, index=index)
        return Evaluated(predicate(as_of, pd.Timestamp(test.argument)), {"as_of": as_of})

    return run


def _compile_finding(rule_id: str, kind: RecordKind) -> Compiled:
    def run(context: Context) -> Evaluated:
        fired = context.fired[rule_id]
        shown = fired.map({True: "yes", False: "no"})
        return Evaluated(fired, {f"finding.{rule_id}": shown})

    return run


def _compile_lookup(
    inner: Compiled, kind: RecordKind, target: RecordKind, key: str, name: str
) -> Compiled:
    """Worker → its employer, relationship → its company: a join on the target's record_id."""

    def run(context: Context) -> Evaluated:
        values = context.values(kind)
        related = context.values(target)
        result = inner(context)
        rows = values[key].map(context.positions(target))
        mask = _take(result.mask, rows, values.index).fillna(False).astype(bool)
        evidence = {
            f"{name}.record_id": _take(related["record_id"], rows, values.index),
            f"{name}.{NAME_FIELD[target]}": _take(related[NAME_FIELD[target]], rows, values.index),
        }
        for field_name, series in result.evidence.items():
            evidence[f"{name}.{field_name}"] = _take(series, rows, values.index)
        return Evaluated(mask, evidence)

    return run


def _take(series: pd.Series, rows: pd.Series, index: pd.Index) -> pd.Series:
    """series[rows] aligned to `index`; rows that name no record give missing values."""
    return series.reindex(rows.to_numpy()).set_axis(index)


def _compile_aggregate(
    inner: Compiled, target: RecordKind, key: str, name: str, at_least: int
) -> Compiled:
    """Company → its relationships or workers: a group-by on the link column."""

    def run(context: Context) -> Evaluated:
        companies = context.values(RecordKind.company)
        related = context.values(target)
        result = inner(context)
        held = related[result.mask.to_numpy()]
        described = _describe(held, result.evidence, target)
        groups = described.groupby(held[key], sort=False)
        count = groups.size()
        ids = groups["record_id"].agg(", ".join)
        names = groups["described"].agg("; ".join)
        company_ids = companies["record_id"]
        counts = company_ids.map(count).fillna(0).astype(int)
        evidence: dict[str, pd.Series] = {
            f"{name}.count": counts,
            f"{name}.ids": company_ids.map(ids),
            f"{name}.names": company_ids.map(names),
        }
        return Evaluated(counts.ge(at_least), evidence)

    return run


def _describe(held: pd.DataFrame, evidence: dict[str, pd.Series], kind: RecordKind) -> pd.DataFrame:
    """`Name [field=value, ...]` for each related record that satisfied the condition."""
    described = held[NAME_FIELD[kind]].astype("str").fillna("?")
    details = [
        field_name + "=" + display(series[held.index])
        for field_name, series in evidence.items()
        # the record's name leads; which rule fired is already said by the condition
        if field_name != NAME_FIELD[kind] and not field_name.startswith("finding.")
    ]
    if details:
        joined = details[0]
        for part in details[1:]:
            joined = joined + ", " + part
        described = described + " [" + joined + "]"
    return pd.DataFrame({"record_id": held["record_id"].astype("str"), "described": described})
