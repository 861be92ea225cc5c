"""The table sheets: their names and promised columns (a public interface), and the Findings sheet.

Findings are written in the order given: the pipeline sorts them (`assemble.sort_findings`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from screening.report.cells import PLAIN, WRAPPED, CellStyle, SheetCell, make_cell
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
from screening.report.tables import (
    WRAPPED_COLUMNS,
    column_widths,
    new_table_sheet,
    table_frame,
    write_rows,
)
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
    table, _ = table_frame(records, RECORDS_COLUMNS)
    keys = ["file", "record_type", "status"]
    # Paths and text mixed in one column would not sort; the summary shows them as text anyway.
    table = table.assign(**{key: table[key].astype("string") for key in keys})
    table = table.assign(findings=pd.to_numeric(table["findings"], errors="coerce").fillna(0))
    groups = table.groupby(keys, dropna=False, sort=True)
    summary = groups.agg(records=("record_id", "size"), findings=("findings", "sum"))
    return summary.reset_index().astype({"records": int, "findings": int})


def write_findings(
    wb: Workbook,
    findings: pd.DataFrame,
    rule_rows: Mapping[str, int],
    source_rows: Mapping[str, int],
) -> int:
    """The Findings sheet: severity colours, rule/source links, decision dropdown; returns rows."""
    table, columns = table_frame(findings, FINDINGS_COLUMNS)
    decision = table["decision"].astype(object)
    table["decision"] = decision.where(decision.notna() & (decision != ""), DEFAULT_DECISION)
    ws = new_table_sheet(wb, "Findings", columns, column_widths(table, columns))
    rule_ids = table["rule_id"].astype(str)
    rule_links = rule_ids.map(_location("Rules", rule_rows))
    source_links = rule_ids.map(_location("Sources", source_rows))
    rows = _finding_rows(ws, table, columns, rule_links, source_links)
    count = write_rows(ws, columns, rows)
    _add_decision_dropdown(ws, columns.index("decision") + 1)
    return count


def _finding_rows(
    ws: WriteOnlyWorksheet,
    table: pd.DataFrame,
    columns: Sequence[str],
    rule_links: pd.Series,
    source_links: pd.Series,
) -> Iterator[list[SheetCell]]:
    styles = [WRAPPED if name in WRAPPED_COLUMNS else PLAIN for name in columns]
    rule_at, source_at, severity_at = (columns.index(c) for c in ("rule_id", "sources", "severity"))
    severity_styles = {name: CellStyle(fill=rgb) for name, rgb in SEVERITY_FILLS.items()}
    no_links: list[str | None] = [None] * len(columns)
    links = zip(rule_links.array, source_links.array, strict=True)
    for values, (rule_link, source_link) in zip(
        table.itertuples(index=False, name=None), links, strict=True
    ):
        row_styles = styles.copy()
        row_styles[severity_at] = severity_styles.get(str(values[severity_at]), PLAIN)
        row_links = no_links.copy()
        row_links[rule_at] = _link_or_none(rule_link)
        row_links[source_at] = _link_or_none(source_link)
        yield [
            make_cell(ws, value, style, link)
            for value, style, link in zip(values, row_styles, row_links, strict=True)
        ]


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


def _link_or_none(location: object) -> str | None:
    return location if isinstance(location, str) else None


def _text_key(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index)
    return frame[column].astype(str)
