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
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from screening.arrowbytes import valid_utf8
from screening.reading.splitting import BLANK, MAX_LINE_BYTES, MAX_ROW_LINES, detect_delimiter

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
        with path.open("rb") as file:
            return _cut(_Scan(file, size), max(target_bytes, 1))
    except (OSError, ValueError):
        return []  # reading the whole file will say what is wrong with it


def _cut(scan: _Scan, target_bytes: int) -> list[CsvPiece]:
    head = scan.read(0, min(scan.size, MAX_LINE_BYTES))
    header = head.find(b"\n") + 1
    if head.startswith(_NOT_UTF8) or header == 0:
        return []
    try:
        text = head[:header].decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    if not text.strip(BLANK) or text.count('"') % 2:
        return []  # the header is below a blank line, or goes on for more than a line
    scan.delimiter = ord(detect_delimiter(text))
    pieces: list[CsvPiece] = []
    start, line = header, 2
    while start < scan.size:
        found = scan.boundary(start, start + target_bytes)
        if found is None:
            return []
        stop, breaks = found
        pieces.append(CsvPiece(header, start, stop, line))
        start, line = stop, line + breaks
    return pieces


class _Scan:
    """A file's bytes, read a piece at a time (every quote of a piece checked)."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        self.file = file
        self.size = size
        self.delimiter = ord(",")

    def read(self, start: int, stop: int) -> bytes:
        self.file.seek(start)
        return self.file.read(stop - start)

    def boundary(self, start: int, wanted: int) -> tuple[int, int] | None:
        """Where the piece from `start` (just after a record) ends, after the last record's
        line break before `wanted` or at the file's end, and the line breaks in it; None if its
        bytes are not as the module says."""
        while True:
            stop = min(wanted, self.size)
            # the byte before the piece, and after it: whether a quote at its edge opens or ends
            around = self.read(start - 1, min(stop + 1, self.size))
            data = around[1 : 1 + stop - start]
            block = np.frombuffer(data, dtype=np.uint8)
            quotes = np.flatnonzero(block == _QUOTE)
            breaks = np.flatnonzero(block == _LF)
            outside = np.flatnonzero(np.searchsorted(quotes, breaks) % 2 == 0)
            last = stop == self.size  # its last record ends at the end of the file
            ends = np.append(outside, len(breaks)) if last else outside
            after = _LF if last else around[-1]
            if not self._checked(block, data, quotes, around[0], after) or _too_long(ends):
                return None
            if last:
                if len(quotes) % 2 or not valid_utf8(data):
                    return None
                return stop, len(breaks)
            if len(outside):
                cut = int(breaks[outside[-1]]) + 1
                return (start + cut, int(outside[-1]) + 1) if valid_utf8(data[:cut]) else None
            wanted = stop + (stop - start)  # a record longer than the piece: take more

    def _checked(
        self, block: np.ndarray, data: bytes, quotes: np.ndarray, before: int, after: int
    ) -> bool:
        """Whether the block (from outside quotes) has no lone CR, and every quote in it opens
        a value (after a delimiter, a line break or the quote it doubles) or ends one (before a
        delimiter, a line break or the quote that doubles it); `before` and `after`: the bytes
        either side of it."""
        if b"\r" in data:  # a byte search, in C: most files have none
            cr = np.flatnonzero(block == _CR)
            if not np.all(_at(block, cr + 1, after) == _LF):
                return False
        if not len(quotes):
            return True
        ends = np.array([self.delimiter, _LF, _CR, _QUOTE], dtype=np.uint8)
        opening = np.arange(len(quotes)) % 2 == 0
        preceding = _at(block, quotes[opening] - 1, before)
        following = _at(block, quotes[~opening] + 1, after)
        return bool(np.isin(preceding, ends).all() and np.isin(following, ends).all())


def _too_long(outside: np.ndarray) -> bool:
    """Whether a record runs over more lines than the reader takes for one (`MAX_ROW_LINES`:
    past them it reads a quote left open, and goes on from the next line); `outside`: which of
    the block's line breaks, in order, end a record."""
    return bool(len(outside)) and int(np.diff(outside, prepend=-1).max()) > MAX_ROW_LINES - 1


def _at(block: np.ndarray, positions: np.ndarray, outside: int) -> np.ndarray:
    """The block's bytes at `positions`, `outside` where one falls just outside it."""
    inside = (positions >= 0) & (positions < len(block))
    return np.where(inside, block[np.clip(positions, 0, max(len(block) - 1, 0))], outside)
