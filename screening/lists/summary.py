"""What `screening lists show FILE` prints: provenance and entries by type and programme."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from screening.lists.models import Watchlist


@dataclass(frozen=True)
class ListSummary:
    """Counts and provenance of one list."""

    name: str
    source: str
    format: str
    as_of: dt.date | None
    entries: int
    aliases: int
    by_type: dict[str, int]
    by_programme: dict[str, int]
    first_listed: dt.date | None
    last_listed: dt.date | None


def summarize(watchlist: Watchlist) -> ListSummary:
    """Summarise a list: entries by type and programme, listing dates, source."""
    by_type = Counter(e.schema for e in watchlist.entries)
    by_programme = Counter(p for e in watchlist.entries for p in e.programmes or ["(none)"])
    listed = sorted(e.listed_on for e in watchlist.entries if e.listed_on is not None)
    return ListSummary(
        name=watchlist.name,
        source=watchlist.source,
        format=watchlist.format,
        as_of=watchlist.as_of,
        entries=len(watchlist.entries),
        aliases=sum(len(e.aliases) for e in watchlist.entries),
        by_type=dict(sorted(by_type.items())),
        by_programme=dict(sorted(by_programme.items(), key=lambda kv: (-kv[1], kv[0]))),
        first_listed=listed[0] if listed else None,
        last_listed=listed[-1] if listed else None,
    )
