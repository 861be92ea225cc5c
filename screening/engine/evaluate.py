"""Run a rulebook over a data set: each rule once, in dependency order, over whole tables."""

from __future__ import annotations

from collections.abc import Iterator

from screening.engine.compile import compile_condition
from screening.engine.context import Context, Evaluated, NameMatch
from screening.rulespec.conditions import FieldCondition, walk
from screening.rulespec.rulebook import LoadedRule

Results = list[tuple[LoadedRule, Evaluated]]
"""Each rule with what its condition gave over the whole table: the mask and the evidence."""


def evaluate(rules: list[LoadedRule], context: Context) -> Results:
    """Every rule's result, in dependency order; `context.fired` records each rule's mask for the
    rules after it. The names the rules' `listed` conditions ask about are matched beside them
    (`Context.match_names_beside`)."""
    results: Results = []
    context.match_names_beside(_name_matches(rules))
    for loaded in rules:
        rule = loaded.rule
        result = compile_condition(rule.when, rule.applies_to)(context)
        context.fired[rule.id] = result.mask
        results.append((loaded, result))
    return results


def _name_matches(rules: list[LoadedRule]) -> Iterator[NameMatch]:
    """The name matches the rules' `listed` conditions ask for, in the order the rules run."""
    for loaded in rules:
        for condition, kind in walk(loaded.rule.when, loaded.rule.applies_to):
            if isinstance(condition, FieldCondition) and condition.listed is not None:
                listed = condition.listed
                yield kind, condition.field, listed.threshold, listed.schema_, listed.in_force_on
