"""Companion CSV files for tables longer than a sheet holds, neutralised against formula injection.

Excel opens a CSV by evaluating any cell that starts like a formula, so such text is prefixed with
an apostrophe (the usual CSV-injection defence); otherwise text is kept whole, never cut.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from screening.arrowbytes import edges
from screening.report.cells import starts_like_formula

COMPANION_TABLES = {"Findings": "findings", "Rejected": "rejected", "Data issues": "data-issues"}
"""The sheets whose table goes whole into a companion CSV when longer than a sheet holds, and the
table's name in the CSV's file name."""


def companion_path(report: Path, table: str) -> Path:
    """`<report stem>.<table>.csv` next to the report, e.g. `screen.findings.csv`."""
    return report.with_name(f"{report.stem}.{table}.csv")


def companion_paths(report: Path) -> list[Path]:
    """Every companion CSV a report may come with, whether or not this screen needs it."""
    return [companion_path(report, table) for table in COMPANION_TABLES.values()]


CSV_BATCH_ROWS = 100_000
"""Rows made into Arrow text and written at a time: the whole table at once held a copy of it
(1.2 GB more for 1.3M findings)."""


def write_companion_csv(frame: pd.DataFrame, columns: Sequence[str], path: Path) -> None:
    """All rows of the frame as UTF-8 CSV (with BOM, so Excel reads the encoding right), written
    by Arrow's CSV writer a batch at a time: CRLF line ends (RFC 4180), text quoted as needed."""
    options = pa_csv.WriteOptions(eol="\r\n", quoting_style="needed")
    batches = (
        pa.table({str(name): arrow_column(rows[name], neutralised=True) for name in columns})
        for rows in (
            frame.iloc[start : start + CSV_BATCH_ROWS]
            for start in range(0, max(len(frame), 1), CSV_BATCH_ROWS)
        )
    )
    first = next(batches)  # one, empty, for no rows: the header is written all the same
    with path.open("wb") as handle:
        handle.write(codecs.BOM_UTF8)
        with pa_csv.CSVWriter(handle, first.schema, write_options=options) as writer:
            writer.write_table(first)
            for batch in batches:
                writer.write_table(batch.cast(first.schema))


def arrow_column(column: pd.Series, *, neutralised: bool) -> pa.Array:
    """The column as Arrow values for a file: numbers as numbers, anything else (dates, mixed
    values) as the text pandas shows for it; text `neutralised` for a spreadsheet to open."""
    keep = _neutralised if neutralised else _as_is
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column):
        return pa.array(column, from_pandas=True)
    if isinstance(column.dtype, pd.CategoricalDtype):  # a rule's text, held once: written out
        return keep(pa.array(column.array).cast(pa.large_string()))
    if column.dtype == object and not _all_text(column):
        shown = column.map(_shown, na_action="ignore")
        is_text = column.map(lambda value: isinstance(value, str)).to_numpy(dtype=bool)
        text = pa.array(shown, type=pa.large_string(), from_pandas=True)
        return pc.if_else(pa.array(is_text), keep(text), text)
    text = pa.array(column.astype("string").array, type=pa.large_string(), from_pandas=True)
    return keep(text)


def _as_is(text: pa.Array | pa.ChunkedArray) -> pa.Array:
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def _all_text(column: pd.Series) -> bool:
    return pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _neutralised(text: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Text that a spreadsheet would evaluate as a formula, prefixed with an apostrophe."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    formula_like = starts_like_formula(edges(text)[0])
    if not formula_like.any():
        return text
    quote, nothing = (pa.scalar(mark, pa.large_string()) for mark in ("'", ""))
    quoted = pc.binary_join_element_wise(quote, text, nothing)
    return pc.if_else(pa.array(formula_like), quoted, text)
