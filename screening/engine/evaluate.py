"""Run a rulebook over a data set: each rule once, in dependency order, over whole tables."""

from __future__ import annotations

import pandas as pd

from screening.engine.compile import compile_condition
from screening.engine.context import Context
from screening.findings import FINDING_COLUMNS, rule_findings, with_fingerprints
from screening.rulespec.rulebook import LoadedRule


def evaluate(rules: list[LoadedRule], context: Context) -> pd.DataFrame:
    """The findings of all rules; `context.fired` records each rule's mask for later rules.

    Rules run in dependency order; their findings come out in review order (most serious first,
    then by rule and record), the order `assemble.sort_findings` then finds already in place."""
    parts = []
    for loaded in rules:
        rule = loaded.rule
        result = compile_condition(rule.when, rule.applies_to)(context)
        context.fired[rule.id] = result.mask
        parts.append((_review_order(loaded), rule_findings(loaded, result, context)))
    parts.sort(key=lambda part: part[0])
    found = [findings for _, findings in parts if not findings.empty]
    if not found:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    return with_fingerprints(pd.concat(found, ignore_index=True), context.tables)


def _review_order(loaded: LoadedRule) -> tuple[int, str, str]:
    rule = loaded.rule
    return (-rule.severity.rank, rule.id, rule.applies_to.value)
