"""Rule tests: the examples inside each rule file, run through the real engine.

A test's records are written as they would appear in a CSV (dates as text, countries as spelled
in the data) and go through the same normalizing as a screen, so a test exercises what a user's
file would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import yaml

from screening.display import display
from screening.engine.compile import compile_condition
from screening.engine.context import Context
from screening.engine.evaluate import evaluate
from screening.normalizing.tables import empty_raw, normalize_table
from screening.reading import FILE_COLUMN, LINE_COLUMN
from screening.records import RecordKind
from screening.rulespec.conditions import AllCondition, FieldCondition
from screening.rulespec.rule import Rule, RuleTest, TestValue
from screening.rulespec.rulebook import LoadedRule, Rulebook

if TYPE_CHECKING:
    from screening.lists.models import Watchlist

DEFAULT_TEST_AS_OF = dt.date(2026, 1, 1)
"""Tests without `as_of` are judged at this fixed date, so they never change with the calendar."""


@dataclass(frozen=True)
class TestOutcome:
    """One example of one rule: expected, got, and the explanation when it fired."""

    rule_id: str
    path: str
    name: str
    expected: str
    actual: str
    detail: str

    @property
    def passed(self) -> bool:
        return self.expected == self.actual


def run_rule_tests(
    rulebook: Rulebook, watchlists: Sequence[Watchlist] = (), rule_ids: Sequence[str] = ()
) -> list[TestOutcome]:
    """Run the examples of the given rules (all rules when none are given)."""
    selected = [item for item in rulebook.rules if not rule_ids or item.rule.id in rule_ids]
    outcomes = []
    for loaded in selected:
        needed = _with_dependencies(loaded, rulebook)
        for test in loaded.rule.tests:
            outcomes.append(_run_one(loaded, test, needed, watchlists))
    return outcomes


def _with_dependencies(loaded: LoadedRule, rulebook: Rulebook) -> list[LoadedRule]:
    wanted = {loaded.rule.id}
    for item in reversed(rulebook.rules):
        if item.rule.id in wanted:
            wanted.update(item.depends_on)
    return [item for item in rulebook.rules if item.rule.id in wanted]


def _run_one(
    loaded: LoadedRule, test: RuleTest, rules: list[LoadedRule], watchlists: Sequence[Watchlist]
) -> TestOutcome:
    rule = loaded.rule
    records: dict[RecordKind, list[dict[str, TestValue]]] = {
        RecordKind.worker: list(test.workers),
        RecordKind.company: list(test.companies),
        RecordKind.relationship: list(test.relationships),
    }
    records[rule.applies_to].insert(0, test.record)
    tables = {
        kind: normalize_table(kind, _raw(kind, rows, loaded)) for kind, rows in records.items()
    }
    as_of = pd.Timestamp(test.as_of or DEFAULT_TEST_AS_OF)
    context = Context(tables=tables, as_of=as_of, watchlists=watchlists)
    findings = evaluate(rules, context)
    mine = findings[
        findings["rule_id"].eq(rule.id) & findings["record_id"].eq(str(test.record["record_id"]))
    ]
    actual = "match" if len(mine) else "no_match"
    detail = str(mine["explanation"].iloc[0]) if len(mine) else "no finding"
    if actual != test.expect:
        detail = f"{detail}; {_deciding(rule, context)}"
    return TestOutcome(rule.id, str(loaded.path), test.name, test.expect, actual, detail)


def _deciding(rule: Rule, context: Context) -> str:
    """Which condition of the rule decided the example (its record is the first of its kind):
    the first of the rule's conditions that was false, with the value it saw."""
    parts = rule.when.all if isinstance(rule.when, AllCondition) else [rule.when]
    for number, part in enumerate(parts, start=1):
        held = compile_condition(part, rule.applies_to)(context).mask
        if not bool(held.iloc[0]):
            written = yaml.safe_dump(
                part.model_dump(by_alias=True, exclude_none=True),
                default_flow_style=True,
                allow_unicode=True,
                width=1_000,
            ).strip()
            seen = ""
            if isinstance(part, FieldCondition):
                value = context.column(rule.applies_to, part.field).iloc[:1]
                shown = "not recorded" if value.isna().iloc[0] else display(value).iloc[0]
                seen = f": {part.field} was {shown}"
            return f"condition {number} of {len(parts)} was false, {written}{seen}"
    return f"all {len(parts)} conditions held"


def _raw(kind: RecordKind, rows: list[dict[str, TestValue]], loaded: LoadedRule) -> pd.DataFrame:
    frame = empty_raw(kind)
    if rows:
        written = pd.DataFrame([{k: _as_text(v) for k, v in row.items()} for row in rows])
        frame = pd.concat([frame, written], ignore_index=True).fillna("")
        frame[FILE_COLUMN] = str(loaded.path)
        frame[LINE_COLUMN] = 0
    return frame.astype({column: object for column in frame.columns if column != LINE_COLUMN})


def _as_text(value: TestValue) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
