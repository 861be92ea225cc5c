"""The table sheets: their names and promised columns (a public interface), and the Findings sheet.

Findings are written in the order given: the pipeline sorts them (`assemble.sort_findings`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pyarrow as pa
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from screening.report.rows import (
    ChangeRow,
    DataIssueRow,
    FindingRow,
    RecordCountRow,
    RecordRow,
    RejectedRow,
    RuleRow,
    SourceRow,
    columns,
)
from screening.report.sheetdata import SheetBody
from screening.report.tables import table_sheet
from screening.review.decisions import DECISIONS, DEFAULT_DECISION
from screening.rulespec.rule import Severity

FINDINGS_COLUMNS = columns(FindingRow)
RECORDS_COLUMNS = columns(RecordRow)
RECORDS_SUMMARY_COLUMNS = columns(RecordCountRow)
REJECTED_COLUMNS = columns(RejectedRow)
DATA_ISSUES_COLUMNS = columns(DataIssueRow)
RULES_COLUMNS = columns(RuleRow)
SOURCES_COLUMNS = columns(SourceRow)
CHANGES_COLUMNS = columns(ChangeRow)

SEVERITY_ORDER = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))
SEVERITY_FILLS = {"violation": "F4CCCC", "indicator": "FFE599", "review": "DDE3EC"}
EXCEL_LAST_ROW = 1_048_576
# Findings cells that link to the rule's row on Rules and its first source on Sources.
FINDING_LINKS = ("rule_id", "sources")


def first_rows(frame: pd.DataFrame, key: str) -> dict[str, int]:
    """The sheet row (header is row 1) where each value of `key` first appears in the frame."""
    if key not in frame.columns:
        return {}
    rows: dict[str, int] = {}
    for position, value in enumerate(frame[key].astype(str)):
        rows.setdefault(value, position + 2)
    return rows


def summarise_records(records: pd.DataFrame) -> pd.DataFrame:
    """One row per file, record_type and status: how many records, and how many findings."""
    keys = ["file", "record_type", "status"]
    findings = pd.to_numeric(_column(records, "findings"), errors="coerce").fillna(0)
    table = pa.table(
        {key: _text(_column(records, key)) for key in keys}
        | {"findings": pa.array(findings.to_numpy())}
    )
    # Grouped and sorted in Arrow: pandas took ~0.5 s for a million records. Null keys are a
    # group of their own, sorted last.
    grouped = table.group_by(keys).aggregate([("findings", "sum"), ([], "count_all")])
    grouped = grouped.sort_by([(key, "ascending", "at_end") for key in keys])
    return pd.DataFrame(
        {key: pd.Series(grouped[key].to_pandas(), dtype="string") for key in keys}
        | {
            "records": grouped["count_all"].to_numpy().astype(int),
            "findings": grouped["findings_sum"].to_numpy().astype(int),
        }
    )


def _text(column: pd.Series) -> pa.Array:
    """The column's values as text (missing: null), as `astype("string")` would show them."""
    if column.dtype == object:
        try:
            return pa.array(column.to_numpy(), type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # not all text (paths, numbers): pandas' conversion, slower, shows each one
    return pa.array(column.astype("string").array, type=pa.large_string(), from_pandas=True)


def write_findings(
    wb: Workbook,
    findings: pd.DataFrame,
    rule_rows: Mapping[str, int],
    source_rows: Mapping[str, int],
) -> SheetBody:
    """The Findings sheet: severity colours, rule/source links, decision dropdown."""
    decision = findings["decision"].astype(object) if "decision" in findings else None
    if decision is not None:
        blank = decision.isna() | (decision == "")
        findings = findings.assign(decision=decision.where(~blank, DEFAULT_DECISION))
    rule_ids = _text_key(findings, "rule_id")
    targets = (("Rules", rule_rows), ("Sources", source_rows))
    body = table_sheet(
        wb,
        "Findings",
        findings,
        FINDINGS_COLUMNS,
        fills={"severity": SEVERITY_FILLS},
        links=dict(
            zip(
                FINDING_LINKS,
                (rule_ids.map(_location(sheet, rows)) for sheet, rows in targets),
                strict=True,
            )
        ),
    )
    _add_decision_dropdown(body.sheet, list(body.frame.columns).index("decision") + 1)
    return body


def _add_decision_dropdown(ws: WriteOnlyWorksheet, column: int) -> None:
    # The whole column, so rows a reviewer adds by hand get the dropdown too.
    letter = get_column_letter(column)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(DECISIONS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Unknown decision",
        error="Choose one of: " + ", ".join(DECISIONS),
    )
    validation.add(f"{letter}2:{letter}{EXCEL_LAST_ROW}")
    ws.data_validations.append(validation)


def _location(sheet: str, rows: Mapping[str, int]) -> dict[str, str]:
    return {key: f"'{sheet}'!A{row}" for key, row in rows.items()}


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """The frame's column, or a blank one where the frame has none."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(None, index=frame.index, dtype=object)


def _text_key(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index)
    return frame[column].astype(str)
