"""Human-readable evidence for a match: token alignment, date of birth and nationality."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from screening.lists.models import ListEntry
from screening.matching.normalize import DROPPED, token_class, token_key

DOB_AGREES, DOB_DIFFERS = 0.05, -0.10
NATIONALITY_AGREES, NATIONALITY_DIFFERS = 0.02, -0.05
MAX_BOOST = DOB_AGREES + NATIONALITY_AGREES


@lru_cache(maxsize=65536)
def _tokens(cleaned: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Tokens that count and their keys."""
    tokens = tuple(t for t in cleaned.split() if token_class(t) != DROPPED)
    return tokens, tuple(token_key(t) for t in tokens)


def alignment(entry_name: str, record_name: str) -> str:
    """Which entry token met which record token, given cleaned names: "pak~park, il=il, kyu~gyu"."""
    (entry, e_keys), (record, r_keys) = _tokens(entry_name), _tokens(record_name)
    free = list(range(len(record)))  # record tokens not yet aligned, in order
    parts: list[str] = []
    i = 0
    while i < len(entry):
        key = e_keys[i]
        if i + 1 < len(entry):
            two = key + e_keys[i + 1]
            joined = next((j for j in free if r_keys[j] == two), None)
            if joined is not None:  # Su Yong written Suyong
                free.remove(joined)
                parts.append(f"{entry[i]} {entry[i + 1]}~{record[joined]}")
                i += 2
                continue
        best = next((j for j in free if r_keys[j] == key), None)  # the common case, and cheap
        if best is None and free:
            sims = [fuzz.ratio(key, r_keys[j]) for j in free]
            top = max(range(len(free)), key=sims.__getitem__)
            best = free[top] if sims[top] >= 60 else None
        if best is None:
            parts.append(f"-{entry[i]}")
        else:
            free.remove(best)
            parts.append(f"{entry[i]}{'=' if entry[i] == record[best] else '~'}{record[best]}")
        i += 1
    parts.extend(f"+{record[j]}" for j in free)
    return ", ".join(parts)


def corroborations(
    birth_dates: npt.NDArray[np.object_],
    nationalities: npt.NDArray[np.object_],
    facts: EntryFacts,
    entry: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.object_]]:
    """Per match, the score change and explanation from date of birth and nationality known on
    both sides. `birth_dates`: the record's as ISO dates, `nationalities`: its country codes
    (None where unknown); `entry`: the number of the matched entry in `facts`.

    Whole columns at once: a call per match cost more than the matching with a large list."""
    dob = birth_dates.astype(object)
    nat = nationalities.astype(object)
    dob_known = (dob != None) & (facts.dob_counts[entry] > 0)  # noqa: E711 (elementwise)
    nat_known = (nat != None) & (nat != "") & (facts.nat_counts[entry] > 0)  # noqa: E711
    dob_agrees = _any_listed(dob, dob_known, entry, facts.dobs, facts.dob_counts, _prefixes)
    nat_agrees = _any_listed(nat, nat_known, entry, facts.nats, facts.nat_counts, np.equal)
    delta = np.where(dob_known, np.where(dob_agrees, DOB_AGREES, DOB_DIFFERS), 0.0)
    delta = delta + np.where(
        nat_known, np.where(nat_agrees, NATIONALITY_AGREES, NATIONALITY_DIFFERS), 0.0
    )
    dob_note = np.where(
        dob_known,
        "date of birth "
        + np.where(dob_known, dob, "")
        + np.where(dob_agrees, " matches", " differs (listed " + facts.dobs_listed[entry] + ")"),
        "",
    )
    nat_note = np.where(
        nat_known,
        facts.word[entry]
        + " "
        + np.where(nat_known, nat, "")
        + np.where(nat_agrees, " matches", " differs (listed " + facts.nats_listed[entry] + ")"),
        "",
    )
    glue = np.where(dob_known & nat_known, "; ", "")
    return delta, (dob_note + glue + nat_note).astype(object)


@dataclass(frozen=True)
class EntryFacts:
    """Each entry's dates of birth and nationalities, flattened, and as the notes list them:
    gathered once per list, for every match against it (`entry_facts`)."""

    dobs: npt.NDArray[np.object_]
    dob_counts: npt.NDArray[np.intp]
    dobs_listed: npt.NDArray[np.object_]
    nats: npt.NDArray[np.object_]
    nat_counts: npt.NDArray[np.intp]
    nats_listed: npt.NDArray[np.object_]
    word: npt.NDArray[np.object_]
    """What the entry's country is: a person's nationality, an organization's country."""

    def take(self, entries: npt.NDArray[np.intp]) -> EntryFacts:
        """The facts of some entries, renumbered in the order given."""
        return EntryFacts(
            _taken(self.dobs, self.dob_counts, entries),
            self.dob_counts[entries],
            self.dobs_listed[entries],
            _taken(self.nats, self.nat_counts, entries),
            self.nat_counts[entries],
            self.nats_listed[entries],
            self.word[entries],
        )


def entry_facts(entries: Sequence[ListEntry]) -> EntryFacts:
    """The `EntryFacts` of these entries."""
    return EntryFacts(
        _flat([e.birth_dates for e in entries]),
        np.array([len(e.birth_dates) for e in entries], dtype=np.intp),
        np.array([", ".join(e.birth_dates) for e in entries], dtype=object),
        _flat([e.nationalities for e in entries]),
        np.array([len(e.nationalities) for e in entries], dtype=np.intp),
        np.array([", ".join(e.nationalities) for e in entries], dtype=object),
        np.array(["nationality" if e.schema == "person" else "country" for e in entries], object),
    )


def _taken(
    flat: npt.NDArray[np.object_], counts: npt.NDArray[np.intp], entries: npt.NDArray[np.intp]
) -> npt.NDArray[np.object_]:
    """The items of some entries from a flattened list (`counts` items an entry)."""
    per = counts[entries]
    starts = np.repeat((np.cumsum(counts) - counts)[entries], per)
    within = np.arange(len(starts)) - np.repeat(np.cumsum(per) - per, per)
    taken: npt.NDArray[np.object_] = flat[starts + within]
    return taken


def _flat(lists: list[list[str]]) -> npt.NDArray[np.object_]:
    return np.array([item for items in lists for item in items], dtype=object)


def _prefixes(values: npt.NDArray[np.object_], listed: npt.NDArray[np.object_]) -> np.ndarray:
    """Whether each value starts with its listed date (a year, a month or a day)."""
    return np.strings.startswith(values.astype(str), listed.astype(str))


def _any_listed(
    values: npt.NDArray[np.object_],
    known: npt.NDArray[np.bool_],
    entry: npt.NDArray[np.intp],
    flat: npt.NDArray[np.object_],
    counts: npt.NDArray[np.intp],
    agrees: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> npt.NDArray[np.bool_]:
    """Whether each known value agrees with any item its entry lists (`flat`, `counts` items an
    entry, entries in order)."""
    matches = np.flatnonzero(known)
    per = counts[entry[matches]]
    starts = (np.cumsum(counts) - counts)[entry[matches]]
    owner = np.repeat(matches, per)
    within = np.arange(len(owner)) - np.repeat(np.cumsum(per) - per, per)
    listed = flat[np.repeat(starts, per) + within]
    found = np.zeros(len(values), dtype=bool)
    if len(owner):
        found[owner[np.asarray(agrees(values[owner], listed), dtype=bool)]] = True
    return found
