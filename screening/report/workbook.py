"""Write a `ScreenResult` as the reviewer's Excel workbook, streamed and atomically.

Every sheet is planned first (what goes where, and what the Summary must say about it); the table
rows are rendered a column at a time (`sheetdata`) on the report's threads, ahead of the sheet
being written (`rendering`), and the package is streamed into a zip (`xlsx`, `archive`). It is
written to a temporary file beside `out` and moved into place with `os.replace`, so a failed or
interrupted write never leaves a partial report (nor a partial companion CSV).

A writer that is killed outright (SIGKILL, a power cut) cannot remove its temporary files, so the
next report written into the same folder removes them (`remove_stale_parts`). A writer holds a
lock on each of its temporary files while it lives; the system releases the lock when the process
ends, however it ends, so an unlocked temporary file is one whose writer is gone.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from screening.errors import ScreeningError
from screening.report import sheetdata
from screening.report.archive import ZipWriter
from screening.report.companion import (
    COMPANION_TABLES,
    companion_path,
    companion_paths,
    write_companion_csv,
)
from screening.report.overview import Note, run_sheet, summary_sheet
from screening.report.rendering import RowRenderer
from screening.report.sheets import FINDING_LINKS, findings_sheet, first_rows
from screening.report.tables import Table, table_frame, table_sheet
from screening.report.xlsx import XlsxWriter
from screening.results import ScreenResult
from screening.rows import (
    CHANGE_COLUMNS,
    DATA_ISSUE_COLUMNS,
    FINDING_COLUMNS,
    RECORD_COLUMNS,
    RECORD_COUNT_COLUMNS,
    REJECTED_COLUMNS,
    RULE_COLUMNS,
    SOURCE_COLUMNS,
)

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

PART_NAME = re.compile(r"\..+\.(?:xlsx|csv)\.[a-z0-9_]{8}\.part(?:\.rows)?")
"""A writer's temporary file: `.<final name>.<tempfile.mkstemp's eight characters>.part`, and the
`.part.rows` that versions before 0.2 wrote beside it."""
PART_GRACE_S = 10.0
"""A temporary file this recent is left alone even when unlocked: its writer may be between
creating it and locking it."""


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
    remove_stale_parts(out.parent)
    plan = _plan(result, out, records or result.records_listing, max_sheet_rows)
    staged: list[_Part] = []
    try:
        for overflow in plan.overflows:
            staged.append(_Part.beside(overflow.path))
            write_companion_csv(overflow.frame, overflow.columns, staged[-1].path)
        staged.append(_Part.beside(out))
        _write(staged[-1].path, result, plan, max_sheet_rows, RowRenderer())
        for part in staged:
            os.replace(part.path, part.final)
    except BaseException as error:
        for part in staged:
            part.path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ScreeningError(f"cannot write the report: {error}", path=out) from error
        raise
    finally:
        for part in staged:
            os.close(part.lock)
    return out


def check_destination(out: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse, before any work, a report path that cannot or must not be written, and one whose
    companion CSVs (written when a table is longer than a sheet holds) would overwrite an input
    or a folder."""
    if out.suffix.lower() != ".xlsx":
        raise ScreeningError(f"the report must be an .xlsx file, not {out.name!r}", out)
    if out.is_dir():
        raise ScreeningError(
            "the report path is a directory; give a file name ending in .xlsx", out
        )
    if not out.parent.is_dir():
        raise ScreeningError(f"the folder {out.parent} does not exist; create it first", out)
    read = {path.resolve() for path in inputs}
    if out.resolve() in read:
        raise ScreeningError("the report path is one of the input files; choose another", out)
    for companion in companion_paths(out):
        if companion.resolve() in read:
            raise ScreeningError(
                f"the report's companion file {companion.name} (written when a table is longer "
                "than a sheet holds) would overwrite an input file; choose another report name",
                companion,
            )
        if companion.is_dir():
            raise ScreeningError(
                f"the report's companion file {companion.name} is a folder; choose another "
                "report name",
                companion,
            )
    if not os.access(out.parent, os.W_OK):
        raise ScreeningError(f"the folder {out.parent} is not writable", out)


def remove_stale_parts(folder: Path) -> None:
    """Remove the temporary files of report writers that are gone (see the module's doc) from the
    folder. Only files named as a writer names them are looked at; a live writer's are kept."""
    try:
        names = os.listdir(folder)
    except OSError:
        return  # nothing to clean where nothing can be listed; writing will say what is wrong
    now = time.time()
    for name in names:
        if PART_NAME.fullmatch(name) and _stale(folder / name, now):
            with contextlib.suppress(OSError):  # gone already, or not ours to remove
                (folder / name).unlink()


def _plan(result: ScreenResult, out: Path, records: RecordsMode, max_rows: int) -> _Plan:
    plan = _Plan(findings=result.findings, records=records)
    tables = (
        ("Findings", plan.findings, FINDING_COLUMNS),
        ("Rejected", result.rejected, REJECTED_COLUMNS),
        ("Data issues", result.data_issues, DATA_ISSUE_COLUMNS),
    )
    for sheet, frame, columns in tables:
        if len(frame) > max_rows:
            table, ordered = table_frame(frame, columns)
            path = companion_path(out, COMPANION_TABLES[sheet])
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
                f"{result.screened_rows:,} records: the Records sheet counts them by file, record "
                "type and status instead of listing them (`--records full` lists them).",
            )
        )
    if records == "full" and not result.every_record:
        plan.records = "summary"
        plan.notes.append(
            (
                "Records: note",
                f"{result.screened_rows:,} records: the screen counted them without keeping each "
                "one's row, so the Records sheet counts them by file, record type and status "
                "(screen with `--records full` to list them).",
            )
        )
    elif records == "full" and len(result.records) > max_rows:
        plan.records = "summary"
        plan.notes.append(
            (
                "Records: note",
                f"{result.screened_rows:,} records are more than a sheet holds: the Records sheet "
                "counts them by file, record type and status instead of listing them.",
            )
        )
    return plan


def _write(
    path: Path, result: ScreenResult, plan: _Plan, max_rows: int, renderer: RowRenderer
) -> None:
    """Every sheet in order; every table's rows start rendering before the first is written."""
    summary, summary_rows = summary_sheet(result, plan.notes)
    tables = _tables(result, plan, max_rows)
    for table in tables:
        renderer.start(table.body)
    with ZipWriter(path) as archive:
        book = XlsxWriter(archive, creator=f"screening {result.tool_version}")
        book.add_sheet(summary, summary_rows)
        for table in tables:
            rows: Iterable[bytes | memoryview] = itertools.chain(
                (table.header,), renderer.rows(table.body)
            )
            book.add_sheet(table.sheet, rows, table.body.hyperlinks_xml())
        book.close(renderer.shared_strings())


def _tables(result: ScreenResult, plan: _Plan, max_rows: int) -> list[Table]:
    """The table sheets after Summary, in the workbook's order."""
    rule_rows = first_rows(result.rules, "rule_id")
    source_rows = first_rows(result.sources, "rule_id")
    tables = [findings_sheet(plan.findings.iloc[:max_rows], rule_rows, source_rows)]
    if result.changes is not None:
        tables.append(table_sheet("Changes", result.changes, CHANGE_COLUMNS))
    if plan.records == "summary":
        tables.append(table_sheet("Records", result.record_counts, RECORD_COUNT_COLUMNS))
    else:
        tables.append(table_sheet("Records", result.records, RECORD_COLUMNS))
    tables += [
        table_sheet("Rejected", result.rejected.iloc[:max_rows], REJECTED_COLUMNS),
        table_sheet("Data issues", result.data_issues.iloc[:max_rows], DATA_ISSUE_COLUMNS),
        # A rule's row shows the whole rule: the sheet a finding's rule link lands on.
        table_sheet("Rules", result.rules, RULE_COLUMNS, max_lines=sheetdata.MAX_ROW_LINES),
        table_sheet("Sources", result.sources, SOURCE_COLUMNS),
        run_sheet(result),
    ]
    return tables


@dataclass(frozen=True)
class _Part:
    """A temporary file that becomes `final` when the write succeeds, locked while it is written."""

    path: Path
    final: Path
    lock: int
    """The open descriptor holding the lock; closing it releases the lock."""

    @classmethod
    def beside(cls, final: Path) -> _Part:
        # Same folder as the destination, so os.replace is an atomic rename, not a copy.
        handle, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # new and unshared: never blocks
        # mkstemp makes the file private (0600); the report gets a new file's usual mode.
        os.fchmod(handle, 0o666 & ~_umask())
        return cls(Path(name), final, handle)


def _umask() -> int:
    """The process's umask, read without changing it (Linux tells it in /proc)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


def _stale(path: Path, now: float) -> bool:
    """Whether a temporary file's writer is gone: the file (or, for a `.rows` file, the part it
    belongs to) is not locked, and it is not new."""
    try:
        status = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(status.st_mode) or now - status.st_mtime < PART_GRACE_S:
        return False
    owner = path.with_suffix("") if path.suffix == ".rows" else path
    return not _locked(owner)


def _locked(path: Path) -> bool:
    """Whether a live writer holds the file's lock (True when it cannot be told)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return False  # a `.rows` file whose part is gone
    except OSError:
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError when locked
        return True
    finally:
        os.close(handle)  # releases the lock just taken
    return False
