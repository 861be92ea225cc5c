"""What a rule runs against: the record tables, the as-of date, the lists, earlier findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from screening.normalizing.tables import RecordTable
from screening.records import RecordKind

if TYPE_CHECKING:
    from screening.lists.models import Watchlist


@dataclass
class Evaluated:
    """A condition's result over a whole table: which rows hold, and the values that show why."""

    mask: pd.Series
    evidence: dict[str, pd.Series]
    entry_sha: pd.Series | None = None
    """For name matches: a hash of the matched list entry, so a decision can tell it changed."""


@dataclass
class Context:
    """One screen's data. `fired` fills up as rules run, in dependency order."""

    tables: dict[RecordKind, RecordTable]
    as_of: pd.Timestamp
    watchlists: Sequence[Watchlist] = ()
    fired: dict[str, pd.Series] = field(default_factory=dict)
    _positions: dict[RecordKind, pd.Series] = field(default_factory=dict)
    _name_matches: dict[tuple[Any, ...], pd.DataFrame] = field(default_factory=dict)

    def values(self, kind: RecordKind) -> pd.DataFrame:
        return self.tables[kind].values

    def positions(self, kind: RecordKind) -> pd.Series:
        """record_id → row of its first record (ids are looked up, never scanned per row)."""
        if kind not in self._positions:
            ids = self.values(kind)["record_id"]
            first = ~ids.duplicated()
            self._positions[kind] = pd.Series(ids.index[first], index=ids[first].to_numpy())
        return self._positions[kind]

    def name_matches(
        self, kind: RecordKind, field_name: str, threshold: float | None, schema: str | None
    ) -> pd.DataFrame:
        """Best list match per record for a name field (computed once per run and options)."""
        key = (kind, field_name, threshold, schema)
        if key not in self._name_matches:
            from screening.engine.names import best_matches  # names imports this module

            self._name_matches[key] = best_matches(self, kind, field_name, threshold, schema)
        return self._name_matches[key]
