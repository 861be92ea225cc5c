"""UN Security Council consolidated list XML (the full public file, all programmes).

Untrusted XML: DTDs, entity declarations and external references are refused, so a
billion-laughs bomb or an external entity is an InputFileError, never expanded. Entities can only be
declared in a DTD, and a DTD only after `<!DOCTYPE`; text without that marker (the real list has
none) is parsed by the standard library's C parser, 3–4x faster on a large list. Text with it
goes through defusedxml, which refuses the DTD (or parses the text if the marker is in a comment).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from xml.etree import ElementTree
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from pydantic import TypeAdapter, ValidationError

from screening.errors import InputFileError
from screening.lists.models import ListEntry, Watchlist
from screening.normalizing.countries import country_codes

ROOT = "CONSOLIDATED_LIST"
_DTD_MARKER = "<!DOCTYPE"
_NAME_TAGS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
# (group, entry tag, schema, alias tag): the entries are the group's children with the entry tag
_GROUPS = [("INDIVIDUALS", "INDIVIDUAL", "person", "INDIVIDUAL_ALIAS"),
           ("ENTITIES", "ENTITY", "organization", "ENTITY_ALIAS")]  # fmt: skip
_ENTRIES = TypeAdapter(list[ListEntry])

# Most years a BETWEEN birth-year range may cover. Each year of a range becomes a birth date the
# entry is corroborated against, and the real list's ranges cover a few years. A wider range is not
# a person's birth year but a broken entry, and expanding a forged one (0 to 999999999) would fill
# memory: like any date that cannot be read, it is refused with the entry's line, never skipped.
MAX_BIRTH_YEARS = 100


def looks_un_xml(head: str) -> bool:
    """Whether the start of a file looks like the UN consolidated list."""
    return head.lstrip("\ufeff \t\r\n").startswith("<") and ROOT in head


def _text(element: Element | None) -> str:
    """Element text with padding, line breaks and stray quotes folded away."""
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.split()).strip("\"' ")


def _name(element: Element) -> str:
    parts = (_text(element.find(tag)) for tag in _NAME_TAGS)
    return " ".join(p for p in parts if p)


def _birth_dates(element: Element) -> list[str]:
    out: list[str] = []
    for dob in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _text(dob.find("TYPE_OF_DATE")).upper()
        if kind == "BETWEEN":
            years = [_text(dob.find("FROM_YEAR")), _text(dob.find("TO_YEAR"))]
            if all(y.isdigit() for y in years):
                out.extend(_years_between(int(years[0]), int(years[1])))
            continue
        value = _text(dob.find("DATE"))[:10] or _text(dob.find("YEAR"))
        if value and value not in out:
            out.append(value)
    return out


def _years_between(first: int, last: int) -> list[str]:
    """Every year from `first` to `last`; ValueError for a range backwards or wider than
    MAX_BIRTH_YEARS, checked before any year is made."""
    if last < first:
        raise ValueError(f"birth year range {first}-{last} ends before it starts")
    if last - first + 1 > MAX_BIRTH_YEARS:
        raise ValueError(
            f"birth year range {first}-{last} covers more than {MAX_BIRTH_YEARS} years"
        )
    return [str(year) for year in range(first, last + 1)]


def _aliases(element: Element, alias_tag: str) -> list[dict[str, str | None]]:
    aliases: list[dict[str, str | None]] = []
    for alias in element.findall(alias_tag):
        name = _text(alias.find("ALIAS_NAME"))
        if name:
            aliases.append({"name": name, "quality": _text(alias.find("QUALITY")) or None})
    return aliases


def _line_of(text: str, reference: str) -> int | None:
    at = text.find(reference) if reference else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


class _EntryReader:
    """Reads entry elements into the fields of a ListEntry (validated later, all at once).

    Only simple child tags are looked up, which Element.find and findall answer in C without
    ElementPath. Country spellings repeat across a list, so each is read once per list.
    """

    def __init__(self) -> None:
        self._countries: dict[tuple[str, ...], list[str]] = {}

    def fields(self, element: Element, schema: str, alias_tag: str) -> dict[str, object]:
        """The entry's fields; ValueError for a date or year that cannot be read."""
        reference = _text(element.find("REFERENCE_NUMBER"))
        listed = _text(element.find("LISTED_ON"))[:10]
        programme = _text(element.find("UN_LIST_TYPE"))
        return {
            "entry_id": _text(element.find("DATAID")) or reference,
            "reference": reference,
            "schema": schema,
            "name": _name(element),
            "aliases": _aliases(element, alias_tag),
            "listed_on": dt.date.fromisoformat(listed) if listed else None,
            "birth_dates": _birth_dates(element) if schema == "person" else [],
            "nationalities": self._nationalities(element),
            "programmes": [programme] if programme else [],
            "remarks": _text(element.find("COMMENTS1")) or None,
        }

    def _nationalities(self, element: Element) -> list[str]:
        values = tuple(
            _text(value)
            for nationality in element.findall("NATIONALITY")
            for value in nationality.findall("VALUE")
        )
        codes = self._countries.get(values)
        if codes is None:
            codes = self._countries[values] = country_codes(list(values))
        return list(codes)


def _parse_without_dtd(text: str) -> Element:
    """The document's root element; a DTD raises DefusedXmlException."""
    data = text.encode("utf-8")
    if _DTD_MARKER in text:
        root: Element = defused_fromstring(data, forbid_dtd=True)
        return root
    return ElementTree.fromstring(data)


def _parse_root(text: str, path: Path) -> Element:
    try:
        root = _parse_without_dtd(text)
    except DefusedXmlException as err:
        raise InputFileError(f"unsafe XML refused ({type(err).__name__})", path, 1) from None
    except ParseError as err:
        raise InputFileError(f"invalid XML: {err}", path, err.position[0]) from None
    if root.tag != ROOT:
        raise InputFileError(f"not a UN consolidated list: root is <{root.tag}>", path, 1)
    return root


def _entry_error(
    text: str, path: Path, located: tuple[str, Element], detail: str
) -> InputFileError:
    xpath, element = located
    reference = _text(element.find("REFERENCE_NUMBER")) or _text(element.find("DATAID"))
    line = _line_of(text, reference)
    return InputFileError(f"{xpath} {reference or '?'}: {detail}", path, line)


def _entries(root: Element, text: str, path: Path) -> list[ListEntry]:
    """Every entry, individuals first; the first bad one in document order raises InputFileError.

    Fields are read until one cannot be (a bad date), then everything read so far is validated in
    one call; a validation error there comes before the unreadable element in the document.
    """
    reader = _EntryReader()
    located: list[tuple[str, Element]] = []
    fields: list[dict[str, object]] = []
    unreadable: ValueError | None = None
    try:
        for group, tag, schema, alias_tag in _GROUPS:
            for element in (e for g in root.findall(group) for e in g.findall(tag)):
                located.append((f"{group}/{tag}", element))
                fields.append(reader.fields(element, schema, alias_tag))
    except ValueError as err:
        unreadable = err
    try:
        entries = _ENTRIES.validate_python(fields)
    except ValidationError as err:
        first = err.errors()[0]
        raise _entry_error(text, path, located[int(first["loc"][0])], first["msg"]) from None
    if unreadable is not None:
        raise _entry_error(text, path, located[-1], str(unreadable)) from None
    return entries


def _read_list(text: str, path: Path) -> tuple[dt.date | None, list[ListEntry]]:
    """The list's date and entries; its element tree is freed on return."""
    root = _parse_root(text, path)
    entries = _entries(root, text, path)
    return _generated_on(root, text, path), entries


def _generated_on(root: Element, text: str, path: Path) -> dt.date | None:
    """The list's date (`dateGenerated`), None when it gives none."""
    generated = re.match(r"\d{4}-\d{2}-\d{2}", root.get("dateGenerated", ""))
    if generated is None:
        return None
    try:
        return dt.date.fromisoformat(generated.group(0))
    except ValueError:
        line = _line_of(text, "dateGenerated")
        raise InputFileError(f"invalid dateGenerated {generated.group(0)!r}", path, line) from None


def parse_un_xml(text: str, path: Path) -> Watchlist:
    """Parse the UN consolidated list XML."""
    as_of, entries = _read_list(text, path)
    return Watchlist(
        name="UN Security Council consolidated list",
        source=path.name,
        as_of=as_of,
        format="un-xml",
        entries=entries,
    )
