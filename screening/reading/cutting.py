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

import codecs
import mmap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from screening.arrowbytes import valid_utf8
from screening.reading.splitting import BLANK, MAX_ROW_LINES, detect_delimiter

_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")
_NOT_UTF8 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


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
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _cut(data, max(target_bytes, 1))
    except (OSError, ValueError):
        return []  # reading the whole file will say what is wrong with it


def _cut(data: mmap.mmap, target_bytes: int) -> list[CsvPiece]:
    if data[:4].startswith(_NOT_UTF8):
        return []
    header = data.find(b"\n") + 1
    if header == 0:
        return []
    try:
        text = data[:header].decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    if not text.strip(BLANK) or text.count('"') % 2:
        return []  # the header is below a blank line, or goes on for more than a line
    scan = _Scan(data, ord(detect_delimiter(text)))
    pieces: list[CsvPiece] = []
    start, line = header, 2
    while start < len(data):
        found = scan.boundary(start, start + target_bytes)
        if found is None or not valid_utf8(data[start : found[0]]):
            return []
        stop, breaks = found
        pieces.append(CsvPiece(header, start, stop, line))
        start, line = stop, line + breaks
    return pieces


class _Scan:
    """The file's bytes, looked at a piece at a time (every quote of a piece checked)."""

    def __init__(self, data: mmap.mmap, delimiter: int) -> None:
        self.data = data
        self.size = len(data)
        self.ends = np.array([delimiter, _LF, _CR, _QUOTE], dtype=np.uint8)

    def boundary(self, start: int, wanted: int) -> tuple[int, int] | None:
        """Where the piece from `start` (outside quotes) ends, after the last record's line
        break before `wanted` or at the file's end, and the line breaks in it; None if its
        bytes are not as the module says."""
        while True:
            stop = min(wanted, self.size)
            block = np.frombuffer(self.data, dtype=np.uint8, count=stop - start, offset=start)
            quotes = np.flatnonzero(block == _QUOTE)
            breaks = np.flatnonzero(block == _LF)
            outside = np.flatnonzero(np.searchsorted(quotes, breaks) % 2 == 0)
            last = stop == self.size  # its last record ends at the end of the file
            ends = np.append(outside, len(breaks)) if last else outside
            if not self._checked(block, start, quotes) or _too_long(ends):
                return None
            if last:
                return (stop, len(breaks)) if len(quotes) % 2 == 0 else None
            if len(outside):
                return start + int(breaks[outside[-1]]) + 1, int(outside[-1]) + 1
            wanted = stop + (stop - start)  # a record longer than the piece: take more

    def _checked(self, block: np.ndarray, start: int, quotes: np.ndarray) -> bool:
        """Whether the block (from outside quotes) has no lone CR, and every quote in it opens
        a value (after a delimiter, a line break or the quote it doubles) or ends one (before a
        delimiter, a line break or the quote that doubles it)."""
        after = self._byte(start + len(block))
        if self.data.find(b"\r", start, start + len(block)) != -1:  # a byte search, in C
            cr = np.flatnonzero(block == _CR)
            if not np.all(_at(block, cr + 1, after) == _LF):
                return False
        if not len(quotes):
            return True
        opening = np.arange(len(quotes)) % 2 == 0
        before = _at(block, quotes[opening] - 1, self._byte(start - 1))
        following = _at(block, quotes[~opening] + 1, after)
        return bool(np.isin(before, self.ends).all() and np.isin(following, self.ends).all())

    def _byte(self, position: int) -> int:
        """The byte at `position`; a line break past either end of the file."""
        return self.data[position] if 0 <= position < self.size else _LF


def _too_long(outside: np.ndarray) -> bool:
    """Whether a record runs over more lines than the reader takes for one (`MAX_ROW_LINES`:
    past them it reads a quote left open, and goes on from the next line); `outside`: which of
    the block's line breaks, in order, end a record."""
    return bool(len(outside)) and int(np.diff(outside, prepend=-1).max()) > MAX_ROW_LINES - 1


def _at(block: np.ndarray, positions: np.ndarray, outside: int) -> np.ndarray:
    """The block's bytes at `positions`, `outside` where one falls just outside it."""
    inside = (positions >= 0) & (positions < len(block))
    return np.where(inside, block[np.clip(positions, 0, max(len(block) - 1, 0))], outside)
