"""Companion CSV files for tables longer than a sheet holds, neutralised against formula injection.

Excel opens a CSV by evaluating any cell that starts like a formula, so such text is prefixed with
an apostrophe (the usual CSV-injection defence); otherwise text is kept whole, never cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from screening.report.cells import FORMULA_TRIGGERS

COMPANION_TABLES = {"Findings": "findings", "Rejected": "rejected", "Data issues": "data-issues"}
"""The sheets whose table goes whole into a companion CSV when longer than a sheet holds, and the
table's name in the CSV's file name."""


def companion_path(report: Path, table: str) -> Path:
    """`<report stem>.<table>.csv` next to the report, e.g. `screen.findings.csv`."""
    return report.with_name(f"{report.stem}.{table}.csv")


def companion_paths(report: Path) -> list[Path]:
    """Every companion CSV a report may come with, whether or not this screen needs it."""
    return [companion_path(report, table) for table in COMPANION_TABLES.values()]


def neutralise_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every formula-like text cell neutralised (other values unchanged)."""
    return frame.apply(_neutralised)


def _neutralised(column: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        is_text = column.notna()  # a text column: every value present is text
    elif column.dtype == object:
        is_text = column.map(lambda value: isinstance(value, str)).astype(bool)
    else:
        return column
    as_text = column.astype("string")
    formula_like = is_text & as_text.str.startswith(FORMULA_TRIGGERS).fillna(False)
    if not formula_like.any():
        return column
    return column.astype(object).where(~formula_like, "'" + as_text)


def write_companion_csv(frame: pd.DataFrame, columns: Sequence[str], path: Path) -> None:
    """All rows of the frame as UTF-8 CSV (with BOM, so Excel reads the encoding right)."""
    # CRLF line ends (RFC 4180) make the writer quote a field holding a lone "\r" too.
    safe = neutralise_csv(frame[list(columns)])
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
