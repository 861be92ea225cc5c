"""Carry earlier decisions and current suppressions onto a new screen's findings.

A decision holds only while what was decided on is unchanged: the record's values, the rule file,
and the matched list entry. If any changed, the finding is open again and `review_note` says what
changed and what the earlier decision was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from screening.normalizing.fingerprints import FINGERPRINT_VERSION
from screening.results import DecisionCounts, UnmatchedSuppression
from screening.review.decisions import Decision
from screening.review.evidence import RecordDetails, field_changes
from screening.review.suppressions import ListedSuppression, Suppression, duplicate_error
from screening.rows import DEFAULT_DECISION, REVIEW_COLUMNS


def carry_decisions(
    findings: pd.DataFrame, store: dict[str, Decision], details: RecordDetails | None = None
) -> tuple[pd.DataFrame, DecisionCounts]:
    """Findings with the reviewer columns filled from the store where the decision still holds;
    and how many decisions were carried, how many findings reopened (their decision not carried:
    what it was made on changed) and how many were never decided.

    A reopened finding's `review_note` names what changed — each changed field with its value then
    and now, read from the evidence the decision was made on (or, when that evidence shows no
    changed field, from the record's `details`) — and the earlier decision."""
    result = findings.copy()
    for column in REVIEW_COLUMNS:
        result[column] = ""
    result["decision"] = DEFAULT_DECISION
    result["decided_on"] = result["decided_on"].astype(object)
    known = result["finding_id"].isin(list(store))
    reopened = 0
    for index in result.index[known]:
        # one iteration per previously decided finding, not per record
        row = result.loc[index]
        decision = store[row["finding_id"]]
        changes = _changes(row, decision, details)
        if changes:
            result.loc[index, "review_note"] = (
                f"re-review: {'; '.join(changes)}; earlier decision: {decision.decision} by "
                f"{decision.reviewer} on {decision.decided_on}"
            )
            reopened += 1
            continue
        result.loc[index, "decision"] = decision.decision
        result.loc[index, "reviewer"] = decision.reviewer
        result.loc[index, "comment"] = decision.comment
        result.loc[index, "decided_on"] = decision.decided_on
        result.loc[index, "review_note"] = f"decision carried from {decision.report}"
    decided = int(known.sum())
    counts = DecisionCounts(
        carried=decided - reopened, reopened=reopened, undecided=len(result) - decided
    )
    return result, counts


def _changes(row: pd.Series, decision: Decision, details: RecordDetails | None) -> list[str]:
    """What changed since the decision, in words; empty when it still holds."""
    fingerprint = decision.fingerprint
    changes = []
    record = False
    if fingerprint.version != FINGERPRINT_VERSION:
        changes.append(
            f"record fingerprint version {fingerprint.version} cannot be compared with version "
            f"{FINGERPRINT_VERSION} (evidence then: {decision.evidence})"
        )
    else:
        record = row["record_sha"] != fingerprint.record_sha
    rule = row["rule_sha"] != fingerprint.rule_sha
    entry = (row["entry_sha"] or "") != fingerprint.entry_sha
    if not (record or rule or entry):
        return changes
    fields = field_changes(decision.evidence, str(row["evidence"]))
    if record and not fields and details is not None:
        key = (str(row["record_type"]), str(row["record_id"]))
        fields = details.changes(key, fingerprint.record_sha)
    if record and not fields:
        changes.append(
            f"record changed, in a field its evidence does not show (evidence then: "
            f"{decision.evidence})"
        )
    if rule:
        changes.append("rule file changed")
    if entry:
        changes.append("matched list entry changed")
    changes.extend(field.sentence for field in fields)
    return changes


def apply_suppressions(
    findings: pd.DataFrame, suppressions: Sequence[Suppression], as_of: dt.date
) -> pd.DataFrame:
    """Mark suppressed findings (kept, with reason and expiry); expired ones say so."""
    if not suppressions:
        return findings
    result = findings.copy()
    targets = _Targets(result, suppressions)
    for suppression in suppressions:
        positions = targets.of(suppression)
        if not positions:
            continue
        hit = np.zeros(len(result), dtype=bool)
        hit[positions] = True
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


def check_suppressions(
    findings: pd.DataFrame,
    suppressions: Sequence[ListedSuppression],
    rule_ids: Iterable[str],
    records: pd.DataFrame,
) -> list[UnmatchedSuppression]:
    """The suppressions that match no finding, each with why (no such rule, no such record, the
    rule found nothing on the record, no such finding). Two suppressions that set aside the same
    finding (one by its id, one by rule and record) are an error naming both lines."""
    if not suppressions:
        return []
    targets = _Targets(findings, [listed.suppression for listed in suppressions])
    loaded = set(rule_ids)
    named = {str(listed.suppression.record_id) for listed in suppressions}
    known = set()
    if "record_id" in records.columns:
        ids = records["record_id"].astype(str)
        known = set(ids[ids.isin(named)])
    unmatched = []
    by_finding: dict[int, ListedSuppression] = {}
    for listed in suppressions:
        positions = targets.of(listed.suppression)
        for position in positions:
            earlier = by_finding.setdefault(position, listed)
            if earlier is not listed:
                finding = findings["finding_id"].iloc[position]
                raise duplicate_error(earlier, listed, f"finding {finding}")
        if not positions:
            unmatched.append(
                UnmatchedSuppression(
                    file=str(listed.path),
                    line=listed.line,
                    target=listed.target,
                    problem=_why_unmatched(listed.suppression, loaded, known),
                )
            )
    return unmatched


def _why_unmatched(suppression: Suppression, rules: set[str], records: set[str]) -> str:
    if suppression.finding_id is not None:
        return f"no finding {suppression.finding_id} in this screen"
    if suppression.rule_id not in rules:
        return f"no rule {suppression.rule_id} is loaded"
    if suppression.record_id not in records:
        return f"no record {suppression.record_id} in the input"
    return f"rule {suppression.rule_id} found nothing on record {suppression.record_id}"


class _Targets:
    """The findings (positions) the suppressions name, looked up rather than searched for: only
    the findings some suppression may name are indexed (a screen has far more findings)."""

    def __init__(self, findings: pd.DataFrame, suppressions: Sequence[Suppression]):
        self._by_id: dict[str, list[int]] = {}
        self._by_rule: dict[tuple[str, str], list[int]] = {}
        finding_ids = findings["finding_id"].astype(str)
        rule_ids = findings["rule_id"].astype(str)
        record_ids = findings["record_id"].astype(str)
        wanted_ids = {s.finding_id for s in suppressions if s.finding_id is not None}
        wanted_rules = {str(s.rule_id) for s in suppressions if s.finding_id is None}
        wanted_records = {str(s.record_id) for s in suppressions if s.finding_id is None}
        named = finding_ids.isin(wanted_ids).to_numpy()
        maybe = (rule_ids.isin(wanted_rules) & record_ids.isin(wanted_records)).to_numpy()
        for position in np.flatnonzero(named | maybe):
            self._by_id.setdefault(finding_ids.iloc[position], []).append(int(position))
            key = (rule_ids.iloc[position], record_ids.iloc[position])
            self._by_rule.setdefault(key, []).append(int(position))

    def of(self, suppression: Suppression) -> list[int]:
        if suppression.finding_id is not None:
            return self._by_id.get(suppression.finding_id, [])
        return self._by_rule.get((str(suppression.rule_id), str(suppression.record_id)), [])


def _join(current: pd.Series, note: str) -> pd.Series:
    return (current + "; ").where(current.ne(""), "") + note
