"""Compile a rule's condition tree into one function over whole tables.

Each condition form becomes a closure that returns an `Evaluated` for every record of the kind at
once: the mask eagerly, the evidence as functions of the rows that end up with a finding. Moves to
related records are lookups of row positions (cached per run) and counts per record id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.display import MISSING
from screening.engine.context import Context, Evaluated, Evidence
from screening.engine.operators import OPERATORS, matches_distinct
from screening.engine.ownership import chain_column, chain_paths, walk_chains
from screening.engine.rows import distinct_rows, take_rows
from screening.engine.shown import shown_text
from screening.engine.text import Text, arrow_text, joined
from screening.normalizing.decisions import named_in
from screening.records import NAME_FIELD, RecordKind, ValueType, schema_for
from screening.rulespec.checks import LIST_EVIDENCE, literal_values
from screening.rulespec.conditions import (
    AS_OF,
    COUNT,
    DATE_OPERATORS,
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
    inner_condition,
    move_of,
    through_lookup,
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
    if isinstance(condition, OwnedThroughCondition):
        return _compile_owned_through(condition)
    if isinstance(condition, CountIncreaseCondition):
        return _compile_count_increase(condition, kind)
    move = move_of(condition)
    if move is None:
        raise TypeError(f"unknown condition {condition!r}")
    inner = compile_condition(inner_condition(condition, move), move.target)
    if not move.aggregate:
        return _compile_lookup(inner, kind, move.target, move.link, move.name)
    at_least = getattr(condition, move.name).at_least
    return _compile_aggregate(inner, move.target, move.link, move.name, at_least)


DateOperand = pd.Timestamp | pd.Series


def resolve_date(value: dt.date | str, as_of: DateOperand) -> DateOperand:
    """A rule's date: fixed, or the as-of date (the screen's, or each record's)."""
    return as_of if value == AS_OF else pd.Timestamp(value)


def date_operand(
    value: dt.date | str | FieldDate, context: Context, kind: RecordKind
) -> tuple[DateOperand, dict[str, Evidence]]:
    """A rule's date for every record of `kind`: fixed, the as-of date, or a date field (of the
    record or of the record a lookup reaches) plus days; with the evidence that shows it."""
    if not isinstance(value, FieldDate):
        return resolve_date(value, context.as_of_for(kind)), {}
    dates = field_values(context, kind, value.field)
    shown = dates.reset_index(drop=True)
    return dates + pd.Timedelta(days=value.days), {value.field: _column(shown)}


def field_values(context: Context, kind: RecordKind, path: str) -> pd.Series:
    """A field of every record of `kind`, or (`company.X`, `employer.X`) of the record a lookup
    reaches: missing where it reaches none."""
    move, field = through_lookup(path, kind)
    if move is None:
        return context.column(kind, path)
    rows, column = context.links(kind, move.link, move.target), context.column(move.target, field)
    index = context.values(kind).index
    if not len(column):
        return pd.Series(index=index, dtype=column.dtype)
    return take_rows(column, np.maximum(rows, 0)).set_axis(index).mask(rows < 0)


def _compile_field(condition: FieldCondition, kind: RecordKind) -> Compiled:
    name, operator = condition.field, condition.operator
    if operator == "listed":
        return _compile_listed(condition, kind)
    if operator == "named_in":
        return _compile_named_in(condition, kind)
    predicate = OPERATORS[operator]
    argument: Any = condition.argument
    if operator in ("equals", "in"):
        read = literal_values(condition, schema_for(kind).columns[name])
        argument = read if operator == "in" else read[0]

    def test(context: Context, values: pd.Series, resolved: Any) -> pd.Series:
        if operator == "matches":
            return matches_distinct(context.factorized(kind, name), values.index, resolved)
        return predicate(values, resolved)

    def run(context: Context) -> Evaluated:
        values = context.column(kind, name)
        resolved: Any = argument
        evidence: dict[str, Evidence] = {}
        if operator in DATE_OPERATORS:
            resolved, evidence = date_operand(argument, context, kind)
        key = repr(argument) if isinstance(argument, FieldDate) else repr(resolved)
        mask = context.tested((kind, name, operator, key), lambda: test(context, values, resolved))
        return Evaluated(mask, {name: _column(values), **evidence})

    return run


def _compile_named_in(condition: FieldCondition, kind: RecordKind) -> Compiled:
    name, path = condition.field, condition.named_in
    assert path is not None

    def run(context: Context) -> Evaluated:
        values, texts = context.column(kind, name), field_values(context, kind, path)
        held = named_in(values, texts)
        evidence = {name: _column(values), path: _column(texts.reset_index(drop=True))}
        return Evaluated(pd.Series(held, index=values.index), evidence)

    return run


def _compile_listed(condition: FieldCondition, kind: RecordKind) -> Compiled:
    options = condition.listed
    assert options is not None
    threshold, schema, in_force_on = options.threshold, options.schema_, options.in_force_on

    def run(context: Context) -> Evaluated:
        index = context.values(kind).index
        best = context.name_matches(kind, condition.field, threshold, schema, in_force_on)
        mask = pd.Series(_labelled(index, best.index), index=index)
        evidence = {condition.field: _column(context.column(kind, condition.field))}
        for key in LIST_EVIDENCE:
            evidence[key] = _matched(best[key.removeprefix("list.")], index)
        if in_force_on is not None:
            evidence[in_force_on] = _column(context.column(kind, in_force_on))
        return Evaluated(mask, evidence, _matched(best["entry_sha"], index))

    return run


def _labelled(index: pd.Index, labels: pd.Index) -> np.ndarray:
    """Which rows of `index` carry one of `labels`. The matches' labels come as objects: as
    the index's own type, a range index finds them arithmetically instead of hashing every
    row (~80 ms a million)."""
    positions = index.get_indexer(labels.astype(index.dtype))
    mask = np.zeros(len(index), dtype=bool)
    mask[positions[positions >= 0]] = True
    return mask


def _compile_period(condition: PeriodCondition, kind: RecordKind) -> Compiled:
    start_field, end_field = condition.period.start, condition.period.end

    def run(context: Context) -> Evaluated:
        start, end = context.column(kind, start_field), context.column(kind, end_field)
        window_start, start_shown = date_operand(condition.overlaps.start, context, kind)
        window_end, end_shown = date_operand(condition.overlaps.end, context, kind)
        # a bound read from a missing date compares false: the period test does not hold; nor
        # does it for a window that closes before it opens
        mask = (start <= window_end) & (end.isna() | (end >= window_start))
        mask &= window_start <= window_end
        evidence = {start_field: _column(start), end_field: _column(end)}
        return Evaluated(mask.fillna(False).astype(bool), {**evidence, **start_shown, **end_shown})

    return run


def _combine(parts: list[Compiled], every: bool) -> Compiled:
    def run(context: Context) -> Evaluated:
        results = [part(context) for part in parts]
        mask = results[0].mask
        evidence: dict[str, Evidence] = {}
        entry_sha: Evidence | None = None
        for result in results:
            mask = (mask & result.mask) if every else (mask | result.mask)
            _add_evidence(evidence, result.evidence)
            if result.entry_sha is not None:
                entry_sha = (
                    result.entry_sha if entry_sha is None else _first(entry_sha, result.entry_sha)
                )
        held = _held_in_all(results) if every else _held_in_any(results)
        return Evaluated(mask, evidence, entry_sha, held)

    return run


def _held_in_any(results: list[Evaluated]) -> dict[str, np.ndarray]:
    """Of an `any`, each key is evidence where a branch that gives it held: a branch that did
    not hold (another rule that did not fire, a link count below its `at_least`) says nothing
    of the record."""
    held: dict[str, np.ndarray] = {}
    for result in results:
        mask = result.mask.to_numpy(dtype=bool)
        for key in result.evidence:
            where = mask & result.held[key] if key in result.held else mask
            held[key] = held[key] | where if key in held else where
    return held


def _held_in_all(results: list[Evaluated]) -> dict[str, np.ndarray]:
    """Of an `all`, each key is evidence where any part that gives it would show it."""
    held: dict[str, np.ndarray] = {}
    everywhere: set[str] = set()
    for result in results:
        for key in result.evidence:
            if key not in result.held:
                everywhere.add(key)
            else:
                where = result.held[key]
                held[key] = held[key] | where if key in held else where
    return {key: where for key, where in held.items() if key not in everywhere}


def _held_through(
    held: dict[str, np.ndarray], links: np.ndarray, prefix: str
) -> dict[str, np.ndarray]:
    """Where the keys of related records are evidence, seen from the records that link to them
    (`links`: each record's related row, -1: none), under `prefix`."""
    linked = links >= 0
    seen: dict[str, np.ndarray] = {}
    for key, where in held.items():
        mapped = np.zeros(len(links), dtype=bool)
        mapped[linked] = where[links[linked]]
        seen[f"{prefix}.{key}"] = mapped
    return seen


_LIST_REFERENCE = "list.reference"


def _add_evidence(evidence: dict[str, Evidence], more: dict[str, Evidence]) -> None:
    """Add `more` to `evidence`; a later value replaces an earlier one, except a list match's.

    The `list.*` evidence of one match stays together: where two conditions each give one (say
    `listed` and `not: listed: {in_force_on: ...}`), a record shows the first condition's match,
    or the next one's where the first has none, as `entry_sha` does. Moves prefix the keys
    (`company.list.name`); each prefix is one match."""
    prefixes = [
        key.removesuffix(_LIST_REFERENCE)
        for key in more
        if key.endswith(_LIST_REFERENCE) and key in evidence
    ]
    held = {prefix: evidence[prefix + _LIST_REFERENCE] for prefix in prefixes}
    for key, values in more.items():
        prefix = next(
            (p for p in prefixes if key.startswith(p + "list.") and key in evidence), None
        )
        if prefix is None or key.removeprefix(prefix) not in LIST_EVIDENCE:
            evidence[key] = values
        else:
            evidence[key] = _matched_first(held[prefix], evidence[key], values)


def _matched_first(reference: Evidence, first: Evidence, second: Evidence) -> Evidence:
    """`first` where its match's `reference` is given, else `second`."""

    def at(rows: np.ndarray) -> pd.Series:
        return first(rows).where(reference(rows).notna(), second(rows))

    return at


def _negate(part: Compiled) -> Compiled:
    def run(context: Context) -> Evaluated:
        result = part(context)
        # what did not hold is what the `not` asks for: all its evidence says something
        return Evaluated(~result.mask, result.evidence, result.entry_sha)

    return run


def _compile_as_of(condition: AsOfCondition, kind: RecordKind) -> Compiled:
    test = condition.as_of
    predicate = OPERATORS[test.operator]

    def run(context: Context) -> Evaluated:
        as_of = context.as_of_for(kind)
        if not isinstance(as_of, pd.Series):
            as_of = pd.Series(as_of, index=context.values(kind).index)
        date, evidence = date_operand(test.argument, context, kind)
        # the as-of date is the screen's, not the record's: the explanation may say it
        # (`{as_of}`), the evidence does not (a later screen would show every finding changed)
        return Evaluated(predicate(as_of, date), evidence)

    return run


def _compile_finding(rule_id: str, kind: RecordKind) -> Compiled:
    def run(context: Context) -> Evaluated:
        fired = context.fired[rule_id]
        return Evaluated(fired, {f"finding.{rule_id}": _yes_no(fired)})

    return run


def _compile_count_increase(condition: CountIncreaseCondition, kind: RecordKind) -> Compiled:
    """Per group of a field's value, the records of `now` against those of `then`: only the
    records counted are grouped (a few of many), each side counted with one `bincount`."""
    counts = condition.count_increase
    then, now = compile_condition(counts.then, kind), compile_condition(counts.now, kind)

    def run(context: Context) -> Evaluated:
        earlier = then(context).mask.to_numpy(dtype=bool)
        later = now(context)
        now_mask = later.mask.to_numpy(dtype=bool)
        counted = np.flatnonzero(earlier | now_mask)
        codes, groups = pd.factorize(take_rows(context.column(kind, counts.per), counted))
        group_count = len(groups)
        sets = context.record_sets.get(kind)
        if sets is not None:  # the same value in two sets is two groups
            keyed = sets[counted].astype(np.int64) * (group_count + 1) + codes
            regrouped, distinct = pd.factorize(keyed)
            codes, group_count = np.where(codes >= 0, regrouped, -1), len(distinct)
        slot = np.where(codes >= 0, codes, group_count)  # the last slot: no group, never grows
        then_counts = np.bincount(slot[earlier[counted]], minlength=group_count + 1)
        now_counts = np.bincount(slot[now_mask[counted]], minlength=group_count + 1)
        then_counts[-1] = now_counts[-1] = 0
        index = context.values(kind).index
        mask = np.zeros(len(index), dtype=bool)
        mask[counted] = now_mask[counted] & (now_counts > then_counts)[slot]
        evidence: dict[str, Evidence] = {
            counts.per: _column(context.column(kind, counts.per)),
            f"{COUNT}.then": _group_count(counted, slot, then_counts),
            f"{COUNT}.now": _group_count(counted, slot, now_counts),
            **later.evidence,
        }
        return Evaluated(pd.Series(mask, index=index), evidence, held=later.held)

    return run


def _group_count(counted: np.ndarray, slot: np.ndarray, per_group: np.ndarray) -> Evidence:
    """The count of each asked-for record's group (0 for a record that was not counted);
    `counted`: the rows grouped (ascending), `slot`: each one's group."""

    def at(rows: np.ndarray) -> pd.Series:
        positions = np.minimum(np.searchsorted(counted, rows), max(len(counted) - 1, 0))
        found = counted[positions] == rows if len(counted) else np.zeros(len(rows), dtype=bool)
        values = per_group[slot[positions]] if len(counted) else np.zeros(len(rows), np.int64)
        return pd.Series(np.where(found, values, 0))

    return at


def _compile_owned_through(condition: OwnedThroughCondition) -> Compiled:
    """Company → the companies it is owned through, up to an owner that satisfies `where`."""
    ownership = condition.owned_through
    where = compile_condition(ownership.where, RecordKind.company)
    via = (
        None if ownership.via is None else compile_condition(ownership.via, RecordKind.relationship)
    )

    def run(context: Context) -> Evaluated:
        company = RecordKind.company
        index = context.values(company).index
        top = where(context)
        links = len(context.values(RecordKind.relationship))
        allowed = np.ones(links, dtype=bool) if via is None else via(context).mask.to_numpy(bool)
        chains = walk_chains(context, top.mask.to_numpy(dtype=bool), allowed, ownership.max_depth)
        firsts = context.links(company, "record_id", company)
        owners = chains.owner[firsts]
        evidence: dict[str, Evidence] = {
            f"{OWNER}.record_id": _through(owners, _column(context.column(company, "record_id"))),
            f"{OWNER}.name": _through(
                owners, _column(context.column(company, NAME_FIELD[company]))
            ),
            f"{OWNER}.path": chain_paths(context, chains),
            f"{OWNER}.depth": chain_column(chains.depth, firsts),
        }
        for key, values in top.evidence.items():
            evidence[f"{OWNER}.{key}"] = _through(owners, values)
        held = _held_through(top.held, owners, OWNER)
        return Evaluated(pd.Series(chains.depth[firsts] > 0, index=index), evidence, held=held)

    return run


def _compile_lookup(
    inner: Compiled, kind: RecordKind, target: RecordKind, key: str, name: str
) -> Compiled:
    """Worker → its employer, relationship → its company: a lookup of the target's row."""

    def run(context: Context) -> Evaluated:
        index = context.values(kind).index
        result = inner(context)
        rows = context.links(kind, key, target)
        found = rows >= 0
        mask = np.zeros(len(rows), dtype=bool)
        mask[found] = result.mask.to_numpy(dtype=bool)[rows[found]]
        evidence = {
            f"{name}.record_id": _through(rows, _column(context.column(target, "record_id"))),
            f"{name}.{NAME_FIELD[target]}": _through(
                rows, _column(context.column(target, NAME_FIELD[target]))
            ),
        }
        for field_name, values in result.evidence.items():
            evidence[f"{name}.{field_name}"] = _through(rows, values)
        held = _held_through(result.held, rows, name)
        return Evaluated(pd.Series(mask, index=index), evidence, held=held)

    return run


def _compile_aggregate(
    inner: Compiled, target: RecordKind, key: str, name: str, at_least: int
) -> Compiled:
    """Company → its relationships or workers: how many hold, counted per company id."""

    def run(context: Context) -> Evaluated:
        index = context.values(RecordKind.company).index
        result = inner(context)
        owned = context.column(target, key).notna().to_numpy()
        held = np.flatnonzero(result.mask.to_numpy(dtype=bool) & owned)
        # companies by the first row of their id, so companies sharing an id share their count
        companies = context.links(RecordKind.company, "record_id", RecordKind.company)
        owners = context.links(target, key, RecordKind.company)[held]
        per_row = np.bincount(owners[owners >= 0], minlength=len(index))
        counts = pd.Series(np.append(per_row, 0)[companies], index=index)  # row -1 counts 0
        described = _describe(context.column(target, NAME_FIELD[target]), result.evidence, target)
        ids = _text(context.column(target, "record_id"))
        evidence: dict[str, Evidence] = {
            f"{name}.count": _column(counts),
            f"{name}.ids": _joined(companies, held, owners, ids, ", ", ids),
            f"{name}.names": _joined(companies, held, owners, described, "; ", ids),
        }
        return Evaluated(counts.ge(at_least), evidence)

    return run


def _joined(
    companies: np.ndarray,
    held: np.ndarray,
    owners: np.ndarray,
    parts: Evidence,
    separator: str,
    ids: Evidence,
) -> Evidence:
    """Per company asked for: the parts of the related records that hold and name it, joined in
    the order of their `ids` (whatever the order of the rows in the file); missing where there
    are none. `owners`: the company row of each `held` record."""

    def at(rows: np.ndarray) -> pd.Series:
        wanted = np.zeros(len(companies) + 1, dtype=bool)  # the extra slot is row -1: no company
        wanted[companies[rows]] = True
        wanted[-1] = False
        chosen = np.flatnonzero(wanted[owners])
        # by id (Arrow's sort is stable: records sharing an id stay in file order)
        chosen = chosen[pc.sort_indices(arrow_text(ids(held[chosen]))).to_numpy()]
        joined = _join_groups(owners[chosen], arrow_text(parts(held[chosen])), separator)
        return joined.reindex(companies[rows]).reset_index(drop=True)

    return at


def _join_groups(keys: np.ndarray, texts: Text, separator: str) -> pd.Series:
    """The texts of each key joined in their given order, as text indexed by key (ascending).

    A stable sort groups them and Arrow joins each group's list: a `str.join` per key cost
    ~0.15 s for the 1M screen's per-company aggregates."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(keys) else order
    offsets = pa.array(np.append(starts, len(keys)).astype(np.int64))
    taken = texts.take(pa.array(order))
    if isinstance(taken, pa.ChunkedArray):
        taken = taken.combine_chunks()
    lists = pa.LargeListArray.from_arrays(offsets, taken)
    joined = pc.binary_join(lists, pa.scalar(separator, type=pa.large_string()))
    return pd.Series(pd.array(joined, dtype="str"), index=ordered[starts])


def _describe(names: pd.Series, evidence: dict[str, Evidence], kind: RecordKind) -> Evidence:
    """`Name (KP, joint-venture partner, 40%, since 2016-03-01)` for each related record asked
    for (`names`: the kind's): the values that made it count, each in words (`_phrase`)."""
    shown = [
        (field_name, values, _phrase(field_name, kind))
        for field_name, values in evidence.items()
        # the record's name leads; which rule fired is already said by the condition, the as-of
        # date by the finding, and the company asked about is the finding's own record
        if field_name not in (NAME_FIELD[kind], "record_id", AS_OF)  # ids: `.ids` lists them
        and not field_name.startswith(("finding.", "company."))
        # of a list match, the entry it names and when it was listed: the rest of the match is
        # on the related record's own finding
        and (not field_name.startswith("list.") or field_name in _LIST_NAMED)
    ]

    def at(rows: np.ndarray) -> pd.Series:
        described = arrow_text(take_rows(names, rows).astype("str").fillna("?"))
        details: list[Text] = []
        for field_name, values, (before, after) in shown:
            value = shown_text(values(rows), field_name, kind)
            # a value not recorded says nothing about why the record counts: left out
            phrase = joined([before, value, after], len(rows))
            details.append(pc.if_else(pc.equal(value, MISSING), _NULL_TEXT, phrase))
        if not details:
            return pd.Series(pd.array(described, dtype="str"))
        said = pc.binary_join_element_wise(*details, _COMMA, null_handling="skip")
        text = joined([described, " (", said, ")"], len(rows))
        with_details = pc.if_else(pc.equal(said, ""), described, text)
        return pd.Series(pd.array(with_details, dtype="str"))

    return at


_LIST_NAMED = ("list.reference", "list.listed_on")
_NULL_TEXT = pa.scalar(None, type=pa.large_string())
_COMMA = pa.scalar(", ", type=pa.large_string())
_PHRASES = {
    "start_date": ("since ", ""),
    "end_date": ("ended ", ""),
    "list.reference": ("list entry ", ""),
    "list.listed_on": ("listed on ", ""),
}
"""How a related record's value is said where its field's name is not the clearest words."""


def _phrase(field_name: str, kind: RecordKind) -> tuple[str, str]:
    """The words before and after a related record's value: none for a value that says what it
    is (a country, a role, a share), else the field's name in words (`committee decision
    pending`)."""
    if field_name in _PHRASES:
        return _PHRASES[field_name]
    column = schema_for(kind).columns.get(field_name)
    if column is not None and (
        column.type in (ValueType.country, ValueType.role) or column.percent
    ):
        return "", ""
    return field_name.replace("_", " ").replace(".", " ") + " ", ""


def _column(series: pd.Series) -> Evidence:
    """A whole column, taken at the rows asked for."""

    def at(rows: np.ndarray) -> pd.Series:
        return take_rows(series, rows)

    return at


def _text(series: pd.Series) -> Evidence:
    """A whole column as text, taken at the rows asked for."""

    def at(rows: np.ndarray) -> pd.Series:
        return take_rows(series, rows).astype("str")

    return at


def _matched(column: pd.Series, index: pd.Index) -> Evidence:
    """A column of list matches (indexed by record label), missing for records with none."""

    def at(rows: np.ndarray) -> pd.Series:
        return column.reindex(index[rows]).reset_index(drop=True)

    return at


def _through(links: np.ndarray, evidence: Evidence) -> Evidence:
    """Evidence of related records, seen from the records that link to them (-1: none)."""

    def at(rows: np.ndarray) -> pd.Series:
        targets = links[rows]
        wanted = distinct_rows(targets[targets >= 0])
        return evidence(wanted).set_axis(wanted).reindex(targets).reset_index(drop=True)

    return at


def _first(evidence: Evidence, fallback: Evidence) -> Evidence:
    """`evidence`, with its missing values taken from `fallback`."""

    def at(rows: np.ndarray) -> pd.Series:
        return evidence(rows).fillna(fallback(rows))

    return at


def _yes_no(fired: pd.Series) -> Evidence:
    """Whether an earlier rule fired, as the evidence shows it."""

    def at(rows: np.ndarray) -> pd.Series:
        return take_rows(fired, rows).map({True: "yes", False: "no"})

    return at
