"""The Findings sheet (colours, links, the decision dropdown) and the Records summary.

Findings are written in the order given: the pipeline sorts them (`assemble.sort_findings`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.report.styles import AMBER, RED, SLATE
from screening.report.tables import Table, table_sheet
from screening.report.xlsx import LAST_ROW, ListValidation, column_letter
from screening.rows import DECISIONS, DEFAULT_DECISION, FINDING_COLUMNS
from screening.rulespec.rule import Severity

SEVERITY_ORDER = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))
SEVERITY_FILLS = {"violation": RED, "indicator": AMBER, "review": SLATE}
# Findings cells that link to the rule's row on Rules and its first source on Sources.
FINDING_LINKS = ("rule_id", "sources")
# Kept in view beside the header: which record, which rule.
FINDING_FROZEN = ("record_id", "name", "rule_id")
# Room for what a reviewer writes.
DECISION_WIDTHS = {
    "decision": 15.0,
    "reviewer": 16.0,
    "comment": 36.0,
    "decided_on": 12.0,
    "review_note": 36.0,
}
# What identifies and fingerprints a finding, for tools more than readers: grouped and folded.
FINDING_TECHNICAL = ("file", "line", "list_reference", "record_sha", "rule_sha", "entry_sha")


def first_rows(frame: pd.DataFrame, key: str) -> dict[str, int]:
    """The sheet row (header is row 1) where each value of `key` first appears in the frame."""
    if key not in frame.columns:
        return {}
    rows: dict[str, int] = {}
    for position, value in enumerate(frame[key].astype(str)):
        rows.setdefault(value, position + 2)
    return rows


def summarise_records(records: pd.DataFrame) -> pd.DataFrame:
    """One row per file, record_type and status: how many records, and how many findings."""
    keys = ["file", "record_type", "status"]
    findings = pd.to_numeric(_column(records, "findings"), errors="coerce").fillna(0)
    coded = [_coded_text(_column(records, key)) for key in keys]
    # Grouped in Arrow (pandas took ~0.5 s for a million records), first by the keys' integer
    # codes, then — on the few rows left — by the text the codes show, which merges codes that
    # show the same text. Null keys are a group of their own, sorted last.
    by_code = (
        pa.table(
            {key: codes for key, (codes, _) in zip(keys, coded, strict=True)}
            | {"findings": pa.array(findings.to_numpy())}
        )
        .group_by(keys)
        .aggregate([("findings", "sum"), ([], "count_all")])
    )
    table = pa.table(
        {key: texts.take(by_code[key]) for key, (_, texts) in zip(keys, coded, strict=True)}
        | {"findings": by_code["findings_sum"], "records": by_code["count_all"]}
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


def decisions(findings: pd.DataFrame) -> pd.Series:
    """Each finding's decision; a blank (or absent) one is open."""
    if "decision" not in findings.columns:
        return pd.Series(DEFAULT_DECISION, index=findings.index, dtype=object)
    decision = findings["decision"].astype(object)
    return decision.where(decision.notna() & (decision != ""), DEFAULT_DECISION)


def findings_sheet(
    findings: pd.DataFrame,
    rule_rows: Mapping[str, int],
    source_rows: Mapping[str, int],
) -> Table:
    """The Findings sheet: severity colours, rule/source links, decision dropdown."""
    if "decision" in findings:
        findings = findings.assign(decision=decisions(findings))
    rule_ids = _text_key(findings, "rule_id")
    targets = (("Rules", rule_rows), ("Sources", source_rows))
    # The whole column, so rows a reviewer adds by hand get the dropdown too.
    letter = column_letter(list(FINDING_COLUMNS).index("decision") + 1)
    dropdown = ListValidation(
        f"{letter}2:{letter}{LAST_ROW}",
        DECISIONS,
        error_title="Unknown decision",
        error="Choose one of: " + ", ".join(DECISIONS),
    )
    return table_sheet(
        "Findings",
        findings,
        FINDING_COLUMNS,
        fills={"severity": SEVERITY_FILLS},
        links=dict(
            zip(
                FINDING_LINKS,
                (_locations(rule_ids, sheet, rows) for sheet, rows in targets),
                strict=True,
            )
        ),
        validations=(dropdown,),
        frozen_columns=len(FINDING_FROZEN),
        folded=FINDING_TECHNICAL,
        at_least=DECISION_WIDTHS,
    )


def _locations(keys: pd.Series, sheet: str, rows: Mapping[str, int]) -> pd.Series:
    """Where each key's row is on `sheet` ("'Rules'!A5"; missing for an unknown key), looked up
    once per distinct key."""
    codes, distinct = pd.factorize(keys)
    found = pd.Series(distinct).map(_location(sheet, rows)).to_numpy(dtype=object)
    # Code -1, a missing key, takes the None at the end.
    located = np.concatenate([found, np.array([None], dtype=object)]).take(codes)
    return pd.Series(located, index=keys.index, dtype=object)


def _location(sheet: str, rows: Mapping[str, int]) -> dict[str, str]:
    return {key: f"'{sheet}'!A{row}" for key, row in rows.items()}


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """The frame's column, or a blank one where the frame has none."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(None, index=frame.index, dtype=object)


def _text_key(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index)
    return frame[column].astype(str)
