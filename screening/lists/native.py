"""The project's own list format: one YAML document a compliance analyst can read and edit.

```yaml
format: screening-list/1          # marks the file; required
name: UN 1718 DPRK designations   # shown in findings as the list name
source: https://...               # where the entries come from
as_of: 2026-11-23                 # date the entries were last checked against the source
entries:
  - reference: KPe.001            # the source list's reference number (also the entry id)
    id: KPe.001                   # optional, defaults to the reference; unique within the file
    type: organization            # person | organization
    name: Korea Mining Development Trading Corporation
    aliases:                      # a bare string or {name, quality}
      - {name: KOMID, quality: a.k.a.}
      - Changgwang Sinyong Corporation
    listed_on: 2009-04-24         # optional
    birth_dates: ["1961"]         # optional, ISO, year or year-month allowed
    nationalities: [KP]           # optional, ISO 3166-1 alpha-2
    programmes: [DPRK]            # optional
    remarks: free text            # optional
```

It is read by the one safe YAML loader (`screening.yamlfile`), with its bounds on length,
nesting and aliases. Validation errors point at the line of the offending entry.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from screening.errors import InputFileError
from screening.lists.models import Alias, ListEntry, Watchlist
from screening.yamlfile import parse_yaml

FORMAT_TAG = "screening-list/1"


def looks_native(head: str) -> bool:
    """Whether the start of a file marks it as the native YAML format."""
    return FORMAT_TAG in head and "format:" in head


def _entry(raw: Any) -> ListEntry:
    if not isinstance(raw, dict):
        raise ValueError("an entry must be a mapping")
    aliases = [
        Alias(name=a) if isinstance(a, str) else Alias.model_validate(a)
        for a in raw.get("aliases") or []
    ]
    known = {"id", "reference", "type", "name", "aliases", "listed_on", "birth_dates",
             "nationalities", "programmes", "remarks"}  # fmt: skip
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(map(str, unknown))}")
    reference = str(raw.get("reference") or "")
    return ListEntry.model_validate(
        {
            "entry_id": str(raw.get("id") or reference),
            "reference": reference,
            "schema": raw.get("type"),
            "name": raw.get("name") or "",
            "aliases": aliases,
            "listed_on": raw.get("listed_on"),
            "birth_dates": [str(d) for d in raw.get("birth_dates") or []],
            "nationalities": raw.get("nationalities") or [],
            "programmes": raw.get("programmes") or [],
            "remarks": raw.get("remarks"),
        }
    )


def _message(err: ValidationError | ValueError) -> str:
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    return str(err)


def parse_native(text: str, path: Path) -> Watchlist:
    """Parse a native YAML list."""
    data, lines = parse_yaml(text, path, InputFileError)
    if not isinstance(data, dict) or data.get("format") != FORMAT_TAG:
        raise InputFileError(f"not a native list: expected 'format: {FORMAT_TAG}'", path, 1)
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise InputFileError("'entries' must be a list", path, 1)
    entries: list[ListEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_entries):
        line = lines.line_of(("entries", i), data)
        try:
            entry = _entry(raw)
        except (ValidationError, ValueError) as err:
            raise InputFileError(f"entry {i + 1}: {_message(err)}", path, line) from None
        if entry.entry_id in seen:
            raise InputFileError(f"duplicate entry id {entry.entry_id!r}", path, line)
        seen.add(entry.entry_id)
        entries.append(entry)
    as_of = data.get("as_of")
    if as_of is not None and not isinstance(as_of, dt.date):
        raise InputFileError("'as_of' must be a date (YYYY-MM-DD)", path, 1)
    return Watchlist(
        name=str(data.get("name") or path.stem),
        source=str(data.get("source") or path.name),
        as_of=as_of,
        format="native",
        entries=entries,
    )
