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
from pydantic import ValidationError

from screening.errors import InputFileError
from screening.lists.models import Alias, ListEntry, Watchlist
from screening.normalizing.countries import country_codes

ROOT = "CONSOLIDATED_LIST"
_DTD_MARKER = "<!DOCTYPE"


def looks_un_xml(head: str) -> bool:
    """Whether the start of a file looks like the UN consolidated list."""
    return head.lstrip("\ufeff \t\r\n").startswith("<") and ROOT in head


def _text(element: Element | None) -> str:
    """Element text with padding, line breaks and stray quotes folded away."""
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.split()).strip("\"' ")


def _name(element: Element) -> str:
    parts = (
        _text(element.find(tag))
        for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
    )
    return " ".join(p for p in parts if p)


def _birth_dates(element: Element) -> list[str]:
    out: list[str] = []
    for dob in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _text(dob.find("TYPE_OF_DATE")).upper()
        if kind == "BETWEEN":
            years = [_text(dob.find("FROM_YEAR")), _text(dob.find("TO_YEAR"))]
            if all(y.isdigit() for y in years):
                out.extend(str(y) for y in range(int(years[0]), int(years[1]) + 1))
            continue
        value = _text(dob.find("DATE"))[:10] or _text(dob.find("YEAR"))
        if value and value not in out:
            out.append(value)
    return out


def _line_of(text: str, reference: str) -> int | None:
    at = text.find(reference) if reference else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _entry(element: Element, schema: str, alias_tag: str) -> ListEntry:
    reference = _text(element.find("REFERENCE_NUMBER"))
    aliases = [
        Alias(name=_text(a.find("ALIAS_NAME")), quality=_text(a.find("QUALITY")) or None)
        for a in element.findall(alias_tag)
        if _text(a.find("ALIAS_NAME"))
    ]
    listed = _text(element.find("LISTED_ON"))[:10]
    countries = [_text(v) for v in element.findall("NATIONALITY/VALUE")]
    return ListEntry.model_validate(
        {
            "entry_id": _text(element.find("DATAID")) or reference,
            "reference": reference,
            "schema": schema,
            "name": _name(element),
            "aliases": aliases,
            "listed_on": dt.date.fromisoformat(listed) if listed else None,
            "birth_dates": _birth_dates(element) if schema == "person" else [],
            "nationalities": country_codes(countries),
            "programmes": [p for p in [_text(element.find("UN_LIST_TYPE"))] if p],
            "remarks": _text(element.find("COMMENTS1")) or None,
        }
    )


def _parse_without_dtd(text: str) -> Element:
    """The document's root element; a DTD raises DefusedXmlException."""
    data = text.encode("utf-8")
    if _DTD_MARKER in text:
        root: Element = defused_fromstring(data, forbid_dtd=True)
        return root
    return ElementTree.fromstring(data)


def parse_un_xml(text: str, path: Path) -> Watchlist:
    """Parse the UN consolidated list XML."""
    try:
        root = _parse_without_dtd(text)
    except DefusedXmlException as err:
        raise InputFileError(f"unsafe XML refused ({type(err).__name__})", path, 1) from None
    except ParseError as err:
        raise InputFileError(f"invalid XML: {err}", path, err.position[0]) from None
    if root.tag != ROOT:
        raise InputFileError(f"not a UN consolidated list: root is <{root.tag}>", path, 1)
    entries: list[ListEntry] = []
    groups = [("INDIVIDUALS/INDIVIDUAL", "person", "INDIVIDUAL_ALIAS"),
              ("ENTITIES/ENTITY", "organization", "ENTITY_ALIAS")]  # fmt: skip
    for xpath, schema, alias_tag in groups:
        for element in root.findall(xpath):
            try:
                entries.append(_entry(element, schema, alias_tag))
            except (ValidationError, ValueError) as err:
                reference = _text(element.find("REFERENCE_NUMBER")) or _text(element.find("DATAID"))
                line = _line_of(text, reference)
                detail = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err)
                raise InputFileError(f"{xpath} {reference or '?'}: {detail}", path, line) from None
    generated = re.match(r"\d{4}-\d{2}-\d{2}", root.get("dateGenerated", ""))
    return Watchlist(
        name="UN Security Council consolidated list",
        source=path.name,
        as_of=dt.date.fromisoformat(generated.group(0)) if generated else None,
        format="un-xml",
        entries=entries,
    )
