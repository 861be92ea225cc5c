"""Carry earlier decisions and current suppressions onto a new screen's findings.

A decision holds only while what was decided on is unchanged: the record's values, the rule file,
and the matched list entry. If any changed, the finding is open again and `review_note` says what
changed and what the earlier decision was.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from screening.normalizing.fingerprints import FINGERPRINT_VERSION
from screening.review.decisions import Decision
from screening.review.suppressions import Suppression
from screening.rows import DEFAULT_DECISION, REVIEW_COLUMNS


def apply_decisions(findings: pd.DataFrame, store: dict[str, Decision]) -> pd.DataFrame:
    """Findings with the reviewer columns filled from the store where the decision still holds."""
    result = findings.copy()
    for column in REVIEW_COLUMNS:
        result[column] = ""
    result["decision"] = DEFAULT_DECISION
    result["decided_on"] = result["decided_on"].astype(object)
    known = result["finding_id"].isin(list(store))
    for index in result.index[known]:
        # one iteration per previously decided finding, not per record
        row = result.loc[index]
        decision = store[row["finding_id"]]
        changes = _changes(row, decision)
        if changes:
            result.loc[index, "review_note"] = (
                f"re-review: {'; '.join(changes)} since {decision.reviewer} decided "
                f"'{decision.decision}' on {decision.decided_on}"
            )
            continue
        result.loc[index, "decision"] = decision.decision
        result.loc[index, "reviewer"] = decision.reviewer
        result.loc[index, "comment"] = decision.comment
        result.loc[index, "decided_on"] = decision.decided_on
        result.loc[index, "review_note"] = f"decision carried from {decision.report}"
    return result


def _changes(row: pd.Series, decision: Decision) -> list[str]:
    fingerprint = decision.fingerprint
    changes = []
    if fingerprint.version != FINGERPRINT_VERSION:
        changes.append(
            f"record fingerprint version {fingerprint.version} cannot be compared with version "
            f"{FINGERPRINT_VERSION} (evidence then: {decision.evidence})"
        )
    elif row["record_sha"] != fingerprint.record_sha:
        changes.append(f"record changed (evidence then: {decision.evidence})")
    if row["rule_sha"] != fingerprint.rule_sha:
        changes.append("rule file changed")
    if (row["entry_sha"] or "") != fingerprint.entry_sha:
        changes.append("matched list entry changed")
    return changes


def apply_suppressions(
    findings: pd.DataFrame, suppressions: list[Suppression], as_of: dt.date
) -> pd.DataFrame:
    """Mark suppressed findings (kept, with reason and expiry); expired ones say so."""
    result = findings.copy()
    for suppression in suppressions:
        if suppression.finding_id is not None:
            hit = result["finding_id"] == suppression.finding_id
        else:
            hit = (result["rule_id"] == suppression.rule_id) & (
                result["record_id"] == suppression.record_id
            )
        if not hit.any():
            continue
        if suppression.expires >= as_of:
            note = (
                f"suppressed until {suppression.expires}: {suppression.reason} "
                f"(approved by {suppression.approved_by})"
            )
            result.loc[hit, "suppressed_until"] = suppression.expires.isoformat()
        else:
            note = f"suppression expired on {suppression.expires}: {suppression.reason}"
        result.loc[hit, "review_note"] = _join(result.loc[hit, "review_note"], note)
    return result


def _join(current: pd.Series, note: str) -> pd.Series:
    return (current + "; ").where(current.ne(""), "") + note
