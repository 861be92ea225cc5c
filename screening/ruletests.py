"""Rule tests: the examples inside each rule file, run through the real engine.

A test's records are written as they would appear in a CSV (dates as text, countries as spelled
in the data) and go through the same normalizing as a screen, so a test exercises what a user's
file would.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import yaml

from screening.display import display
from screening.engine.compile import compile_condition
from screening.engine.context import Context
from screening.findings import find
from screening.normalizing.tables import RecordTable, empty_raw, normalize_table
from screening.parallel import serial
from screening.reading import FILE_COLUMN, LINE_COLUMN
from screening.records import RecordKind
from screening.rulespec.conditions import MOVES, AllCondition, FieldCondition
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
    """Run the examples of the given rules (all rules when none are given).

    The examples' records are screened together, as one screen's: each record's ids carry its
    example's number (so no example's records link to another's), each record is judged at its
    example's date, and counts across a table (`count_increase`) count within one example. The
    rules run once for the whole rule library: about a second, not a screen per example."""
    selected = [item for item in rulebook.rules if not rule_ids or item.rule.id in rule_ids]
    examples = [(loaded, test) for loaded in selected for test in loaded.rule.tests]
    with serial():  # tables of a few hundred records: threads would cost more than they share
        return _run(examples, rulebook, watchlists)


def _with_dependencies(chosen: list[LoadedRule], rulebook: Rulebook) -> list[LoadedRule]:
    wanted = {loaded.rule.id for loaded in chosen}
    for item in reversed(rulebook.rules):
        if item.rule.id in wanted:
            wanted.update(item.depends_on)
    return [item for item in rulebook.rules if item.rule.id in wanted]


_TAG = re.compile(r"~~\d+~~")
"""The example number in a record id of a batch (`W1~~12~~`), taken out of what is shown."""
_LINKS = frozenset({"record_id", "party_id", *(move.link for move in MOVES.values())})
"""Fields holding a record id: tagged with the example's number, so examples never meet."""


def _run(
    batch: list[tuple[LoadedRule, RuleTest]], rulebook: Rulebook, watchlists: Sequence[Watchlist]
) -> list[TestOutcome]:
    """Screen the examples of a batch together; one outcome for each."""
    if not batch:
        return []
    rows: dict[RecordKind, list[dict[str, str]]] = {kind: [] for kind in RecordKind}
    paths: dict[RecordKind, list[str]] = {kind: [] for kind in RecordKind}
    dates: dict[RecordKind, list[dt.date]] = {kind: [] for kind in RecordKind}
    examples: dict[RecordKind, list[int]] = {kind: [] for kind in RecordKind}
    judged: list[str] = []
    for number, (loaded, test) in enumerate(batch):
        tag = f"~~{number}~~"
        written = {
            RecordKind.worker: list(test.workers),
            RecordKind.company: list(test.companies),
            RecordKind.relationship: list(test.relationships),
        }
        written[loaded.rule.applies_to].insert(0, test.record)
        ids = {str(row["record_id"]) for rows_of in written.values() for row in rows_of}
        for kind, records in written.items():
            rows[kind].extend(_tagged(record, tag, ids) for record in records)
            paths[kind].extend(str(loaded.path) for _ in records)
            dates[kind].extend(test.as_of or DEFAULT_TEST_AS_OF for _ in records)
            examples[kind].extend(number for _ in records)
        judged.append(f"{test.record['record_id']}{tag}")
    tables = {
        kind: normalize_table(kind, _raw(kind, rows[kind], paths[kind]))
        if rows[kind]
        else _no_records(kind)
        for kind in rows
    }
    # Each record is judged at its example's date: one run of the rules for every example.
    as_of_rows = {
        kind: pd.Series(pd.to_datetime(dates[kind]), index=tables[kind].values.index)
        for kind in RecordKind
        if rows[kind]
    }
    context = Context(
        tables=tables,
        as_of=pd.Timestamp(DEFAULT_TEST_AS_OF),
        watchlists=watchlists,
        as_of_rows=as_of_rows,
        record_sets={kind: np.array(examples[kind], dtype=np.int64) for kind in RecordKind},
    )
    findings = find(_with_dependencies([loaded for loaded, _ in batch], rulebook), context)
    fired = findings.set_index(["rule_id", "record_id"])["explanation"]
    fired = fired[~fired.index.duplicated()]
    return [
        _outcome(loaded, test, judged[number], fired, context)
        for number, (loaded, test) in enumerate(batch)
    ]


def _outcome(
    loaded: LoadedRule, test: RuleTest, record_id: str, fired: pd.Series, context: Context
) -> TestOutcome:
    """Whether the example's rule fired on its record, and the explanation or the condition
    that kept it from firing."""
    rule = loaded.rule
    explanation = fired.get((rule.id, record_id))
    actual = "no_match" if explanation is None else "match"
    detail = "no finding" if explanation is None else _TAG.sub("", str(explanation))
    if actual != test.expect:
        ids = context.tables[rule.applies_to].values["record_id"].astype(str).to_numpy()
        detail = f"{detail}; {_deciding(rule, context, int(np.flatnonzero(ids == record_id)[0]))}"
    return TestOutcome(rule.id, str(loaded.path), test.name, test.expect, actual, detail)


def _tagged(record: dict[str, TestValue], tag: str, ids: set[str]) -> dict[str, str]:
    """The record as CSV text, its ids (and a Committee decision's ids) carrying the tag."""
    text = {field: _as_text(value) for field, value in record.items()}
    for field in _LINKS & text.keys():
        if text[field]:
            text[field] += tag
    if text.get("committee_covers"):
        text["committee_covers"] = ";".join(
            item + tag if item.strip() in ids else item
            for item in text["committee_covers"].split(";")
        )
    return text


def _deciding(rule: Rule, context: Context, row: int) -> str:
    """Which condition of the rule decided the example (its record at `row` of its kind's
    table): the first of the rule's conditions that was false, with the value it saw."""
    parts = rule.when.all if isinstance(rule.when, AllCondition) else [rule.when]
    for number, part in enumerate(parts, start=1):
        held = compile_condition(part, rule.applies_to)(context).mask
        if not bool(held.iloc[row]):
            written = yaml.safe_dump(
                part.model_dump(by_alias=True, exclude_none=True),
                default_flow_style=True,
                allow_unicode=True,
                width=1_000,
            ).strip()
            seen = ""
            if isinstance(part, FieldCondition):
                value = context.column(rule.applies_to, part.field).iloc[row : row + 1]
                shown = "not recorded" if value.isna().iloc[0] else display(value).iloc[0]
                seen = f": {part.field} was {shown}"
            return f"condition {number} of {len(parts)} was false, {written}{seen}"
    return f"all {len(parts)} conditions held"


@cache
def _no_records(kind: RecordKind) -> RecordTable:
    """The normalized table of no records of a kind: most examples give records of one kind
    only, and normalizing nothing is not free. Shared by the runs: nothing changes a table."""
    return normalize_table(kind, _raw(kind, [], []))


def _raw(kind: RecordKind, rows: list[dict[str, str]], paths: list[str]) -> pd.DataFrame:
    frame = empty_raw(kind)
    if rows:
        frame = pd.concat([frame, pd.DataFrame(rows)], ignore_index=True).fillna("")
        frame[FILE_COLUMN] = paths
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
