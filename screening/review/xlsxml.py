"""Parsing the XML parts of an .xlsx package safely, keeping only what the reader needs.

Each part is parsed by expat, fed a chunk at a time, with a handler that keeps what it is for (the
relationships, the sheet list, a core property, the shared strings, the date formats), so memory
follows the result rather than the part. A DTD is refused: spreadsheet XML never has one, and
without it there are no entities to expand (the defence defusedxml gives, without building the
element tree that makes defusedxml's parser slow on large sheets).
"""

from __future__ import annotations

import posixpath
from typing import IO, Protocol
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

READ_BYTES = 1 << 16
"""How much inflated XML is parsed at a time: memory stays flat whatever a part's size."""

# Excel's built-in date formats: those openpyxl lists, and the East Asian ones it does not.
_DATE_FORMAT_IDS = frozenset(
    [key for key, code in BUILTIN_FORMATS.items() if is_date_format(code)]
    + [*range(27, 37), *range(50, 59)]
)
# Excel writes a literal "_x" in a shared string as "_x005F_x"; openpyxl writes text as it is.
# Undoing only this escape reads both as their authors meant (openpyxl's reader does the same).
_EXCEL_UNDERSCORE = "_x005F_"


class Handler(Protocol):
    """What a part's parse reports: elements by local name (namespaces dropped) and text."""

    def start(self, name: str, attributes: dict[str, str]) -> None: ...
    def end(self, name: str) -> None: ...
    def text(self, data: str) -> None: ...


class Refused(Exception):
    """XML this reader will not parse (a DTD), or a value it cannot make sense of."""


def parse(stream: IO[bytes], handler: Handler, limit: int) -> None:
    """Feed a part to the handler; more than `limit` bytes (its declared size) is refused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    # Names arrive as "namespace local"; handlers see local names, so strict OOXML reads too.
    parser.StartElementHandler = lambda name, attributes: handler.start(
        name.rpartition(" ")[2], attributes
    )
    parser.EndElementHandler = lambda name: handler.end(name.rpartition(" ")[2])
    parser.CharacterDataHandler = handler.text
    read = 0
    while chunk := stream.read(READ_BYTES):
        read += len(chunk)
        if read > limit:  # zipfile stops at the declared size too; this says why
            raise Refused("longer than it declares")
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _refuse_dtd(*_: object) -> None:
    raise Refused("it holds a DTD, which spreadsheet XML never needs")


def whole_number(value: str | None) -> int:
    """An attribute or value that must be a whole number (absent: 0)."""
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        raise Refused(f"{value!r} is not a whole number") from None


class _Ignoring:
    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class RelationshipsXml(_Ignoring):
    """A relationships part: id → (relationship type, part name in the package)."""

    def __init__(self, rels_part: str):
        # relative targets start from the folder the `_rels` folder sits in
        self._source_dir = posixpath.dirname(posixpath.dirname(rels_part))
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "Relationship" and attributes.get("TargetMode") != "External":
            part = _part_name(self._source_dir, attributes.get("Target", ""))
            self.targets[attributes.get("Id", "")] = (attributes.get("Type", ""), part)


def rels_part(part: str) -> str:
    """The relationships part of a part (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`)."""
    directory, name = posixpath.split(part)
    return posixpath.join(directory, "_rels", f"{name}.rels")


def _part_name(source_dir: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(source_dir, target))


class WorkbookXml(_Ignoring):
    """The workbook part: its sheets and its date system."""

    def __init__(self) -> None:
        self.sheets: list[tuple[str, str]] = []
        """(sheet name, relationship id), in the workbook's order."""
        self.date1904 = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "sheet":
            relationship = next((v for k, v in attributes.items() if k.endswith(" id")), "")
            self.sheets.append((attributes.get("name", ""), relationship))
        elif name == "workbookPr":
            self.date1904 = attributes.get("date1904", "0").lower() in ("1", "true")


class TextOf(_Ignoring):
    """The text of the first element with a given local name (a core property)."""

    def __init__(self, element: str):
        self._element = element
        self.value = ""
        self._inside = False
        self._done = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self._inside = name == self._element and not self._done

    def end(self, name: str) -> None:
        self._done = self._done or self._inside
        self._inside = False

    def text(self, data: str) -> None:
        if self._inside:
            self.value += data


class RunText:
    """The text of a string item (`<si>`, `<is>`): its `<t>`, or the `<t>` of each rich-text run,
    never that of a phonetic guide (`<rPh>`)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._in_t = False
        self._in_phonetic = False

    def start(self, name: str) -> None:
        if name == "rPh":
            self._in_phonetic = True
        elif name == "t" and not self._in_phonetic:
            self._in_t = True

    def end(self, name: str) -> None:
        if name == "rPh":
            self._in_phonetic = False
        elif name == "t":
            self._in_t = False

    def text(self, data: str) -> None:
        if self._in_t:
            self._parts.append(data)

    def take(self) -> str:
        """The text collected since the last take."""
        text = "".join(self._parts)
        self._parts.clear()
        return text


class SharedStringsXml:
    """The shared-string table, in order."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._item = RunText()

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self._item.start(name)

    def end(self, name: str) -> None:
        self._item.end(name)
        if name == "si":
            self.strings.append(self._item.take().replace(_EXCEL_UNDERSCORE, "_"))

    def text(self, data: str) -> None:
        self._item.text(data)


class StylesXml(_Ignoring):
    """Only what tells a date in the styles part: the custom number formats and each cell
    format's number format (fonts, fills and the rest are never looked at)."""

    def __init__(self) -> None:
        self._custom: dict[int, str] = {}
        self._cell_formats: list[int] = []
        self._in_cell_xfs = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "numFmt":
            self._custom[whole_number(attributes.get("numFmtId"))] = attributes.get(
                "formatCode", ""
            )
        elif name == "cellXfs":
            self._in_cell_xfs = True
        elif name == "xf" and self._in_cell_xfs:
            self._cell_formats.append(whole_number(attributes.get("numFmtId")))

    def end(self, name: str) -> None:
        if name == "cellXfs":
            self._in_cell_xfs = False

    def date_styles(self) -> frozenset[int]:
        """The indices (a cell's `s`) of the cell formats that show a number as a date."""
        dates = {number for number in set(self._cell_formats) if self._is_date(number)}
        return frozenset(i for i, number in enumerate(self._cell_formats) if number in dates)

    def _is_date(self, number_format: int) -> bool:
        if number_format in self._custom:
            return bool(is_date_format(self._custom[number_format]))
        return number_format in _DATE_FORMAT_IDS
