"""The Findings sheet: colours, links, the decision dropdown.

Findings are written in the order given: the pipeline sorts them (`assemble.sort_findings`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from screening.report.styles import AMBER, RED, SLATE
from screening.report.tables import Table, table_sheet
from screening.report.xlsx import LAST_ROW, ListValidation, column_letter
from screening.rows import DECISIONS, DEFAULT_DECISION, FINDING_COLUMNS
from screening.rulespec.rule import Severity

SEVERITY_ORDER = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))
SEVERITY_FILLS = {"violation": RED, "indicator": AMBER, "review": SLATE}
# Findings cells that link to the rule's row on Rules and its first source on Sources.
FINDING_LINKS = ("rule_id", "sources")
# Kept in view beside the header: which record, which rule.
FINDING_FROZEN = ("record_id", "name", "rule_id")
# Room for what a reviewer writes.
DECISION_WIDTHS = {
    "decision": 15.0,
    "reviewer": 16.0,
    "comment": 36.0,
    "decided_on": 12.0,
    "review_note": 36.0,
}
# What identifies and fingerprints a finding, for tools more than readers: grouped and folded.
FINDING_TECHNICAL = ("file", "line", "list_reference", "record_sha", "rule_sha", "entry_sha")


def first_rows(frame: pd.DataFrame, key: str) -> dict[str, int]:
    """The sheet row (header is row 1) where each value of `key` first appears in the frame."""
    if key not in frame.columns:
        return {}
    rows: dict[str, int] = {}
    for position, value in enumerate(frame[key].astype(str)):
        rows.setdefault(value, position + 2)
    return rows


def decisions(findings: pd.DataFrame) -> pd.Series:
    """Each finding's decision; a blank (or absent) one is open."""
    if "decision" not in findings.columns:
        return pd.Series(DEFAULT_DECISION, index=findings.index, dtype=object)
    decision = findings["decision"].astype(object)
    return decision.where(decision.notna() & (decision != ""), DEFAULT_DECISION)


def findings_sheet(
    findings: pd.DataFrame,
    rule_rows: Mapping[str, int],
    source_rows: Mapping[str, int],
) -> Table:
    """The Findings sheet: severity colours, rule/source links, decision dropdown."""
    if "decision" in findings:
        findings = findings.assign(decision=decisions(findings))
    rule_ids = _text_key(findings, "rule_id")
    targets = (("Rules", rule_rows), ("Sources", source_rows))
    # The whole column, so rows a reviewer adds by hand get the dropdown too.
    letter = column_letter(list(FINDING_COLUMNS).index("decision") + 1)
    dropdown = ListValidation(
        f"{letter}2:{letter}{LAST_ROW}",
        DECISIONS,
        error_title="Unknown decision",
        error="Choose one of: " + ", ".join(DECISIONS),
    )
    return table_sheet(
        "Findings",
        findings,
        FINDING_COLUMNS,
        fills={"severity": SEVERITY_FILLS},
        links=dict(
            zip(
                FINDING_LINKS,
                (_locations(rule_ids, sheet, rows) for sheet, rows in targets),
                strict=True,
            )
        ),
        validations=(dropdown,),
        frozen_columns=len(FINDING_FROZEN),
        folded=FINDING_TECHNICAL,
        at_least=DECISION_WIDTHS,
    )


def _locations(keys: pd.Series, sheet: str, rows: Mapping[str, int]) -> pd.Series:
    """Where each key's row is on `sheet` ("'Rules'!A5"; missing for an unknown key), looked up
    once per distinct key."""
    codes, distinct = pd.factorize(keys)
    found = pd.Series(distinct).map(_location(sheet, rows)).to_numpy(dtype=object)
    # Code -1, a missing key, takes the None at the end.
    located = np.concatenate([found, np.array([None], dtype=object)]).take(codes)
    return pd.Series(located, index=keys.index, dtype=object)


def _location(sheet: str, rows: Mapping[str, int]) -> dict[str, str]:
    return {key: f"'{sheet}'!A{row}" for key, row in rows.items()}


def _text_key(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index)
    return frame[column].astype(str)
