"""The rows of the sheets as SpreadsheetML `<row>` elements, rendered a whole column at a time.

The Findings sheet of a million-record screen holds millions of cells: a Python object per cell
would cost more than the screen. So a table's rows are rendered here with Arrow string kernels over
whole columns (`SheetBody`); the few rows of the overview sheets, and each table's header, one cell
at a time (`row_xml`). Both keep the cell policy of `cells.py`: text is cleaned where it holds a
character XML cannot carry or runs over Excel's cell limit, formula-like text is a string cell with
the `quotePrefix` style, and nothing is ever a formula: every text cell is a string, inline or
shared.

Most of a Findings row is text repeated down its column: the rule's title, legal basis and quoted
sources, the file, the severity. Such a column goes into the workbook's shared-string table
(`xl/sharedStrings.xml`, `SharedStrings`) once per distinct value, and its cells hold the index;
this halves the XML to render and to compress. Text seen once stays inline, and so does text that
looks like Excel's `_xHHHH_` escapes, which readers would decode differently in the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.arrowbytes import edges, empty_as_null, flags, holds_byte, joined_bytes
from screening.report.cells import (
    CellValue,
    clean_value,
    cleaned,
    excel_serial,
    formula_like,
    needs_text_guard,
)
from screening.report.styles import CellLook, CellStyle, NumberFormat
from screening.report.xlsx import column_letter

# Excel keeps at most 65,530 hyperlinks a sheet and drops (or repairs away) the rest.
HYPERLINK_LIMIT = 65_530
CHUNK_ROWS = 20_000
_REPEAT_SAMPLE = 1_000
READABLE_ROW_LINES = 8
"""The most lines a row of a long table shows, so that a screen shows several rows."""

_XML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTRIBUTE_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"))

# What a cell holds, as SpreadsheetML spells its type attribute.
_TEXT = ' t="inlineStr"><is><t>'
_TEXT_KEPT = ' t="inlineStr"><is><t xml:space="preserve">'
_SHARED = ' t="s"><v>'
_NUMBER = "><v>"
_BOOLEAN = ' t="b"><v>'
_TEXT_END = "</t></is></c>"
_VALUE_END = "</v></c>"
# openpyxl deletes every "x005F_" from a shared string (undoing Excel's escape of `_x`), and Excel
# decodes `_xHHHH_`: such text stays an inline string, read back as it always was.
_ESCAPE_LIKE = r"x005F_|_[xX][0-9A-Fa-f]{4}_"


@dataclass
class SheetBody:
    """The data rows of one table sheet (its header is row 1; they start at row 2).

    `fills` colours a column's cells by their value (severity); `links` gives a column's cells an
    internal hyperlink ("'Rules'!A5"; missing: none)."""

    frame: pd.DataFrame
    styles: Sequence[CellStyle]
    fills: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    links: Mapping[str, pd.Series] = field(default_factory=dict)
    wrap_widths: Mapping[str, float] = field(default_factory=dict)
    """The width of each column whose text wraps: the rows are made tall enough to read it."""
    max_lines: int = READABLE_ROW_LINES
    """The most lines a row shows (the rest is read in the cell)."""
    _shared: dict[str, _SharedColumn | None] = field(init=False, default_factory=dict)
    _lines: np.ndarray = field(init=False, default_factory=lambda: np.ones(0, dtype=np.int64))

    def prepare(self, strings: SharedStrings) -> None:
        """Make what every chunk needs: the columns whose text goes into `strings` (which must
        see the sheets in order, for a table that is the same from run to run), and the links."""
        for name in self.frame.columns:
            self._shared[name] = _shared_column(self.frame[name], strings)
        self._lines = np.minimum(_line_counts(self.frame, self.wrap_widths), self.max_lines)
        _ = self.hyperlinked

    def chunk_starts(self) -> range:
        """The first row of each chunk the rows are rendered in."""
        return range(0, len(self.frame), CHUNK_ROWS)

    def render_chunk(self, start: int) -> memoryview:
        """The `<row>` elements of the chunk starting at data row `start` (the header is row 1);
        `prepare` must have run. Chunks may be rendered at the same time in several threads."""
        return _render_chunk(self, start, min(start + CHUNK_ROWS, len(self.frame)))

    def cells(self, name: str, start: int, stop: int) -> _Cells:
        """The cells of one column in rows `start:stop`."""
        shared = self._shared.get(name)
        if shared is None:
            return _column_cells(self.frame[name].iloc[start:stop])
        return shared.chunk(start, stop)

    @cached_property
    def hyperlinked(self) -> pd.DataFrame:
        """The cells that carry a link (row, column position, location) in sheet order, as many
        as Excel keeps: the first rows get them, later rows keep their text."""
        parts = []
        # Each row has a cell in every linked column at most: the rows after the limit's can
        # have none of the links Excel keeps.
        head = self.frame.iloc[:HYPERLINK_LIMIT]
        for name, locations in self.links.items():
            position = self.frame.columns.get_loc(name)
            shown = locations.iloc[: len(head)]
            present = shown.notna().to_numpy() & head[name].notna().to_numpy()
            rows = np.flatnonzero(present)
            parts.append(
                pd.DataFrame({"row": rows, "column": position, "location": shown.to_numpy()[rows]})
            )
        if not parts:
            return pd.DataFrame({"row": [], "column": [], "location": []})
        table = pd.concat(parts, ignore_index=True).sort_values(["row", "column"], kind="stable")
        return table.head(HYPERLINK_LIMIT).reset_index(drop=True)

    def linked_rows(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """For each linked column, which rows of `start:stop` carry a hyperlink."""
        linked = {}
        for name in self.links:
            in_column = self.hyperlinked["column"] == self.frame.columns.get_loc(name)
            rows = self.hyperlinked.loc[in_column, "row"].to_numpy(dtype=np.int64)
            mask = np.zeros(stop - start, dtype=bool)
            mask[rows[(rows >= start) & (rows < stop)] - start] = True
            linked[name] = mask
        return linked

    def hyperlinks_xml(self) -> bytes:
        """The sheet's `<hyperlinks>` element (empty without links)."""
        links = self.hyperlinked
        if links.empty:
            return b""
        letters = _column_letters(len(self.frame.columns)).take(links["column"].to_numpy(np.int64))
        rows = pc.cast(pa.array(links["row"].to_numpy(dtype=np.int64) + 2), pa.string())
        locations = _large_strings(links["location"].astype(object))
        for raw, entity in _ATTRIBUTE_ESCAPES:
            locations = pc.replace_substring(locations, raw, entity)
        elements = _join('<hyperlink ref="', letters, rows, '" location="', locations, '"/>')
        return b"<hyperlinks>" + bytes(joined_bytes(elements)) + b"</hyperlinks>"


class SharedStrings:
    """The workbook's shared-string table: each text once, in the order first added."""

    def __init__(self) -> None:
        self.texts = pa.array([], type=pa.large_string())

    def indices(self, texts: pa.Array) -> np.ndarray:
        """The index of each text (clean, not null) in the table; new texts are added."""
        known = pc.is_valid(pc.index_in(texts, value_set=self.texts))
        new = pc.unique(texts.filter(pc.invert(known)))
        self.texts = pa.concat_arrays([self.texts, new.cast(pa.large_string())])
        found = pc.index_in(texts, value_set=self.texts)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)

    def xml(self) -> bytes:
        """The `xl/sharedStrings.xml` part."""
        kept = pa.array(_loose_whitespace(self.texts))
        opening = pc.if_else(kept, '<si><t xml:space="preserve">', "<si><t>")
        items = _join(opening, _escaped(self.texts), "</t></si>")
        return (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            + f'uniqueCount="{len(self.texts)}">'.encode()
            + bytes(joined_bytes(items))
            + b"</sst>"
        )


def row_xml(number: int, cells: Sequence[tuple[object, CellStyle]]) -> bytes:
    """One `<row>` of a few cells (a header, a line of the Summary), each a value and its style;
    an empty value is no cell."""
    rendered = []
    for position, (value, style) in enumerate(cells, start=1):
        text, other, number_format = _mixed_value(clean_value(value))
        if text is None and other is None:
            continue
        quoted = text is not None and needs_text_guard(text)
        index = CellLook(style, quoted, NumberFormat(number_format)).index
        head = f'<c r="{column_letter(position)}{number}"' + (f' s="{index}"' if index else "")
        if other is not None:
            rendered.append(head + other)
        else:
            assert text is not None
            loose = text[0] in _XML_WHITESPACE_TEXT or text[-1] in _XML_WHITESPACE_TEXT
            opening = _TEXT_KEPT if loose else _TEXT
            rendered.append(head + opening + _escape_text(text) + _TEXT_END)
    return f'<row r="{number}">{"".join(rendered)}</row>'.encode()


def _escape_text(text: str) -> str:
    for raw, entity in _XML_ESCAPES:
        text = text.replace(raw, entity)
    return text


# ---------------------------------------------------------------------------------------------
# Rendering one chunk of rows
# ---------------------------------------------------------------------------------------------


@dataclass
class _Cells:
    """One column's cells in a chunk. A cell's XML after `<c r="A2"` is its tag — `"`, its style
    attribute and `suffixes[suffix]` —, then its `body` and `closing` (either may be missing);
    `suffix` -1 is no cell. What else decides each cell's style: formula-like text, and the
    number format's index."""

    suffixes: pa.Array
    suffix: np.ndarray
    body: pa.Array | None
    closing: str
    quote_prefix: np.ndarray
    number_format: np.ndarray

    @property
    def present(self) -> np.ndarray:
        return self.suffix >= 0

    def xml(self) -> pa.Array:
        """Each cell's whole XML after its style attribute (null: no cell)."""
        suffixes = self.suffixes.take(pa.array(self.suffix, mask=~self.present))
        parts = [suffixes] if self.body is None else [suffixes, self.body]
        return _join(*parts, self.closing)


def _render_chunk(body: SheetBody, start: int, stop: int) -> memoryview:
    frame = body.frame.iloc[start:stop]
    row_numbers = pc.cast(pa.array(np.arange(start + 2, stop + 2)), pa.large_string())
    linked = body.linked_rows(start, stop)
    letters = _column_letters(len(frame.columns)).to_pylist()
    parts: list[str | pa.Array] = []
    for position, name in enumerate(frame.columns):
        column = body.cells(name, start, stop)
        if not column.present.any():
            continue
        tags = _tags(body, position, frame[name], column, linked.get(name))
        head = f'<c r="{letters[position]}'
        if column.present.all():
            parts.extend((head, row_numbers, tags))
        else:
            # A missing cell's tag is null, and so its head: the row leaves out the whole cell.
            parts.append(_join(head, row_numbers, tags))
        if column.body is not None:
            parts.append(column.body)
        if column.closing:
            parts.append(_where(pa.array(column.present), column.closing))
    heights = _ROW_HEIGHTS.take(pa.array(body._lines[start:stop]))
    rows = _join('<row r="', row_numbers, '"', heights, ">", *parts, "</row>", skip_nulls=True)
    return joined_bytes(rows)


# Excel's default row is 15 points, one line of 11-point text; its highest row is 409 points.
_LINE_POINTS = 15
MAX_ROW_LINES = 409 // _LINE_POINTS
_ROW_HEIGHTS = pa.array(
    ["", ""]
    + [f' ht="{lines * _LINE_POINTS}" customHeight="1"' for lines in range(2, MAX_ROW_LINES + 1)],
    pa.large_string(),
)


def _text_of(column: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """A column's text as Arrow strings, in the pieces pandas holds it in (None when it holds no
    text: nothing to wrap). In a column of mixed values (the Run sheet's: text, numbers, dates)
    only the text wraps."""
    kind = _kind(column.iloc[:_REPEAT_SAMPLE])
    if kind in ("string", "empty"):
        return _held_strings(column)
    if kind.startswith("mixed"):
        return _large_strings(column.map(lambda value: value if isinstance(value, str) else None))
    return None


def _counts(numbers: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(numbers, 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def _line_counts(frame: pd.DataFrame, widths: Mapping[str, float]) -> np.ndarray:
    """How many lines each row's longest wrapped text takes at its column's width (1 to
    `MAX_ROW_LINES`): its characters over the width, plus its line breaks. Excel and LibreOffice
    size a row for wrapped text only when asked to, so the report sets each row's height."""
    lines = np.ones(len(frame), dtype=np.int64)
    for name, width in widths.items():
        if name in frame.columns and len(frame):
            np.maximum(lines, _text_lines(frame[name], max(int(width) - 1, 1)), out=lines)
    return np.clip(lines, 1, MAX_ROW_LINES)


def _text_lines(column: pd.Series, per_line: int) -> np.ndarray:
    """How many lines each value's text takes, `per_line` characters a line (0 for no text)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        # Each category counted once; a missing value (code -1) takes the 0 at the end.
        each = _text_lines(pd.Series(column.cat.categories, dtype=object), per_line)
        return np.append(each, 0)[column.cat.codes.to_numpy()]
    text = _text_of(column)
    if text is None:
        return np.zeros(len(column), dtype=np.int64)
    characters = _counts(pc.utf8_length(text))
    # Over the text where it is: a whole long column made one piece, or a flag for each of its
    # bytes, cost a copy of it while the sheet rendered.
    broken = pc.any(pc.match_substring(text, "\n")).as_py()  # seldom: then count per row
    breaks = _counts(pc.count_substring(text, "\n")) if broken else 0
    lines: np.ndarray = -(-characters // per_line) + breaks
    return lines


def _where(mask: pa.Array, value: str) -> pa.Array:
    """`value` where `mask` holds, null elsewhere."""
    text = pa.large_string()
    return pc.if_else(mask, pa.scalar(value, text), pa.scalar(None, text))


def _column_letters(count: int) -> pa.Array:
    """The letters of the first `count` columns: A, B, ... AA, AB..."""
    return pa.array([column_letter(position) for position in range(1, count + 1)])


def _join(*parts: str | pa.Array, skip_nulls: bool = False) -> pa.Array:
    """Element-wise concatenation of string arrays and constants (as large strings: a chunk of
    long cells can pass 2 GiB). Null when any part is null, unless `skip_nulls` drops them."""
    arrays = [
        pa.scalar(part, pa.large_string())
        if isinstance(part, str)
        else part.cast(pa.large_string())
        for part in parts
    ]
    nothing = pa.scalar("", pa.large_string())
    if skip_nulls:
        return pc.binary_join_element_wise(
            *arrays, nothing, null_handling="replace", null_replacement=""
        )
    return pc.binary_join_element_wise(*arrays, nothing)


def _column_cells(column: pd.Series) -> _Cells:
    inferred = _kind(column)
    if inferred in ("string", "empty"):
        return _text_cells(_large_strings(column))
    if inferred == "integer":
        numbers = pa.array(pd.to_numeric(column).astype("Int64"), type=pa.int64())
        nothing = np.zeros(len(column), dtype=np.int8)
        return _Cells(
            pa.array([_NUMBER], pa.large_string()),
            _codes(flags(pc.is_valid(numbers))),
            pc.cast(numbers, pa.large_string()),
            _VALUE_END,
            nothing.astype(bool),
            nothing,
        )
    return _mixed_cells(column)


def _codes(present: np.ndarray) -> np.ndarray:
    """Suffix 0 for each present cell, -1 (no cell) elsewhere."""
    return np.where(present, 0, -1)


def _large_strings(column: pd.Series) -> pa.Array:
    """The column as one Arrow large-string array (missing values null)."""
    strings = _held_strings(column)
    return strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings


def _held_strings(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The column as Arrow large strings (missing values null), in the pieces pandas holds it
    in: a long column of the driver's findings comes in blocks, and one piece is a copy."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        # its text written out (only ever a chunk's rows), by Arrow: pandas took 10 times longer
        return pa.array(column.array).cast(pa.large_string())
    return pa.array(column.array, type=pa.large_string(), from_pandas=True)


def _kind(column: pd.Series) -> str:
    """What a column holds, as `pandas.api.types.infer_dtype` names it (missing values left
    out); for a column of categories, what its categories are (the findings' rule texts)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        if not column.notna().any():
            return "empty"
        column = pd.Series(column.cat.categories, dtype=object)
    return str(pd.api.types.infer_dtype(column, skipna=True))


def _text_cells(text: pa.Array) -> _Cells:
    """Inline string cells; "" is no cell."""
    return _inline_cells(cleaned(empty_as_null(text)))


_INLINE_SUFFIXES = pa.array([_TEXT, _TEXT_KEPT], pa.large_string())


def _inline_cells(text: pa.Array) -> _Cells:
    """Inline string cells of clean text (null: no cell)."""
    first, last = edges(text)
    loose = _loose_whitespace(text, first, last).astype(np.int64)
    return _Cells(
        _INLINE_SUFFIXES,
        np.where(flags(pc.is_valid(text)), loose, -1),
        _escaped(text),
        _TEXT_END,
        formula_like(text, first),
        np.zeros(len(text), dtype=np.int8),
    )


def _loose_whitespace(
    text: pa.Array, first: np.ndarray | None = None, last: np.ndarray | None = None
) -> np.ndarray:
    """Text starting or ending in whitespace, which needs xml:space="preserve" to be kept
    (`first` and `last`: its edge bytes, when already read)."""
    if first is None or last is None:
        first, last = edges(text)
    return np.isin(first, _XML_WHITESPACE) | np.isin(last, _XML_WHITESPACE)


# What a reader may trim from the edges of a text not marked xml:space="preserve".
_XML_WHITESPACE_TEXT = " \t\n\r"
_XML_WHITESPACE = np.frombuffer(_XML_WHITESPACE_TEXT.encode("ascii"), dtype=np.uint8)


def _escaped(text: pa.Array) -> pa.Array:
    """The text with XML's special characters (and carriage returns, which a reader would turn
    into line feeds) as entities."""
    present = joined_bytes(text)  # to skip the kernels whose characters never occur
    for raw, entity in _XML_ESCAPES:
        if holds_byte(present, ord(raw)):
            text = pc.replace_substring(text, raw, entity)
    return text


@dataclass
class _SharedColumn:
    """A column written through its distinct values: each row's code into them, and per distinct
    value the cell's XML after its style (null: no cell) and whether it is quoted."""

    codes: np.ndarray
    cells: pa.Array
    quote_prefix: np.ndarray

    def chunk(self, start: int, stop: int) -> _Cells:
        codes = self.codes[start:stop]
        present = flags(pc.is_valid(self.cells))[codes]
        return _Cells(
            self.cells,
            np.where(present, codes, -1),
            None,
            "",
            self.quote_prefix[codes],
            np.zeros(stop - start, dtype=np.int8),
        )


def _shared_column(column: pd.Series, strings: SharedStrings) -> _SharedColumn | None:
    """A text column that repeats its values, with them in the shared-string table; None for any
    other column (its cells are made a chunk at a time)."""
    if not _repeats(column) or _kind(column) != "string":
        return None
    codes, dictionary = _encoded(column)
    if len(dictionary) * 10 > len(column):
        return None  # the rows judged repeat, the column does not
    distinct = cleaned(empty_as_null(dictionary))
    inline = _inline_cells(distinct)
    shared = pa.array(
        flags(pc.is_valid(distinct)) & ~flags(pc.match_substring_regex(distinct, _ESCAPE_LIKE))
    )
    indices = np.zeros(len(distinct), dtype=np.int64)
    indices[flags(shared)] = strings.indices(distinct.filter(shared))
    cells = pc.if_else(
        shared,
        _join(_SHARED, pc.cast(pa.array(indices), pa.large_string()), _VALUE_END),
        inline.xml(),
    )
    return _SharedColumn(codes, cells, inline.quote_prefix)


def _encoded(column: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """A text column's distinct values in order of first appearance (large strings, missing:
    null), and each row's code into them.

    Python strings (file names, decisions) are told apart by pandas' hash table: converting each
    one to Arrow first took ~40 ms a column for 130,000 findings."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        # Its codes, told apart in order of first appearance: -1, a missing value, is one of
        # them, and picks the null after the categories.
        held = column.cat.codes.to_numpy()
        codes, seen = pd.factorize(held)
        categories = pa.array([*column.cat.categories, None], type=pa.large_string())
        dictionary = categories.take(pa.array(np.where(seen < 0, len(categories) - 1, seen)))
        return codes.astype(np.int64), dictionary
    if column.dtype == object:
        codes, distinct = pd.factorize(column.to_numpy(), use_na_sentinel=True)
        # A missing value's code (-1) picks the null at the end.
        dictionary = pa.array([*distinct, None], type=pa.large_string())
        return np.where(codes < 0, len(distinct), codes).astype(np.int64), dictionary
    # Encoded where pandas holds it, in pieces: Arrow gives every piece the one dictionary
    # (made one piece first, a long column of sources cost a copy of it).
    encoded = pc.dictionary_encode(_held_strings(column), null_encoding="encode")
    pieces = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not pieces or any(not piece.dictionary.equals(pieces[0].dictionary) for piece in pieces):
        pieces = [pc.dictionary_encode(_large_strings(column), null_encoding="encode")]
    indices = [piece.indices.to_numpy(zero_copy_only=False) for piece in pieces]
    return np.concatenate(indices).astype(np.int64), pieces[0].dictionary


def _repeats(column: pd.Series) -> bool:
    """Whether a text column repeats its values enough (judged on rows spread over it) that they
    are better shared: rule titles, legal bases, sources, file names.

    Not judged on the first rows: findings come sorted by rule, and the first thousand of a
    screen of 10M workers read alike; their explanations, a million different texts, went into
    the shared strings (22 s and 2 GB more to write the sheet)."""
    if len(column) <= _REPEAT_SAMPLE:
        return False
    sample = column.iloc[np.linspace(0, len(column) - 1, _REPEAT_SAMPLE, dtype=np.int64)]
    text = _kind(sample) == "string"
    return text and sample.nunique(dropna=False) * 10 < len(sample)


def _mixed_cells(column: pd.Series) -> _Cells:
    """A column of several kinds (numbers and text, dates...): each value sorted out in Python;
    its text still goes through `_text_cells`."""
    texts: list[str | None] = []
    others: list[str | None] = []
    formats = np.zeros(len(column), dtype=np.int8)
    for index, value in enumerate(column.array):
        clean = clean_value(value)
        text, other, formats[index] = _mixed_value(clean)
        texts.append(text)
        others.append(other)
    text_cells = _text_cells(pa.array(texts, type=pa.large_string()))
    other_cells = pa.array(others, type=pa.large_string())
    xml = pc.if_else(pc.is_valid(other_cells), other_cells, text_cells.xml())
    return _Cells(
        pa.array([""], pa.large_string()),
        _codes(flags(pc.is_valid(xml))),
        xml,
        "",
        text_cells.quote_prefix,
        formats,
    )


def _mixed_value(value: CellValue) -> tuple[str | None, str | None, int]:
    """(text, or else the XML of a number/boolean cell, and the number format) of a clean value."""
    if value is None or value == "":
        return None, None, 0
    if isinstance(value, bool):
        return None, _BOOLEAN + ("1" if value else "0") + _VALUE_END, 0
    if isinstance(value, int | float):
        return None, _NUMBER + _number_text(value) + _VALUE_END, 0
    if isinstance(value, dt.date):
        serial = _number_text(excel_serial(value))
        return None, _NUMBER + serial + _VALUE_END, 2 if isinstance(value, dt.datetime) else 1
    return str(value), None, 0


def _number_text(number: float) -> str:
    """An int as digits; a float in its shortest form, whole floats without ".0"."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


# ---------------------------------------------------------------------------------------------
# Styles and links
# ---------------------------------------------------------------------------------------------


def _looks(base: CellStyle, fills: Mapping[str, str]) -> list[CellStyle]:
    """A column's style, then one per fill colour its values may have."""
    return [base, *(CellStyle(base.bold, base.wrap, rgb) for rgb in fills.values())]


def _tags(
    body: SheetBody,
    position: int,
    values: pd.Series,
    cells: _Cells,
    linked: np.ndarray | None,
) -> pa.Array:
    """Each cell's tag after its reference: `"`, its ` s="N"` attribute ("" for the default
    style, N its index in the style table) and its suffix; null for no cell. Made once per
    combination of style and suffix, then taken."""
    styles, attributes = _style_attributes(body, position, values, cells, linked)
    combined = styles * len(cells.suffixes) + cells.suffix
    present = cells.present
    combinations, codes = _distinct(combined[present])
    style_of, suffix_of = np.divmod(combinations, len(cells.suffixes))
    tags = _join('"', attributes.take(pa.array(style_of)), cells.suffixes.take(pa.array(suffix_of)))
    indices = np.zeros(len(present), dtype=np.int64)
    indices[present] = codes
    return tags.take(pa.array(indices, mask=~present))


def _style_attributes(
    body: SheetBody,
    position: int,
    values: pd.Series,
    cells: _Cells,
    linked: np.ndarray | None,
) -> tuple[np.ndarray, pa.Array]:
    """Each cell's style, as an index into the ` s="N"` attributes returned with it."""
    fills = body.fills.get(str(body.frame.columns[position]), {})
    looks = _looks(body.styles[position], fills)
    look = np.zeros(len(values), dtype=np.int64)
    if fills:
        look = pd.Categorical(values.astype(object), categories=list(fills)).codes + 1
    link = linked if linked is not None else np.zeros(len(values), dtype=bool)
    # One number per combination of look, quote prefix, number format and link.
    code = ((look * 2 + cells.quote_prefix) * len(NumberFormat) + cells.number_format) * 2 + link
    combinations, codes = _distinct(code)
    attributes = []
    for combination in combinations:
        rest, has_link = divmod(int(combination), 2)
        rest, number_format = divmod(rest, len(NumberFormat))
        look_index, quoted = divmod(rest, 2)
        number = CellLook(
            looks[look_index], bool(quoted), NumberFormat(number_format), bool(has_link)
        ).index
        attributes.append(f' s="{number}"' if number else "")
    return codes, pa.array(attributes, type=pa.large_string())


def _distinct(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of small non-negative integers, and each one's index among them:
    `np.unique(codes, return_inverse=True)` without its sort."""
    seen = np.zeros(int(codes.max(initial=0)) + 1, dtype=bool)
    seen[codes] = True
    return np.flatnonzero(seen), (np.cumsum(seen) - 1)[codes]
