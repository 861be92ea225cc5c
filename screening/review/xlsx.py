"""Opening a workbook that came back from outside, within bounds.

A reviewed report has been on a reviewer's machine and through whatever tool saved it, so it is
untrusted input: a part that inflates to gigabytes, a styles table built to take minutes, a sheet
claiming every cell Excel has. So every part's sizes are checked from the zip directory before
anything is inflated, and a part is read no further than its declared size; then only the parts
needed are parsed (`xlsxml`), and a sheet only for the columns asked for (`sheetxml`). The file is
opened once: its SHA-256 and its parts come from the same bytes, and it is closed on every path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from io import BufferedReader
from pathlib import Path
from xml.parsers import expat

from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

from screening.errors import InputFileError
from screening.review.sheetxml import Row, SheetXml
from screening.review.xlsxml import (
    Handler,
    Refused,
    RelationshipsXml,
    SharedStringsXml,
    StylesXml,
    TextOf,
    WorkbookXml,
    parse,
    rels_part,
)

MAX_PART_RATIO = 100
"""How many times a part may inflate. Spreadsheet XML deflates 2 to 15 times (a report's parts at
most 11), a part of repeated bytes, the stuff of zip bombs, about 1,000 times; Apache POI refuses
at the same ratio."""

RATIO_FREE_BYTES = 1 << 20
"""Parts up to this size (inflated) may inflate more: tiny XML compresses unevenly, and a
mebibyte can do no harm."""

MAX_PART_BYTES = 4 << 30
"""The largest part read (inflated). A report's Findings sheet at Excel's 1,048,576 rows stays
under 2 GiB; 4 GiB is also where a part needs ZIP64."""

_ROOT_RELS = "_rels/.rels"
# What reading a part can raise besides `Refused`: malformed XML or zip data, a compression
# method zipfile lacks (NotImplementedError), an encrypted part (RuntimeError), a vanished file.
_UNREADABLE = (
    Refused,
    expat.ExpatError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
)


@dataclass(frozen=True)
class Table:
    """The asked-for columns of a sheet whose first row is its header."""

    header: dict[int, str]
    """Every header cell: column number (1 = A) → its text."""
    rows: list[Row]
    """(sheet row number, kept cells by column number) of each row holding a kept value."""
    unsaved_formulas: list[tuple[str, int]]
    """(cell reference, column number) of each kept cell holding a formula saved without its
    value."""

    def columns(self, name: str) -> list[int]:
        """The column numbers headed `name` (more than one if the header repeats it)."""
        return [number for number, title in self.header.items() if title == name]


@contextmanager
def open_package(path: Path) -> Iterator[Package]:
    """A workbook opened for reading once every part's sizes are checked; closed on every path."""
    if not path.is_file():
        raise InputFileError("report not found", path)
    try:
        file = path.open("rb")
    except OSError as error:
        raise InputFileError(f"cannot read workbook: {error.strerror or error}", path) from None
    with file:
        sha256, size = _digest(path, file)
        with _zip(path, file) as archive:
            _check_parts(path, archive, size)
            yield Package(path, archive, sha256)


class Package:
    """An opened .xlsx package whose parts have been checked (see `open_package`)."""

    def __init__(self, path: Path, archive: zipfile.ZipFile, sha256: str):
        self.path = path
        self.sha256 = sha256
        """SHA-256 of the file, read through the same open file as the parts."""
        self._archive = archive
        self._names = frozenset(archive.namelist())

    @property
    def sheet_names(self) -> list[str]:
        return [name for name, _ in self._workbook.sheets]

    @cached_property
    def creator(self) -> str:
        """The package's `dc:creator` core property ("" when there is none)."""
        parts = self._related(_ROOT_RELS, "/core-properties")
        if not parts:
            return ""
        handler = TextOf("creator")
        self._parse(parts[0], handler)
        return handler.value

    def read_table(self, sheet: str, wanted: Collection[str] | None = None) -> Table:
        """The columns of a sheet headed by a name in `wanted` (every header column if None)."""
        handler = SheetXml(self._shared_strings, self._date_styles, self._epoch, wanted)
        self._parse(self._sheet_part(sheet), handler)
        return Table(handler.header, handler.rows, handler.unsaved_formulas)

    @cached_property
    def _workbook_part(self) -> str:
        parts = self._related(_ROOT_RELS, "/officeDocument")
        if not parts:
            raise self._unreadable("it names no workbook part")
        return parts[0]

    @cached_property
    def _workbook(self) -> WorkbookXml:
        handler = WorkbookXml()
        self._parse(self._workbook_part, handler)
        return handler

    @cached_property
    def _workbook_relationships(self) -> dict[str, tuple[str, str]]:
        return self._relationships(rels_part(self._workbook_part))

    def _sheet_part(self, sheet: str) -> str:
        for name, relationship in self._workbook.sheets:
            if name == sheet:
                kind, part = self._workbook_relationships.get(relationship, ("", ""))
                if not kind.endswith("/worksheet") or part not in self._names:
                    raise self._unreadable(f"sheet {sheet!r} has no worksheet part")
                return part
        raise self._unreadable(f"it has no sheet {sheet!r}")

    @cached_property
    def _shared_strings(self) -> list[str]:
        handler = SharedStringsXml()
        for part in self._related(rels_part(self._workbook_part), "/sharedStrings")[:1]:
            self._parse(part, handler)
        return handler.strings

    @cached_property
    def _date_styles(self) -> frozenset[int]:
        handler = StylesXml()
        for part in self._related(rels_part(self._workbook_part), "/styles")[:1]:
            self._parse(part, handler)
        return handler.date_styles()

    @property
    def _epoch(self) -> dt.datetime:
        epoch: dt.datetime = MAC_EPOCH if self._workbook.date1904 else WINDOWS_EPOCH
        return epoch

    def _related(self, rels: str, kind: str) -> list[str]:
        """The parts a relationships part names with a type ending in `kind`, that exist."""
        return [
            part
            for relationship_type, part in self._relationships(rels).values()
            if relationship_type.endswith(kind) and part in self._names
        ]

    def _relationships(self, rels: str) -> dict[str, tuple[str, str]]:
        if rels not in self._names:
            return {}
        handler = RelationshipsXml(rels)
        self._parse(rels, handler)
        return handler.targets

    def _parse(self, part: str, handler: Handler) -> None:
        if part not in self._names:
            raise self._unreadable(f"part {part} is missing")
        info = self._archive.getinfo(part)
        try:
            with self._archive.open(info) as stream:
                parse(stream, handler, info.file_size)
        except _UNREADABLE as error:
            raise self._unreadable(f"{part}: {error}") from None

    def _unreadable(self, why: str) -> InputFileError:
        return InputFileError(f"not a readable .xlsx workbook ({why})", self.path)


def _digest(path: Path, file: BufferedReader) -> tuple[str, int]:
    """The SHA-256 and length of an open file, which is left at its start."""
    try:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
        size = file.tell()
        file.seek(0)
    except OSError as error:
        raise InputFileError(f"cannot read workbook: {error.strerror or error}", path) from None
    return digest, size


def _zip(path: Path, file: BufferedReader) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise InputFileError(f"not a readable .xlsx workbook ({error})", path) from None


def _check_parts(path: Path, archive: zipfile.ZipFile, file_size: int) -> None:
    """Refuse a package whose zip directory declares a part too large or inflating too much, or
    parts holding more compressed bytes than the file (overlapping: one stream read many times)."""
    compressed = 0
    for info in archive.infolist():
        compressed += info.compress_size
        if info.file_size > MAX_PART_BYTES:
            raise InputFileError(
                f"refused: part {info.filename} would inflate to {info.file_size:,} bytes, over "
                f"the {MAX_PART_BYTES:,} a workbook part may hold",
                path,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FREE_BYTES and ratio > MAX_PART_RATIO:
            raise InputFileError(
                f"refused: part {info.filename} would inflate {ratio:,.0f} times "
                f"({info.compress_size:,} to {info.file_size:,} bytes), where a workbook's parts "
                f"inflate at most {MAX_PART_RATIO} times (a zip bomb?)",
                path,
            )
    if compressed > file_size:
        raise InputFileError(
            "refused: its parts overlap (they hold more compressed bytes than the file)", path
        )
