"""Run a rulebook over a data set: each rule once, in dependency order, over whole tables."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa

from screening.engine.compile import compile_condition
from screening.engine.context import Context, Evaluated, NameMatch
from screening.findings import FINDING_COLUMNS, findings_frame, named_records, rule_findings
from screening.parallel import each
from screening.records import RecordKind
from screening.rulespec.conditions import FieldCondition, walk
from screening.rulespec.rulebook import LoadedRule


def evaluate(rules: list[LoadedRule], context: Context) -> pd.DataFrame:
    """The findings of all rules; `context.fired` records each rule's mask for later rules.

    Rules run in dependency order, while the names their `listed` conditions ask about are
    matched beside them (`Context.match_names_beside`). Their findings come out in review order
    (most serious first, then by rule and record), the order `assemble.sort_findings` then finds
    already in place. Findings are built once every rule has run, when the records they name are
    known; rules build theirs side by side (`parallel.each`), each from the finished masks."""
    results: list[tuple[LoadedRule, Evaluated]] = []
    beside = ThreadPoolExecutor(max_workers=1)
    try:
        context.match_names_beside(_name_matches(rules), beside)
        for loaded in rules:
            rule = loaded.rule
            result = compile_condition(rule.when, rule.applies_to)(context)
            context.fired[rule.id] = result.mask
            results.append((loaded, result))
    except BaseException:
        beside.shutdown(wait=True, cancel_futures=True)  # an interrupt drops the queued matching
        raise
    beside.shutdown(wait=True)
    named = {
        kind: named_records(context, kind, rows) for kind, rows in _named_rows(results).items()
    }
    ordered = sorted(
        (pair for pair in results if pair[0].rule.applies_to in named),
        key=lambda pair: _review_order(pair[0]),
    )
    tables = each(
        lambda pair: rule_findings(*pair, context, named[pair[0].rule.applies_to]), ordered
    )
    found = [findings for findings in tables if findings is not None]
    if not found:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    return findings_frame(pa.concat_tables(found))


def _name_matches(rules: list[LoadedRule]) -> Iterator[NameMatch]:
    """The name matches the rules' `listed` conditions ask for, in the order the rules run."""
    for loaded in rules:
        for condition, kind in walk(loaded.rule.when, loaded.rule.applies_to):
            if isinstance(condition, FieldCondition) and condition.listed is not None:
                listed = condition.listed
                yield kind, condition.field, listed.threshold, listed.schema_, listed.in_force_on


def _named_rows(results: list[tuple[LoadedRule, Evaluated]]) -> dict[RecordKind, np.ndarray]:
    """Per kind, the rows (positions, ascending) that at least one rule holds for."""
    masks: dict[RecordKind, np.ndarray] = {}
    for loaded, result in results:
        kind, mask = loaded.rule.applies_to, result.mask.to_numpy(dtype=bool)
        masks[kind] = mask | masks[kind] if kind in masks else mask
    return {kind: np.flatnonzero(mask) for kind, mask in masks.items() if mask.any()}


def _review_order(loaded: LoadedRule) -> tuple[int, str, str]:
    rule = loaded.rule
    return (-rule.severity.rank, rule.id, rule.applies_to.value)
