"""The rows of the table sheets as SpreadsheetML, rendered a whole column at a time.

openpyxl builds and serializes a Python object for every cell, about 10 µs each; the Findings sheet
of a million-record screen holds millions of cells. So openpyxl writes each table sheet's frame —
column widths, frozen header, autofilter, decision dropdown, the header row — and the data rows are
rendered here with Arrow string kernels over whole columns, then spliced into the saved workbook's
`<sheetData>` (`splice.RowSplicer`). Each cell keeps the protection `cells.py` gives a single cell:
text is cleaned (`clean_text`) where it holds a character XML cannot carry or runs over Excel's cell
limit, formula-like text is a string cell with the `quotePrefix` style, and nothing is ever a
formula: every text cell is a string, inline or shared.

Most of a Findings row is text repeated down its column: the rule's title, legal basis and quoted
sources, the file, the severity. Such a column goes into the workbook's shared-string table
(`xl/sharedStrings.xml`, `SharedStrings`) once per distinct value, and its cells hold the index;
this halves the XML to render and to compress. Text seen once stays inline, and so does text that
looks like Excel's `_xHHHH_` escapes, which readers would decode differently in the table.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from screening.report.cells import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    EXCEL_CELL_LIMIT,
    FORMULA_TRIGGERS,
    ILLEGAL_XML,
    CellStyle,
    CellValue,
    clean_text,
    clean_value,
    style_id,
)

# Excel keeps at most 65,530 hyperlinks a sheet and drops (or repairs away) the rest.
HYPERLINK_LIMIT = 65_530
CHUNK_ROWS = 20_000
_REPEAT_SAMPLE = 1_000

# A cell holding any of these goes through `clean_text`.
_ILLEGAL_XML = "[" + "".join(re.escape(chr(code)) for code in ILLEGAL_XML) + "]"
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
    """The data rows of one table sheet, to be spliced in after the workbook is saved.

    `fills` colours a column's cells by their value (severity); `links` gives a column's cells an
    internal hyperlink ("'Rules'!A5"; missing: none)."""

    sheet: WriteOnlyWorksheet
    frame: pd.DataFrame
    styles: Sequence[CellStyle]
    fills: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    links: Mapping[str, pd.Series] = field(default_factory=dict)
    style_ids: dict[_Look, int] = field(init=False, default_factory=dict)
    _shared: dict[str, _SharedColumn | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        # openpyxl writes its style table when the workbook is saved, before the rows are
        # rendered: every look a cell of this sheet could need is registered now.
        # In the columns' order (a set's would vary with string hashing, and so the style ids).
        looks = dict.fromkeys(
            look
            for position, base in enumerate(self.styles)
            for look in _looks(base, self.fills.get(str(self.frame.columns[position]), {}))
        )
        for look, quoted, number_format, link in itertools.product(
            looks, (False, True), range(len(_FORMATS)), (False, True)
        ):
            self.style_ids[_Look(look, quoted, number_format, link)] = style_id(
                self.sheet,
                look,
                quote_prefix=quoted,
                number_format=_FORMATS[number_format],
                link=link,
            )

    def prepare(self, strings: SharedStrings) -> None:
        """Make what every chunk needs: the columns whose text goes into `strings` (which must
        see the sheets in order, for a table that is the same from run to run), and the links."""
        for name in self.frame.columns:
            self._shared[name] = _shared_column(self.frame[name], strings)
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
        return b"<hyperlinks>" + bytes(_joined_bytes(elements)) + b"</hyperlinks>"


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
        kept = pa.array(_Edges.of(self.texts).loose_whitespace())
        opening = pc.if_else(kept, '<si><t xml:space="preserve">', "<si><t>")
        items = _join(opening, _escaped(self.texts), "</t></si>")
        return (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            + f'uniqueCount="{len(self.texts)}">'.encode()
            + bytes(_joined_bytes(items))
            + b"</sst>"
        )


# ---------------------------------------------------------------------------------------------
# Rendering one chunk of rows
# ---------------------------------------------------------------------------------------------

# A cell's number format: none, a date, a date and time (`cells.DATE_FORMAT`, `DATETIME_FORMAT`).
_FORMATS = (None, DATE_FORMAT, DATETIME_FORMAT)


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
    rows = _join('<row r="', row_numbers, '">', *parts, "</row>", skip_nulls=True)
    return _joined_bytes(rows)


def _where(mask: pa.Array, value: str) -> pa.Array:
    """`value` where `mask` holds, null elsewhere."""
    text = pa.large_string()
    return pc.if_else(mask, pa.scalar(value, text), pa.scalar(None, text))


def _column_letters(count: int) -> pa.Array:
    """The letters of the first `count` columns: A, B, ... AA, AB..."""
    return pa.array([get_column_letter(position) for position in range(1, count + 1)])


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


def _joined_bytes(strings: pa.Array) -> memoryview:
    """All strings of an Arrow string array back to back: its data buffer between the offsets,
    shared, not copied (the view keeps the buffer alive)."""
    if len(strings) == 0:
        return memoryview(b"")
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)
    first, last = offsets[strings.offset], offsets[strings.offset + len(strings)]
    return memoryview(strings.buffers()[2])[first:last]


def _column_cells(column: pd.Series) -> _Cells:
    inferred = pd.api.types.infer_dtype(column, skipna=True)
    if inferred in ("string", "empty"):
        return _text_cells(_large_strings(column))
    if inferred == "integer":
        numbers = pa.array(pd.to_numeric(column).astype("Int64"), type=pa.int64())
        nothing = np.zeros(len(column), dtype=np.int8)
        return _Cells(
            pa.array([_NUMBER], pa.large_string()),
            _codes(_flags(pc.is_valid(numbers))),
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
    strings = pa.array(column.array, type=pa.large_string(), from_pandas=True)
    return strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings


def _text_cells(text: pa.Array) -> _Cells:
    """Inline string cells; "" is no cell."""
    return _inline_cells(_cleaned(_blank_as_null(text)))


_INLINE_SUFFIXES = pa.array([_TEXT, _TEXT_KEPT], pa.large_string())


def _inline_cells(text: pa.Array) -> _Cells:
    """Inline string cells of clean text (null: no cell)."""
    edges = _Edges.of(text)
    return _Cells(
        _INLINE_SUFFIXES,
        np.where(_flags(pc.is_valid(text)), edges.loose_whitespace().astype(np.int64), -1),
        _escaped(text),
        _TEXT_END,
        edges.formula_like(text),
        np.zeros(len(text), dtype=np.int8),
    )


def _blank_as_null(text: pa.Array) -> pa.Array:
    """The text (large strings) with "" as null. Only the validity bitmap is new: the offsets and
    the characters are shared, not copied."""
    offsets = _offsets(text)
    present = _flags(pc.is_valid(text)) & (offsets[1:] > offsets[:-1])
    characters = text.buffers()[2] or pa.py_buffer(b"")
    validity = pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.Array.from_buffers(
        pa.large_string(), len(text), [validity, pa.py_buffer(offsets), characters]
    )


def _offsets(text: pa.Array) -> np.ndarray:
    """Where each string of a large-string array starts in its data buffer, and the last ends."""
    if len(text) == 0:
        return np.zeros(1, dtype=np.int64)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)
    return offsets[text.offset : text.offset + len(text) + 1]


@dataclass
class _Edges:
    """The first and last byte of each string (0 when empty or null): enough to tell formula-like
    text and whitespace a reader might trim, without scanning the text."""

    first: np.ndarray
    last: np.ndarray

    @classmethod
    def of(cls, text: pa.Array) -> _Edges:
        first = np.zeros(len(text), dtype=np.uint8)
        last = np.zeros(len(text), dtype=np.uint8)
        offsets = _offsets(text)
        starts, ends = offsets[:-1], offsets[1:]
        filled = np.flatnonzero(ends > starts)
        if len(filled):
            data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
            first[filled] = data[starts[filled]]
            last[filled] = data[ends[filled] - 1]
        return cls(first, last)

    def loose_whitespace(self) -> np.ndarray:
        """Text starting or ending in whitespace, which needs xml:space="preserve" to be kept."""
        return np.isin(self.first, _XML_WHITESPACE) | np.isin(self.last, _XML_WHITESPACE)

    def formula_like(self, text: pa.Array) -> np.ndarray:
        """Text Excel would take for a formula or an error value (`cells.needs_text_guard`)."""
        flagged = np.isin(self.first, _FORMULA_BYTES)
        maybe_error = np.flatnonzero(self.first == ord("#"))
        if len(maybe_error):
            candidates = text.take(pa.array(maybe_error))
            flagged[maybe_error] = _flags(pc.is_in(candidates, value_set=_ERROR_CODES))
        return flagged


_XML_WHITESPACE = np.frombuffer(b" \t\n\r", dtype=np.uint8)
# Every trigger is one ASCII character, and every error code starts with "#".
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_TRIGGERS).encode("ascii"), dtype=np.uint8)
_ERROR_CODES = pa.array(sorted(ERROR_CODES), pa.large_string())


def _escaped(text: pa.Array) -> pa.Array:
    """The text with XML's special characters (and carriage returns, which a reader would turn
    into line feeds) as entities."""
    present = _joined_bytes(text)  # to skip the kernels whose characters never occur
    for raw, entity in _XML_ESCAPES:
        if _holds_byte(present, ord(raw)):
            text = pc.replace_substring(text, raw, entity)
    return text


def _holds_byte(data: memoryview, byte: int) -> bool:
    return bool(len(data)) and bool((np.frombuffer(data, dtype=np.uint8) == byte).any())


@dataclass
class _SharedColumn:
    """A column written through its distinct values: each row's code into them, and per distinct
    value the cell's XML after its style (null: no cell) and whether it is quoted."""

    codes: np.ndarray
    cells: pa.Array
    quote_prefix: np.ndarray

    def chunk(self, start: int, stop: int) -> _Cells:
        codes = self.codes[start:stop]
        present = _flags(pc.is_valid(self.cells))[codes]
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
    if not _repeats(column) or pd.api.types.infer_dtype(column, skipna=True) != "string":
        return None
    codes, dictionary = _encoded(column)
    distinct = _cleaned(_blank_as_null(dictionary))
    inline = _inline_cells(distinct)
    shared = pa.array(
        _flags(pc.is_valid(distinct)) & ~_flags(pc.match_substring_regex(distinct, _ESCAPE_LIKE))
    )
    indices = np.zeros(len(distinct), dtype=np.int64)
    indices[_flags(shared)] = strings.indices(distinct.filter(shared))
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
    if column.dtype == object:
        codes, distinct = pd.factorize(column.to_numpy(), use_na_sentinel=True)
        # A missing value's code (-1) picks the null at the end.
        dictionary = pa.array([*distinct, None], type=pa.large_string())
        return np.where(codes < 0, len(distinct), codes).astype(np.int64), dictionary
    encoded = pc.dictionary_encode(_large_strings(column), null_encoding="encode")
    return (
        np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64),
        encoded.dictionary,
    )


def _repeats(column: pd.Series) -> bool:
    """Whether a text column repeats its values enough (judged on its first rows) that they are
    better shared: rule titles, legal bases, sources, file names."""
    sample = column.iloc[:_REPEAT_SAMPLE]
    return (
        len(column) > _REPEAT_SAMPLE
        and pd.api.types.infer_dtype(sample, skipna=True) == "string"
        and sample.nunique(dropna=False) * 10 < len(sample)
    )


def _cleaned(text: pa.Array) -> pa.Array:
    """The text with `clean_text` applied where it changes something (rare: done in Python)."""
    if not _may_need_cleaning(text):
        return text
    needs = pc.or_(
        pc.match_substring_regex(text, _ILLEGAL_XML),
        pc.greater(pc.utf8_length(text), EXCEL_CELL_LIMIT),
    )
    where = np.flatnonzero(_flags(needs))
    if not len(where):
        return text
    values = text.to_pylist()
    for index in where:
        values[index] = clean_text(values[index])
    return pa.array(values, type=text.type)


# XML carries these C0 controls; the others, and U+FFFE and U+FFFF (led by the byte 0xEF, as are
# other characters), it cannot.
_XML_CONTROLS = np.frombuffer(b"\t\n\r", dtype=np.uint8)


def _may_need_cleaning(text: pa.Array) -> bool:
    """Whether any string could hold a character XML cannot carry or be over Excel's limit: a
    quick look at the bytes, so the regular expression only runs where it may find something."""
    if len(text) == 0:
        return False
    if (pc.max(pc.binary_length(text)).as_py() or 0) > EXCEL_CELL_LIMIT:
        return True
    data = np.frombuffer(_joined_bytes(text), dtype=np.uint8)
    if not len(data) or (data.min() >= 0x20 and data.max() < 0xEF):
        return False  # no control byte and no 0xEF: two quick passes, no copy
    controls = data[data < 0x20]
    return bool((data == 0xEF).any()) or not np.isin(controls, _XML_CONTROLS).all()


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
        _codes(_flags(pc.is_valid(xml))),
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
        serial = _number_text(to_excel(value))
        return None, _NUMBER + serial + _VALUE_END, 2 if isinstance(value, dt.datetime) else 1
    return str(value), None, 0


def _number_text(number: float) -> str:
    """An int as digits; a float in its shortest form, whole floats without ".0"."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


def _flags(mask: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


# ---------------------------------------------------------------------------------------------
# Styles and links
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    """Everything that decides a cell's style in a table sheet."""

    style: CellStyle
    quote_prefix: bool
    number_format: int  # index into _FORMATS
    link: bool


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
    style, N from openpyxl's style table) and its suffix; null for no cell. Made once per
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
    code = ((look * 2 + cells.quote_prefix) * len(_FORMATS) + cells.number_format) * 2 + link
    combinations, codes = _distinct(code)
    attributes = []
    for combination in combinations:
        rest, has_link = divmod(int(combination), 2)
        rest, number_format = divmod(rest, len(_FORMATS))
        look_index, quoted = divmod(rest, 2)
        key = _Look(looks[look_index], bool(quoted), number_format, bool(has_link))
        number = body.style_ids[key]
        attributes.append(f' s="{number}"' if number else "")
    return codes, pa.array(attributes, type=pa.large_string())


def _distinct(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of small non-negative integers, and each one's index among them:
    `np.unique(codes, return_inverse=True)` without its sort."""
    seen = np.zeros(int(codes.max(initial=0)) + 1, dtype=bool)
    seen[codes] = True
    return np.flatnonzero(seen), (np.cumsum(seen) - 1)[codes]
