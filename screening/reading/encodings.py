"""Bytes → UTF-8: UTF-8 (with or without BOM), UTF-16 by its BOM, legacy encodings detected.

A wrong guess would garble every Cyrillic name silently, so detection accepts an encoding only
when charset-normalizer reads the file as clean text in a language and no other reading comes
close; otherwise the file is refused with a message naming `--encoding`.

A UTF-8 file (nearly every file) is only validated, never decoded: the CSV parser reads its bytes
as they are, so a 200 MB export does not become a 400 MB `str`. Other encodings are decoded and
re-encoded as UTF-8 once.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes
from charset_normalizer.models import CharsetMatch

from screening.arrowbytes import valid_utf8
from screening.errors import InputFileError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_WORKBOOKS = [
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)"),
]
# How clean and how clearly in one language a legacy reading must be before it is trusted.
_MAX_CHAOS = 0.1
_MIN_COHERENCE = 0.2
# A rival reading this close that gives different text makes the guess a coin toss.
_RIVAL_MARGIN = 0.1
_HINT = "give the file's encoding with --encoding, e.g. --encoding cp1251"


@dataclass
class Decoded:
    """A file as UTF-8 bytes: its content is `data[start:]` (past any byte-order mark)."""

    data: bytes
    encoding: str
    start: int = 0
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        """The content as text, decoded on first use (only the exact splitter needs it)."""
        if self._text is None:
            self._text = str(memoryview(self.data)[self.start :], "utf-8")
        return self._text


def decode(data: bytes, path: Path, encoding: str | None = None) -> Decoded:
    """A records file as UTF-8: the given encoding, else UTF-8 or UTF-16 by BOM, else detected."""
    for magic, what in _WORKBOOKS:
        if data.startswith(magic):
            raise InputFileError(
                f"this is {what}, not a CSV file; save the sheet as CSV (UTF-8) and screen that",
                path,
            )
    if encoding is not None:
        if _is_utf8(encoding):
            return _validated(data, path, encoding)
        return _recoded(_strip_bom(_decode_as(data, path, encoding)), encoding)
    for bom, name in _BOMS:
        if data.startswith(bom):
            if name == "utf-8-sig":
                return _validated(data, path, name)
            return _recoded(_strip_bom(_decode_as(data, path, name)), name)
    if valid_utf8(data):
        return Decoded(data, "utf-8")
    return _detected(data, path, _first_bad_byte(data))


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False  # _decode_as names the unknown encoding


def _validated(data: bytes, path: Path, encoding: str) -> Decoded:
    """A UTF-8 file checked without decoding it; byte-order marks are skipped, not copied away.

    Skips what decoding and `_strip_bom` would drop: one BOM, and for utf-8-sig (whose codec
    drops one itself) a second one."""
    if not valid_utf8(data):
        _decode_as(data, path, encoding)  # raises, naming the first bad byte
    marks = 2 if codecs.lookup(encoding).name == "utf-8-sig" else 1
    start = 0
    while marks and data.startswith(codecs.BOM_UTF8, start):
        start += len(codecs.BOM_UTF8)
        marks -= 1
    return Decoded(data, encoding, start)


def _first_bad_byte(data: bytes) -> int:
    """Where Python's UTF-8 decoder stops (pyarrow only tells whether the bytes are valid)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return len(data)


def _recoded(text: str, encoding: str) -> Decoded:
    return Decoded(text.encode("utf-8"), encoding, _text=text)


def _decode_as(data: bytes, path: Path, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"not valid {encoding} text (byte {error.start}); {_HINT}", path
        ) from None
    except LookupError:
        raise InputFileError(
            f"unknown encoding {encoding!r} given with --encoding; use a name such as "
            "utf-8, cp1251, koi8-r or cp866",
            path,
        ) from None


def _strip_bom(text: str) -> str:
    # utf-16/utf-32 codecs drop their BOM, but "--encoding utf-8" on a BOM file keeps U+FEFF.
    return text.removeprefix("\ufeff")


def _detected(data: bytes, path: Path, bad_byte: int) -> Decoded:
    """The one legacy encoding the file reads cleanly in, or a refusal naming --encoding."""
    matches = list(from_bytes(data))
    best = matches[0] if matches else None
    if best is None or not _trusted(best):
        guess = f" (perhaps {best.encoding}?)" if best is not None else ""
        raise InputFileError(
            f"not UTF-8 (byte {bad_byte}) and its encoding cannot be told reliably{guess}; "
            + _HINT,
            path,
        )
    text = str(best)
    for rival in matches[1:]:
        if _close(best, rival) and str(rival) != text:
            raise InputFileError(
                f"not UTF-8 (byte {bad_byte}); it reads as {best.encoding} or as "
                f"{rival.encoding} and the two give different text; {_HINT}",
                path,
            )
    return _recoded(_strip_bom(text), best.encoding)


def _trusted(match: CharsetMatch) -> bool:
    if match.chaos > _MAX_CHAOS:
        return False
    if match.encoding.startswith(("utf_16", "utf_32")):
        return True  # a BOM-less UTF-16 file: structure, not language, decides
    return match.coherence >= _MIN_COHERENCE


def _close(best: CharsetMatch, rival: CharsetMatch) -> bool:
    return (
        rival.chaos <= best.chaos + _RIVAL_MARGIN / 2
        and rival.coherence >= best.coherence - _RIVAL_MARGIN
    )
