"""Safe cell values: every cell of every sheet is made here, so input text never becomes a formula.

Three dangers are handled for each value before openpyxl sees it:
- formula / CSV injection: text starting with `=`, `+`, `-`, `@`, tab or carriage return (and text
  that looks like an Excel error code such as `#N/A`) is stored as a string cell with the
  `quotePrefix` style, so Excel shows it as text and keeps it text when a reviewer edits the cell;
- Excel's 32,767-character cell limit: longer text is cut, ending in a visible marker;
- characters XML cannot carry (C0 controls other than tab, newline, carriage return) are replaced by
  their visible Unicode "control picture" (U+2400 block), so nothing silently disappears; the
  non-characters U+FFFE and U+FFFF become U+FFFD.
"""

from __future__ import annotations

import datetime as dt
import math
from copy import copy
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import Any, TypeAlias
from weakref import WeakKeyDictionary

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.hyperlink import Hyperlink

CellValue: TypeAlias = str | int | float | bool | dt.date | dt.datetime | None
SheetCell: TypeAlias = Cell | CellValue

EXCEL_CELL_LIMIT = 32_767
TRUNCATION_MARKER = "… [truncated: {cut} characters]"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

# XML 1.0 forbids C0 controls except tab, newline and carriage return (shown as their control
# pictures), and the non-characters U+FFFE and U+FFFF (shown as the replacement character).
ILLEGAL_XML = {code: chr(0x2400 + code) for code in (*range(0x00, 0x09), 0x0B, 0x0C)}
ILLEGAL_XML.update({code: chr(0x2400 + code) for code in range(0x0E, 0x20)})
ILLEGAL_XML.update({0xFFFE: "\ufffd", 0xFFFF: "\ufffd"})

_BOLD = Font(bold=True)
_LINK_FONT = Font(color="0563C1", underline="single")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class CellStyle:
    """How a cell looks: bold header, wrapped long text, a fill colour (hex RGB), or a link font."""

    bold: bool = False
    wrap: bool = False
    fill: str | None = None

    @property
    def plain(self) -> bool:
        return not (self.bold or self.wrap or self.fill)


PLAIN = CellStyle()
HEADER = CellStyle(bold=True)
WRAPPED = CellStyle(wrap=True)


def clean_text(text: str) -> str:
    """Text Excel can hold: illegal XML characters shown visibly, cut to the limit with a marker."""
    text = text.translate(ILLEGAL_XML)
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    # The marker is sized for the widest number it could show, so the result always fits.
    room = EXCEL_CELL_LIMIT - len(TRUNCATION_MARKER.format(cut=len(text)))
    return text[:room] + TRUNCATION_MARKER.format(cut=len(text) - room)


def clean_value(value: Any) -> CellValue:
    """A value openpyxl can write unchanged: NaN/None → None, numpy → Python, text cleaned."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        # Excel has no infinity; a number cell holding "inf" corrupts the file.
        return number if math.isfinite(number) else str(number)
    if isinstance(value, pd.Timestamp):
        return _naive(value.to_pydatetime())
    if isinstance(value, dt.datetime):
        return _naive(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else _naive(pd.Timestamp(value).to_pydatetime())
    if isinstance(value, PurePath):
        return clean_text(str(value))
    if isinstance(value, list | tuple | set | frozenset):
        return clean_text("; ".join(str(item) for item in value))
    return clean_text(str(value))


def needs_text_guard(text: str) -> bool:
    """True when Excel would read this text as a formula or an error value rather than text."""
    return text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES


def make_cell(
    ws: WriteOnlyWorksheet,
    value: Any,
    style: CellStyle = PLAIN,
    link: str | None = None,
) -> SheetCell:
    """One safe cell for a write-only sheet; a bare value when no styling is needed (fastest)."""
    clean = clean_value(value)
    if (clean is None or clean == "") and link is None:
        return None  # no cell at all: a third of Findings cells are empty, each costs ~10 µs
    guard = isinstance(clean, str) and needs_text_guard(clean)
    number_format = _date_format(clean) if isinstance(clean, dt.date) else None
    if style.plain and link is None and not guard and number_format is None:
        return clean
    cell = WriteOnlyCell(ws, clean)
    if guard:
        # openpyxl types "=..." as a formula and "#N/A" as an error; force plain text instead.
        cell.data_type = "s"
    _set_style(cell, _Look(style, guard, number_format, link is not None))
    if link is not None:
        # An internal location ("'Rules'!A5"), never an external target.
        cell.hyperlink = Hyperlink(ref="", location=link)
    return cell


def style_id(
    ws: WriteOnlyWorksheet,
    style: CellStyle,
    *,
    quote_prefix: bool = False,
    number_format: str | None = None,
    link: bool = False,
) -> int:
    """The index of a cell look in the workbook's style table (added on first use), for cells
    written as XML rather than through openpyxl (`sheetdata`)."""
    cell = WriteOnlyCell(ws)
    _set_style(cell, _Look(style, quote_prefix, number_format, link))
    return int(cell.style_id)


@dataclass(frozen=True)
class _Look:
    """Everything that decides a cell's style record."""

    style: CellStyle
    quote_prefix: bool
    number_format: str | None
    link: bool


# Style records index the workbook's own font/fill/format tables, so they are cached per workbook.
_LOOKS: WeakKeyDictionary[Workbook, dict[_Look, StyleArray]] = WeakKeyDictionary()


def _set_style(cell: Cell, look: _Look) -> None:
    # openpyxl's style setters look every font/fill up again on every cell; copying the finished
    # record (openpyxl's own way of copying styles) cut about 8% off writing 100,000 findings.
    looks = _LOOKS.setdefault(cell.parent.parent, {})
    known = looks.get(look)
    if known is not None:
        cell._style = copy(known)
        return
    _apply_look(cell, look)
    looks[look] = copy(cell._style)


def _apply_look(cell: Cell, look: _Look) -> None:
    if look.quote_prefix:
        cell.quotePrefix = True
    if look.number_format:
        cell.number_format = look.number_format
    if look.style.bold:
        cell.font = _BOLD
    if look.style.wrap:
        cell.alignment = _WRAP
    if look.style.fill:
        cell.fill = _solid_fill(look.style.fill)
    if look.link:
        cell.font = _LINK_FONT


def _date_format(value: dt.date) -> str:
    return DATETIME_FORMAT if isinstance(value, dt.datetime) else DATE_FORMAT


@cache
def _solid_fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


def _naive(value: dt.datetime) -> dt.datetime:
    """Excel has no time zones: aware datetimes are shown in UTC."""
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)
