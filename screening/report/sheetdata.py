"""The rows of the table sheets as SpreadsheetML, rendered a whole column at a time.

openpyxl builds and serializes a Python object for every cell, about 10 µs each; the Findings sheet
of a million-record screen holds millions of cells. So openpyxl writes each table sheet's frame —
column widths, frozen header, autofilter, decision dropdown, the header row — and the data rows are
rendered here with Arrow string kernels over whole columns, then spliced into the saved workbook's
`<sheetData>` (`splice_rows`). Each cell keeps the protection `cells.py` gives a single cell: text
is cleaned (`clean_text`) where it holds a character XML cannot carry or runs over Excel's cell
limit, formula-like text is a string cell with the `quotePrefix` style, and nothing is ever a
formula: every text cell is an inline string.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

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
# Text Excel would take for a formula or an error value (`cells.needs_text_guard`).
_FORMULA_LIKE = (
    f"^(?:[{re.escape(''.join(FORMULA_TRIGGERS))}]"
    f"|(?:{'|'.join(re.escape(code) for code in sorted(ERROR_CODES))})$)"
)
_XML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTRIBUTE_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"))

# What a cell holds, as SpreadsheetML spells its type attribute. Text keeps its whitespace as is.
_TEXT = ' t="inlineStr"><is><t xml:space="preserve">'
_NUMBER = "><v>"
_BOOLEAN = ' t="b"><v>'
_TEXT_END = "</t></is></c>"
_VALUE_END = "</v></c>"


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

    def __post_init__(self) -> None:
        # openpyxl writes its style table when the workbook is saved, before the rows are
        # rendered: every look a cell of this sheet could need is registered now.
        looks = {
            look
            for position, base in enumerate(self.styles)
            for look in _looks(base, self.fills.get(str(self.frame.columns[position]), {}))
        }
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

    def render(self) -> Iterator[memoryview]:
        """The `<row>` elements of the data rows (the header is row 1), a chunk at a time."""
        for start in range(0, len(self.frame), CHUNK_ROWS):
            yield _render_chunk(self, start, min(start + CHUNK_ROWS, len(self.frame)))

    @cached_property
    def hyperlinked(self) -> pd.DataFrame:
        """The cells that carry a link (row, column position, location) in sheet order, as many
        as Excel keeps: the first rows get them, later rows keep their text."""
        parts = []
        for name, locations in self.links.items():
            position = self.frame.columns.get_loc(name)
            present = locations.notna().to_numpy() & self.frame[name].notna().to_numpy()
            rows = np.flatnonzero(present)
            parts.append(
                pd.DataFrame(
                    {"row": rows, "column": position, "location": locations.to_numpy()[rows]}
                )
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


def splice_rows(path: Path, bodies: Sequence[SheetBody]) -> None:
    """Put each body's rows (and hyperlinks) into its sheet of the workbook saved at `path`.

    The archive is rewritten beside itself and moved over it; the big sheets are deflated at
    level 1, which is several times faster than the default for a report ~20% larger."""
    by_part = {body.sheet.path.lstrip("/"): body for body in bodies}
    spliced = path.with_name(path.name + ".rows")
    try:
        with (
            zipfile.ZipFile(path) as source,
            zipfile.ZipFile(
                spliced, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
            ) as target,
        ):
            for item in source.infolist():
                body = by_part.get(item.filename)
                if body is None:
                    target.writestr(item, source.read(item))
                else:
                    _write_sheet(target, item.filename, source.read(item), body)
        spliced.replace(path)
    finally:
        spliced.unlink(missing_ok=True)


def _write_sheet(target: zipfile.ZipFile, name: str, frame_xml: bytes, body: SheetBody) -> None:
    head, tail = frame_xml.split(b"</sheetData>", 1)
    with target.open(name, "w", force_zip64=True) as sheet:
        sheet.write(head)
        for chunk in _rendered_ahead(body.render()):
            sheet.write(chunk)
        sheet.write(b"</sheetData>")
        sheet.write(_with_hyperlinks(tail, body.hyperlinks_xml()))


def _rendered_ahead(chunks: Iterator[memoryview]) -> Iterator[memoryview]:
    """The chunks, each next one rendered in a thread while this one is compressed: Arrow's
    kernels and zlib both release the GIL, so the two overlap on two cores."""
    with ThreadPoolExecutor(max_workers=1) as ahead:
        pending = ahead.submit(next, chunks, None)
        while (chunk := pending.result()) is not None:
            pending = ahead.submit(next, chunks, None)
            yield chunk


# Worksheet children that come after <hyperlinks> in the schema's fixed order.
_AFTER_HYPERLINKS = (b"<printOptions", b"<pageMargins", b"<pageSetup", b"<headerFooter")


def _with_hyperlinks(tail: bytes, hyperlinks: bytes) -> bytes:
    if not hyperlinks:
        return tail
    positions = [tail.find(tag) for tag in _AFTER_HYPERLINKS]
    at = min((p for p in positions if p >= 0), default=tail.rfind(b"</worksheet>"))
    return tail[:at] + hyperlinks + tail[at:]


# ---------------------------------------------------------------------------------------------
# Rendering one chunk of rows
# ---------------------------------------------------------------------------------------------

# A cell's number format: none, a date, a date and time (`cells.DATE_FORMAT`, `DATETIME_FORMAT`).
_FORMATS = (None, DATE_FORMAT, DATETIME_FORMAT)


@dataclass
class _Cells:
    """One column's cells in a chunk: each cell's XML after `<c r=".." s=".."` is `opening`,
    its `body` (null: no cell) and `closing`; and what else decides each cell's style:
    formula-like text, and the number format's index."""

    opening: str
    body: pa.Array
    closing: str
    quote_prefix: np.ndarray
    number_format: np.ndarray


def _render_chunk(body: SheetBody, start: int, stop: int) -> memoryview:
    frame = body.frame.iloc[start:stop]
    row_numbers = pc.cast(pa.array(np.arange(start + 2, stop + 2)), pa.string())
    linked = body.linked_rows(start, stop)
    letters = _column_letters(len(frame.columns)).to_pylist()
    parts: list[str | pa.Array] = []
    for position, name in enumerate(frame.columns):
        column = _column_cells(frame[name])
        styles = _style_attributes(body, position, frame[name], column, linked.get(name))
        head = _join('<c r="', letters[position], row_numbers, '"', styles, column.opening)
        # Head, body and closing of an empty cell are all null, so the row leaves it out; the
        # long bodies are copied once, into the row.
        present = pc.is_valid(column.body)
        parts += [_where(present, head), column.body, _where(present, column.closing)]
    rows = _join('<row r="', row_numbers, '">', *parts, "</row>", skip_nulls=True)
    return _joined_bytes(rows)


def _where(mask: pa.Array, value: str | pa.Array) -> pa.Array:
    """`value` where `mask` holds, null elsewhere."""
    text = pa.large_string()
    present = pa.scalar(value, text) if isinstance(value, str) else value.cast(text)
    return pc.if_else(mask, present, pa.scalar(None, text))


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
        text = pc.cast(numbers, pa.large_string())
        return _Cells(_NUMBER, text, _VALUE_END, nothing.astype(bool), nothing)
    return _mixed_cells(column)


def _large_strings(column: pd.Series) -> pa.Array:
    """The column as one Arrow large-string array (missing values null)."""
    strings = pa.array(column.array, type=pa.large_string(), from_pandas=True)
    return strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings


def _text_cells(text: pa.Array) -> _Cells:
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)
    if _repeats(text):
        encoded = pc.dictionary_encode(text, null_encoding="encode")
        distinct = _text_cells(encoded.dictionary)
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        return _Cells(
            _TEXT,
            distinct.body.take(indices),
            _TEXT_END,
            distinct.quote_prefix[indices],
            distinct.number_format[indices],
        )
    text = _cleaned(text)
    present = bytes(_joined_bytes(text))  # to skip the kernels whose characters never occur
    escaped = text
    for raw, entity in _XML_ESCAPES:
        if raw.encode() in present:
            escaped = pc.replace_substring(escaped, raw, entity)
    return _Cells(
        _TEXT,
        escaped,
        _TEXT_END,
        _flags(pc.match_substring_regex(text, _FORMULA_LIKE)),
        np.zeros(len(text), dtype=np.int8),
    )


def _repeats(text: pa.Array) -> bool:
    """Whether a column repeats its values enough (judged on its first rows) that its cells are
    better made once per distinct value: rule titles, legal bases, sources, file names."""
    sample = text.slice(0, _REPEAT_SAMPLE)
    return len(text) > _REPEAT_SAMPLE and len(set(sample.to_pylist())) * 10 < len(sample)


def _cleaned(text: pa.Array) -> pa.Array:
    """The text with `clean_text` applied where it changes something (rare: done in Python)."""
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
    text_xml = _join(text_cells.opening, text_cells.body, text_cells.closing)
    return _Cells(
        "",
        pc.if_else(pc.is_valid(other_cells), other_cells, text_xml),
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


def _style_attributes(
    body: SheetBody,
    position: int,
    values: pd.Series,
    cells: _Cells,
    linked: np.ndarray | None,
) -> pa.Array:
    """Each cell's ` s="N"` attribute ("" for the default style), N from openpyxl's style table."""
    fills = body.fills.get(str(body.frame.columns[position]), {})
    looks = _looks(body.styles[position], fills)
    look = np.zeros(len(values), dtype=np.int64)
    if fills:
        look = pd.Categorical(values.astype(object), categories=list(fills)).codes + 1
    link = linked if linked is not None else np.zeros(len(values), dtype=bool)
    # One number per combination of look, quote prefix, number format and link.
    code = ((look * 2 + cells.quote_prefix) * len(_FORMATS) + cells.number_format) * 2 + link
    combinations, codes = np.unique(code, return_inverse=True)
    attributes = []
    for combination in combinations:
        rest, has_link = divmod(int(combination), 2)
        rest, number_format = divmod(rest, len(_FORMATS))
        look_index, quoted = divmod(rest, 2)
        key = _Look(looks[look_index], bool(quoted), number_format, bool(has_link))
        number = body.style_ids[key]
        attributes.append(f' s="{number}"' if number else "")
    return pa.array(attributes, type=pa.large_string()).take(pa.array(codes))
