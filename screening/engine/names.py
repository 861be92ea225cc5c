"""The `listed` operator: record names against the sanctions lists, best entry per record."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from screening.lists.models import content_digest
from screening.matching import CLOSE, COLUMNS, DEFAULT_THRESHOLD, match_names
from screening.records import RecordKind

if TYPE_CHECKING:  # the context calls these functions with itself; they only use it
    from screening.engine.context import Context

_BIRTH_DATE = {RecordKind.worker: "date_of_birth"}
_NATIONALITY = {
    RecordKind.worker: "nationality",
    RecordKind.relationship: "party_country",
    RecordKind.company: "country",
}


def all_matches(
    context: Context, kind: RecordKind, field_name: str, threshold: float | None, schema: str | None
) -> pd.DataFrame:
    """Every (record, list entry) pair whose names match, as `match_names` gives them: the best
    match per record, with or without `in_force_on`, is chosen from these."""
    values = context.values(kind)
    if not context.watchlists or values.empty:
        return pd.DataFrame(columns=COLUMNS)
    birth = _BIRTH_DATE.get(kind)
    return match_names(
        values[field_name],
        context.watchlists,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        schema=schema,  # type: ignore[arg-type]
        birth_dates=values[birth] if birth else None,
        nationalities=values[_NATIONALITY[kind]],
        prepared=context.list_names(schema),
    )


def best_matches(
    context: Context,
    kind: RecordKind,
    field_name: str,
    threshold: float | None,
    schema: str | None,
    in_force_on: str | None = None,
) -> pd.DataFrame:
    """One row per record whose name matches a list entry, indexed like the record table.

    `in_force_on`: a date field of the record; only entries listed on or before that date count
    (a missing date: the record is ongoing; an entry without a listing date always counts). The
    best entry is chosen among those that count.

    Columns: name, reference, entry_name, matched_name, score, alignment, read_as (`_read_as`),
    corroboration, listed_on, entry_sha, also_matched (the other entries the name matched,
    `_runners_up`).
    """
    columns = [
        "name",
        "reference",
        "entry_name",
        "matched_name",
        "score",
        "alignment",
        "read_as",
        "corroboration",
        "listed_on",
        "entry_sha",
        "also_matched",
    ]
    found = context.all_name_matches(kind, field_name, threshold, schema)
    empty = pd.DataFrame(columns=columns).astype({"listed_on": "datetime64[ns]"})
    if found.empty:
        return empty
    values = context.values(kind)
    rows = values.index.get_indexer(pd.Index(found["row"].to_numpy()).astype(values.index.dtype))
    if in_force_on is not None:
        counts = _in_force(found["listed_on"], values[in_force_on].to_numpy()[rows])
        found, rows = found[counts], rows[counts]
        if found.empty:
            return empty
    # each record's best: among the entries within CLOSE of its highest score, the one spelled
    # most like the record's name (Daesong, not Taesong, for "Daesong"); then the highest score
    scores = found["score"].to_numpy(dtype=np.float64)
    top = pd.Series(scores).groupby(rows).transform("max").to_numpy()
    close = (scores >= top - CLOSE).astype(np.int8)
    spelling = found["spelling"].to_numpy(dtype=np.float64)
    order = np.lexsort((-scores, -spelling * close, -close, rows))  # stable
    ordered = rows[order]
    leading = np.r_[True, ordered[1:] != ordered[:-1]]
    firsts = order[leading]
    best = found.iloc[firsts].set_index("row").rename(columns={"list_name": "name"})
    best["also_matched"] = _runners_up(found.iloc[order[~leading]], best["score"])
    best["read_as"] = _read_as(best["alignment"])
    entries = {
        (watchlist.name, entry.entry_id): entry
        for watchlist in context.watchlists
        for entry in watchlist.entries
    }
    # a short digest: a decision on a match is void when the matched entry changes
    list_codes, lists = pd.factorize(best["name"])
    id_codes, ids = pd.factorize(best["entry_id"])
    codes, pairs = pd.factorize(list_codes.astype(np.int64) * len(ids) + id_codes)
    keys = [(lists[pair // len(ids)], ids[pair % len(ids)]) for pair in pairs.tolist()]
    digests = np.array([content_digest(entries[key])[:16] for key in keys], dtype=object)
    best["entry_sha"] = digests[codes]
    return best[columns]


def _read_as(alignment: pd.Series) -> pd.Series:
    """The name each record was read as where not as written, and how: "KOMID (branch or
    office of)" from the alignment "read as «KOMID» (branch or office of): komid=komid"; empty
    where the name was matched as written. The token alignment itself is the matcher's working,
    not evidence a reviewer needs."""
    parts = alignment.astype(object).str.extract(_READ_AS)
    read = (parts["name"] + " (" + parts["how"] + ")").fillna("")
    return read.astype(object)


_READ_AS = r"^read as «(?P<name>.*?)» \((?P<how>.*)\): "


def _runners_up(others: pd.Series | pd.DataFrame, best: pd.Series) -> pd.Series:
    """For each record (indexed like `best`), the other entries its name matched, best first:
    "KPe.013 Korea Taesong Trading Company (95%)", marked as a close call when within `CLOSE`
    of the best. Never chosen between silently: every one is shown."""
    if len(others) == 0:
        return pd.Series("", index=best.index, dtype=object)
    scores = others["score"].to_numpy(dtype=np.float64)
    close = scores >= best.reindex(others["row"]).to_numpy(dtype=np.float64) - CLOSE
    shown = [
        f"{'close call: ' if near else ''}{reference} {name} ({round(score * 100, 1):g}%)"
        for reference, name, score, near in zip(
            others["reference"], others["entry_name"], scores, close, strict=True
        )
    ]
    joined = (
        pd.Series(shown, index=others["row"].to_numpy()).groupby(level=0, sort=False).agg("; ".join)
    )
    return joined.reindex(best.index).fillna("").astype(object)


def _in_force(listed_on: pd.Series, dates: np.ndarray) -> np.ndarray:
    """Which matches count on their record's date (`dates`, one per match): the entry was listed
    on or before it, or either date is missing. One comparison over all the matches."""
    listed = listed_on.to_numpy(dtype="datetime64[ns]")
    on = dates.astype("datetime64[ns]")
    counts: np.ndarray = np.isnat(listed) | np.isnat(on) | (listed <= on)
    return counts
