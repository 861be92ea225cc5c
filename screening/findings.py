"""Findings: one row per (rule, record), with its evidence and the sentence a reviewer reads.

Built a rule at a time from the engine's masks and evidence columns; the sentence comes from the
rule's `explain` template, filled column-wise (no loop per finding except the id hash).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from screening.display import MISSING, display
from screening.engine.context import Context, Evaluated
from screening.reading import FILE_COLUMN, LINE_COLUMN
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
    key = f"{rule_id}|{record_type}|{record_id}|{entry}"
    return "F-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def rule_findings(loaded: LoadedRule, result: Evaluated, context: Context) -> pd.DataFrame:
    """The findings of one rule from its evaluated condition."""
    rule = loaded.rule
    table = context.tables[rule.applies_to]
    hit = result.mask.to_numpy()
    values, raw = table.values[hit], table.raw[hit]
    if values.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    evidence = {key: series[hit] for key, series in result.evidence.items()}
    for name, _ in PLACEHOLDER.findall(rule.explain):
        # values the sentence cites are evidence too, even where the condition did not test them
        if name not in evidence and name in values.columns:
            evidence[name] = values[name]
    shown = {key: display(series) for key, series in evidence.items()}
    entries = shown.get("list.reference", pd.Series("", index=values.index))
    record_type = rule.applies_to.value
    return pd.DataFrame(
        {
            "finding_id": [
                finding_id(rule.id, record_type, record_id, entry)
                for record_id, entry in zip(values["record_id"], entries, strict=True)
            ],
            "record_id": values["record_id"],
            "record_type": record_type,
            "name": values[table.schema.name_field],
            "rule_id": rule.id,
            "rule_title": rule.title,
            "severity": rule.severity.value,
            "legal_basis": rule.legal_basis.citation,
            "explanation": render(rule.explain, values, shown, context),
            "evidence": _evidence_text(shown, raw),
            "sources": "; ".join(f"{c.source}: “{c.quote}”" for c in rule.sources),
            "list_reference": entries.where(entries.ne(MISSING), ""),
            "file": values[FILE_COLUMN],
            "line": values[LINE_COLUMN],
            "record_sha": table.fingerprints[hit],
            "rule_sha": loaded.sha256[:16],
            "entry_sha": "" if result.entry_sha is None else result.entry_sha[hit].fillna(""),
            "row": values.index,
        }
    )


def render(
    template: str, values: pd.DataFrame, shown: dict[str, pd.Series], context: Context
) -> pd.Series:
    """Fill `{placeholders}` from evidence, then record fields, for every finding at once.

    `{field|words}` shows the words where the value is missing."""
    sentence = pd.Series("", index=values.index, dtype="str")
    position = 0
    for match in PLACEHOLDER.finditer(template):
        sentence = sentence + template[position : match.start()]
        filled = _placeholder(match.group(1), values, shown, context)
        if match.group(2) is not None:
            filled = filled.where(filled.ne(MISSING), match.group(2))
        sentence = sentence + filled
        position = match.end()
    return sentence + template[position:]


def _placeholder(
    name: str, values: pd.DataFrame, shown: dict[str, pd.Series], context: Context
) -> pd.Series:
    if name in shown:
        return shown[name]
    if name == "as_of":
        return pd.Series(context.as_of.strftime("%Y-%m-%d"), index=values.index, dtype="str")
    return display(values[name])


def _evidence_text(shown: dict[str, pd.Series], raw: pd.DataFrame) -> pd.Series:
    """`field: value` pairs; a value that was normalized also shows what the file said."""
    parts = []
    for key, series in shown.items():
        text = key + ": " + series
        if key in raw.columns:
            given = raw[key].fillna("").astype("str")
            differs = given.ne("") & given.ne(series)
            text = text.where(~differs, text + " (given as “" + given + "”)")
        parts.append(text)
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "; " + part
    return joined
