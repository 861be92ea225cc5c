"""Table sheets: bold frozen header, autofilter, widths from a sample, wrapped long text."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from screening.report.sheetdata import READABLE_ROW_LINES, SheetBody, row_xml
from screening.report.styles import HEADER, PLAIN, WRAPPED
from screening.report.xlsx import ListValidation, Sheet, column_letter

WRAPPED_COLUMNS = frozenset(
    {
        "explanation",
        "evidence",
        "sources",
        "quote",
        "raw",
        "details",
        "description",
        "provision",
        "conditions",
        "exceptions",
        "title",
        "comment",
        "review_note",
        "why",
        "notes",
    }
)
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


def column_widths(
    frame: pd.DataFrame, columns: Sequence[str], at_least: Mapping[str, float] | None = None
) -> list[float]:
    """A width per column from its header and a sample of its values (or `at_least` its
    width there: room for what a reviewer writes), capped to stay readable."""
    sample = frame.head(WIDTH_SAMPLE_ROWS)
    widths = []
    for name in columns:
        longest = max(len(str(name)), int((at_least or {}).get(name, 0)) - 2)
        if name in sample.columns and len(sample):
            lengths = sample[name].astype(object).map(_display_length, na_action="ignore")
            longest = max(longest, int(lengths.max()) if lengths.notna().any() else 0)
        cap = MAX_WRAPPED_WIDTH if name in WRAPPED_COLUMNS else MAX_WIDTH
        widths.append(float(min(max(longest + 2, MIN_WIDTH), cap)))
    return widths


@dataclass(frozen=True)
class Table:
    """A table sheet: its frame (widths, frozen header, filter), header row and data rows."""

    sheet: Sheet
    header: bytes
    body: SheetBody

    @property
    def columns(self) -> list[str]:
        return [str(name) for name in self.body.frame.columns]


def table_sheet(
    title: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    fills: Mapping[str, Mapping[str, str]] | None = None,
    links: Mapping[str, pd.Series] | None = None,
    widths: Sequence[float] | None = None,
    validations: Sequence[ListValidation] = (),
    wrapped: Collection[str] = WRAPPED_COLUMNS,
    frozen_columns: int = 0,
    folded: Collection[str] = (),
    at_least: Mapping[str, float] | None = None,
    max_lines: int = READABLE_ROW_LINES,
) -> Table:
    """A table sheet from a DataFrame (promised columns first), long-text columns wrapped and
    their rows made tall enough to read, the header (and the first `frozen_columns`) frozen,
    filtered and printed on every page; the `folded` columns grouped and collapsed."""
    table, ordered = table_frame(frame, columns)
    sized = widths if widths is not None else column_widths(table, ordered, at_least)
    sheet = Sheet(
        title,
        widths=sized,
        frozen_rows=1,
        frozen_columns=frozen_columns,
        filter_range=f"A1:{column_letter(max(len(ordered), 1))}{len(table) + 1}",
        validations=validations,
        print_titles=True,
        hidden_columns=[n for n, name in enumerate(ordered, start=1) if name in folded],
    )
    styles = [WRAPPED if name in wrapped else PLAIN for name in ordered]
    header = row_xml(1, [(name, HEADER) for name in ordered])
    wrap_widths = {
        name: width for name, width in zip(ordered, sized, strict=True) if name in wrapped
    }
    body = SheetBody(table, styles, fills or {}, links or {}, wrap_widths, max_lines)
    return Table(sheet, header, body)


def _display_length(value: Any) -> int:
    # Multi-line text is as wide as its longest line.
    return max((len(line) for line in str(value).splitlines()), default=0)
