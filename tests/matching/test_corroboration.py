"""Corroboration by date of birth and nationality: the whole-column version gives, match by
match, what the rule says (including entries without dates or nationalities, partial dates,
several listed values, and records with neither)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Literal

import numpy as np
import pandas as pd

from screening.lists import ListEntry, Watchlist, bundled_list
from screening.matching import match_names
from screening.matching.explain import (
    DOB_AGREES,
    DOB_DIFFERS,
    NATIONALITY_AGREES,
    NATIONALITY_DIFFERS,
    corroborations,
    entry_facts,
)
from screening.matching.matcher import list_names


def _entry(number: int, schema: str, dobs: list[str], nats: list[str]) -> ListEntry:
    return ListEntry.model_validate(
        {
            "entry_id": f"E{number}",
            "reference": f"R{number}",
            "schema": schema,
            "name": "Kim Chol Nam",
            "birth_dates": dobs,
            "nationalities": nats,
        }
    )


def _one(dob: str | None, nat: str | None, entry: ListEntry) -> tuple[float, str]:
    """The rule for one match, written out plainly."""
    delta, notes = 0.0, []
    if dob is not None and entry.birth_dates:
        if any(dob.startswith(d) for d in entry.birth_dates):
            delta += DOB_AGREES
            notes.append(f"date of birth {dob} matches")
        else:
            delta += DOB_DIFFERS
            notes.append(f"date of birth {dob} differs (listed {', '.join(entry.birth_dates)})")
    word = "nationality" if entry.schema == "person" else "country"
    if nat and entry.nationalities:
        listed = ", ".join(entry.nationalities)
        if nat in entry.nationalities:
            delta += NATIONALITY_AGREES
            notes.append(f"{word} {nat} matches")
        else:
            delta += NATIONALITY_DIFFERS
            notes.append(f"{word} {nat} differs (listed {listed})")
    return delta, "; ".join(notes)


ENTRIES = [
    _entry(0, "person", [], []),
    _entry(1, "person", ["1965"], ["KP"]),
    _entry(2, "person", ["1965-03", "1970-01-02"], ["KP", "RU"]),
    _entry(3, "organization", [], ["KP"]),
    _entry(4, "person", ["1965-03-02"], []),
]
DOBS = [None, "1965-03-02", "1970-01-02", "1965-04-01", "1999-12-31"]
NATS = [None, "", "KP", "RU", "CN"]


def test_every_combination_as_the_rule_says() -> None:
    combos = list(itertools.product(DOBS, NATS, range(len(ENTRIES))))
    dobs = np.array([c[0] for c in combos], dtype=object)
    nats = np.array([c[1] for c in combos], dtype=object)
    entry = np.array([c[2] for c in combos], dtype=np.intp)
    delta, notes = corroborations(dobs, nats, entry_facts(ENTRIES), entry)
    expected = [_one(d, n, ENTRIES[e]) for d, n, e in combos]
    assert delta.tolist() == [d for d, _ in expected]
    assert notes.tolist() == [n for _, n in expected]


def test_no_matches() -> None:
    empty = np.array([], dtype=object)
    delta, notes = corroborations(empty, empty, entry_facts(ENTRIES), np.array([], dtype=np.intp))
    assert len(delta) == 0 and len(notes) == 0


def test_a_prepared_list_matches_as_the_list_itself() -> None:
    """Names of several kinds met by one prepared list (encoded once, vocabulary shared) match
    exactly as each matched against the list on its own."""
    lists = [bundled_list(), Watchlist(name="t", source="t", format="native", entries=ENTRIES)]
    prepared = list_names(lists, None)
    columns = [
        pd.Series(["Kim Chol Nam", "Park Il Gyu", "Nobody", None, "Korea Ryonbong General Corp"]),
        pd.Series(["Ri Su Yong", "zzz qqq", "Kangbong Trading Co., Ltd"]),
        pd.Series(["", "  "]),
    ]
    births = pd.Series([dt.datetime(1965, 3, 2), None, None, None, None])
    for names in columns:
        dobs = births if len(names) == len(births) else None
        alone = match_names(names, lists, threshold=0.7, birth_dates=dobs)
        shared = match_names(names, lists, threshold=0.7, birth_dates=dobs, prepared=prepared)
        pd.testing.assert_frame_equal(alone, shared)


def test_names_of_one_schema_taken_from_all_names_match_as_the_schema_alone() -> None:
    """A schema's names taken out of all names (keeping their vocabulary) match exactly as
    lists holding only that schema's entries; a schema no entry has matches nothing."""
    organizations = [_entry(9, "organization", [], ["KP"])]
    lists = [
        bundled_list(),
        Watchlist(name="t", source="t", format="native", entries=ENTRIES),
        Watchlist(name="o", source="o", format="native", entries=organizations),
    ]
    only_people = [Watchlist(name="p", source="p", format="native", entries=ENTRIES[:3])]
    names = pd.Series(["Kim Chol Nam", "Korea Ryonbong General Corp", "Park Il Gyu", "DCB"])
    births = pd.Series([dt.datetime(1965, 3, 2), None, dt.datetime(1970, 1, 2), None])
    nats = pd.Series(["KP", "KP", "RU", None])
    schemas: list[Literal["person", "organization"]] = ["person", "organization"]
    for watchlists in (lists, only_people):
        every = list_names(watchlists, None)
        for schema in schemas:
            alone = [
                w.model_copy(update={"entries": [e for e in w.entries if e.schema == schema]})
                for w in watchlists
            ]
            expected = match_names(
                names, alone, threshold=0.7, birth_dates=births, nationalities=nats
            )
            taken = match_names(
                names,
                watchlists,
                threshold=0.7,
                schema=schema,
                prepared=list_names(watchlists, schema, every),
                birth_dates=births,
                nationalities=nats,
            )
            pd.testing.assert_frame_equal(expected, taken)
    assert match_names(names, only_people, threshold=0.7, schema="organization").empty
