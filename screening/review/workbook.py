"""Reading decisions back from a reviewed report, all-or-nothing.

The workbook comes from outside (it went to a reviewer and back), so it is opened read-only with
openpyxl, whose XML parsing goes through defusedxml when it is installed (it is a dependency of
this project): no entity expansion, no formulas evaluated. Every problem is reported with its
sheet and row; if there is one, nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from screening.errors import InputFileError
from screening.findings import finding_id
from screening.report.rows import FindingRow, columns
from screening.review.decisions import DECISIONS, DEFAULT_DECISION, Decision, Fingerprint

FINDINGS_SHEET = "Findings"
RUN_SHEET = "Run"
REQUIRED_COLUMNS = columns(FindingRow)


class ReviewProblems(InputFileError):
    """A reviewed workbook that cannot be imported: every problem, with sheet and row."""

    def __init__(self, path: Path, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported", path)
        self.problems = problems

    def __str__(self) -> str:
        lines = [f"{self.path}: {problem}" for problem in self.problems]
        return "\n".join([*lines, f"{self.path}: {self.message}"])


def read_findings_sheet(path: Path) -> pd.DataFrame:
    """The Findings sheet of a screening report as text cells, with each row's sheet row number."""
    workbook = _open(path)
    try:
        if FINDINGS_SHEET not in workbook.sheetnames or RUN_SHEET not in workbook.sheetnames:
            raise InputFileError("not a screening report (no Findings or Run sheet)", path)
        creator = workbook.properties.creator or ""
        if not creator.startswith("screening ") or not _written_by_screening(workbook[RUN_SHEET]):
            raise InputFileError("not a screening report (its Run sheet names no tool)", path)
        rows = workbook[FINDINGS_SHEET].iter_rows(values_only=True)
        header = [str(cell) if cell is not None else "" for cell in next(rows, ())]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise InputFileError(
                f"{FINDINGS_SHEET} sheet lacks columns {', '.join(missing)}: was it written "
                "by screening and its columns kept?",
                path,
            )
        records = [
            {"sheet_row": number, **dict(zip(header, row, strict=False))}
            for number, row in enumerate(rows, start=2)
            if any(cell not in (None, "") for cell in row)
        ]
    finally:
        workbook.close()
    frame = pd.DataFrame(records, columns=["sheet_row", *header])
    return frame


def read_sheet(path: Path, name: str) -> pd.DataFrame:
    """A sheet of a report as a DataFrame keyed by its header (empty when the sheet is absent)."""
    workbook = _open(path)
    try:
        if name not in workbook.sheetnames:
            return pd.DataFrame()
        rows = list(workbook[name].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows[1:], columns=[str(cell) for cell in rows[0]])


def import_decisions(path: Path, now: dt.datetime | None = None) -> list[Decision]:
    """The decisions a reviewer made in a report (findings left `open` are not decisions)."""
    frame = read_findings_sheet(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    imported_at = now or dt.datetime.now().astimezone()
    problems = list(_problems(frame))
    if problems:
        raise ReviewProblems(path, problems)
    decided = frame[_text(frame["decision"]).ne(DEFAULT_DECISION)]
    return [
        Decision(
            finding_id=_cell(row["finding_id"]),
            decision=_cell(row["decision"]),
            reviewer=_cell(row["reviewer"]),
            comment=_cell(row["comment"]),
            decided_on=_date(row["decided_on"]) or imported_at.date(),
            fingerprint=Fingerprint(
                record_sha=_cell(row["record_sha"]),
                rule_sha=_cell(row["rule_sha"]),
                entry_sha=_cell(row["entry_sha"]),
            ),
            evidence=_cell(row["evidence"]),
            report=str(path),
            report_sha256=digest,
            imported_at=imported_at,
        )
        for row in decided.to_dict("records")
    ]


def _problems(frame: pd.DataFrame) -> Iterator[str]:
    for row in frame.to_dict("records"):
        where = f"{FINDINGS_SHEET} row {row['sheet_row']}"
        given = _cell(row["finding_id"])
        wanted = finding_id(
            _cell(row["rule_id"]),
            _cell(row["record_type"]),
            _cell(row["record_id"]),
            _cell(row["list_reference"]),
        )
        decision = _cell(row["decision"]) or DEFAULT_DECISION
        if given != wanted:
            yield (
                f"{where}: finding_id {given!r} does not belong to this rule and record "
                f"(expected {wanted}); finding ids must not be edited"
            )
        if decision not in DECISIONS:
            yield f"{where}: unknown decision {decision!r} (use one of: {', '.join(DECISIONS)})"
        elif decision != DEFAULT_DECISION and not _cell(row["reviewer"]):
            yield f"{where}: decision {decision!r} has no reviewer"
        if _cell(row["decided_on"]) and _date(row["decided_on"]) is None:
            yield f"{where}: decided_on {row['decided_on']!r} is not a date (YYYY-MM-DD)"


def _open(path: Path) -> Any:
    if not path.is_file():
        raise InputFileError("report not found", path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputFileError(f"not a readable .xlsx workbook ({error})", path) from None


def _written_by_screening(run_sheet: Any) -> bool:
    for key, value, *_ in run_sheet.iter_rows(min_row=2, max_row=5, values_only=True):
        if key == "tool version" and value:
            return True
    return False


def _text(series: pd.Series) -> pd.Series:
    return series.map(_cell).replace("", DEFAULT_DECISION)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_cell(value))
    except ValueError:
        return None
