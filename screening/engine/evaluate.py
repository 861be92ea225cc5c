"""Run a rulebook over a data set: each rule once, in dependency order, over whole tables."""

from __future__ import annotations

import pandas as pd

from screening.engine.compile import compile_condition
from screening.engine.context import Context
from screening.findings import FINDING_COLUMNS, rule_findings
from screening.rulespec.rulebook import LoadedRule


def evaluate(rules: list[LoadedRule], context: Context) -> pd.DataFrame:
    """The findings of all rules; `context.fired` records each rule's mask for later rules."""
    parts = []
    for loaded in rules:
        rule = loaded.rule
        result = compile_condition(rule.when, rule.applies_to)(context)
        context.fired[rule.id] = result.mask
        parts.append(rule_findings(loaded, result, context))
    parts = [part for part in parts if not part.empty]
    if not parts:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    return pd.concat(parts, ignore_index=True)
