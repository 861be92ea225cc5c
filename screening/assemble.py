"""The report's tables, assembled from the records, the findings and the rulebook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.engine.text import Text, arrow_text, joined, repeated, text_series, unless_empty
from screening.normalizing.tables import RecordTable
from screening.reading import FILE_COLUMN, LINE_COLUMN
from screening.records import RecordKind
from screening.rows import RECORD_COLUMNS, RECORD_COUNT_COLUMNS
from screening.rulespec.catalogue import describe
from screening.rulespec.rule import Severity
from screening.rulespec.rulebook import Rulebook


@dataclass(frozen=True)
class RecordsWanted:
    """What a screen keeps of each screened record, besides counting it."""

    rows: bool
    """Its row of the records table: the Records sheet lists the records, or a baseline report,
    suppressions or `--tables` need them."""
    details: bool
    """Every given value of the record as text, in its row (the Records sheet lists them)."""
    fingerprints: bool
    """Its `record_sha`, in its row (listed, or compared with a baseline report)."""


def stacked(frames: Sequence[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    """The frames' rows one after the other (index 0..n-1), empty frames left out; with no rows
    at all, the first frame emptied, or without a frame an empty table of `columns`."""
    kept = [frame for frame in frames if len(frame)]
    if not kept:
        return frames[0].iloc[:0] if frames else pd.DataFrame(columns=list(columns))
    return pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0].reset_index(drop=True)


REVIEW_KEYS = ("rule_id", "record_type", "record_id", "finding_id")
"""After severity (most serious first), what orders findings the way a reviewer works."""


def sort_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Most serious first, then by rule and record: the order a reviewer works in.

    Drops the engine's internal row number. Findings from `evaluate` come in this order already:
    then checking it (neighbour against neighbour) spares sorting and copying the wide table."""
    rank = _severity_rank(arrow_text(findings["severity"]))
    if not _in_order([pd.Series(rank), *(findings[key] for key in REVIEW_KEYS)]):
        keys = _keys(rank, [arrow_text(findings[key]) for key in REVIEW_KEYS])
        findings = findings.take(review_order(keys))
    return findings.drop(columns=["row"], errors="ignore").reset_index(drop=True)


def review_keys(findings: pa.Table) -> pa.Table:
    """What puts findings (a `rule_findings` table) in the order of `sort_findings`."""
    rank = _severity_rank(_large_text(findings["severity"]))
    return _keys(rank, [_large_text(findings[key]) for key in REVIEW_KEYS])


def review_order(keys: pa.Table) -> np.ndarray:
    """The positions of findings in review order, from their keys (`review_keys`): severity,
    then `REVIEW_KEYS`' text by code point (as Python orders text); missing values last, ties
    kept in their order."""
    order = pc.sort_indices(
        keys, sort_keys=[(name, "ascending", "at_end") for name in keys.column_names]
    )
    positions: np.ndarray = order.to_numpy()
    return positions


def _keys(rank: np.ndarray, keys: Sequence[pa.Array]) -> pa.Table:
    return pa.table(
        {"rank": pa.array(rank, from_pandas=True)} | dict(zip(REVIEW_KEYS, keys, strict=True))
    )


def _large_text(column: pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks().cast(pa.large_string())


def _severity_rank(severity: pa.Array) -> np.ndarray:
    """Minus each severity's rank (most serious first), NaN for an unknown one; an Arrow lookup
    where `map` costs ~0.15 s for 130,000 findings."""
    ranks = np.array([-s.rank for s in Severity] + [np.nan])
    known = pa.array([s.value for s in Severity], type=pa.large_string())
    found = pc.index_in(severity, value_set=known).fill_null(len(Severity))
    ranked: np.ndarray = ranks[found.to_numpy()]
    return ranked


def _in_order(keys: list[pd.Series]) -> bool:
    """Whether each row sorts at or after the one before it by these keys, first key first.

    A missing key value is never in order, so it leaves the decision to the sort."""
    tied = np.ones(max(len(keys[0]) - 1, 0), dtype=bool)
    for key in keys:
        before = key.iloc[:-1].reset_index(drop=True)
        after = key.iloc[1:].reset_index(drop=True)
        less = (before < after).to_numpy(dtype=bool, na_value=False)
        equal = (before == after).to_numpy(dtype=bool, na_value=False)
        if (tied & ~less & ~equal).any():
            return False
        tied &= equal
    return True


def records_table(
    tables: dict[RecordKind, RecordTable],
    findings: pd.DataFrame,
    details: bool = True,
    fingerprints: bool = True,
) -> pd.DataFrame:
    """One row per screened record: where it came from and how many findings it has.

    `details` (every given value as text) and `record_sha` (hashing every record) are built only
    when needed: the Records sheet lists them, or a baseline report is compared."""
    frames = []
    kinds = findings["record_type"].to_numpy()
    rows = findings["row"].to_numpy()
    for kind, table in tables.items():
        if len(table) == 0:
            continue
        values = table.values
        counts = _finding_counts(values.index, rows[kinds == kind.value])
        # text on every row built in Arrow: pandas broadcasts a plain string a row at a time
        blank = repeated("", len(values)).set_axis(values.index)
        flagged = pc.if_else(pa.array(counts > 0), "flagged", "clear").cast(pa.large_string())
        frames.append(
            pd.DataFrame(
                {
                    "record_id": values["record_id"],
                    "record_type": repeated(kind.value, len(values)).set_axis(values.index),
                    "file": values[FILE_COLUMN],
                    "line": values[LINE_COLUMN],
                    "name": values[table.schema.name_field],
                    "status": text_series(flagged).set_axis(values.index),
                    "findings": pd.Series(counts, values.index),
                    "details": _details(table) if details else blank,
                    "record_sha": table.fingerprints if fingerprints else blank,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=RECORD_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _finding_counts(index: pd.Index, rows: np.ndarray) -> np.ndarray:
    """How many of `rows` (row labels of findings) name each record of `index`."""
    positions = index.get_indexer(pd.Index(rows))
    return np.bincount(positions[positions >= 0], minlength=len(index))


def _details(table: RecordTable) -> pd.Series:
    """Every given value of the record, extra columns included, as `field: value` pairs."""
    raw = table.raw
    columns = [c for c in raw.columns if not c.startswith("_") and c not in ("record_id",)]
    parts: list[str | Text] = []
    for column in columns:
        value = pc.fill_null(arrow_text(raw[column]), "")
        parts.append(unless_empty(value, joined([f"; {column}: ", value], len(raw))))
    # every part leads with its separator: the first one goes
    details = pc.utf8_slice_codeunits(joined(parts, len(raw)), start=len("; "))
    return text_series(details).set_axis(raw.index)


def summarise_records(records: pd.DataFrame) -> pd.DataFrame:
    """One row per file, record_type and status: how many records, and how many findings."""
    return _summed(records, np.ones(len(records), dtype=np.int64))


def added_counts(counts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Parts of a screen's records counted (`summarise_records`), added up: the screen's
    counts, as one table of all its records would give them."""
    added = stacked(counts, RECORD_COUNT_COLUMNS)
    return _summed(added, added["records"].to_numpy(dtype=np.int64))


def _summed(records: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """`summarise_records`, each row counting as `weights` records."""
    keys = ["file", "record_type", "status"]
    findings = pd.to_numeric(_column(records, "findings"), errors="coerce").fillna(0)
    coded = [_coded_text(_column(records, key)) for key in keys]
    # Grouped in Arrow (pandas took ~0.5 s for a million records), first by the keys' integer
    # codes, then — on the few rows left — by the text the codes show, which merges codes that
    # show the same text. Null keys are a group of their own, sorted last.
    by_code = (
        pa.table(
            {key: codes for key, (codes, _) in zip(keys, coded, strict=True)}
            | {"findings": pa.array(findings.to_numpy()), "records": pa.array(weights)}
        )
        .group_by(keys)
        .aggregate([("findings", "sum"), ("records", "sum")])
    )
    table = pa.table(
        {key: texts.take(by_code[key]) for key, (_, texts) in zip(keys, coded, strict=True)}
        | {"findings": by_code["findings_sum"], "records": by_code["records_sum"]}
    )
    grouped = table.group_by(keys).aggregate([("findings", "sum"), ("records", "sum")])
    grouped = grouped.sort_by([(key, "ascending", "at_end") for key in keys])
    return pd.DataFrame(
        {key: pd.Series(grouped[key].to_pandas(), dtype="string") for key in keys}
        | {
            "records": grouped["records_sum"].to_numpy().astype(int),
            "findings": grouped["findings_sum"].to_numpy().astype(int),
        }
    )


def _coded_text(column: pd.Series) -> tuple[pa.Array, pa.Array]:
    """Each value's code into a few texts (as `_text` shows them; several codes may show the same
    text), and those texts.

    A column of Python strings (the records' file names) is coded by its runs of equal values:
    converting a million of them to Arrow took ~0.35 s, and the records come file by file."""
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "string":
        values = column.to_numpy()
        starts = np.ones(len(values), dtype=bool)
        try:
            # Equal strings have the same text; NaN is unequal even to itself: a run of its own.
            starts[1:] = values[1:] != values[:-1]
        except TypeError:
            pass  # pd.NA, neither equal nor unequal: coded by its text below
        else:
            codes = np.cumsum(starts) - 1
            return pa.array(codes), _text(pd.Series(values[starts], dtype=object))
    text = _text(column)
    if isinstance(text, pa.ChunkedArray):  # a column pandas holds in several pieces
        text = text.combine_chunks()
    encoded = pc.dictionary_encode(text, null_encoding="encode")
    return encoded.indices, encoded.dictionary


def _text(column: pd.Series) -> pa.Array:
    """The column's values as text (missing: null), as `astype("string")` would show them."""
    if column.dtype == object:
        try:
            return pa.array(column.to_numpy(), type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # not all text (paths, numbers): pandas' conversion, slower, shows each one
    return pa.array(column.astype("string").array, type=pa.large_string(), from_pandas=True)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """The frame's column, or a blank one where the frame has none."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(None, index=frame.index, dtype=object)


def rules_table(rulebook: Rulebook) -> pd.DataFrame:
    """Every rule applied, with its file and content hash."""
    return pd.DataFrame(
        [
            {
                "rule_id": item.rule.id,
                "title": item.rule.title,
                "severity": item.rule.severity.value,
                "applies_to": item.rule.applies_to.value,
                "description": " ".join(item.rule.description.split()),
                "legal_basis": item.rule.legal_basis.citation,
                "provision": " ".join(item.rule.legal_basis.summary.split()),
                "conditions": describe(item.rule.when),
                "exceptions": "\n".join(f"- {text}" for text in item.rule.exceptions),
                "file": item.path.name,
                "sha256": item.sha256,
            }
            for item in sorted(rulebook.rules, key=lambda item: item.rule.id)
        ]
    )


def sources_table(rulebook: Rulebook) -> pd.DataFrame:
    """Every cited passage, with the source it comes from and the rule citing it."""
    rows = []
    for item in sorted(rulebook.rules, key=lambda item: item.rule.id):
        for citation in item.rule.sources:
            source = rulebook.corpus.sources[citation.source]
            rows.append(
                {
                    "source_id": source.id,
                    "title": source.title,
                    "publisher": source.publisher,
                    "date": source.date,
                    "file": source.file,
                    "quote": " ".join(citation.quote.split()),
                    "url": source.url or "not given in the article's text",
                    "notes": " ".join((source.notes or "").split()),
                    "rule_id": item.rule.id,
                }
            )
    return pd.DataFrame(rows)
