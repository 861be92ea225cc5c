"""Where a big CSV file can be cut, for its pieces to be read apart (`--engine dask`).

A piece is read under the file's header and numbered with the file's lines (`read_csv_piece`),
so it gives the rows the whole file would only if it starts where a record starts: at a line
break outside any quoted value. The quotes before a line break tell which: an even number of
them, counted from the start of the file, means outside. That count is right where every quote
opens a value (at its start), closes one (before a delimiter or a line break) or is doubled
inside one, as RFC 4180 writes them, and each of those is checked. A quote anywhere else
(`O"Brien` in an unquoted value) is text to the CSV parsers and would throw the count: such a
file is not cut, nor is one whose quotes the reader would take for a quote left open (a record
over `MAX_ROW_LINES` lines, a quote open at the end), one that is not UTF-8, has a line ended by
a lone CR, or a header that is not one line at the top. A file not cut is read whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from screening.arrowbytes import valid_utf8
from screening.reading.splitting import BLANK, MAX_LINE_BYTES, MAX_ROW_LINES, detect_delimiter

_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")


@dataclass(frozen=True)
class CsvPiece:
    """Lines of a CSV file read apart from the others, under the file's header."""

    header: int
    """The bytes of the file's first line, its line break included."""
    start: int
    stop: int
    """The piece's bytes: `start` is just after a line break, `stop` just after one or the end."""
    first_line: int
    """The file line its first byte is on."""


def csv_pieces(path: Path, target_bytes: int) -> list[CsvPiece]:
    """The file's records in pieces of about `target_bytes` (a record is never cut), or none
    when the file is not larger than that or cannot be cut exactly (see the module)."""
    try:
        size = path.stat().st_size
        if size <= target_bytes:
            return []
        with path.open("rb") as file:
            return _cut(file, size, max(target_bytes, 1))
    except (OSError, ValueError):
        return []  # reading the whole file will say what is wrong with it


def _cut(file: BinaryIO, size: int, target_bytes: int) -> list[CsvPiece]:
    head = file.read(min(size, MAX_LINE_BYTES))
    header = head.find(b"\n") + 1
    try:  # a UTF-16 or UTF-32 BOM is not UTF-8 either
        text = head[:header].decode("utf-8-sig") if header else ""
    except UnicodeDecodeError:
        return []
    if not text.strip(BLANK) or text.count('"') % 2:
        return []  # no header, one below a blank line, or one going on for more than a line
    scan = _Scan(file, size, ord(detect_delimiter(text)))
    pieces: list[CsvPiece] = []
    start, line = header, 2
    while start < size:
        found = scan.boundary(start, start + target_bytes)
        if found is None:
            return []
        stop, breaks = found
        pieces.append(CsvPiece(header, start, stop, line))
        start, line = stop, line + breaks
    return pieces


class _Scan:
    """A file's bytes, read a piece at a time (every quote of a piece checked)."""

    def __init__(self, file: BinaryIO, size: int, delimiter: int) -> None:
        self.file = file
        self.size = size
        self.ends = np.array([delimiter, _LF, _CR, _QUOTE], dtype=np.uint8)
        """What may stand before a quote that opens a value, or after one that ends it."""

    def boundary(self, start: int, wanted: int) -> tuple[int, int] | None:
        """Where the piece from `start` (just after a record) ends, after the last record's
        line break before `wanted` or at the file's end, and the line breaks in it; None if its
        bytes are not as the module says."""
        while True:
            stop = min(wanted, self.size)
            # the byte before the piece, and after it: whether a quote at its edge opens or ends
            self.file.seek(start - 1)
            around = self.file.read(min(stop + 1, self.size) - start + 1)
            block = np.frombuffer(around, dtype=np.uint8, offset=1, count=stop - start)
            quotes = np.flatnonzero(block == _QUOTE)
            breaks = np.flatnonzero(block == _LF)
            outside = np.flatnonzero(np.searchsorted(quotes, breaks) % 2 == 0)
            last = stop == self.size  # its last record ends at the end of the file
            ends = np.append(outside, len(breaks)) if last else outside
            after = _LF if last else around[-1]
            crs = around.find(b"\r", 1, 1 + len(block)) != -1  # a byte search, in C
            if not self._checked(block, quotes, around[0], after, crs) or _too_long(ends):
                return None
            if last:
                if len(quotes) % 2 or not valid_utf8(around[1:]):
                    return None
                return stop, len(breaks)
            if len(outside):
                cut = int(breaks[outside[-1]]) + 1
                valid = valid_utf8(around[1 : 1 + cut])
                return (start + cut, int(outside[-1]) + 1) if valid else None
            wanted = stop + (stop - start)  # a record longer than the piece: take more

    def _checked(
        self, block: np.ndarray, quotes: np.ndarray, before: int, after: int, crs: bool
    ) -> bool:
        """Whether the block (from outside quotes) has no lone CR (`crs`: whether it has a CR
        at all), and every quote in it opens a value (after a delimiter, a line break or the
        quote it doubles) or ends one (before a delimiter, a line break or the quote that
        doubles it); `before` and `after`: the bytes either side of it."""
        if crs:
            cr = np.flatnonzero(block == _CR)
            if not np.all(_at(block, cr + 1, after) == _LF):
                return False
        if not len(quotes):
            return True
        # Counted from outside, the quotes open and close in turn (a doubled one closes and
        # opens again): views, not a mask over millions of quotes.
        preceding = _at(block, quotes[0::2] - 1, before)
        following = _at(block, quotes[1::2] + 1, after)
        return bool(np.isin(preceding, self.ends).all() and np.isin(following, self.ends).all())


def _too_long(outside: np.ndarray) -> bool:
    """Whether a record runs over more lines than the reader takes for one (`MAX_ROW_LINES`:
    past them it reads a quote left open, and goes on from the next line); `outside`: which of
    the block's line breaks, in order, end a record."""
    return bool(len(outside)) and int(np.diff(outside, prepend=-1).max()) > MAX_ROW_LINES - 1


def _at(block: np.ndarray, positions: np.ndarray, outside: int) -> np.ndarray:
    """The block's bytes at `positions` (ascending, each at most one outside the block), and
    `outside` for a position just before or after it: only the first and the last can be."""
    first = int(len(positions) > 0 and positions[0] < 0)
    last = len(positions) - int(len(positions) > first and positions[-1] >= len(block))
    found = np.full(len(positions), outside, dtype=block.dtype)
    found[first:last] = block[positions[first:last]]
    return found
