"""Reading decisions back from a reviewed report, all-or-nothing.

The workbook comes from outside (it went to a reviewer and back), so it is read through `xlsx`:
sizes checked before anything is inflated, no DTD, only the columns needed, the stored dimension
ignored, no formula calculated. Every problem is reported with its sheet and row (or cell); if there
is one, nothing is imported.

The report may come from another version of screening: its Findings sheet must have the columns
`rows.FINDING_REQUIRED_ON_IMPORT`; any other column it lacks reads as blank, and a column this
version does not know is ignored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from screening.errors import InputFileError
from screening.normalizing.fingerprints import FINGERPRINT_VERSION
from screening.normalizing.values import DATE_FORMS, read_date
from screening.review.decisions import Decision, Fingerprint
from screening.review.idcheck import ShownFinding, finding_id_problems
from screening.review.sheetxml import CellValue, column_letters
from screening.review.xlsx import Package, Table, open_package
from screening.rows import (
    DECISIONS,
    DEFAULT_DECISION,
    FINDING_COLUMNS,
    FINDING_REQUIRED_ON_IMPORT,
    REVIEWER_COLUMNS,
)

FINDINGS_SHEET = "Findings"
RUN_SHEET = "Run"
IMPORT_COLUMNS = tuple(
    name for name in FINDING_COLUMNS if name in FINDING_REQUIRED_ON_IMPORT + REVIEWER_COLUMNS
)
"""What `review import` reads of the Findings sheet: the columns it requires (the id and what it
is made of, the fingerprints and evidence a decision is kept with) and the reviewer's columns."""

NamedRow = dict[str, CellValue]
"""A Findings row by column name, with its sheet row number under "sheet_row"."""


class ReviewProblems(InputFileError):
    """A reviewed workbook that cannot be imported: every problem, with sheet and row."""

    def __init__(self, path: Path, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported", path)
        self.problems = problems

    def __str__(self) -> str:
        lines = [f"{self.path}: {problem}" for problem in self.problems]
        return "\n".join([*lines, f"{self.path}: {self.message}"])


def read_findings_sheet(path: Path, columns: Sequence[str] = FINDING_COLUMNS) -> pd.DataFrame:
    """The given columns of a screening report's Findings sheet, each row with its sheet row
    number (`sheet_row`); cells are left as read (text, numbers, datetimes, None), and a column
    the sheet lacks is None throughout. The sheet must have every required column."""
    with open_package(path) as package:
        table = _findings_table(package, columns)
    return pd.DataFrame(_rows(table, columns), columns=["sheet_row", *columns], dtype=object)


def check_findings_sheet(path: Path) -> None:
    """Refuse a report whose Findings sheet cannot be read back (a required column missing or
    repeated) before any work is done with it."""
    with open_package(path) as package:
        _findings_table(package, ())


def read_sheet(path: Path, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A sheet of a report keyed by its header, all columns or those named (empty when the sheet
    is absent)."""
    with open_package(path) as package:
        if name not in package.sheet_names:
            return pd.DataFrame()
        table = package.read_table(name, columns)
    order = sorted(table.header)
    return pd.DataFrame(
        [[cells.get(column) for column in order] for _, cells in table.rows],
        columns=[table.header[column] for column in order],
        dtype=object,
    )


@dataclass(frozen=True)
class ReviewedDecisions:
    """The decisions of a reviewed report, and which of them had no `decided_on` (dated the day
    of the import)."""

    decisions: list[Decision]
    undated: frozenset[str]
    """Finding ids whose decided_on cell was blank."""


def import_decisions(path: Path, now: dt.datetime | None = None) -> list[Decision]:
    """The decisions a reviewer made in a report (findings left `open` are not decisions)."""
    return read_decisions(path, now).decisions


def read_decisions(path: Path, now: dt.datetime | None = None) -> ReviewedDecisions:
    """`import_decisions`, telling which decisions were undated in the workbook."""
    with open_package(path) as package:
        table = _findings_table(package, IMPORT_COLUMNS)
        digest = package.sha256
    rows = _rows(table, IMPORT_COLUMNS)
    problems = sorted([*_unsaved_formulas(table), *_row_problems(rows), *_conflicts(rows)])
    if problems:
        raise ReviewProblems(path, [problem for _, problem in problems])
    imported_at = now or dt.datetime.now().astimezone()
    decided: dict[str, NamedRow] = {}
    for row in rows:
        if _decision(row) != DEFAULT_DECISION:
            decided.setdefault(_text(row["finding_id"]), row)  # same-valued repeats: once
    return ReviewedDecisions(
        decisions=[_decision_of(row, path, digest, imported_at) for row in decided.values()],
        undated=frozenset(
            finding for finding, row in decided.items() if not _text(row["decided_on"])
        ),
    )


def _findings_table(package: Package, wanted: Sequence[str]) -> Table:
    path = package.path
    if FINDINGS_SHEET not in package.sheet_names or RUN_SHEET not in package.sheet_names:
        raise InputFileError("not a screening report (no Findings or Run sheet)", path)
    if not package.creator.startswith("screening ") or not _written_by_screening(package):
        raise InputFileError("not a screening report (its Run sheet names no tool)", path)
    table = package.read_table(FINDINGS_SHEET, wanted)  # the header is read whole
    missing = [column for column in FINDING_REQUIRED_ON_IMPORT if not table.columns(column)]
    if missing:
        raise InputFileError(
            f"{FINDINGS_SHEET} sheet lacks column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}, which a report read back must have: was it written by "
            "screening and its columns kept?",
            path,
        )
    for column in dict.fromkeys([*FINDING_REQUIRED_ON_IMPORT, *wanted]):
        found = table.columns(column)
        if len(found) > 1:
            letters = " and ".join(column_letters(number) for number in found)
            raise InputFileError(
                f"{FINDINGS_SHEET} sheet has {len(found)} columns headed {column!r} "
                f"({letters}): keep one",
                path,
            )
    return table


def _written_by_screening(package: Package) -> bool:
    run = package.read_table(RUN_SHEET, ("key", "value"))
    key, value = run.columns("key")[:1], run.columns("value")[:1]
    return any(
        number <= 5 and cells.get(key[0]) == "tool version" and bool(cells.get(value[0]))
        for number, cells in run.rows
        if key and value
    )


def _rows(table: Table, wanted: Sequence[str]) -> list[NamedRow]:
    """Each row's wanted cells by name; None for a column the sheet lacks (read as blank)."""
    where = {name: (table.columns(name) or [0])[0] for name in wanted}  # no column 0: None
    return [
        {"sheet_row": number, **{name: cells.get(column) for name, column in where.items()}}
        for number, cells in table.rows
    ]


def _unsaved_formulas(table: Table) -> Iterator[tuple[int, str]]:
    for reference, column in table.unsaved_formulas:
        row = int("".join(character for character in reference if character.isdigit()) or 0)
        yield (
            row,
            f"{FINDINGS_SHEET} cell {reference}: {table.header.get(column, '')} holds a formula "
            "saved without its value; type the value in, or open and save the workbook in Excel "
            "so that the value is saved",
        )


def _row_problems(rows: list[NamedRow]) -> Iterator[tuple[int, str]]:
    wrong_ids = finding_id_problems(
        [
            ShownFinding(
                _text(row["finding_id"]),
                _text(row["rule_id"]),
                _text(row["record_type"]),
                _shown(row["record_id"]),
                _shown(row["list_reference"]),
            )
            for row in rows
        ]
    )
    for row, wrong_id in zip(rows, wrong_ids, strict=True):
        number = _number(row)
        where = f"{FINDINGS_SHEET} row {number}"
        if wrong_id:
            yield number, f"{where}: {wrong_id}; finding ids must not be edited"
        decision = _decision(row)
        if decision not in DECISIONS:
            known = ", ".join(DECISIONS)
            yield number, f"{where}: unknown decision {decision!r} (use one of: {known})"
        elif decision != DEFAULT_DECISION and not _text(row["reviewer"]):
            yield number, f"{where}: decision {decision!r} has no reviewer"
        if _text(row["decided_on"]) and _date(row["decided_on"]) is None:
            yield number, f"{where}: decided_on {_date_problem(row['decided_on'])}"


def _conflicts(rows: list[NamedRow]) -> Iterator[tuple[int, str]]:
    """Rows holding the same finding with different reviewer columns: which one is meant?"""
    by_id: dict[str, list[NamedRow]] = defaultdict(list)
    for row in rows:
        if _text(row["finding_id"]):
            by_id[_text(row["finding_id"])].append(row)
    for finding, same in by_id.items():
        if len({_review(row) for row in same}) < 2:
            continue
        numbers = [_number(row) for row in same]
        listed = ", ".join(str(number) for number in numbers[:-1]) + f" and {numbers[-1]}"
        reviews = "; ".join(f"row {_number(row)}: {_describe(row)}" for row in same)
        yield (
            numbers[0],
            f"{FINDINGS_SHEET} rows {listed} hold the same finding {finding} with different "
            f"reviews ({reviews}); keep one of them",
        )


def _review(row: NamedRow) -> tuple[str, str, str, dt.date | str | None]:
    decided_on = _text(row["decided_on"]) and (_date(row["decided_on"]) or _text(row["decided_on"]))
    return _decision(row), _text(row["reviewer"]), _text(row["comment"]), decided_on or None


def _describe(row: NamedRow) -> str:
    decision, reviewer, comment, decided_on = _review(row)
    parts = [repr(decision)]
    if reviewer:
        parts.append(f"by {reviewer}")
    if decided_on:
        parts.append(f"on {decided_on}")
    if comment:
        parts.append(f"comment {comment!r}")
    return " ".join(parts)


def _decision_of(row: NamedRow, path: Path, digest: str, imported_at: dt.datetime) -> Decision:
    return Decision(
        finding_id=_text(row["finding_id"]),
        decision=_decision(row),  # checked against DECISIONS
        reviewer=_text(row["reviewer"]),
        comment=_text(row["comment"]),
        decided_on=_date(row["decided_on"]) or imported_at.date(),
        fingerprint=Fingerprint(
            record_sha=_text(row["record_sha"]),
            rule_sha=_text(row["rule_sha"]),
            entry_sha=_text(row["entry_sha"]),
            version=FINGERPRINT_VERSION,
        ),
        evidence=_text(row["evidence"]),
        report=str(path),
        report_sha256=digest,
        imported_at=imported_at,
    )


def _number(row: NamedRow) -> int:
    number = row["sheet_row"]
    return number if isinstance(number, int) else 0


def _decision(row: NamedRow) -> str:
    return _text(row["decision"]) or DEFAULT_DECISION


def _text(value: CellValue) -> str:
    """A cell as the text a reviewer sees in it, trimmed ("" when blank)."""
    return _shown(value).strip()


def _shown(value: CellValue) -> str:
    """A cell as text, untrimmed: a whole number without ".0", a date-only datetime as its date."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    return str(value)


def _date(value: CellValue) -> dt.date | None:
    """A decided_on cell as a date: a date cell, or text written as the records write dates
    (2026-11-30, 30.11.2026: `read_date`)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, str):
        return None  # a bare number is not a date, even if Excel could show it as one
    try:
        return read_date(value)
    except ValueError:
        return None


def _date_problem(value: CellValue) -> str:
    """What is wrong with a decided_on cell that is not a date, and how to write one."""
    if isinstance(value, str):
        try:
            read_date(value)
        except ValueError as problem:
            return str(problem)
    return f"{_text(value)!r} is not a date (dates are written {DATE_FORMS})"
