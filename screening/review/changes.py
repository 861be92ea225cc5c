"""What changed since a baseline report: new findings, findings gone (and why), changed evidence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from screening.review.workbook import read_findings_sheet, read_sheet
from screening.rows import CHANGE_COLUMNS


def compare_with_baseline(
    baseline: Path, findings: pd.DataFrame, records: pd.DataFrame, rules: pd.DataFrame
) -> pd.DataFrame:
    """The Changes sheet: this screen's findings against those of a baseline report."""
    wanted = ["finding_id", "rule_id", "record_type", "record_id", "name", "evidence"]
    before = read_findings_sheet(baseline, wanted).fillna("")
    before_records = read_sheet(baseline, "Records", ["record_type", "record_id", "record_sha"])
    before_rules = read_sheet(baseline, "Rules", ["rule_id", "sha256"])
    rule_sha_now = dict(zip(rules["rule_id"], rules["sha256"], strict=True))
    rule_sha_then = dict(
        zip(before_rules.get("rule_id", []), before_rules.get("sha256", []), strict=True)
    )
    records_now = _record_shas(records)
    records_then = _record_shas(before_records)

    def why(row: pd.Series, appearing: bool) -> str:
        key = (str(row["record_type"]), str(row["record_id"]))
        rule = str(row["rule_id"])
        if appearing and key not in records_then:
            return "record new"
        if not appearing and key not in records_now:
            return "record removed"
        if records_now.get(key) != records_then.get(key):
            return "record changed"
        if rule not in rule_sha_now:
            return "rule removed"
        if rule not in rule_sha_then:
            return "rule new"
        if rule_sha_now[rule] != rule_sha_then[rule]:
            return "rule changed"
        return "as-of date or lists changed"

    now_ids, then_ids = set(findings["finding_id"]), set(before["finding_id"].astype(str))
    new = findings[~findings["finding_id"].isin(then_ids)]
    gone = before[~before["finding_id"].astype(str).isin(now_ids)]
    both = findings.merge(
        before[["finding_id", "evidence"]], on="finding_id", suffixes=("", "_before")
    )
    changed = both[both["evidence"].astype(str) != both["evidence_before"].astype(str)]
    rows = [
        *(_row("new", r, why(r, True), "", r["evidence"]) for _, r in new.iterrows()),
        *(_row("gone", r, why(r, False), r["evidence"], "") for _, r in gone.iterrows()),
        *(
            _row("evidence changed", r, "", r["evidence_before"], r["evidence"])
            for _, r in changed.iterrows()
        ),
    ]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _row(change: str, row: pd.Series, why: str, before: object, after: object) -> dict[str, object]:
    return {
        "change": change,
        "finding_id": row["finding_id"],
        "rule_id": row["rule_id"],
        "record_type": row["record_type"],
        "record_id": row["record_id"],
        "name": row.get("name", ""),
        "why": why,
        "before": before,
        "after": after,
    }


def _record_shas(records: pd.DataFrame) -> dict[tuple[str, str], str]:
    if "record_sha" not in records.columns:
        return {}
    return {
        (str(kind), str(record_id)): str(sha)
        for kind, record_id, sha in zip(
            records["record_type"], records["record_id"], records["record_sha"], strict=True
        )
    }
