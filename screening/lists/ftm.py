"""FollowTheMoney entities as JSON lines: `{"id", "schema", "properties": {"name": [...], ...}}`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from screening.errors import InputFileError
from screening.lists.models import Alias, ListEntry, Watchlist
from screening.lists.opensanctions import ORGANIZATION, PERSON
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


def _entry(data: Any) -> ListEntry | None:
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    schema_name = data.get("schema")
    if schema_name in PERSON:
        schema = "person"
    elif schema_name in ORGANIZATION:
        schema = "organization"
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
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = _entry(json.loads(line))
        except json.JSONDecodeError as err:
            raise InputFileError(f"invalid JSON: {err.msg}", path, number) from None
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
    return Watchlist(name=path.stem, source=path.name, as_of=None, format="ftm", entries=entries)
