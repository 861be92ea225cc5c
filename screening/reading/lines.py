"""A file's physical lines, counted from its bytes alone: rows are checked against them.

A CSV parser turns lines into rows; an unbalanced quote can make it turn a thousand lines into one
row, and a count of rows taken after parsing would never notice. The lines here are what a text
editor shows: ended by LF, CRLF or a lone CR (as Python's universal newlines and the csv module
count them), the last one with or without a line break.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_LF, _CR = ord("\n"), ord("\r")
# Whole-file byte scans go a slice at a time, so that their masks stay in the cache.
SCAN_BYTES = 1 << 20


@dataclass(frozen=True)
class LineIndex:
    """Where each line of `data[start:]` begins and ends (byte offsets into `data`).

    Line n (1-based) is `data[begins[n-1]:ends[n-1]]`, its line break left out."""

    data: bytes
    begins: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, data: bytes, start: int = 0) -> LineIndex:
        body = np.frombuffer(data, dtype=np.uint8, offset=start)
        if not len(body):
            return cls(data, np.zeros(0, np.int64), np.zeros(0, np.int64))
        lf = body == _LF
        cr = body == _CR
        lone_cr = cr.copy()
        lone_cr[:-1] &= ~lf[1:]
        crlf = np.flatnonzero(cr[:-1] & lf[1:])
        breaks = np.flatnonzero(lf | lone_cr)
        ends = breaks.copy()
        ends[np.isin(breaks, crlf + 1)] -= 1  # a CRLF line ends before its CR
        begins = np.concatenate([[0], breaks + 1])
        ends = np.concatenate([ends, [len(body)]])
        if begins[-1] == len(body):  # a final line break ends the last line
            begins, ends = begins[:-1], ends[:-1]
        return cls(data, begins.astype(np.int64) + start, ends.astype(np.int64) + start)

    def __len__(self) -> int:
        return len(self.begins)

    def text(self, first: int, last: int) -> str:
        """Lines first..last (1-based, inclusive) as the file has them, line breaks inside kept."""
        last = min(last, len(self))
        if first > last:
            return ""
        raw = self.data[self.begins[first - 1] : self.ends[last - 1]]
        return raw.decode("utf-8", errors="replace")

    def begin(self, line: int) -> int:
        """The byte offset line `line` (1-based) starts at; the file's end past its last line."""
        return int(self.begins[line - 1]) if line <= len(self) else len(self.data)

    def blank(self, blank: str) -> np.ndarray:
        """Per line, whether it holds nothing but `blank` characters. Lines made of ASCII are
        judged from their bytes; only a line whose every ASCII byte is blank but which holds other
        bytes is decoded (its other characters may be blank too, e.g. U+3000)."""
        if not len(self):
            return np.zeros(0, dtype=bool)
        ascii_blank = np.zeros(256, dtype=bool)
        ascii_blank[[ord(char) for char in blank if ord(char) < 0x80]] = True
        body = np.frombuffer(self.data, dtype=np.uint8)
        # a line's segment runs to the next line's start: its line break is blank, so harmless
        filled = np.logical_or.reduceat(~ascii_blank[body] & (body < 0x80), self.begins)
        high = np.logical_or.reduceat(body >= 0x80, self.begins)
        flags = ~filled
        for line in np.flatnonzero(flags & high):
            flags[line] = not self.text(int(line) + 1, int(line) + 1).strip(blank)
        return flags


def count_lines(data: bytes, start: int = 0) -> int:
    """How many lines `data[start:]` holds (as many as `LineIndex.of` finds), a slice at a time:
    a comparison over all of a 200 MB file would allocate a 200 MB mask."""
    body = np.frombuffer(data, dtype=np.uint8, offset=start)
    if not len(body):
        return 0
    breaks = 0
    for begin in range(0, len(body), SCAN_BYTES):
        part = body[begin : begin + SCAN_BYTES + 1]  # one byte more: the LF after a CR
        window = part[:SCAN_BYTES]
        breaks += int(np.count_nonzero(window == _LF))
        if len(part) > 1 and np.any(window == _CR):
            breaks += int(np.count_nonzero((part[:-1] == _CR) & (part[1:] != _LF)))
    if body[-1] == _CR:
        breaks += 1  # a CR ending the file is a line break the windows above leave uncounted
    return breaks + int(body[-1] not in (_LF, _CR))


def long_lines(data: bytes, start: int, limit: int) -> list[tuple[int, int, int]]:
    """(number, begin, end) of each line of `data[start:]` longer than `limit` bytes, a slice at
    a time. A CRLF counts as two line breaks here, which only ever shortens a line by its CR."""
    body = np.frombuffer(data, dtype=np.uint8, offset=start)
    found: list[tuple[int, int, int]] = []
    previous, number = -1, 1  # the last line break seen, and the number of the line after it
    for begin in range(0, len(body), SCAN_BYTES):
        part = body[begin : begin + SCAN_BYTES]
        breaks = np.flatnonzero((part == _LF) | (part == _CR)) + begin
        if not len(breaks):
            continue
        gaps = np.diff(breaks, prepend=previous) - 1
        crlf = (
            (part[breaks - begin] == _LF) & (breaks > 0) & (body[np.maximum(breaks - 1, 0)] == _CR)
        )
        numbers = number + np.cumsum(~crlf) - 1
        for index in np.flatnonzero(gaps > limit):
            first = int(breaks[index - 1]) + 1 if index else previous + 1
            found.append((int(numbers[index]), first + start, int(breaks[index]) + start))
        previous, number = int(breaks[-1]), int(numbers[-1]) + 1
    if len(body) - previous - 1 > limit:
        found.append((number, previous + 1 + start, len(body) + start))
    return found
