"""Table sheets: bold frozen header, autofilter, widths from a sample, wrapped long text.

The sheet is write-only, so everything openpyxl writes before the first row — column widths and the
frozen pane — is set from the DataFrame first; the data rows follow as a `SheetBody`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from screening.report.cells import HEADER, PLAIN, WRAPPED, make_cell
from screening.report.sheetdata import SheetBody

WRAPPED_COLUMNS = frozenset({"explanation", "evidence", "sources", "quote", "raw", "details"})
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH = 8
MAX_WIDTH = 50
MAX_WRAPPED_WIDTH = 70


def table_frame(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """The frame with the promised columns first (blank when absent), then extra public columns."""
    # Columns starting with "_" are the pipeline's helpers, not for reviewers.
    extras = [c for c in frame.columns if c not in columns and not str(c).startswith("_")]
    ordered = [*columns, *extras]
    table = {
        c: frame[c]
        if c in frame.columns
        else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        for c in ordered
    }
    # The frame's own columns, not copies: this frame is only read.
    return pd.DataFrame(table, copy=False), ordered


def column_widths(frame: pd.DataFrame, columns: Sequence[str]) -> list[float]:
    """A width per column from its header and a sample of its values, capped to stay readable."""
    sample = frame.head(WIDTH_SAMPLE_ROWS)
    widths = []
    for name in columns:
        longest = len(str(name))
        if name in sample.columns and len(sample):
            lengths = sample[name].map(_display_length, na_action="ignore")
            longest = max(longest, int(lengths.max()) if lengths.notna().any() else 0)
        cap = MAX_WRAPPED_WIDTH if name in WRAPPED_COLUMNS else MAX_WIDTH
        widths.append(float(min(max(longest + 2, MIN_WIDTH), cap)))
    return widths


def new_table_sheet(
    wb: Workbook, title: str, columns: Sequence[str], widths: Sequence[float]
) -> WriteOnlyWorksheet:
    """A write-only sheet with widths and a frozen header row, its header already written."""
    ws: WriteOnlyWorksheet = wb.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.append([make_cell(ws, name, HEADER) for name in columns])
    return ws


def table_sheet(
    wb: Workbook,
    title: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    fills: Mapping[str, Mapping[str, str]] | None = None,
    links: Mapping[str, pd.Series] | None = None,
) -> SheetBody:
    """A table sheet from a DataFrame (promised columns first), long-text columns wrapped.

    openpyxl writes the sheet's frame and header now; the returned body holds the rows, which
    `splice.RowSplicer` puts in once the workbook is saved."""
    table, ordered = table_frame(frame, columns)
    ws = new_table_sheet(wb, title, ordered, column_widths(table, ordered))
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(ordered), 1))}{len(table) + 1}"
    styles = [WRAPPED if name in WRAPPED_COLUMNS else PLAIN for name in ordered]
    return SheetBody(ws, table, styles, fills or {}, links or {})


def _display_length(value: Any) -> int:
    # Multi-line text is as wide as its longest line.
    return max((len(line) for line in str(value).splitlines()), default=0)
