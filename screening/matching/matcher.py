"""`match_names`: screen a column of record names against sanctions lists."""

from __future__ import annotations

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
    """Every name of every entry: (alias names, entry number of each, entries with their list name)."""
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
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "score" else "object") for c in COLUMNS})


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
    present = names.notna().to_numpy().copy()
    text = names[present].astype("str").str.strip()
    present[present] = (text != "").to_numpy()
    text = text[text != ""]
    if not alias_names or text.empty:
        return _empty()
    row_codes, uniques = pd.factorize(text.to_numpy())
    encoded = encode(pd.Series([*alias_names, *uniques], dtype="str"))
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
    if found.empty:
        return _empty()
    label = names.index.to_numpy()[found["pos"].to_numpy()]
    record_name = names.to_numpy()[found["pos"].to_numpy()]
    score_out = found["score"].to_numpy(dtype=np.float64)
    notes = np.full(len(found), "", dtype=object)
    if corroborating:
        dobs = _dates(birth_dates, found["pos"].to_numpy())
        nats = _values(nationalities, found["pos"].to_numpy())
        for i, e in enumerate(found["e"].to_numpy()):
            entry = entries[e][1]
            delta, note = corroborate(dobs[i], nats[i], entry.birth_dates, entry.nationalities)
            score_out[i] = min(1.0, max(0.0, score_out[i] + delta))
            notes[i] = note
    e_idx = found["e"].to_numpy()
    a_idx = found["a"].to_numpy()
    cache: dict[tuple[int, int], str] = {}
    aligned = [
        cache.setdefault((int(al), int(rc)), alignment(alias_names[al], str(uniques[rc])))
        for al, rc in zip(a_idx, found["r"].to_numpy(), strict=True)
    ]
    out = pd.DataFrame(
        {
            "row": label,
            "list_name": [entries[e][0] for e in e_idx],
            "entry_id": [entries[e][1].entry_id for e in e_idx],
            "reference": [entries[e][1].reference for e in e_idx],
            "entry_name": [entries[e][1].name for e in e_idx],
            "matched_name": [alias_names[al] for al in a_idx],
            "record_name": record_name,
            "score": np.round(score_out, 3),
            "alignment": aligned,
            "corroboration": notes,
            "_pos": found["pos"].to_numpy(),
        }
    )
    out = out[out["score"] >= threshold]
    out = out.sort_values(["_pos", "score", "entry_id"], ascending=[True, False, True], kind="stable")
    return out.drop(columns="_pos").reset_index(drop=True).astype({"row": object})


def _dates(series: pd.Series | None, pos: np.ndarray) -> list[object]:
    if series is None:
        return [None] * len(pos)
    values = pd.to_datetime(series, errors="coerce").iloc[pos]
    return [None if pd.isna(v) else v.date() for v in values]


def _values(series: pd.Series | None, pos: np.ndarray) -> list[str | None]:
    if series is None:
        return [None] * len(pos)
    values = series.iloc[pos]
    return [None if pd.isna(v) else str(v).strip().upper() for v in values]
