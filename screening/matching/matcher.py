"""`match_names`: screen a column of record names against sanctions lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz

from screening.lists.models import ListEntry, Watchlist
from screening.matching.blocking import AliasIndex, candidates, index_aliases
from screening.matching.explain import (
    MAX_BOOST,
    EntryFacts,
    alignment,
    corroborations,
    entry_facts,
)
from screening.matching.normalize import (
    Names,
    distinct_words,
    encode,
    shared_vocabulary,
    take,
)
from screening.matching.parse import name_variants
from screening.matching.scoring import AliasTexts, Floats, alias_texts, score_pairs

DEFAULT_THRESHOLD = 0.85
CLOSE = 0.02
"""Entries scoring within this of a record's best are a close call: both are reported, the one
spelled most like the record's name first, and the reviewer decides."""
COLUMNS = [
    "row", "list_name", "entry_id", "reference", "entry_name", "matched_name", "record_name",
    "score", "alignment", "corroboration", "listed_on", "spelling",
]  # fmt: skip
_DTYPES = {"score": "float64", "listed_on": "datetime64[ns]", "spelling": "float64"}
"""Columns that are not objects: the score, and the entry's listing date (NaT: not given)."""


@dataclass(frozen=True)
class ListNames:
    """Every name of every list entry (of one schema), encoded and indexed: prepared once per
    screen, since each record kind is matched against the same names."""

    names: list[str]
    owner: npt.NDArray[np.intp]
    """The entry number of each name."""
    entries: list[tuple[str, ListEntry]]
    """(list name, entry) of each entry number."""
    encoded: Names
    index: AliasIndex
    texts: AliasTexts
    facts: EntryFacts
    table: dict[str, np.ndarray]
    """Per-entry and per-name columns (`_entry_table`)."""


def list_names(
    watchlists: Sequence[Watchlist], schema: str | None, every: ListNames | None = None
) -> ListNames:
    """The `ListNames` of these lists, restricted to entries of `schema` (None: all).

    `every`: their `ListNames` of all schemas, when the caller has it: the names of one schema
    are then taken from it, not encoded again."""
    if every is None:
        every = _every_name(watchlists)
    return every if schema is None else _of_schema(every, schema)


def _every_name(watchlists: Sequence[Watchlist]) -> ListNames:
    names: list[str] = []
    owner: list[int] = []
    entries: list[tuple[str, ListEntry]] = []
    for watchlist in watchlists:
        for entry in watchlist.entries:
            for name, _ in entry.names():
                names.append(name)
                owner.append(len(entries))
            entries.append((watchlist.name, entry))
    # each name as written and every name it holds (brackets, a.k.a., branch of ...)
    parsed = name_variants(pd.Series(names, dtype="str"))
    names = parsed["text"].tolist()
    owners = np.asarray(owner, dtype=np.intp)[parsed["source"].to_numpy()]
    encoded = encode(pd.Series(names, dtype="str"))
    return ListNames(
        names,
        owners,
        entries,
        encoded,
        index_aliases(encoded),
        alias_texts(encoded),
        entry_facts([entry for _, entry in entries]),
        _entry_table(entries, names),
    )


def _of_schema(every: ListNames, schema: str) -> ListNames:
    """The names of entries of `schema`, in their order, taken from all names. Their codes keep
    the vocabulary of all names: a larger vocabulary (sorted, as always) changes no score or
    key. Only the index is built again: which keys are too common depends on the names."""
    kept = np.array([entry.schema == schema for _, entry in every.entries], dtype=bool)
    rows = np.flatnonzero(kept[every.owner]) if len(kept) else np.zeros(0, dtype=np.intp)
    numbers = np.flatnonzero(kept)
    entries = [every.entries[number] for number in numbers.tolist()]
    owner = (np.cumsum(kept) - 1)[every.owner[rows]].astype(np.intp)
    names = [every.names[row] for row in rows.tolist()]
    encoded = take(every.encoded, rows)
    return ListNames(
        names,
        owner,
        entries,
        encoded,
        index_aliases(encoded),
        every.texts.take(rows),
        every.facts.take(numbers),
        _entry_table(entries, names),
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, "object")) for c in COLUMNS})


def match_names(
    names: pd.Series,
    watchlists: Sequence[Watchlist],
    *,
    threshold: float,
    schema: Literal["person", "organization"] | None = None,
    birth_dates: pd.Series | None = None,
    nationalities: pd.Series | None = None,
    prepared: ListNames | None = None,
) -> pd.DataFrame:
    """One row per (record row, list entry) scoring at or above threshold, best alias per entry,
    with the entry's facts (`listed_on`: its listing date, NaT when the list gives none).

    `prepared`: `list_names(watchlists, schema)`, when the caller matches several columns."""
    lists = list_names(watchlists, schema) if prepared is None else prepared
    table = lists.table
    codes, distinct = _distinct_names(names)
    present = codes >= 0
    if not lists.names or distinct.empty:
        return _empty()
    row_codes = codes[present]
    # each distinct name as written and every name it holds: variant v reads name source[v]
    parsed = name_variants(distinct)
    source = parsed["source"].to_numpy()
    records, aliases = shared_vocabulary(encode(parsed["text"]), lists.encoded)
    v, a = candidates(records, lists.index)
    score = score_pairs(records, aliases, v, a, lists.texts)
    corroborating = birth_dates is not None or nationalities is not None
    keep = score >= threshold - (MAX_BOOST if corroborating else 0.0)
    owner = lists.owner
    hits = pd.DataFrame(
        {
            "r": source[v[keep]],
            "v": v[keep],
            "a": a[keep],
            "e": owner[a[keep]],
            "score": score[keep],
        }
    )
    # best-scoring pair per (name, entry); ties go to the name as written, then to the earlier
    # alias (the primary name first)
    hits = hits.sort_values(
        ["r", "e", "score", "v", "a"], ascending=[True, True, False, True, True]
    )
    hits = hits.drop_duplicates(["r", "e"])
    # only the rows whose name has a hit: merging every row cost more than matching
    has_hit = np.zeros(len(distinct), dtype=bool)
    has_hit[hits["r"].to_numpy()] = True
    positions = np.flatnonzero(present)
    chosen = has_hit[row_codes]
    rows = pd.DataFrame({"pos": positions[chosen], "r": row_codes[chosen]})
    found = rows.merge(hits, on="r", how="inner")
    label = names.index.to_numpy()[found["pos"].to_numpy()]
    record_name = names.iloc[found["pos"].to_numpy()].to_numpy()
    score_out = found["score"].to_numpy(dtype=np.float64, copy=True)
    notes = np.full(len(found), "", dtype=object)
    if corroborating:
        score_out, notes = _corroborated(found, score_out, lists.facts, birth_dates, nationalities)
    keep_rows = score_out >= threshold
    found = found[keep_rows]
    label, record_name = label[keep_rows], record_name[keep_rows]
    score_out, notes = score_out[keep_rows], notes[keep_rows]
    e_idx = found["e"].to_numpy()
    a_idx = found["a"].to_numpy()
    # one explanation per distinct (alias, record variant) pair, however many rows share it
    pair_codes, pairs = pd.factorize(a_idx.astype(np.int64) * len(records) + found["v"].to_numpy())
    how, read_as = parsed["how"].to_numpy(dtype=object), parsed["text"].to_numpy(dtype=object)
    width = len(records)
    explained = np.array(
        [
            _explained(
                aliases.text[p // width],
                records.text[p % width],
                read_as[p % width],
                how[p % width],
            )
            for p in pairs.tolist()
        ],
        dtype=object,
    )
    columns = {
        "row": label,
        "list_name": table["list_name"][e_idx],
        "entry_id": table["entry_id"][e_idx],
        "reference": table["reference"][e_idx],
        "entry_name": table["entry_name"][e_idx],
        "matched_name": table["alias"][a_idx],
        "record_name": record_name,
        "score": np.round(score_out, 3),
        "alignment": explained[pair_codes],
        "corroboration": notes,
        "listed_on": table["listed_on"][e_idx],
    }
    if len(label) == 0:
        return _empty()
    # a record's entries best first; equal scores (Daesong / Taesong read alike) are ordered by
    # how closely the spelling itself agrees, then by entry
    positions = found["pos"].to_numpy()
    columns["spelling"] = _spelling(record_name, columns["matched_name"], positions, score_out)
    order = np.lexsort(
        (
            table["entry_rank"][e_idx],
            -columns["spelling"],
            -columns["score"],
            found["pos"].to_numpy(),
        )
    )
    # object columns as they are: inferring Arrow strings for a million rows costs a second
    return pd.DataFrame(
        {
            name: pd.Series(values[order], dtype=_DTYPES.get(name, object))
            for name, values in columns.items()
        }
    )


def _spelling(
    record_names: np.ndarray, matched: np.ndarray, positions: np.ndarray, scores: Floats
) -> Floats:
    """How alike the names are as written, 0..1, for each match that is a close call: one of
    two or more entries a record matched within `CLOSE` of its best (it orders only those; 1
    elsewhere). Mostly the share of the record's distinctive words found letter for letter in
    the matched name (Daesong in "Daesong General Trading", not in "Taesong Trading"), then the
    whole names' likeness."""
    alike = np.ones(len(positions))
    if not len(positions):
        return alike
    best = pd.Series(scores).groupby(positions).transform("max").to_numpy()
    close = scores >= best - CLOSE
    counts = np.bincount(positions[close], minlength=int(positions.max()) + 1)
    several = np.flatnonzero(close & (counts[positions] > 1))
    if not len(several):
        return alike
    pairs = pd.Series(
        [f"{record_names[i]}\x00{matched[i]}" for i in several.tolist()], dtype=object
    )
    codes, uniques = pd.factorize(pairs)
    scored = [_spelled_alike(*pair.split("\x00")) for pair in uniques]
    alike[several] = np.asarray(scored, dtype=np.float64)[codes]
    return alike


def _spelled_alike(record: str, matched: str) -> float:
    words = re.findall(r"\w+", record.casefold())
    listed = set(re.findall(r"\w+", matched.casefold()))
    distinct = distinct_words(words) or words
    verbatim = sum(word in listed for word in distinct) / len(distinct) if distinct else 0.0
    return 0.9 * verbatim + 0.1 * fuzz.ratio(record.casefold(), matched.casefold()) / 100.0


def _explained(alias: str, record: str, variant: str, how: str) -> str:
    """The token alignment, after the name the record was read as when not as written."""
    aligned = alignment(alias, record)
    return f"read as «{variant}» ({how}): {aligned}" if how else aligned


def _distinct_names(names: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """The distinct names, stripped, in order of first appearance, and each row's code among
    them (-1: missing or blank), as `pd.factorize` gives them for the stripped non-blank names.

    Stripped a distinct name at a time: registers repeat names, and stripping and comparing a
    million of them cost more than the matching."""
    codes, given = pd.factorize(names)
    stripped = pd.Series(given).astype("str").str.strip()
    kept, uniques = pd.factorize(stripped.where(stripped != ""))
    return np.append(kept, -1)[codes], pd.Series(uniques, dtype="str")


def _entry_table(
    entries: list[tuple[str, ListEntry]], alias_names: list[str]
) -> dict[str, np.ndarray]:
    """Per-entry and per-alias columns as arrays, for gathering by index."""
    ids = [e.entry_id for _, e in entries]
    rank = np.empty(len(ids), dtype=np.intp)
    rank[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    return {
        "list_name": np.array([name for name, _ in entries], dtype=object),
        "entry_id": np.array(ids, dtype=object),
        "reference": np.array([e.reference for _, e in entries], dtype=object),
        "entry_name": np.array([e.name for _, e in entries], dtype=object),
        "alias": np.array(alias_names, dtype=object),
        "entry_rank": rank,
        "listed_on": np.array(
            [np.datetime64(e.listed_on or "NaT", "ns") for _, e in entries], dtype="datetime64[ns]"
        ),
    }


def _corroborated(
    found: pd.DataFrame,
    score: np.ndarray,
    facts: EntryFacts,
    birth_dates: pd.Series | None,
    nationalities: pd.Series | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores adjusted, and notes, from date of birth and nationality where both sides have them."""
    positions = found["pos"].to_numpy()
    dobs, nats = _dates(birth_dates, positions), _values(nationalities, positions)
    delta, notes = corroborations(dobs, nats, facts, found["e"].to_numpy())
    return np.minimum(1.0, np.maximum(0.0, score + delta)), notes


def _dates(series: pd.Series | None, pos: np.ndarray) -> npt.NDArray[np.object_]:
    """The dates at `pos` as ISO text (`date.isoformat`), None where missing or unreadable."""
    if series is None:
        return np.full(len(pos), None, dtype=object)
    values = pd.to_datetime(series.iloc[pos], errors="coerce")
    shown = values.dt.strftime("%Y-%m-%d").astype(object)
    return shown.where(values.notna(), None).to_numpy(dtype=object)


def _values(series: pd.Series | None, pos: np.ndarray) -> npt.NDArray[np.object_]:
    if series is None:
        return np.full(len(pos), None, dtype=object)
    values = series.iloc[pos]
    cleaned = values.astype("string").str.strip().str.upper()
    return cleaned.astype(object).where(values.notna(), None).to_numpy(dtype=object)
