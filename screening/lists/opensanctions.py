"""OpenSanctions `targets.simple.csv`: columns mapped by header name, multi-values joined with ';'.

Older exports have no `program_ids` column; the programmes then come from `dataset`.

The listing date is the earliest start date among the entry's sanctions: the exporter writes each
sanction as "program - reason - status - start date - end date" (the parts it has), so the first
full date (YYYY-MM-DD) of a sanction is its start. `first_seen` is not a listing date: it is when
OpenSanctions first saw the entry, on or after the listing, and read as one it would clear a stake
that ended between the listing and that day.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from pydantic import ValidationError

from screening.errors import InputFileError
from screening.lists.models import Alias, ListEntry, Watchlist
from screening.normalizing.countries import country_codes

REQUIRED = ("id", "schema", "name")
PERSON = {"Person"}
ORGANIZATION = {"Organization", "Company", "LegalEntity", "PublicBody"}


def looks_opensanctions(head: str) -> bool:
    """Whether the header row looks like a targets.simple.csv export."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    columns = {c.strip().strip('"') for c in first.split(",")}
    return set(REQUIRED) <= columns


_FULL_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T[0-9:.]*Z?)?")


def _split(cell: str | None) -> list[str]:
    return [v.strip() for v in (cell or "").split(";") if v.strip()]


def full_date(value: str) -> dt.date | None:
    """A YYYY-MM-DD date (a time after it ignored); None for a partial or impossible date."""
    found = _FULL_DATE.fullmatch(value.strip())
    if found is None:
        return None
    try:
        return dt.date.fromisoformat(found.group(1))
    except ValueError:
        return None


def _listed_on(sanctions: str | None) -> dt.date | None:
    """The earliest start date of the sanctions in a `sanctions` cell, None when none has one."""
    cells = next(csv.reader([sanctions or ""], delimiter=";"), [])
    starts = []
    for sanction in cells:
        dates = (full_date(part) for part in sanction.split(" - "))
        start = next((date for date in dates if date is not None), None)
        if start is not None:
            starts.append(start)
    return min(starts, default=None)


def parse_opensanctions(text: str, path: Path) -> Watchlist:
    """Parse an OpenSanctions targets.simple.csv export."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputFileError(f"missing column(s): {', '.join(missing)}", path, 1)
    reader.fieldnames = header
    entries: list[ListEntry] = []
    seen: set[str] = set()
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                raise InputFileError("more cells than header columns", path, line)
            schema_name = (row.get("schema") or "").strip()
            if schema_name in PERSON:
                schema = "person"
            elif schema_name in ORGANIZATION:
                schema = "organization"
            else:
                continue  # vessels, aircraft, addresses: not names we screen parties against
            programmes = _split(row.get("program_ids")) or _split(row.get("dataset"))
            try:
                entry = ListEntry.model_validate(
                    {
                        "entry_id": row.get("id") or "",
                        "reference": row.get("id") or "",
                        "schema": schema,
                        "name": row.get("name") or "",
                        "aliases": [Alias(name=a) for a in _split(row.get("aliases"))],
                        "listed_on": _listed_on(row.get("sanctions")),
                        "birth_dates": _split(row.get("birth_date")),
                        "nationalities": country_codes(_split(row.get("countries"))),
                        "programmes": programmes,
                        "remarks": (row.get("sanctions") or "").strip() or None,
                    }
                )
            except ValidationError as err:
                first = err.errors()[0]
                field = ".".join(str(p) for p in first["loc"])
                raise InputFileError(f"{field}: {first['msg']}", path, line) from None
            if entry.entry_id in seen:
                raise InputFileError(f"duplicate id {entry.entry_id!r}", path, line)
            seen.add(entry.entry_id)
            entries.append(entry)
    except csv.Error as err:
        raise InputFileError(f"invalid CSV: {err}", path, reader.line_num) from None
    return Watchlist(
        name=path.stem, source=path.name, as_of=None, format="opensanctions-csv", entries=entries
    )
