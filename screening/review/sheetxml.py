"""A worksheet part streamed into rows: the header row, then only the asked-for columns.

The `<dimension>` a sheet stores is never read: some writers understate it, and a sheet may claim
all 1,048,576 × 16,384 cells; the rows are the `<row>` elements there are. A cell without an `r`
reference follows the one before it, as the format allows.

Values are those openpyxl gives in read-only `data_only` mode: text, int, float, bool, a datetime
for a number in a date format, None for no value. A formula saved without its value (no `<v>`, or
an empty one where the result is not text) is listed in `unsaved_formulas`, not read as blank:
what it shows cannot be known without calculating it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TypeAlias

from openpyxl.utils.datetime import from_excel

from screening.review.xlsxml import Refused, RunText, whole_number

CellValue: TypeAlias = str | int | float | bool | dt.datetime | None
Row: TypeAlias = tuple[int, dict[int, CellValue]]
"""(sheet row number, cells by column number, 1 = A)."""

_COLUMN_LETTERS = re.compile(r"[A-Z]{1,3}")
_COLUMNS: dict[str, int] = {}  # letters → column number, as met (at most 16,384 entries)
_MAX_COLUMN = 16_384
_TEXT_KINDS = ("inlineStr", "str", "e")  # inline text, a formula's text result, an error value


@dataclass
class _Cell:
    """A kept cell while its XML is read."""

    reference: str
    column: int
    kind: str
    style: int
    formula: bool = False
    has_value: bool = False
    value: list[str] = field(default_factory=list)


class SheetXml:
    """The handler of a worksheet part; read `header`, `rows` and `unsaved_formulas` after."""

    def __init__(
        self,
        shared: list[str],
        date_styles: frozenset[int],
        epoch: dt.datetime,
        wanted: Collection[str] | None,
    ):
        self._shared = shared
        self._date_styles = date_styles
        self._epoch = epoch
        self._wanted = None if wanted is None else frozenset(wanted)
        self.header: dict[int, str] = {}
        """Every cell of row 1: column number → its text."""
        self.rows: list[Row] = []
        """Each later row holding a value in a kept column."""
        self.unsaved_formulas: list[tuple[str, int]] = []
        """(cell reference, column number) of each kept formula saved without its value."""
        self._keep: frozenset[int] = frozenset()
        self._row_number = 0
        self._row: dict[int, CellValue] = {}
        self._column = 0
        self._cell: _Cell | None = None  # also None inside a cell that is not kept
        self._in_value = False
        self._inline = RunText()

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "row":
            self._start_row(attributes)
        elif name == "c":
            self._start_cell(attributes)
        elif self._cell is None:
            return
        elif name == "v":
            self._in_value = True
        elif name == "f":
            self._cell.formula = True
        else:
            self._inline.start(name)

    def end(self, name: str) -> None:
        cell = self._cell
        if name == "row":
            self._end_row()
        elif cell is None:
            return
        elif name == "c":
            self._end_cell(cell)
            self._cell = None
        elif name == "v":
            self._in_value = False
            cell.has_value = True
        elif name == "is":
            cell.value.append(self._inline.take())
            cell.has_value = True
        else:
            self._inline.end(name)

    def text(self, data: str) -> None:
        if self._cell is None:
            return
        if self._in_value:
            self._cell.value.append(data)
        else:
            self._inline.text(data)

    def _start_row(self, attributes: dict[str, str]) -> None:
        given = attributes.get("r")
        self._row_number = whole_number(given) if given else self._row_number + 1
        self._row = {}
        self._column = 0

    def _end_row(self) -> None:
        if self._row_number == 1:
            self.header = {column: _text(value) for column, value in self._row.items()}
            self._keep = frozenset(
                column
                for column, title in self.header.items()
                if self._wanted is None or title in self._wanted
            )
        elif any(value is not None and value != "" for value in self._row.values()):
            self.rows.append((self._row_number, self._row))

    def _start_cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        self._column = column_number(reference) if reference else self._column + 1
        if self._row_number != 1 and self._column not in self._keep:
            self._cell = None
            return
        self._cell = _Cell(
            reference=reference or f"{column_letters(self._column)}{self._row_number}",
            column=self._column,
            kind=attributes.get("t", "n"),
            style=whole_number(attributes.get("s")),
        )

    def _end_cell(self, cell: _Cell) -> None:
        raw = "".join(cell.value)
        if cell.formula and not (raw or (cell.has_value and cell.kind == "str")):
            # no saved value (openpyxl writes an empty <v/>); only a text result may be empty
            self.unsaved_formulas.append((cell.reference, cell.column))
        elif cell.has_value:
            self._row[cell.column] = self._value(cell, raw)

    def _value(self, cell: _Cell, raw: str) -> CellValue:
        if cell.kind in _TEXT_KINDS:
            return raw
        raw = raw.strip()
        if not raw:
            return None
        if cell.kind == "s":
            index = whole_number(raw)
            if not 0 <= index < len(self._shared):
                raise Refused(f"cell {cell.reference} names shared string {index}, which is absent")
            return self._shared[index]
        if cell.kind == "b":
            return raw in ("1", "true")
        if cell.kind == "d":
            return _iso_datetime(raw)
        return self._number(cell, raw)

    def _number(self, cell: _Cell, raw: str) -> CellValue:
        try:
            number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
        except ValueError:
            raise Refused(f"cell {cell.reference} holds {raw!r}, not a number") from None
        if cell.style not in self._date_styles:
            return number
        try:
            return _as_datetime(from_excel(number, self._epoch))
        except (ValueError, OverflowError):
            return number  # no such date: the number is what there is to show


def column_number(reference: str) -> int:
    """The column of a cell reference (`AB12` → 28)."""
    letters = reference.rstrip("0123456789")
    number = _COLUMNS.get(letters)
    if number is None:
        number = 0
        upper = letters.upper()
        for letter in upper if _COLUMN_LETTERS.fullmatch(upper) else "":
            number = number * 26 + ord(letter) - ord("A") + 1
        if not 1 <= number <= _MAX_COLUMN:
            raise Refused(f"{reference!r} is not a cell reference")
        _COLUMNS[letters] = number
    return number


def column_letters(number: int) -> str:
    """The letters of a column (28 → `AB`)."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _as_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.time):  # a fraction of a day: a time on Excel's day 0
        return dt.datetime.combine(dt.date(1899, 12, 30), value)
    raise ValueError(value)


def _iso_datetime(raw: str) -> CellValue:
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        return raw


def _text(value: CellValue) -> str:
    return "" if value is None else str(value)
