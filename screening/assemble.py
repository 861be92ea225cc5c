"""The report's tables, assembled from the records, the findings and the rulebook."""

from __future__ import annotations

import pandas as pd

from screening.normalizing.tables import RecordTable
from screening.reading import FILE_COLUMN, LINE_COLUMN
from screening.records import RecordKind
from screening.report.rows import RecordRow, columns
from screening.rulespec.rule import Severity
from screening.rulespec.rulebook import Rulebook

RECORD_COLUMNS = list(columns(RecordRow))


def sort_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Most serious first, then by rule and record: the order a reviewer works in.

    Drops the engine's internal row number."""
    rank = findings["severity"].map({s.value: -s.rank for s in Severity})
    ordered = findings.assign(_rank=rank).sort_values(
        ["_rank", "rule_id", "record_type", "record_id", "finding_id"], kind="stable"
    )
    return ordered.drop(columns=["_rank", "row"], errors="ignore").reset_index(drop=True)


def records_table(
    tables: dict[RecordKind, RecordTable], findings: pd.DataFrame, details: bool = True
) -> pd.DataFrame:
    """One row per screened record: where it came from and how many findings it has.

    `details` (every given value as text) is built only when the Records sheet will list it."""
    frames = []
    for kind, table in tables.items():
        if len(table) == 0:
            continue
        values = table.values
        mine = findings[findings["record_type"].eq(kind.value)]
        counts = mine.groupby("row").size().reindex(values.index, fill_value=0)
        frames.append(
            pd.DataFrame(
                {
                    "record_id": values["record_id"],
                    "record_type": kind.value,
                    "file": values[FILE_COLUMN],
                    "line": values[LINE_COLUMN],
                    "name": values[table.schema.name_field],
                    "status": counts.gt(0).map({True: "flagged", False: "clear"}),
                    "findings": counts.astype(int),
                    "details": _details(table) if details else "",
                    "record_sha": table.fingerprints,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=RECORD_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _details(table: RecordTable) -> pd.Series:
    """Every given value of the record, extra columns included, as `field: value` pairs."""
    raw = table.raw
    columns = [c for c in raw.columns if not c.startswith("_") and c not in ("record_id",)]
    joined = pd.Series("", index=raw.index, dtype="str")
    for column in columns:
        value = raw[column].fillna("").astype("str")
        part = (column + ": " + value).where(value.ne(""), "")
        separator = pd.Series("; ", index=raw.index).where(joined.ne("") & part.ne(""), "")
        joined = joined + separator + part
    return joined


def rules_table(rulebook: Rulebook) -> pd.DataFrame:
    """Every rule applied, with its file and content hash."""
    return pd.DataFrame(
        [
            {
                "rule_id": item.rule.id,
                "title": item.rule.title,
                "severity": item.rule.severity.value,
                "applies_to": item.rule.applies_to.value,
                "legal_basis": item.rule.legal_basis.citation,
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
                    "url": source.url or "",
                    "rule_id": item.rule.id,
                }
            )
    return pd.DataFrame(rows)
