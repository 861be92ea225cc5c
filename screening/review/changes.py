"""What changed since a baseline report: findings new, gone, and changed.

A finding present in both reports is changed only when what it stands on changed: the record's
values, the rule file or the matched list entry, told by the fingerprints the Findings sheet
carries (`record_sha`, `rule_sha`, `entry_sha`). Its evidence text is not compared: its wording
may differ between versions of screening, and the as-of date some rules show is the run's
context, not evidence. A changed finding names the fields that changed, `field: before → after`,
read from the evidence of both reports (or, when the evidence shows none of them, from the
record's details on both Records sheets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from screening.results import ChangeCounts
from screening.review.evidence import FieldChange, RecordDetails, describe, field_changes
from screening.review.workbook import RUN_SHEET, read_findings_sheet, read_sheet
from screening.rows import CHANGE_COLUMNS

RecordKey = tuple[str, str]
"""(record_type, record_id)"""

CHANGED = "changed"
"""The `change` of a finding in both reports whose record, rule or list entry changed."""

_FINDING_COLUMNS = (
    "finding_id",
    "rule_id",
    "record_type",
    "record_id",
    "name",
    "evidence",
    "record_sha",
    "rule_sha",
    "entry_sha",
)


@dataclass(frozen=True)
class Baseline:
    """What a screen is compared with, read once from the baseline report."""

    path: Path
    findings: pd.DataFrame
    """`_FINDING_COLUMNS` of its Findings sheet, as text ("" when blank)."""
    record_shas: dict[RecordKey, str]
    """Each listed record's fingerprint (empty when the Records sheet lists none)."""
    record_details: dict[RecordKey, str]
    """Each listed record's details (empty when the Records sheet has none)."""
    rule_shas: dict[str, str]
    as_of: str
    list_shas: frozenset[str]

    @cached_property
    def details_by_sha(self) -> dict[str, str]:
        """Record details by fingerprint: the values a decision on that fingerprint saw."""
        return {
            self.record_shas[key]: details
            for key, details in self.record_details.items()
            if details and self.record_shas.get(key)
        }


def read_baseline(path: Path) -> Baseline:
    """The parts of a baseline report a comparison needs."""
    findings = read_findings_sheet(path, _FINDING_COLUMNS)[list(_FINDING_COLUMNS)]
    findings = findings.map(_text)
    records = read_sheet(path, "Records", ["record_type", "record_id", "record_sha", "details"])
    rules = read_sheet(path, "Rules", ["rule_id", "sha256"])
    run = read_sheet(path, RUN_SHEET, ["key", "value"])
    pairs = (
        list(zip(run["key"].map(_text), run["value"], strict=True))
        if {"key", "value"} <= set(run.columns)
        else []
    )
    return Baseline(
        path=path,
        findings=findings,
        record_shas=_by_record(records, "record_sha"),
        record_details=_by_record(records, "details"),
        rule_shas=(
            dict(zip(rules["rule_id"].map(_text), rules["sha256"].map(_text), strict=True))
            if {"rule_id", "sha256"} <= set(rules.columns)
            else {}
        ),
        as_of=next((_text(value) for key, value in pairs if key == "as-of date"), ""),
        list_shas=frozenset(_text(value) for key, value in pairs if key == "sha256"),
    )


@dataclass(frozen=True)
class Screen:
    """What this screen is compared by: its findings, records, rules, date and lists."""

    findings: pd.DataFrame
    records: pd.DataFrame
    rules: pd.DataFrame
    as_of: dt.date
    list_shas: frozenset[str]


def record_details(baseline: Baseline | None, records: pd.DataFrame) -> RecordDetails:
    """Record details then (the baseline's, by fingerprint) and now (this screen's, by record)."""
    if baseline is None or not baseline.record_details:
        return RecordDetails(then={}, now={})  # nothing to compare the records with
    now = _by_record(records, "details")
    return RecordDetails(then=baseline.details_by_sha, now={k: v for k, v in now.items() if v})


def compare_with_baseline(baseline: Baseline, screen: Screen) -> pd.DataFrame:
    """The Changes sheet: this screen's findings against those of a baseline report."""
    comparison = _Comparison(baseline, screen)
    findings = screen.findings
    before = baseline.findings
    now_ids, then_ids = set(findings["finding_id"]), set(before["finding_id"])
    new = findings[~findings["finding_id"].isin(then_ids)]
    gone = before[~before["finding_id"].isin(now_ids)]
    both = findings.merge(
        before[["finding_id", "evidence", "record_sha", "rule_sha", "entry_sha"]],
        on="finding_id",
        suffixes=("", "_before"),
    )
    moved = (
        both["record_sha"].astype(str).ne(both["record_sha_before"])
        | both["rule_sha"].astype(str).ne(both["rule_sha_before"])
        | both["entry_sha"].fillna("").astype(str).ne(both["entry_sha_before"])
    )
    rows = [
        *(comparison.appeared(row) for _, row in new.iterrows()),
        *(comparison.went(row) for _, row in gone.iterrows()),
        *(comparison.changed(row) for _, row in both[moved].iterrows()),
    ]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


class _Comparison:
    def __init__(self, baseline: Baseline, screen: Screen):
        self.baseline = baseline
        self.rules_now = dict(zip(screen.rules["rule_id"], screen.rules["sha256"], strict=True))
        self.rules_then = baseline.rule_shas
        self.records_now = _by_record(screen.records, "record_sha")
        self.records_then = baseline.record_shas
        self.details = record_details(baseline, screen.records)
        self.context = self._context(screen)

    def appeared(self, row: pd.Series) -> dict[str, object]:
        why, fields = self._why(row, appearing=True)
        return _row("new", row, why, fields, "", row["evidence"])

    def went(self, row: pd.Series) -> dict[str, object]:
        why, fields = self._why(row, appearing=False)
        return _row("gone", row, why, fields, row["evidence"], "")

    def changed(self, row: pd.Series) -> dict[str, object]:
        record = str(row["record_sha"]) != row["record_sha_before"]
        causes = [
            *(["record changed"] if record else []),
            *(["rule changed"] if str(row["rule_sha"]) != row["rule_sha_before"] else []),
            *(["list entry changed"] if _text(row["entry_sha"]) != row["entry_sha_before"] else []),
        ]
        fields = field_changes(row["evidence_before"], str(row["evidence"]))
        if record and not fields:
            fields = self.details.changes(_key(row), row["record_sha_before"])
        why = ", ".join(causes) + (f": {describe(fields)}" if fields else "")
        return _row(CHANGED, row, why, fields, row["evidence_before"], row["evidence"])

    def _why(self, row: pd.Series, appearing: bool) -> tuple[str, list[FieldChange]]:
        key = _key(row)
        rule = str(row["rule_id"])
        if not appearing and key not in self.records_now:
            return "record removed", []
        if appearing and self.records_then and key not in self.records_then:
            return "record new", []
        if self.records_then and self.records_now.get(key) != self.records_then.get(key):
            before = self.baseline.record_details.get(key, "")
            after = self.details.now.get(key, "")
            fields = field_changes(before, after) if before and after else []
            return "record changed" + (f": {describe(fields)}" if fields else ""), fields
        if rule not in self.rules_now:
            return "rule removed", []
        if rule not in self.rules_then:
            return "rule new", []
        if self.rules_now[rule] != self.rules_then[rule]:
            return "rule changed", []
        return self.context, []

    def _context(self, screen: Screen) -> str:
        """Why a finding on an unchanged record and rule came or went: what else changed."""
        causes = []
        if self.baseline.as_of and self.baseline.as_of != screen.as_of.isoformat():
            causes.append(f"as-of date {self.baseline.as_of} → {screen.as_of.isoformat()}")
        if self.baseline.list_shas and self.baseline.list_shas != screen.list_shas:
            causes.append("lists changed")
        if self.records_then and self.records_then != self.records_now:
            causes.append("related records changed")
        return " or ".join(causes) or "record, rule, lists and as-of date unchanged"


def _row(
    change: str,
    row: pd.Series,
    why: str,
    fields: Iterable[FieldChange],
    before: object,
    after: object,
) -> dict[str, object]:
    return {
        "change": change,
        "finding_id": row["finding_id"],
        "rule_id": row["rule_id"],
        "record_type": row["record_type"],
        "record_id": row["record_id"],
        "name": row.get("name", ""),
        "why": why,
        "changed_fields": ", ".join(dict.fromkeys(field.field for field in fields)),
        "before": before,
        "after": after,
    }


def change_counts(changes: pd.DataFrame) -> ChangeCounts:
    """How many Changes rows of each kind: new, gone, changed."""
    counts = changes["change"].value_counts()
    return ChangeCounts(
        new=int(counts.get("new", 0)),
        gone=int(counts.get("gone", 0)),
        changed=int(counts.get(CHANGED, 0)),
    )


def _key(row: pd.Series) -> RecordKey:
    return str(row["record_type"]), str(row["record_id"])


def _by_record(records: pd.DataFrame, column: str) -> dict[RecordKey, str]:
    if not {"record_type", "record_id", column} <= set(records.columns):
        return {}
    return {
        (_text(kind), _text(record_id)): _text(value)
        for kind, record_id, value in zip(
            records["record_type"], records["record_id"], records[column], strict=True
        )
    }


def _text(value: object) -> str:
    """A cell read back as the text it shows ("" when blank; a date as ISO)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
