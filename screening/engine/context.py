"""What a rule runs against: the record tables, the as-of date, the lists, earlier findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from screening import parallel
from screening.engine import names
from screening.engine.rows import index_in
from screening.matching.matcher import ListNames, list_names
from screening.normalizing.tables import RecordTable
from screening.records import RecordKind

if TYPE_CHECKING:
    from screening.lists.models import Watchlist

Evidence = Callable[[np.ndarray], pd.Series]
"""An evidence column, computed only for the records asked for.

Takes row positions in the kind's table and returns their values in that order (index 0..n-1).
Conditions run over whole tables, but only the few records that end up with a finding need
their evidence: building it for every record cost more than the conditions themselves."""

NameMatch = tuple[RecordKind, str, float | None, str | None, str | None]
"""What `Context.name_matches` is asked: record kind, name field, threshold, list schema, and the
record's date field the entries must be listed by (`in_force_on`; None: every entry counts)."""
NameMatching = tuple[RecordKind, str, float | None, str | None]
"""What the names are matched with (a `NameMatch` without `in_force_on`): the best match with
and without `in_force_on` is chosen from the same matches."""


@dataclass
class Evaluated:
    """A condition's result over a whole table: which rows hold, and the values that show why."""

    mask: pd.Series
    evidence: dict[str, Evidence]
    entry_sha: Evidence | None = None
    """For name matches: a hash of the matched list entry, so a decision can tell it changed."""
    held: dict[str, np.ndarray] = field(default_factory=dict)
    """Evidence keys that say something only on some records: over the kind's rows, where the
    branch of an `any` that gives the key held. A branch that did not hold is no evidence of the
    finding, so its pairs are left out there (keys not here are shown on every finding)."""


@dataclass
class Context:
    """One screen's data. `fired` fills up as rules run, in dependency order."""

    tables: dict[RecordKind, RecordTable]
    as_of: pd.Timestamp
    watchlists: Sequence[Watchlist] = ()
    as_of_rows: Mapping[RecordKind, pd.Series] = field(default_factory=dict)
    """Each record's own as-of date (indexed as the kind's values), where records are judged at
    different dates: a rule file's examples, screened together. A screen's records all take
    `as_of`."""
    record_sets: Mapping[RecordKind, np.ndarray] = field(default_factory=dict)
    """The set each record belongs to (integers, one per row), where unrelated sets are screened
    together (a rule file's examples): records are counted across a table (`count_increase`)
    only with their own set's. A screen's records are one set."""
    prepared_names: Mapping[str | None, ListNames] = field(default_factory=dict)
    """The watchlists' names by schema (None: all), as far as prepared beforehand (`screen`
    prepares them while the records are read); others are prepared on first use."""
    fired: dict[str, pd.Series] = field(default_factory=dict)
    _links: dict[tuple[RecordKind, str, RecordKind], np.ndarray] = field(default_factory=dict)
    _tests: dict[tuple[Any, ...], pd.Series] = field(default_factory=dict)
    _factorized: dict[tuple[RecordKind, str], tuple[np.ndarray, Any]] = field(default_factory=dict)
    _name_matches: dict[NameMatch, pd.DataFrame] = field(default_factory=dict)
    _all_matches: dict[NameMatching, pd.DataFrame] = field(default_factory=dict)
    _matching: dict[NameMatch, Future[pd.DataFrame]] = field(default_factory=dict)
    _list_names: dict[str | None, ListNames] = field(default_factory=dict)

    def as_of_for(self, kind: RecordKind) -> pd.Timestamp | pd.Series:
        """The date the records of `kind` are judged at: one for all, or one per record."""
        return self.as_of_rows.get(kind, self.as_of)

    def values(self, kind: RecordKind) -> pd.DataFrame:
        return self.tables[kind].values

    def column(self, kind: RecordKind, name: str) -> pd.Series:
        """A typed column of `kind`."""
        return self.tables[kind].values[name]

    def links(self, kind: RecordKind, key: str, target: RecordKind) -> np.ndarray:
        """For each record of `kind`, the row of the `target` record its `key` column names
        (the first record with that id), or -1. Computed once per run: ids are looked up,
        never scanned per row."""
        wanted = (kind, key, target)
        if wanted not in self._links:
            ids = self.column(target, "record_id")
            self._links[wanted] = index_in(self.column(kind, key), ids)
        return self._links[wanted]

    def tested(self, test: tuple[Any, ...], run: Callable[[], pd.Series]) -> pd.Series:
        """The mask of a field test, computed once per run: rules repeat the same tests (five
        check for DPRK nationals) over whole tables. `test` names the kind, field, operator and
        argument; the mask must not be changed in place."""
        if test not in self._tests:
            self._tests[test] = run()
        return self._tests[test]

    def factorized(self, kind: RecordKind, name: str) -> tuple[np.ndarray, Any]:
        """A text column's codes and distinct values (`pd.factorize`), once per run: rules test
        the same columns (visa type, role, sector) against several patterns."""
        if (kind, name) not in self._factorized:
            self._factorized[(kind, name)] = pd.factorize(self.column(kind, name))
        return self._factorized[(kind, name)]

    def name_matches(
        self,
        kind: RecordKind,
        field_name: str,
        threshold: float | None,
        schema: str | None,
        in_force_on: str | None = None,
    ) -> pd.DataFrame:
        """Best list match per record for a name field (computed once per run and options)."""
        key: NameMatch = (kind, field_name, threshold, schema, in_force_on)
        if key not in self._name_matches:
            pending = self._matching.pop(key, None)
            self._name_matches[key] = pending.result() if pending else self._best_matches(key)
        return self._name_matches[key]

    def match_names_beside(self, wanted: Iterable[NameMatch]) -> None:
        """Start the name matches `wanted` beside the caller (`parallel.beside`): `name_matches`
        then waits for a result instead of matching again. Matching is mostly one core's work,
        and so are the other rules' masks: side by side they take both."""
        for key in dict.fromkeys(wanted):
            if key not in self._name_matches and key not in self._matching:
                self._matching[key] = parallel.beside(partial(self._best_matches, key))

    def _best_matches(self, key: NameMatch) -> pd.DataFrame:
        return names.best_matches(self, *key)

    def all_name_matches(
        self, kind: RecordKind, field_name: str, threshold: float | None, schema: str | None
    ) -> pd.DataFrame:
        """Every list match of a name field (`names.all_matches`), matched once per run and
        options: `in_force_on` only chooses among them."""
        key: NameMatching = (kind, field_name, threshold, schema)
        if key not in self._all_matches:
            self._all_matches[key] = names.all_matches(self, *key)
        return self._all_matches[key]

    def list_names(self, schema: str | None) -> ListNames:
        """The lists' names (of `schema`, None: all), encoded and indexed once per run: every
        kind's names are matched against them."""
        if schema in self.prepared_names:
            return self.prepared_names[schema]
        if schema not in self._list_names:
            every = None if schema is None else self.list_names(None)
            self._list_names[schema] = list_names(self.watchlists, schema, every)
        return self._list_names[schema]
