"""UTF-8 → CSV cells, each row with the file line it starts on; rows of the wrong width rejected.

Two splitters give the same answer. The fast one hands the body's bytes to pyarrow's CSV parser
and maps its rows back to file lines from the line breaks inside them; the exact one reads the
decoded text with the csv module and follows `line_num` row by row. The exact one runs when the
fast one cannot vouch for its line numbers (bare CR line ends, a multi-line header, rows and
lines that do not add up) or pyarrow cannot parse the file.

Cells come out as pandas' Arrow-backed `str` columns: a million rows of twenty columns stay a few
Arrow buffers instead of twenty million Python strings.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from screening import parallel
from screening.reading.encodings import Decoded

DELIMITERS = (",", ";", "\t")
# Stripped from both ends of every cell. NUL counts as padding: exports pad with it, and a line
# of nothing but NULs is a blank line, not a record. Spelled out so both splitters agree exactly.
# Every character `str.isspace` (and Arrow's utf8_trim_whitespace) counts as whitespace is in it,
# the separators U+001C..U+001F too: a cell from the reader has nothing left for normalizing to
# strip (`TRIMMED`).
BLANK = (
    " \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x00\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# The key in a frame's `attrs` saying every value cell was stripped of BLANK (the reader's
# frames); pandas keeps attrs through selection, reindexing and a concat of frames that all have it.
TRIMMED = "screening.trimmed"
# Fields may be far longer than Excel's cell limit; they are kept whole (the report truncates).
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
# pandas' default string dtype (`str`): Arrow storage, NaN for missing.
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
_NON_SPACE = re.compile(rb"\S")
# pyarrow parses this much at a time: each block becomes one chunk of every column (joined into
# one afterwards, `_trim`). 4 MiB parses as fast as the 1 MiB default with a quarter of the
# chunks; 16 MiB and more parse slower. A row longer than a block is refused, and the exact
# splitter takes over.
_BLOCK_BYTES = 4 << 20
# The bytes a BLANK character may start with, and (one byte long) end with; the second of two
# bytes and the first of three bytes of the longer ones (inclusive ranges). Checked against BLANK
# in the tests.
_BLANK_LAST = ((0x00, 0x20),)
_BLANK_SECOND_LAST = ((0xC2, 0xC2),)
_BLANK_THIRD_LAST = ((0xE1, 0xE3), (0xEF, 0xEF))
_BLANK_FIRST = _BLANK_LAST + _BLANK_SECOND_LAST + _BLANK_THIRD_LAST
# Whole-file byte scans go a slice at a time: a comparison over all of a 200 MB file would
# allocate a 200 MB mask; a slice's mask stays in the cache.
_SCAN_BYTES = 1 << 20


@dataclass
class Cells:
    """The split file: header cells, data rows as stripped strings, and rows that did not split."""

    header: list[str]
    header_line: int
    frame: pd.DataFrame  # columns 0..width-1, `str` (Arrow) dtype, blank rows left out
    lines: np.ndarray  # file line each frame row starts on
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, raw)


def detect_delimiter(text: str) -> str:
    """The separator the header row uses most (outside quotes): comma, semicolon or tab."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in _first_line(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])  # first wins a tie: comma
    return best if counts[best] else ","


def split(decoded: Decoded, delimiter: str) -> Cells | None:
    """The file's cells, or None when it has no header row (empty or blank)."""
    fast = _split_fast(decoded.data, delimiter, decoded.start)
    return fast or _split_exact(decoded.text, delimiter)


def first_line(decoded: Decoded) -> str:
    """The file's first line with anything on it (the header), as text; '' when there is none."""
    found = _first_filled_line(decoded.data, decoded.start)
    return found[0] if found else ""


def _first_filled_line(data: bytes, start: int) -> tuple[str, int, int] | None:
    """The first line of `data[start:]` with anything on it: its text, number and end byte."""
    for number, begin, end in _lines(data, start):
        line = data[begin:end].decode("utf-8")
        if line.strip(BLANK):
            return line, number, end
    return None


def _first_line(text: str) -> str:
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        if text[start:end].strip(BLANK):
            return text[start:end]
        start = end
    return ""


def _is_blank(row: list[str]) -> bool:
    return not "".join(row).strip(BLANK)


def _strip(cells: pd.Series) -> pd.Series:
    return pd.Series([cell.strip(BLANK) for cell in cells], index=cells.index, dtype=object)


def _lines(data: bytes, start: int) -> Iterator[tuple[int, int, int]]:
    """(1-based number, start, end) of each line of `data[start:]`, its line break included."""
    number = 1
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        yield number, start, end
        start, number = end, number + 1


def _width_reason(fields: int, width: int, first: int, last: int) -> str:
    reason = f"has {fields} fields, the header has {width}"
    if last > first:
        reason += f" (a quoted field runs from line {first} to line {last}: unbalanced quote?)"
    return reason


# --- the exact splitter: the csv module, row by row ------------------------------------------


def _split_exact(text: str, delimiter: str) -> Cells | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    line = 1
    for row in reader:  # the one loop per row: csv needs it to report where each row starts
        if not _is_blank(row):
            rows.append(row)
            spans.append((line, reader.line_num))
        line = reader.line_num + 1
    if not rows:
        return None
    header, width = rows[0], len(rows[0])
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    starts = np.array([start for start, _ in spans], dtype=np.int64)
    fits = lengths == width
    fits[0] = False
    kept = [row for row, ok in zip(rows, fits, strict=True) if ok]
    frame = pd.DataFrame(kept, columns=range(width), dtype=object)  # faster than transposing
    frame = (frame.apply(_strip) if len(frame) else frame).astype(TEXT)
    rejected = []
    ragged = np.flatnonzero(~fits[1:]) + 1
    if len(ragged):
        physical = io.StringIO(text, newline="").readlines()
        for index in ragged:
            first, last = spans[index]
            raw = "".join(physical[first - 1 : last]).rstrip("\r\n")
            reason = _width_reason(int(lengths[index]), width, first, last)
            rejected.append((first, reason, raw))
    return Cells(header, spans[0][0], frame.reset_index(drop=True), starts[fits], rejected)


# --- the fast splitter: pyarrow, rows mapped back to file lines -----------------------------


@dataclass
class _Invalid:
    """Rows pyarrow could not fit to the header, by their 1-based number among the body's rows."""

    rows: list[tuple[int, int, str]] = field(default_factory=list)

    def __call__(self, row: pa_csv.InvalidRow) -> str:
        self.rows.append((row.number or 0, row.actual_columns, row.text))
        return "skip"


def _split_fast(data: bytes, delimiter: str, start: int = 0) -> Cells | None:
    """`data[start:]` (UTF-8) split by pyarrow; None when it can't vouch for the line numbers."""
    if _bare_cr(data, start):
        return None  # bare CR line ends: line numbering below assumes LF or CRLF
    head = _header(data, start, delimiter)
    if head is None:
        return None
    header, header_line, body_start = head
    invalid = _Invalid()
    try:
        table = _parse(pa.py_buffer(data).slice(body_start), delimiter, len(header), invalid)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # e.g. a row longer than a parse block: the exact splitter copes
    count = len(table) + len(invalid.rows)
    numbers = np.array([number for number, _, _ in invalid.rows], dtype=np.int64)
    if len(numbers) and (numbers.min() < 1 or numbers.max() > count):
        return None
    skipped = np.zeros(count, dtype=bool)
    skipped[numbers - 1] = True
    if skipped.sum() != len(numbers):
        return None
    nonempty = _nonempty_lines(data, body_start, count)
    breaks = _line_breaks(table, invalid, skipped, simple=count == len(nonempty))
    starts = _row_starts(nonempty, breaks)
    if starts is None:
        return None
    starts += header_line + 1
    columns = table.columns
    del table  # the list holds the parsed columns alone now: trimming can let each go
    _trim_each(columns)
    blank = _all_empty(columns, count - len(numbers))
    frame = pd.DataFrame({i: text_column(column) for i, column in enumerate(columns)})
    if blank.any():
        frame = frame[~blank].reset_index(drop=True)
    rejected = [
        (
            int(starts[number - 1]),
            _width_reason(
                fields, len(header), starts[number - 1], starts[number - 1] + breaks[number - 1]
            ),
            raw,
        )
        for number, fields, raw in invalid.rows
        if not _is_blank(next(csv.reader([raw], delimiter=delimiter), []))
    ]
    return Cells(header, header_line, frame, starts[~skipped][~blank], rejected)


def _trim_each(columns: list[pa.ChunkedArray]) -> None:
    """Join and strip every column (`_trim`), replacing the columns in the list one by one: a
    parsed column is let go as soon as its new copy exists, not after all of them (which is why
    this is not `parallel.each`, which returns all results at once).

    Columns are done on `parallel.WORKERS` threads (Arrow lets go of the GIL): each is a copy of
    every cell."""
    with ThreadPoolExecutor(max_workers=parallel.WORKERS) as pool:
        for index, trimmed in enumerate(pool.map(_trim, columns)):
            columns[index] = trimmed


def _trim(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column as one chunk, with BLANK stripped from every cell.

    The parser's blocks are joined: later steps pay per chunk (taking a few rows of a column of
    50 chunks cost 5x more than of one), the join is a copy at memory speed. Trimming copies
    again, so it runs only when some cell may start or end with BLANK (`_may_have_blank_edges`):
    seldom."""
    if column.num_chunks == 0:
        return column
    whole = column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)
    if _may_have_blank_edges(whole):
        whole = pc.utf8_trim(whole, characters=BLANK)
    return pa.chunked_array([whole], type=column.type)


def _may_have_blank_edges(chunk: pa.Array) -> bool:
    """Whether a cell of the (large string) chunk may start or end with a BLANK character.

    A BLANK character is one byte up to 0x20, or two bytes starting 0xC2, or three starting
    0xE1, 0xE2, 0xE3 or 0xEF: a cell is looked at through its first byte and its last, and only
    a cell ending in a continuation byte (0x80 and up) through its last three. Bytes read for a
    short or empty cell may belong to another: a cell too many, never one too few, so the answer
    may be a needless yes, never a wrong no. The edge bytes are compared with BLANK's byte
    ranges in place, not looked up one by one: this runs over every column the reader returns."""
    if chunk.type != pa.large_string():
        return True
    _, offset_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[chunk.offset :][: len(chunk) + 1]
    if not data_buffer or not len(chunk) or offsets[-1] == offsets[0]:
        return False
    data = np.frombuffer(data_buffer, dtype=np.uint8)
    ends = offsets[1:]
    if _found(data.take(offsets[:-1], mode="clip"), _BLANK_FIRST):
        return True
    last = data.take(ends - 1, mode="clip")
    if _found(last, _BLANK_LAST):
        return True
    longer = ends[last >= 0x80]
    return _found(data.take(longer - 2, mode="clip"), _BLANK_SECOND_LAST) or _found(
        data.take(longer - 3, mode="clip"), _BLANK_THIRD_LAST
    )


def _found(octets: np.ndarray, wanted: tuple[tuple[int, int], ...]) -> bool:
    """Whether some byte of `octets` lies in one of the `wanted` ranges (inclusive): compared
    in place, without a lookup per byte."""
    return any(bool(((octets >= low) & (octets <= high)).any()) for low, high in wanted)


def text_column(column: pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """An Arrow (large) string column as a pandas `str` column, sharing its buffers."""
    return pd.Series(pd.array(column, dtype=TEXT), index=index, copy=False)


def _bare_cr(data: bytes, start: int) -> bool:
    """Whether some CR in `data[start:]` is not followed by LF (checked only when a CR exists)."""
    if data.find(b"\r", start) < 0:
        return False
    body = np.frombuffer(data, dtype=np.uint8, offset=start)
    if body[-1] == ord("\r"):
        return True
    for begin in range(0, len(body), _SCAN_BYTES):
        part = body[begin : begin + _SCAN_BYTES + 1]  # one byte more: the LF after a CR
        if np.any((part[:-1] == ord("\r")) & (part[1:] != ord("\n"))):
            return True
    return False


def _count_lf(data: bytes, start: int) -> int:
    """How many LFs `data[start:]` holds: numpy, a slice at a time, outpaces `bytes.count`."""
    body = np.frombuffer(data, dtype=np.uint8, offset=start)
    return sum(
        int(np.count_nonzero(body[begin : begin + _SCAN_BYTES] == ord("\n")))
        for begin in range(0, len(body), _SCAN_BYTES)
    )


def _line_breaks(
    table: pa.Table, invalid: _Invalid, skipped: np.ndarray, simple: bool
) -> np.ndarray:
    """Line breaks inside each row (LF; CRLF counts once, bare CR was ruled out)."""
    breaks = np.zeros(len(skipped), dtype=np.int64)
    breaks[skipped] = [raw.count("\n") for _, _, raw in sorted(invalid.rows)]
    if simple and len(table):
        # As many rows as non-empty lines: a row spanning lines would cover two of them, so
        # only the last row (a quote left open at the end of the file) can hold a break.
        last = table.slice(len(table) - 1)
        inside = sum(pc.sum(pc.count_substring(c, "\n")).as_py() or 0 for c in last.columns)
        breaks[np.flatnonzero(~skipped)[-1]] = inside
    elif len(table):
        counts = [pc.count_substring(column, "\n") for column in table.columns]
        breaks[~skipped] = np.sum([c.to_numpy() for c in counts], axis=0)
    return breaks


def _row_starts(nonempty: np.ndarray, breaks: np.ndarray) -> np.ndarray | None:
    """The body line each row starts on, or None when rows and lines do not add up.

    Row k starts on a non-empty line and covers breaks[k] more lines, some of which may hold
    text; the next row starts on the next non-empty line after them.
    """
    rows = len(breaks)
    extra = np.zeros(rows + 1, dtype=np.int64)
    offset = 0
    for row in np.flatnonzero(breaks):  # only rows that span lines: few in real files
        first = int(row) + offset
        if first >= len(nonempty):
            return None
        end = nonempty[first] + breaks[row]
        covered = int(np.searchsorted(nonempty, end, side="right")) - (first + 1)
        offset += covered
        extra[row + 1] += covered
    if rows + offset != len(nonempty):
        return None
    if not offset:
        return nonempty.astype(np.int64)  # one row per non-empty line
    return nonempty[np.arange(rows) + np.cumsum(extra[:rows])].astype(np.int64)


def _header(data: bytes, start: int, delimiter: str) -> tuple[list[str], int, int] | None:
    """Header cells, its line, and the byte where the body starts; None unless it is one line."""
    found = _first_filled_line(data, start)
    if found is None:
        return None
    chunk, line, end = found
    rows = list(csv.reader(io.StringIO(chunk, newline=""), delimiter=delimiter))
    if len(rows) != 1 or _is_blank(rows[0]) or chunk.count('"') % 2:
        return None
    return rows[0], line, end


def _parse(body: pa.Buffer, delimiter: str, width: int, invalid: _Invalid) -> pa.Table:
    """The body's rows, on every core while no row is malformed; a file with malformed rows is
    parsed again on one thread with `invalid` noting each (pyarrow reports them only so).

    Parse blocks are cut at line breaks outside quotes only (`newlines_in_values`): a cut at a
    quoted line break can read one row as two plausible ones, silently."""
    names = [f"c{i}" for i in range(width)]
    if _NON_SPACE.search(memoryview(body)) is None:
        return pa.table({name: pa.array([], pa.large_string()) for name in names})
    try:
        return _read_csv(body, names, delimiter, None)
    except pa.ArrowInvalid:
        return _read_csv(body, names, delimiter, invalid)


def _read_csv(
    body: pa.Buffer, names: list[str], delimiter: str, invalid: _Invalid | None
) -> pa.Table:
    return pa_csv.read_csv(
        pa.BufferReader(body),
        read_options=pa_csv.ReadOptions(
            column_names=names, use_threads=invalid is None, block_size=_BLOCK_BYTES
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=invalid
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            # The whole file was checked as UTF-8; a field, cut at ASCII delimiters, quotes and
            # line breaks, cannot split a character, so each one is valid too.
            check_utf8=False,
        ),
    )


def _nonempty_lines(data: bytes, start: int, rows: int) -> np.ndarray:
    """0-based numbers of the lines of `data[start:]` that hold anything (pyarrow skips empty ones).

    When there are as many lines as pyarrow found rows, every line holds one row: no line is
    empty and none is spanned by a quoted line break, so the lines need not be looked at."""
    lines = _count_lf(data, start) + (len(data) > start and not data.endswith(b"\n"))
    if lines == rows:
        return np.arange(rows, dtype=np.int64)
    body = np.frombuffer(data, dtype=np.uint8, offset=start)
    if not len(body):
        return np.zeros(0, dtype=np.int64)
    breaks = np.flatnonzero(body == ord("\n"))
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [len(body)]])
    crlf = (ends > starts) & (body[np.maximum(ends - 1, 0)] == ord("\r"))
    lengths = ends - starts - crlf
    return np.flatnonzero(lengths > 0)


def _all_empty(columns: list[pa.ChunkedArray], rows: int) -> np.ndarray:
    """Which rows have every cell empty: looked for among the rows whose first cell is empty
    (a record_id, seldom missing), so the other columns are read at those rows alone."""
    empty = np.zeros(rows, dtype=bool)
    if not rows:
        return empty
    candidates = np.flatnonzero(pc.equal(pc.binary_length(columns[0]), 0).to_numpy())
    for column in columns[1:]:
        if not len(candidates):
            break
        lengths = pc.binary_length(column.take(candidates)).to_numpy()
        candidates = candidates[lengths == 0]
    empty[candidates] = True
    return empty
