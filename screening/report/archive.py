"""The zip container of a workbook, written as a stream: each part deflated as it comes.

An .xlsx file is a zip archive of XML parts. `zipfile` offers no public way to choose the deflate
implementation, and a Findings sheet of a million-record screen is hundreds of megabytes of XML,
so the archive is written here, to the zip specification (PKWARE's APPNOTE): every part deflated
raw by ISA-L (the same deflate stream zlib makes, made faster, and without holding the GIL), with
Zip64 records where a part or the archive passes 4 GiB. A part's sizes and CRC are written into
its local header once it is complete (the file is seekable), so no data descriptors are needed.

Entries carry a fixed timestamp (1980-01-01, zip's first date): the same report is the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from isal import isal_zlib

# ISA-L's fastest level: the sheets are large and read once; a slightly larger file is the price.
DEFLATE_LEVEL = 1
_DEFLATED = 8
_VERSION = 45  # 4.5: Zip64
_MADE_BY = (3 << 8) | _VERSION  # Unix
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_FILE_MODE = 0o100644 << 16

_LOCAL = struct.Struct("<4sHHHHHLLLHH")
_CENTRAL = struct.Struct("<4sHHHHHHLLLHHHHHLL")
_END = struct.Struct("<4sHHHHLLH")
_ZIP64_END = struct.Struct("<4sQHHLLQQQQ")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EXTRA = 0x0001
_LIMIT_32 = 0xFFFFFFFF
_LIMIT_16 = 0xFFFF


@dataclass
class _Entry:
    name: bytes
    offset: int
    crc: int = 0
    compressed: int = 0
    size: int = 0


class ZipWriter:
    """Writes an archive part by part to `path`; `close` (or leaving the `with`) writes its
    directory. An archive not closed is not a valid zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: BinaryIO = path.open("wb")
        self._entries: list[_Entry] = []

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is None:
            self.close()
        else:
            self._file.close()

    def write(self, name: str, content: bytes) -> None:
        """Add a part held in memory."""
        self.write_stream(name, (content,))

    def write_stream(self, name: str, pieces: Iterable[bytes | memoryview]) -> None:
        """Add a part from its pieces, deflating each as it comes."""
        entry = _Entry(name.encode("ascii"), self._file.tell())
        self._file.write(_local_header(entry))
        deflate = isal_zlib.compressobj(DEFLATE_LEVEL, isal_zlib.DEFLATED, -zlib.MAX_WBITS)
        crc = 0
        for piece in pieces:
            crc = isal_zlib.crc32(piece, crc)
            entry.size += len(piece)
            self._emit(entry, deflate.compress(piece))
        self._emit(entry, deflate.flush())
        entry.crc = crc
        end = self._file.tell()
        self._file.seek(entry.offset)
        self._file.write(_local_header(entry))
        self._file.seek(end)
        self._entries.append(entry)

    def close(self) -> None:
        """Write the central directory and close the file."""
        if self._file.closed:
            return
        try:
            start = self._file.tell()
            for entry in self._entries:
                self._file.write(_central_header(entry))
            self._file.write(_end_records(len(self._entries), start, self._file.tell()))
        finally:
            self._file.close()

    def _emit(self, entry: _Entry, data: bytes) -> None:
        if data:
            self._file.write(data)
            entry.compressed += len(data)


def _local_header(entry: _Entry) -> bytes:
    """The local header, always with a Zip64 extra field: its sizes are not known when it is
    first written, and the header must keep its length when they are filled in."""
    extra = struct.pack("<HHQQ", _ZIP64_EXTRA, 16, entry.size, entry.compressed)
    fixed = _LOCAL.pack(
        b"PK\x03\x04",
        _VERSION,
        0,
        _DEFLATED,
        _DOS_TIME,
        _DOS_DATE,
        entry.crc,
        _LIMIT_32,
        _LIMIT_32,
        len(entry.name),
        len(extra),
    )
    return fixed + entry.name + extra


def _central_header(entry: _Entry) -> bytes:
    """The directory's record of one part, with a Zip64 extra field holding whichever of its
    sizes and offset pass 32 bits (in the order the specification fixes)."""
    wide = [value for value in (entry.size, entry.compressed, entry.offset) if value >= _LIMIT_32]
    extra = struct.pack(f"<HH{len(wide)}Q", _ZIP64_EXTRA, 8 * len(wide), *wide) if wide else b""
    fixed = _CENTRAL.pack(
        b"PK\x01\x02",
        _MADE_BY,
        _VERSION,
        0,
        _DEFLATED,
        _DOS_TIME,
        _DOS_DATE,
        entry.crc,
        min(entry.compressed, _LIMIT_32),
        min(entry.size, _LIMIT_32),
        len(entry.name),
        len(extra),
        0,
        0,
        0,
        _FILE_MODE,
        min(entry.offset, _LIMIT_32),
    )
    return fixed + entry.name + extra


def _end_records(count: int, start: int, end: int) -> bytes:
    """The end of central directory record, preceded by its Zip64 form and locator when the
    directory's count, size or offset does not fit the classic one."""
    size = end - start
    records = b""
    if count >= _LIMIT_16 or size >= _LIMIT_32 or start >= _LIMIT_32:
        records = _ZIP64_END.pack(
            b"PK\x06\x06", _ZIP64_END.size - 12, _MADE_BY, _VERSION, 0, 0, count, count, size, start
        ) + _ZIP64_LOCATOR.pack(b"PK\x06\x07", 0, end, 1)
    return records + _END.pack(
        b"PK\x05\x06",
        0,
        0,
        min(count, _LIMIT_16),
        min(count, _LIMIT_16),
        min(size, _LIMIT_32),
        min(start, _LIMIT_32),
        0,
    )
