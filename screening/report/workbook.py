"""Write a `ScreenResult` as the reviewer's Excel workbook, streamed and atomically.

openpyxl builds the workbook (write-only mode): the overview sheets, and each table sheet's frame
and header; the table rows are rendered a column at a time (`sheetdata`), starting as soon as each
table is known, and spliced in after the workbook is saved (`splice`). It is saved to a temporary
file beside `out` and moved into place with `os.replace`, so a failed or interrupted write never
leaves a partial report (nor a partial companion CSV).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from openpyxl import Workbook

from screening.errors import ScreeningError
from screening.pipeline import ScreenResult
from screening.report import sheetdata
from screening.report.companion import companion_path, write_companion_csv
from screening.report.overview import Note, write_run, write_summary
from screening.report.sheets import (
    CHANGES_COLUMNS,
    DATA_ISSUES_COLUMNS,
    FINDING_LINKS,
    FINDINGS_COLUMNS,
    RECORDS_COLUMNS,
    RECORDS_SUMMARY_COLUMNS,
    REJECTED_COLUMNS,
    RULES_COLUMNS,
    SOURCES_COLUMNS,
    first_rows,
    summarise_records,
    write_findings,
)
from screening.report.splice import RowSplicer
from screening.report.tables import table_frame, table_sheet

# Excel holds 1,048,576 rows a sheet; one is the header.
MAX_SHEET_ROWS = 1_048_575
# A `Changes` sheet follows Findings when the screen had a baseline report.
SHEET_NAMES = (
    "Summary",
    "Findings",
    "Records",
    "Rejected",
    "Data issues",
    "Rules",
    "Sources",
    "Run",
)
RecordsMode = Literal["full", "summary"]


@dataclass
class _Overflow:
    """A table too long for its sheet: the sheet shows the first rows, the CSV holds them all."""

    sheet: str
    frame: pd.DataFrame
    columns: list[str]
    path: Path


@dataclass
class _Plan:
    """What goes where, decided before writing: Summary comes first but must already say it."""

    findings: pd.DataFrame
    records: RecordsMode
    overflows: list[_Overflow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def write_report(
    result: ScreenResult,
    out: Path,
    *,
    records: RecordsMode | None = None,
    max_sheet_rows: int = MAX_SHEET_ROWS,
) -> Path:
    """Write the report workbook (and companion CSVs for overflowing tables) to `out`; return it.

    `records` overrides how the Records sheet shows records (default: as the screen decided)."""
    out = Path(out)
    check_destination(out)
    plan = _plan(result, out, records or result.records_listing, max_sheet_rows)
    staged: list[tuple[Path, Path]] = []
    wb = Workbook(write_only=True)
    wb.properties.creator = f"screening {result.tool_version}"  # `review import` checks it
    try:
        for overflow in plan.overflows:
            staged.append((_temp_beside(overflow.path), overflow.path))
            write_companion_csv(overflow.frame, overflow.columns, staged[-1][0])
        staged.append((_temp_beside(out), out))
        with RowSplicer() as rows:
            _fill(wb, result, plan, max_sheet_rows, rows)
            wb.save(staged[-1][0])
            rows.splice(staged[-1][0])
        for temp, final in staged:
            os.replace(temp, final)
    except BaseException as error:
        _abandon(wb)
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ScreeningError(f"cannot write the report: {error}", path=out) from error
        raise
    return out


def check_destination(out: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse, before any work, a report path that cannot or must not be written."""
    if out.suffix.lower() != ".xlsx":
        raise ScreeningError(f"the report must be an .xlsx file, not {out.name!r}", out)
    if out.is_dir():
        raise ScreeningError(
            "the report path is a directory; give a file name ending in .xlsx", out
        )
    if not out.parent.is_dir():
        raise ScreeningError(f"the folder {out.parent} does not exist; create it first", out)
    resolved = out.resolve()
    if any(path.resolve() == resolved for path in inputs):
        raise ScreeningError("the report path is one of the input files; choose another", out)
    if not os.access(out.parent, os.W_OK):
        raise ScreeningError(f"the folder {out.parent} is not writable", out)


def _plan(result: ScreenResult, out: Path, records: RecordsMode, max_rows: int) -> _Plan:
    plan = _Plan(findings=result.findings, records=records)
    tables = (
        ("Findings", "findings", plan.findings, FINDINGS_COLUMNS),
        ("Rejected", "rejected", result.rejected, REJECTED_COLUMNS),
        ("Data issues", "data-issues", result.data_issues, DATA_ISSUES_COLUMNS),
    )
    for sheet, stem, frame, columns in tables:
        if len(frame) > max_rows:
            table, ordered = table_frame(frame, columns)
            path = companion_path(out, stem)
            plan.overflows.append(_Overflow(sheet, table, ordered, path))
            plan.notes.append((f"{sheet}: companion file", path.name))
            plan.notes.append(
                (
                    f"{sheet}: note",
                    f"{len(frame):,} rows are more than a sheet holds: the {sheet} sheet shows the "
                    f"first {max_rows:,}; all {len(frame):,} are in {path.name}.",
                )
            )
    links = sheetdata.HYPERLINK_LIMIT
    if len(plan.findings) * len(FINDING_LINKS) > links:
        plan.notes.append(
            (
                "Findings: links",
                f"the {' and '.join(FINDING_LINKS)} cells of the first "
                f"{links // len(FINDING_LINKS):,} findings link to the Rules and Sources sheets "
                f"(Excel keeps {links:,} links a sheet); the rest have no link.",
            )
        )
    if records == "summary" and result.records_listing == "summary":
        plan.notes.append(
            (
                "Records: note",
                f"{len(result.records):,} records: the Records sheet counts them by file, record "
                "type and status instead of listing them (`--records full` lists them).",
            )
        )
    if records == "full" and len(result.records) > max_rows:
        plan.records = "summary"
        plan.notes.append(
            (
                "Records: note",
                f"{len(result.records):,} records are more than a sheet holds: the Records sheet "
                "counts them by file, record type and status instead of listing them.",
            )
        )
    return plan


def _fill(wb: Workbook, result: ScreenResult, plan: _Plan, max_rows: int, rows: RowSplicer) -> None:
    """Every sheet in order; each table sheet's rows start rendering as soon as it is made, to be
    spliced in after saving."""
    write_summary(wb, result, plan.notes)
    rule_rows = first_rows(result.rules, "rule_id")
    source_rows = first_rows(result.sources, "rule_id")
    rows.start(write_findings(wb, plan.findings.iloc[:max_rows], rule_rows, source_rows))
    if result.changes is not None:
        rows.start(table_sheet(wb, "Changes", result.changes, CHANGES_COLUMNS))
    if plan.records == "summary":
        records = summarise_records(result.records)
        rows.start(table_sheet(wb, "Records", records, RECORDS_SUMMARY_COLUMNS))
    else:
        rows.start(table_sheet(wb, "Records", result.records, RECORDS_COLUMNS))
    rows.start(table_sheet(wb, "Rejected", result.rejected.iloc[:max_rows], REJECTED_COLUMNS))
    data_issues = result.data_issues.iloc[:max_rows]
    rows.start(table_sheet(wb, "Data issues", data_issues, DATA_ISSUES_COLUMNS))
    rows.start(table_sheet(wb, "Rules", result.rules, RULES_COLUMNS))
    rows.start(table_sheet(wb, "Sources", result.sources, SOURCES_COLUMNS))
    rows.start(write_run(wb, result))


def _abandon(wb: Workbook) -> None:
    """Close the sheets of a failed write, so their row streams do not complain when collected."""
    for ws in wb.worksheets:
        if not ws.closed:
            # The original error is what matters; a second one while closing would only hide it.
            with contextlib.suppress(Exception):
                ws.close()


def _temp_beside(final: Path) -> Path:
    # Same folder as the destination, so os.replace is an atomic rename, not a copy.
    handle, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
    os.close(handle)
    return Path(name)
