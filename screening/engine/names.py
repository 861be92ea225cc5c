"""The `listed` operator: record names against the sanctions lists, best entry per record."""

from __future__ import annotations

import pandas as pd

from screening.engine.context import Context
from screening.lists.models import content_digest
from screening.matching import DEFAULT_THRESHOLD, match_names
from screening.records import RecordKind

_BIRTH_DATE = {RecordKind.worker: "date_of_birth"}
_NATIONALITY = {
    RecordKind.worker: "nationality",
    RecordKind.relationship: "party_country",
    RecordKind.company: "country",
}


def best_matches(
    context: Context,
    kind: RecordKind,
    field_name: str,
    threshold: float | None,
    schema: str | None,
) -> pd.DataFrame:
    """One row per record whose name matches a list entry, indexed like the record table.

    Columns: name, reference, entry_name, matched_name, score, alignment, corroboration,
    entry_sha.
    """
    values = context.values(kind)
    columns = [
        "name",
        "reference",
        "entry_name",
        "matched_name",
        "score",
        "alignment",
        "corroboration",
        "entry_sha",
    ]
    if not context.watchlists or values.empty:
        return pd.DataFrame(columns=columns)
    birth = _BIRTH_DATE.get(kind)
    found = match_names(
        values[field_name],
        context.watchlists,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        schema=schema,  # type: ignore[arg-type]
        birth_dates=values[birth] if birth else None,
        nationalities=values[_NATIONALITY[kind]],
        prepared=context.list_names(schema),
    )
    if found.empty:
        return pd.DataFrame(columns=columns)
    best = found.sort_values(["row", "score"], ascending=[True, False], kind="stable")
    best = best.drop_duplicates("row").set_index("row")
    best = best.rename(columns={"list_name": "name"})
    entries = {
        (watchlist.name, entry.entry_id): entry
        for watchlist in context.watchlists
        for entry in watchlist.entries
    }
    matched = set(zip(best["name"], best["entry_id"], strict=True))
    # a short digest: a decision on a match is void when the matched entry changes
    digests = {key: content_digest(entries[key])[:16] for key in matched}
    best["entry_sha"] = [digests[key] for key in zip(best["name"], best["entry_id"], strict=True)]
    return best[columns]
