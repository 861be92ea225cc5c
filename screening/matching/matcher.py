"""`match_names`: screen a column of record names against sanctions lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from screening.lists.models import ListEntry, Watchlist
from screening.matching.blocking import candidates
from screening.matching.explain import MAX_BOOST, alignment, corroborate
from screening.matching.normalize import encode, take
from screening.matching.scoring import score_pairs

DEFAULT_THRESHOLD = 0.85
COLUMNS = [
    "row", "list_name", "entry_id", "reference", "entry_name", "matched_name", "record_name",
    "score", "alignment", "corroboration",
]  # fmt: skip


def _aliases(
    watchlists: Sequence[Watchlist], schema: str | None
) -> tuple[list[str], list[int], list[tuple[str, ListEntry]]]:
    """Every name of every entry: (names, entry number of each, (list name, entry))."""
    names: list[str] = []
    owner: list[int] = []
    entries: list[tuple[str, ListEntry]] = []
    for watchlist in watchlists:
        for entry in watchlist.entries:
            if schema is not None and entry.schema != schema:
                continue
            for name, _ in entry.names():
                names.append(name)
                owner.append(len(entries))
            entries.append((watchlist.name, entry))
    return names, owner, entries


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="float64" if c == "score" else "object") for c in COLUMNS}
    )


def match_names(
    names: pd.Series,
    watchlists: Sequence[Watchlist],
    *,
    threshold: float,
    schema: Literal["person", "organization"] | None = None,
    birth_dates: pd.Series | None = None,
    nationalities: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per (record row, list entry) scoring at or above threshold, best alias per entry."""
    alias_names, owner_list, entries = _aliases(watchlists, schema)
    codes, distinct = _distinct_names(names)
    present = codes >= 0
    if not alias_names or distinct.empty:
        return _empty()
    row_codes = codes[present]
    encoded = encode(pd.concat([pd.Series(alias_names, dtype="str"), distinct], ignore_index=True))
    aliases = take(encoded, slice(0, len(alias_names)))
    records = take(encoded, slice(len(alias_names), None))
    r, a = candidates(records, aliases)
    score = score_pairs(records, aliases, r, a)
    corroborating = birth_dates is not None or nationalities is not None
    keep = score >= threshold - (MAX_BOOST if corroborating else 0.0)
    owner = np.asarray(owner_list, dtype=np.intp)
    hits = pd.DataFrame({"r": r[keep], "a": a[keep], "e": owner[a[keep]], "score": score[keep]})
    # best-scoring alias per (name, entry); ties go to the earlier alias (the primary name first)
    hits = hits.sort_values(["r", "e", "score", "a"], ascending=[True, True, False, True])
    hits = hits.drop_duplicates(["r", "e"])
    positions = np.flatnonzero(present)
    rows = pd.DataFrame({"pos": positions, "r": row_codes})
    found = rows.merge(hits, on="r", how="inner")
    label = names.index.to_numpy()[found["pos"].to_numpy()]
    record_name = names.iloc[found["pos"].to_numpy()].to_numpy()
    score_out = found["score"].to_numpy(dtype=np.float64, copy=True)
    notes = np.full(len(found), "", dtype=object)
    if corroborating:
        score_out, notes = _corroborated(found, score_out, entries, birth_dates, nationalities)
    keep_rows = score_out >= threshold
    found = found[keep_rows]
    label, record_name = label[keep_rows], record_name[keep_rows]
    score_out, notes = score_out[keep_rows], notes[keep_rows]
    e_idx = found["e"].to_numpy()
    a_idx = found["a"].to_numpy()
    # one explanation per distinct (alias, record name) pair, however many rows share it
    pair_codes, pairs = pd.factorize(a_idx.astype(np.int64) * len(records) + found["r"].to_numpy())
    explained = np.array(
        [alignment(aliases.text[p // len(records)], records.text[p % len(records)]) for p in pairs],
        dtype=object,
    )
    table = _entry_table(entries, alias_names)
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
    }
    if len(label) == 0:
        return _empty()
    order = np.lexsort((table["entry_rank"][e_idx], -columns["score"], found["pos"].to_numpy()))
    # object columns as they are: inferring Arrow strings for a million rows costs a second
    return pd.DataFrame(
        {
            name: pd.Series(values[order], dtype="float64" if name == "score" else object)
            for name, values in columns.items()
        }
    )


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
    }


def _corroborated(
    found: pd.DataFrame,
    score: np.ndarray,
    entries: list[tuple[str, ListEntry]],
    birth_dates: pd.Series | None,
    nationalities: pd.Series | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores adjusted, and notes, from date of birth and nationality where both sides have them."""
    positions = found["pos"].to_numpy()
    dobs, nats = _dates(birth_dates, positions), _values(nationalities, positions)
    notes = np.full(len(found), "", dtype=object)
    score = score.copy()
    for i, e in enumerate(found["e"].to_numpy()):
        entry = entries[e][1]
        word = "nationality" if entry.schema == "person" else "country"
        delta, note = corroborate(dobs[i], nats[i], entry.birth_dates, entry.nationalities, word)
        score[i] = min(1.0, max(0.0, score[i] + delta))
        notes[i] = note
    return score, notes


def _dates(series: pd.Series | None, pos: np.ndarray) -> list[dt.date | None]:
    if series is None:
        return [None] * len(pos)
    values = pd.to_datetime(series.iloc[pos], errors="coerce")
    return values.dt.date.astype(object).where(values.notna(), None).tolist()


def _values(series: pd.Series | None, pos: np.ndarray) -> list[str | None]:
    if series is None:
        return [None] * len(pos)
    values = series.iloc[pos]
    cleaned = values.astype("string").str.strip().str.upper()
    return cleaned.astype(object).where(values.notna(), None).tolist()
