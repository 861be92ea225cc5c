"""FollowTheMoney entities as JSON lines: `{"id", "schema", "properties": {"name": [...], ...}}`.

A party's listing date comes from its sanctions: `Sanction` entities naming it in `entity` (lines
of their own, before or after it), or nested under its `sanctions` property (the nested export).
Each sanction's `listingDate`, else its `startDate`; the earliest full date over them all. The
entity's own `createdAt` and the export's `first_seen` are not listing dates and are not read.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from screening.errors import InputFileError
from screening.lists.models import Alias, ListEntry, Watchlist
from screening.lists.opensanctions import ORGANIZATION, PERSON, full_date
from screening.normalizing.countries import country_codes


def looks_ftm(head: str) -> bool:
    """Whether the first line is a JSON object with the FtM keys."""
    first = head.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
    return first.startswith("{") and '"schema"' in first and '"properties"' in first


def _values(props: dict[str, Any], *keys: str) -> list[str]:
    out: list[str] = []
    for key in keys:
        value = props.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"properties.{key} must be a list of strings")
        out.extend(v.strip() for v in value if v.strip())
    return out


SANCTION = "Sanction"


def _sanction_start(props: dict[str, Any]) -> dt.date | None:
    """A sanction's listing date, else its start date: the earliest full date given."""
    for key in ("listingDate", "startDate"):
        dates = [date for value in _values(props, key) if (date := full_date(value)) is not None]
        if dates:
            return min(dates)
    return None


def _nested_starts(props: dict[str, Any]) -> list[dt.date]:
    """The start dates of the sanctions nested under an entity's `sanctions` property."""
    nested = props.get("sanctions") or []
    if not isinstance(nested, list):
        raise ValueError("properties.sanctions must be a list")
    starts: list[dt.date] = []
    for sanction in nested:
        inner = sanction.get("properties") if isinstance(sanction, dict) else None
        if isinstance(inner, dict) and (start := _sanction_start(inner)) is not None:
            starts.append(start)
    return starts


def _note_sanction(data: dict[str, Any], starts: dict[str, list[dt.date]]) -> None:
    """Add a Sanction entity's start date to `starts` under each entity it names."""
    props = data.get("properties")
    if not isinstance(props, dict):
        raise ValueError("'properties' must be an object")
    start = _sanction_start(props)
    targets = props.get("entity") or []
    if start is None or not isinstance(targets, list):
        return
    for target in targets:
        if isinstance(target, str):  # an id; the nested export may embed the entity instead
            starts.setdefault(target.strip(), []).append(start)


def _entry(data: Any, starts: dict[str, list[dt.date]]) -> ListEntry | None:
    """The entry of a party's line; None for other entities. A Sanction's start date is added to
    `starts` under each entity it names."""
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    schema_name = data.get("schema")
    if schema_name in PERSON:
        schema = "person"
    elif schema_name in ORGANIZATION:
        schema = "organization"
    elif schema_name == SANCTION:
        _note_sanction(data, starts)
        return None
    else:
        return None
    props = data.get("properties")
    if not isinstance(props, dict):
        raise ValueError("'properties' must be an object")
    names = _values(props, "name")
    if not names:
        raise ValueError("entity has no name")
    aliases = [*names[1:], *_values(props, "alias", "previousName", "weakAlias")]
    return ListEntry.model_validate(
        {
            "entry_id": str(data.get("id") or ""),
            "reference": str(data.get("id") or ""),
            "schema": schema,
            "name": names[0],
            "aliases": [Alias(name=a) for a in dict.fromkeys(aliases)],
            "listed_on": min(_nested_starts(props), default=None),
            "birth_dates": [d[:10] for d in _values(props, "birthDate")],
            "nationalities": country_codes(
                _values(props, "nationality", "citizenship", "country", "jurisdiction")
            ),
            "programmes": _values(props, "programId", "program"),
            "remarks": "; ".join(_values(props, "notes")) or None,
        }
    )


def parse_ftm(text: str, path: Path) -> Watchlist:
    """Parse FollowTheMoney entity JSON lines."""
    entries: list[ListEntry] = []
    seen: set[str] = set()
    starts: dict[str, list[dt.date]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = _entry(json.loads(line), starts)
        except json.JSONDecodeError as err:
            raise InputFileError(f"invalid JSON: {err.msg}", path, number) from None
        except RecursionError:  # the parser's own guard; an entity nests a few levels
            raise InputFileError("JSON nested too deeply to read", path, number) from None
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise InputFileError(f"{field}: {first['msg']}", path, number) from None
        except ValueError as err:
            raise InputFileError(str(err), path, number) from None
        if entry is None:
            continue
        if entry.entry_id in seen:
            raise InputFileError(f"duplicate id {entry.entry_id!r}", path, number)
        seen.add(entry.entry_id)
        entries.append(entry)
    for entry in entries:
        dates = [*starts.get(entry.entry_id, []), *([entry.listed_on] if entry.listed_on else [])]
        entry.listed_on = min(dates, default=None)
    return Watchlist(name=path.stem, source=path.name, as_of=None, format="ftm", entries=entries)
