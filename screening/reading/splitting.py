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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from screening import parallel
from screening.arrowbytes import EdgeBytes, may_have_blank_edges
from screening.reading.encodings import Decoded
from screening.reading.lines import SCAN_BYTES, LineIndex, count_lines, long_lines

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
# one afterwards, `trimmed`). 4 MiB parses as fast as the 1 MiB default with a quarter of the
# chunks; 16 MiB and more parse slower. A row longer than a block is refused, and the exact
# splitter takes over.
_BLOCK_BYTES = 4 << 20
# What BLANK at the edges of a cell shows as: the bytes its characters start with.
_BLANK_EDGES = EdgeBytes.of(BLANK)


class Rejection(NamedTuple):
    """A row that could not be read as a record: the lines it covers, why, and its text."""

    line: int
    last: int
    reason: str
    raw: str


@dataclass
class Cells:
    """The split file: header cells, data rows as stripped strings, and rows that did not split.

    Every line after the header is in exactly one kept row (`lines` to `ends`), in one rejected
    row, or blank (`blank_lines`); `line_count` is the file's number of lines, from its bytes."""

    header: list[str]
    header_line: int
    frame: pd.DataFrame  # columns 0..width-1, `str` (Arrow) dtype, blank rows left out
    lines: np.ndarray  # file line each frame row starts on
    ends: np.ndarray  # file line each frame row ends on
    rejected: list[Rejection] = field(default_factory=list)
    line_count: int = 0
    blank_lines: int = 0  # lines after the header in no row: blank, or blank rows


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
    """The file's cells, or None when it has no header row (empty or blank).

    A quote opened by mistake (`"Kim` for `Kim`) takes every line up to the next quote into one
    field, perhaps the rest of the file. A row that runs over more than `MAX_ROW_LINES` lines, or
    whose quote is still open at the end of the file, is therefore rejected as its first line
    alone, and the file is read again from the line after it (`_resumed`). Each such line costs
    one more parse of the rest of the file, so a file with more than `MAX_UNBALANCED_QUOTES` of
    them is refused. Lines longer than `MAX_LINE_BYTES` are rejected unread. Finally the rows are
    checked against the file's own lines (`_accounted`): a line no row covers is rejected, never
    lost."""
    too_long: list[Rejection] = []
    cells = _split_fast(decoded.data, delimiter, decoded.start)
    if cells is None:
        decoded, too_long = _without_long_lines(decoded)
        cells = _split_once(decoded.data, decoded.start, delimiter, lambda: decoded.text)
    if cells is None:
        return None
    cells.rejected = sorted([*cells.rejected, *too_long])
    index = _LazyIndex(decoded.data, decoded.start)
    cells.line_count = cells.line_count or count_lines(decoded.data, decoded.start)
    parts: list[Cells] = []
    offset, rest = 0, cells
    while (broken := _first_broken(rest, offset, index, delimiter)) is not None:
        if len(parts) == MAX_UNBALANCED_QUOTES:
            raise csv.Error(
                f"more than {MAX_UNBALANCED_QUOTES} rows have a quote left open (the first on "
                f"line {parts[0].rejected[-1].line}): is the file quoted another way?"
            )
        parts.append(_until(rest, offset, broken))
        offset, rest = _resumed(index, broken.line, len(cells.header), delimiter)
    parts.append(shifted(rest, offset))
    return _accounted(_joined(cells, parts), index, delimiter)


MAX_ROW_LINES = 100
"""A record may run over this many lines (line breaks quoted in an address or a note); one that
runs further is read as a quote left open by mistake, rejected, and read past."""
MAX_UNBALANCED_QUOTES = 100
"""Each quote left open costs a parse of the rest of the file: past this many, the file is refused
rather than parsed a hundred times over (its quoting is not CSV's)."""
MAX_LINE_BYTES = 4 << 20
"""A longer line is rejected unread: no record needs it, and only the exact splitter could read it
(pyarrow parses a block of `_BLOCK_BYTES` at a time), at many times its size in memory."""
_SHOWN_BYTES = 200  # of a rejected long line, on the Rejected sheet


_RESUMES = "; the line is rejected and reading resumes on the next line"


def _without_long_lines(decoded: Decoded) -> tuple[Decoded, list[Rejection]]:
    """The file with every line longer than `MAX_LINE_BYTES` emptied, and their rejections.

    Looked for only when the fast splitter has given up (a line longer than its parse block is
    one reason it does): the exact splitter holds the whole file as Python text and rows, many
    times the file's size, which a single gigabyte-long line must not be allowed to cost."""
    found = long_lines(decoded.data, decoded.start, MAX_LINE_BYTES)
    if not found:
        return decoded, []
    pieces, rejected, kept_from = [], [], 0
    for number, begin, end in found:
        pieces.append(decoded.data[kept_from:begin])
        size = end - begin
        head = decoded.data[begin : begin + _SHOWN_BYTES].decode("utf-8", errors="ignore")
        reason = (
            f"the line is {size:,} bytes long, over the limit of {MAX_LINE_BYTES:,} for one line"
        )
        rejected.append(Rejection(number, number, reason, head + "…"))
        kept_from = end
    pieces.append(decoded.data[kept_from:])
    data = b"".join(pieces)
    return Decoded(data, decoded.encoding, decoded.start), rejected


def _split_once(data: bytes, start: int, delimiter: str, text: Callable[[], str]) -> Cells | None:
    return _split_fast(data, delimiter, start) or _split_exact(text(), delimiter)


@dataclass
class _LazyIndex:
    """The file's `LineIndex`, built on first use: a clean file never needs it."""

    data: bytes
    start: int

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex.of(self.data, self.start)


def _first_broken(cells: Cells, offset: int, index: _LazyIndex, delimiter: str) -> Rejection | None:
    """The first row of `cells` that a quote left open made (numbered in the file: line + offset),
    as the rejection of its first line; None when there is none."""
    found: list[tuple[int, str]] = []
    long = np.flatnonzero(cells.ends - cells.lines >= MAX_ROW_LINES)
    long_rejected = [row for row in cells.rejected if row.last - row.line >= MAX_ROW_LINES]
    if long_rejected:
        first, last = long_rejected[0].line, long_rejected[0].last
        found.append((first, f"runs over {last - first + 1} lines, to line {last + offset}"))
    if len(long):
        first, last = int(cells.lines[long[0]]), int(cells.ends[long[0]])
        found.append((first, f"runs over {last - first + 1} lines, to line {last + offset}"))
    tails = [(int(cells.lines[-1]), int(cells.ends[-1]))] if len(cells.lines) else []
    tails += [(row.line, row.last) for row in cells.rejected[-1:]]
    first, last = max(tails, default=(0, 0))
    if last > first and _quote_open(index.lines.text(first + offset, len(index.lines)), delimiter):
        found.append((first, "is still open at the end of the file"))
    if not found:
        return None
    line, how = min(found)
    line += offset
    reason = f"a quoted field opens on this line and {how}: an unbalanced quote{_RESUMES}"
    return Rejection(line, line, reason, index.lines.text(line, line))


def _quote_open(text: str, delimiter: str) -> bool:
    """Whether a quoted field of the CSV text is still open at its end (the csv module's quoting:
    a quote opens a field only at its start; two quotes inside one are a literal quote)."""
    quoted, at_start, position = False, True, 0
    while position < len(text):
        if quoted:
            close = text.find('"', position)
            if close < 0:
                return True
            if text.startswith('""', close):
                position = close + 2
                continue
            quoted, at_start, position = False, False, close + 1
            continue
        char = text[position]
        if char == '"' and at_start:
            quoted = True
        at_start = char in (delimiter, "\r", "\n")
        position += 1
    return quoted


def _until(cells: Cells, offset: int, broken: Rejection) -> Cells:
    """The rows of `cells` before the broken one (numbered in the file), and its rejection."""
    line = broken.line - offset
    kept = cells.lines < line
    part = Cells(
        cells.header,
        cells.header_line,
        cells.frame[kept].reset_index(drop=True),
        cells.lines[kept],
        cells.ends[kept],
        [row for row in cells.rejected if row.line < line],
    )
    moved = shifted(part, offset)
    moved.rejected.append(broken)
    return moved


def _resumed(index: _LazyIndex, line: int, width: int, delimiter: str) -> tuple[int, Cells]:
    """The file read again from the line after `line`, under a one-line stand-in header; the
    offset that numbers its rows in the file."""
    names = delimiter.join(f"c{column}" for column in range(width))
    rest = names.encode() + b"\n" + index.data[index.lines.begin(line + 1) :]
    cells = _split_once(rest, 0, delimiter, lambda: rest.decode("utf-8"))
    assert cells is not None, "the stand-in header is a filled line"
    return line - 1, cells


def shifted(cells: Cells, offset: int) -> Cells:
    """The cells with every line `offset` lines further down the file."""
    if not offset:
        return cells
    rejected = [
        Rejection(
            row.line + offset,
            row.last + offset,
            row.reason.replace(
                _runs(row.line, row.last), _runs(row.line + offset, row.last + offset)
            ),
            row.raw,
        )
        for row in cells.rejected
    ]
    return replace(cells, lines=cells.lines + offset, ends=cells.ends + offset, rejected=rejected)


def _joined(first: Cells, parts: list[Cells]) -> Cells:
    """The parts read one after another, as one file's cells (its header and line count)."""
    if len(parts) == 1:
        return replace(
            parts[0],
            header=first.header,
            header_line=first.header_line,
            line_count=first.line_count,
        )
    frame = pd.concat([part.frame for part in parts], ignore_index=True)
    return Cells(
        first.header,
        first.header_line,
        frame.astype(TEXT),
        np.concatenate([part.lines for part in parts]).astype(np.int64),
        np.concatenate([part.ends for part in parts]).astype(np.int64),
        [row for part in parts for row in part.rejected],
        first.line_count,
    )


def _accounted(cells: Cells, index: _LazyIndex, delimiter: str) -> Cells:
    """The cells, with any line that no row covers and that is not blank rejected.

    Every line after the header must be in a row (kept or rejected) or blank; when the rows are
    one a line and as many as the lines, that is plain, otherwise it is checked line by line."""
    after = cells.line_count - cells.header_line
    rows = len(cells.frame) + len(cells.rejected)
    one_line = bool((cells.ends == cells.lines).all()) and all(
        row.last == row.line for row in cells.rejected
    )
    if one_line and rows == after:
        return cells
    lines = index.lines
    starts = np.concatenate([cells.lines, [row.line for row in cells.rejected]]).astype(np.int64)
    stops = np.concatenate([cells.ends, [row.last for row in cells.rejected]]).astype(np.int64)
    depth = np.zeros(len(lines) + 2, dtype=np.int64)
    np.add.at(depth, np.clip(starts, 0, len(lines) + 1), 1)
    np.add.at(depth, np.clip(stops + 1, 0, len(lines) + 1), -1)
    covered = np.cumsum(depth)[1 : len(lines) + 1] > 0
    covered[: cells.header_line] = True
    loose = ~covered & ~lines.blank(BLANK)
    orphans = []
    for number in np.flatnonzero(loose) + 1:
        text = lines.text(int(number), int(number))
        if not _is_blank(next(csv.reader([text], delimiter=delimiter), [])):
            reason = "not read into any row by the CSV parser: rejected so that nothing is lost"
            orphans.append(Rejection(int(number), int(number), reason, text))
    rejected = sorted([*cells.rejected, *orphans]) if orphans else cells.rejected
    blank = int(np.count_nonzero(~covered)) - len(orphans)
    return replace(cells, rejected=rejected, blank_lines=blank)


def first_line(decoded: Decoded) -> str:
    """The file's first line with anything on it (the header), as text; '' when there is none."""
    found = _first_filled_line(decoded.data, decoded.start)
    return found[0] if found else ""


def _first_filled_line(data: bytes, start: int) -> tuple[str, int, int] | None:
    """The first line of `data[start:]` with anything on it: its text, number and end byte."""
    for number, begin, end in _lines(data, start):
        if end - begin > MAX_LINE_BYTES and data.find(b"\r", begin, begin + MAX_LINE_BYTES) < 0:
            raise csv.Error(
                f"line {number}, where the header should be, is {end - begin:,} bytes long, "
                f"over the limit of {MAX_LINE_BYTES:,} for one line"
            )
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
    return f"has {fields} fields, the header has {width}{_runs(first, last)}"


def _runs(first: int, last: int) -> str:
    """What a reason says of a row over several lines (`first` to `last`)."""
    if last == first:
        return ""
    return f" (a quoted field runs from line {first} to line {last}: unbalanced quote?)"


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
            rejected.append(Rejection(first, last, reason, raw))
    ends = np.array([last for _, last in spans], dtype=np.int64)
    return Cells(
        header, spans[0][0], frame.reset_index(drop=True), starts[fits], ends[fits], rejected
    )


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
    nonempty, body_lines = _nonempty_lines(data, body_start, count)
    breaks = _line_breaks(table, invalid, skipped, simple=count == len(nonempty))
    starts = _row_starts(nonempty, breaks)
    if starts is None:
        return None
    starts += header_line + 1
    columns = table.columns
    del table  # the list holds the parsed columns alone now: trimming can let each go
    _trim_each(columns)
    blank = all_empty(columns, count - len(numbers))
    frame = pd.DataFrame({i: text_column(column) for i, column in enumerate(columns)})
    if blank.any():
        frame = frame[~blank].reset_index(drop=True)
    # a quote open at the end of the file takes the final line break into its field
    ends = np.minimum(starts + breaks, header_line + body_lines)
    rejected = [
        Rejection(
            int(starts[number - 1]),
            int(ends[number - 1]),
            _width_reason(fields, len(header), starts[number - 1], ends[number - 1]),
            raw,
        )
        for number, fields, raw in invalid.rows
        if not _is_blank(next(csv.reader([raw], delimiter=delimiter), []))
    ]
    kept = ~skipped
    line_count = header_line + body_lines
    return Cells(
        header, header_line, frame, starts[kept][~blank], ends[kept][~blank], rejected, line_count
    )


def _trim_each(columns: list[pa.ChunkedArray]) -> None:
    """Join and strip every column (`trimmed`), replacing the columns in the list one by one: a
    parsed column is let go as soon as its new copy exists, not after all of them (which is why
    this is not `parallel.each`, which returns all results at once).

    Columns are done on the runner's threads (`parallel.stream`; Arrow lets go of the GIL): each
    is a copy of every cell."""
    for index, column in enumerate(parallel.stream(trimmed, columns)):
        columns[index] = column


def trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column as one chunk, with BLANK stripped from every cell.

    The parser's blocks are joined: later steps pay per chunk (taking a few rows of a column of
    50 chunks cost 5x more than of one), the join is a copy at memory speed. Trimming copies
    again, so it runs only when some cell may start or end with BLANK (`may_have_blank_edges`,
    which looks at the cells' edge bytes): seldom."""
    if column.num_chunks == 0:
        return column
    whole = column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks)
    if may_have_blank_edges(whole, _BLANK_EDGES):
        whole = pc.utf8_trim(whole, characters=BLANK)
    return pa.chunked_array([whole], type=column.type)


def text_column(column: pa.Array | pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """An Arrow (large) string column as a pandas `str` column, sharing its buffers."""
    return pd.Series(pd.array(column, dtype=TEXT), index=index, copy=False)


def _bare_cr(data: bytes, start: int) -> bool:
    """Whether some CR in `data[start:]` is not followed by LF (checked only when a CR exists)."""
    if data.find(b"\r", start) < 0:
        return False
    body = np.frombuffer(data, dtype=np.uint8, offset=start)
    if body[-1] == ord("\r"):
        return True
    for begin in range(0, len(body), SCAN_BYTES):
        part = body[begin : begin + SCAN_BYTES + 1]  # one byte more: the LF after a CR
        if np.any((part[:-1] == ord("\r")) & (part[1:] != ord("\n"))):
            return True
    return False


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


def _nonempty_lines(data: bytes, start: int, rows: int) -> tuple[np.ndarray, int]:
    """0-based numbers of the lines of `data[start:]` that hold anything (pyarrow skips empty
    ones), and how many lines it has.

    When there are as many lines as pyarrow found rows, every line holds one row: no line is
    empty and none is spanned by a quoted line break, so the lines need not be looked at."""
    lines = count_lines(data, start)
    if lines == rows:
        return np.arange(rows, dtype=np.int64), lines
    index = LineIndex.of(data, start)
    return np.flatnonzero(index.ends > index.begins), lines


def all_empty(columns: list[pa.ChunkedArray], rows: int) -> np.ndarray:
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
