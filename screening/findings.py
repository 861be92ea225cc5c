"""Findings: one row per (rule, record), with its evidence and the sentence a reviewer reads.

Built a rule at a time from the engine's masks and evidence columns; the sentence comes from the
rule's `explain` template, filled column-wise (no loop per finding except the id hash).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from screening.display import MISSING, display
from screening.engine.context import Context, Evaluated
from screening.engine.rows import take_rows
from screening.engine.text import (
    Text,
    arrow_text,
    joined,
    repeated,
    replaced,
    text_series,
    with_given,
)
from screening.normalizing.tables import RecordTable, record_fingerprints
from screening.reading import FILE_COLUMN, LINE_COLUMN
from screening.records import RecordKind
from screening.rulespec.checks import PLACEHOLDER
from screening.rulespec.rulebook import LoadedRule

FINDING_COLUMNS = [
    "finding_id",
    "record_id",
    "record_type",
    "name",
    "rule_id",
    "rule_title",
    "severity",
    "legal_basis",
    "explanation",
    "evidence",
    "sources",
    "list_reference",
    "file",
    "line",
    "record_sha",
    "rule_sha",
    "entry_sha",
    "row",
]


def finding_id(rule_id: str, record_type: str, record_id: str, entry: str) -> str:
    """Stable id from the rule, the record and the matched list entry (never from row order)."""
    return finding_ids(rule_id, record_type, [record_id], [entry])[0]


def finding_ids(
    rule_id: str, record_type: str, record_ids: list[str], entries: list[str]
) -> list[str]:
    """`finding_id` of each record of one rule (a hash per finding, ~1 µs: cheap enough)."""
    prefix = f"{rule_id}|{record_type}|"
    sha1 = hashlib.sha1
    return [
        "F-" + sha1(f"{prefix}{record_id}|{entry}".encode()).hexdigest()[:12]
        for record_id, entry in zip(record_ids, entries, strict=True)
    ]


def rule_findings(loaded: LoadedRule, result: Evaluated, context: Context) -> pd.DataFrame:
    """The findings of one rule from its evaluated condition, ordered by record id; all
    columns but `record_sha`, which `with_fingerprints` adds once all rules have run.

    Only the rows that hold are touched: evidence is computed for them alone (see `Evidence`).
    The order is the one `assemble.sort_findings` gives within a rule, so that sort moves
    nothing."""
    rule = loaded.rule
    table = context.tables[rule.applies_to]
    rows = np.flatnonzero(result.mask.to_numpy(dtype=bool))
    if len(rows) == 0:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    values = table.values
    record_ids = take_rows(values["record_id"], rows)
    order = pc.sort_indices(arrow_text(record_ids)).to_numpy()
    rows, record_ids = rows[order], record_ids.iloc[order].reset_index(drop=True)
    evidence = {key: at(rows) for key, at in result.evidence.items()}
    for name, _ in PLACEHOLDER.findall(rule.explain):
        # values the sentence cites are evidence too, even where the condition did not test them
        if name not in evidence and name in values.columns:
            evidence[name] = take_rows(values[name], rows)
    shown = {key: display(series) for key, series in evidence.items()}
    index = pd.RangeIndex(len(rows))
    entries = shown.get("list.reference", pd.Series("", index=index))
    record_type = rule.applies_to.value
    count = len(rows)
    return pd.DataFrame(
        {
            "finding_id": finding_ids(rule.id, record_type, record_ids.tolist(), entries.tolist()),
            "record_id": record_ids,
            "record_type": repeated(record_type, count),
            "name": take_rows(values[table.schema.name_field], rows),
            "rule_id": repeated(rule.id, count),
            "rule_title": repeated(rule.title, count),
            "severity": repeated(rule.severity.value, count),
            "legal_basis": repeated(rule.legal_basis.citation, count),
            "explanation": render(rule.explain, values, rows, shown, context),
            "evidence": _evidence_text(shown, table.raw, rows),
            "sources": repeated("; ".join(f"{c.source}: “{c.quote}”" for c in rule.sources), count),
            "list_reference": entries.where(entries.ne(MISSING), ""),
            "file": take_rows(values[FILE_COLUMN], rows),
            "line": take_rows(values[LINE_COLUMN], rows),
            "rule_sha": repeated(loaded.sha256[:16], count),
            "entry_sha": (
                repeated("", count)
                if result.entry_sha is None
                else result.entry_sha(rows).fillna("")
            ),
            "row": values.index[rows],
        },
        index=index,
    )


def with_fingerprints(
    findings: pd.DataFrame, tables: Mapping[RecordKind, RecordTable]
) -> pd.DataFrame:
    """The findings with each one's `record_sha`, hashed from the records that have findings
    alone: a record's fingerprint depends on nothing else, findings name a small share of the
    records, and a record several rules name is hashed once."""
    record_sha = np.full(len(findings), "", dtype=object)
    kinds, rows = findings["record_type"].to_numpy(), findings["row"].to_numpy()
    for kind, table in tables.items():
        mine = np.flatnonzero(kinds == kind.value)
        if not len(mine):
            continue
        named, where = np.unique(rows[mine], return_inverse=True)
        positions = table.values.index.get_indexer(pd.Index(named))
        given = {
            str(name): take_rows(column, positions)
            for name, column in table.raw.items()
            if not str(name).startswith("_")
        }
        hashed = record_fingerprints(kind, pd.DataFrame(given, index=pd.RangeIndex(len(named))))
        record_sha[mine] = hashed.to_numpy()[where]
    with_sha = findings.assign(record_sha=pd.Series(record_sha, index=findings.index, dtype="str"))
    return with_sha[FINDING_COLUMNS]


def render(
    template: str,
    values: pd.DataFrame,
    rows: np.ndarray,
    shown: dict[str, pd.Series],
    context: Context,
) -> pd.Series:
    """Fill `{placeholders}` from evidence, then record fields, for every finding at once.

    `{field|words}` shows the words where the value is missing."""
    parts: list[str | Text] = []
    position = 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(template[position : match.start()])
        filled = arrow_text(_placeholder(match.group(1), values, rows, shown, context))
        if match.group(2) is not None:
            filled = replaced(filled, MISSING, match.group(2))
        parts.append(filled)
        position = match.end()
    parts.append(template[position:])
    return text_series(joined(parts, len(rows)))


def _placeholder(
    name: str, values: pd.DataFrame, rows: np.ndarray, shown: dict[str, pd.Series], context: Context
) -> pd.Series:
    if name in shown:
        return shown[name]
    if name == "as_of":
        index = pd.RangeIndex(len(rows))
        return pd.Series(context.as_of.strftime("%Y-%m-%d"), index=index, dtype="str")
    return display(take_rows(values[name], rows))


def _evidence_text(shown: dict[str, pd.Series], raw: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    """`field: value` pairs; a value that was normalized also shows what the file said."""
    parts: list[str | Text] = []
    for key, series in shown.items():
        value = arrow_text(series)
        text = joined([key + ": ", value], len(rows))
        if key in raw.columns:
            given = pc.fill_null(arrow_text(take_rows(raw[key], rows)), "")
            text = with_given(text, value, given)
        parts.append(text)
    return text_series(joined(parts, len(rows), separator="; "))
