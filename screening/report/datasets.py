"""Every row of a screen's tables as files for other tools: `screening run --tables DIR`.

A workbook holds what a sheet holds (the rest of a long table goes to a companion CSV); a
register of millions is better read by a query engine than by Excel. With `--tables DIR` the
findings, records, rejected rows and data issues are also written whole, each as a dataset: a
folder of files of at most `ROWS_PER_FILE` rows (`findings/part-00000.parquet`...), in the
sheets' columns and order. Parquet keeps numbers and text as they are; CSV (`--tables-format
csv`) is written by Arrow like the companion CSVs, with text that would start a formula
neutralised. `screening-tables.json` says which screen wrote them and how many rows each has.

The folder is written beside itself under a temporary name and renamed into place once whole:
never half a folder. A folder already there is replaced only when it holds the manifest (an
earlier screen's tables); anything else is refused before the screen starts.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from screening.errors import ScreeningError
from screening.report.companion import arrow_column, write_companion_csv
from screening.report.tables import table_frame
from screening.results import ScreenResult
from screening.rows import DATA_ISSUE_COLUMNS, FINDING_COLUMNS, RECORD_COLUMNS, REJECTED_COLUMNS

TablesFormat = Literal["parquet", "csv"]
MANIFEST = "screening-tables.json"
ROWS_PER_FILE = 1_000_000
"""Rows a file holds at most: a part a tool can read in one go, many parts a cluster can share."""


def check_tables_destination(folder: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse, before any work, a tables folder that cannot or must not be written: its parent
    missing, a file, a folder of something else, or one holding an input."""
    if not folder.parent.is_dir():
        raise ScreeningError(f"the folder {folder.parent} does not exist; create it first", folder)
    if folder.exists() and not folder.is_dir():
        raise ScreeningError("--tables names a file; give a folder", folder)
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MANIFEST).is_file():
        raise ScreeningError(
            f"--tables names a folder that is not empty and holds no {MANIFEST} (an earlier "
            "screen's tables): choose another",
            folder,
        )
    inside = [path for path in inputs if folder.resolve() in path.resolve().parents]
    if inside:
        raise ScreeningError(
            f"--tables would replace a folder holding the input {inside[0]}", folder
        )


def write_tables(result: ScreenResult, folder: Path, form: TablesFormat) -> Path:
    """Write the four tables under `folder` (replacing an earlier screen's); return it."""
    check_tables_destination(folder)
    if not result.every_record:
        raise ScreeningError(
            "the screen counted its records without keeping their rows: screen with "
            "`every_record` to write the tables (a bug when run from the command line)",
            folder,
        )
    staged = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=folder.parent))
    try:
        counts = {
            name: _write_table(frame, columns, staged / name, form)
            for name, frame, columns in _tables(result)
        }
        manifest = {
            "tool_version": result.tool_version,
            "as_of": result.as_of.isoformat(),
            "rules_hash": result.rules_hash,
            "format": form,
            "rows": counts,
        }
        (staged / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        _replace(folder, staged)
    except BaseException as error:
        shutil.rmtree(staged, ignore_errors=True)
        if isinstance(error, OSError):
            raise ScreeningError(f"cannot write the tables: {error}", folder) from error
        raise
    return folder


def _tables(result: ScreenResult) -> Iterator[tuple[str, pd.DataFrame, Sequence[str]]]:
    yield "findings", result.findings, FINDING_COLUMNS
    yield "records", result.records, RECORD_COLUMNS
    yield "rejected", result.rejected, REJECTED_COLUMNS
    yield "data-issues", result.data_issues, DATA_ISSUE_COLUMNS


def _write_table(
    frame: pd.DataFrame, columns: Sequence[str], folder: Path, form: TablesFormat
) -> int:
    """The table's rows in files of at most `ROWS_PER_FILE` (one file, empty, for no rows)."""
    folder.mkdir()
    table, ordered = table_frame(frame, columns)
    for number, start in enumerate(range(0, max(len(table), 1), ROWS_PER_FILE)):
        part = table.iloc[start : start + ROWS_PER_FILE]
        path = folder / f"part-{number:05d}.{form}"
        if form == "csv":
            write_companion_csv(part, ordered, path)
        else:
            arrays = {str(name): arrow_column(part[name], neutralised=False) for name in ordered}
            pq.write_table(pa.table(arrays), path)
    return len(table)


def _replace(folder: Path, staged: Path) -> None:
    """The staged folder renamed into place; an earlier screen's tables moved aside first (under
    the staged folder's unique name, `.old` for `.part`) and removed once the new ones are there."""
    if not folder.exists():
        staged.rename(folder)
        return
    old = staged.with_suffix(".old")
    folder.rename(old)
    try:
        staged.rename(folder)
    except BaseException:
        old.rename(folder)
        raise
    shutil.rmtree(old, ignore_errors=True)
