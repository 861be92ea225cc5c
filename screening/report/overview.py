"""The Summary sheet (overview, counts by rule and severity, chart) and the Run sheet."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from screening.report.sheetdata import row_xml
from screening.report.sheets import SEVERITY_ORDER, decisions
from screening.report.styles import HEADER, PLAIN, WRAPPED, CellStyle
from screening.report.tables import Table, table_sheet
from screening.report.xlsx import BarChart, Sheet
from screening.results import ScreenResult
from screening.rows import DECISIONS

Note = tuple[str, Any]
Line = list[tuple[Any, CellStyle]]
# Key and value columns; the rule table's id and title are as wide as they need, within reason.
SUMMARY_WIDTHS = (30.0, 60.0, 12.0, 10.0)
MAX_SUMMARY_WIDTH = 100.0
RULE_COUNT_COLUMNS = ("rule_id", "title", "severity", "findings")


def findings_by_rule(findings: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """rule_id, title, severity, findings for each rule, and any rule seen only in findings."""
    counts = _rule_ids(findings).value_counts()
    known = pd.DataFrame(
        {
            "rule_id": _rule_ids(rules),
            "title": rules.get("title", pd.Series(None, index=rules.index, dtype=object)),
            "severity": rules.get("severity", pd.Series(None, index=rules.index, dtype=object)),
        }
    ).drop_duplicates("rule_id")
    rule_ids = _rule_ids(findings)
    unknown = ~rule_ids.isin(known["rule_id"])
    # Only the columns shown: every column filtered cost a copy of the findings (0.4 GB at 10M).
    shown = [name for name in ("rule_title", "severity") if name in findings.columns]
    seen_only = findings.loc[unknown, shown].assign(rule_id=rule_ids[unknown])
    seen_only = seen_only.drop_duplicates("rule_id")
    extra = pd.DataFrame(
        {
            "rule_id": seen_only["rule_id"],
            "title": seen_only.get("rule_title", pd.Series(None, index=seen_only.index)),
            "severity": seen_only.get("severity", pd.Series(None, index=seen_only.index)),
        }
    )
    table = pd.concat([known, extra], ignore_index=True)
    table = table.assign(findings=table["rule_id"].map(counts).fillna(0).astype(int))
    # Most serious first, as the terminal and the Findings sheet list them.
    rank = table["severity"].map({name: n for n, name in enumerate(SEVERITY_ORDER)})
    order = table.assign(_rank=rank.fillna(len(SEVERITY_ORDER))).sort_values(
        ["_rank", "rule_id"], kind="stable"
    )
    return order.drop(columns="_rank").reset_index(drop=True)


def findings_by_severity(findings: pd.DataFrame) -> list[tuple[str, int]]:
    """Each severity with its number of findings: the known three first, then any others seen."""
    return _counted(findings.get("severity", pd.Series(dtype=object)), SEVERITY_ORDER)


def summary_sheet(result: ScreenResult, notes: Sequence[Note]) -> tuple[Sheet, list[bytes]]:
    """The Summary sheet and its rows: overview, notes (companion files), counts by rule and
    severity, chart."""
    by_severity = findings_by_severity(result.findings)
    lines: list[Line] = [[("Screening report", HEADER)]]
    lines += [_pair(key, value) for key, value in _overview(result, by_severity)]
    lines += [_pair(key, value) for key, value in notes]
    lines += [[], [("Findings by rule", HEADER)]]
    lines.append([(name, HEADER) for name in RULE_COUNT_COLUMNS])
    header_row = len(lines)
    by_rule = findings_by_rule(result.findings, result.rules)
    for values in by_rule[list(RULE_COUNT_COLUMNS)].itertuples(index=False, name=None):
        lines.append([(value, PLAIN) for value in values])
    last_rule_row = len(lines)
    lines += [[], [("Findings by severity", HEADER)]]
    lines.append([("severity", HEADER), ("findings", HEADER)])
    lines += [_pair(name, count) for name, count in by_severity]
    chart = _rule_chart(header_row, last_rule_row) if last_rule_row > header_row else None
    sheet = Sheet("Summary", widths=_summary_widths(by_rule), chart=chart)
    return sheet, [row_xml(number, line) for number, line in enumerate(lines, start=1) if line]


LINES_BALANCE = "lines = screened + rejected + blank"
"""A file's lines after its header (counted from its bytes: a parser that merged lines into one
row shows here) against the lines of its screened rows, its rejected rows, and blank lines."""


def run_sheet(result: ScreenResult) -> Table:
    """The Run sheet: key/value provenance — versions, inputs, lists, hashes, timings."""
    pairs = pd.DataFrame(list(_run_pairs(result)), columns=["key", "value"], dtype=object)
    return table_sheet("Run", pairs, ("key", "value"), widths=(42.0, 90.0), wrapped={"value"})


def decisions_made(findings: pd.DataFrame) -> list[tuple[str, int]]:
    """How many findings carry each decision (a blank decision is open), every decision listed."""
    return _counted(decisions(findings), DECISIONS)


def _counted(values: pd.Series, known: Sequence[str]) -> list[tuple[str, int]]:
    """How many of the values are each known value (in order, every one listed), then each other
    value seen (sorted)."""
    counts = values.astype(str).value_counts()
    others = sorted(set(counts.index) - set(known))
    return [(name, int(counts.get(name, 0))) for name in (*known, *others)]


def _overview(result: ScreenResult, by_severity: Sequence[tuple[str, int]]) -> Iterator[Note]:
    yield "as-of date", result.as_of
    yield "input rows", result.input_rows
    yield "screened", result.screened_rows
    yield "rejected", result.rejected_rows
    yield "data issues", len(result.data_issues)
    yield "findings", len(result.findings)
    for name, count in by_severity:
        yield f"findings: {name}", count
    findings = result.findings
    for decision, count in decisions_made(findings):
        yield f"decisions: {decision}", count
    carried = result.decision_counts
    yield "decisions carried over", carried.carried
    yield "reopened (what was decided on changed)", carried.reopened
    yield "never decided", carried.undecided
    if "suppressed_until" in findings.columns:
        yield "suppressed", int(findings["suppressed_until"].fillna("").ne("").sum())
    if result.unmatched_suppressions:
        yield "suppressions matching no finding", len(result.unmatched_suppressions)
    changes = result.change_counts
    if changes is not None:
        yield "since baseline: new", changes.new
        yield "since baseline: gone", changes.gone
        yield "since baseline: changed", changes.changed


def _run_pairs(result: ScreenResult) -> Iterator[Note]:
    yield "tool version", result.tool_version
    yield "engine", result.engine
    yield "as-of date", result.as_of
    yield "command line", result.command
    yield "started", result.started
    yield "duration (s)", round(result.duration_s, 3)
    yield "rules directory", str(result.rules_dir)
    yield "rules hash", result.rules_hash
    for item in result.inputs:
        yield "input file", str(item.path)
        yield "kind", item.kind
        yield "SHA-256", item.sha256
        yield "format", item.format
        if item.encoding:
            yield "encoding, delimiter", f"{item.encoding}, {item.delimiter!r}"
        yield "columns recognised", ", ".join(item.recognised)
        yield "kept as extra columns", ", ".join(item.extra_columns) or "none"
        yield "tested by rules, not in the file", ", ".join(item.absent_tested) or "none"
        yield "rows", item.rows
        yield "screened", item.screened
        yield "rejected", item.rejected
        yield LINES_BALANCE, item.lines_balance
    yield "input rows = screened + rejected", result.rows_balance
    yield f"input {LINES_BALANCE}", result.lines_balance
    for used in result.lists:
        yield "list", used.name
        yield "source", used.source
        yield "as-of", used.as_of
        yield "entries", used.entries
        yield "sha256", used.sha256
    yield from result.review_files.items()
    if result.tables:
        yield "tables (every row)", result.tables
    for unmatched in result.unmatched_suppressions:
        yield "suppression matching no finding", str(unmatched)
    for stage, seconds in result.stage_seconds.items():
        yield f"stage: {stage} (s)", round(seconds, 3)


def _summary_widths(by_rule: pd.DataFrame) -> tuple[float, ...]:
    """The overview's widths, widened so no rule id or title is cut."""
    widths = list(SUMMARY_WIDTHS)
    for position, name in enumerate(("rule_id", "title")):
        longest = by_rule[name].astype(str).str.len().max() if len(by_rule) else 0
        widths[position] = min(max(widths[position], float(longest) + 2), MAX_SUMMARY_WIDTH)
    return tuple(widths)


def _pair(key: str, value: Any) -> Line:
    return [(key, PLAIN), (value, WRAPPED if isinstance(value, str) else PLAIN)]


def _rule_chart(header_row: int, last_row: int) -> BarChart:
    rules = last_row - header_row
    return BarChart(
        title="Findings by rule",
        axis_title="findings",
        series_name=f"$D${header_row}",
        categories=f"$A${header_row + 1}:$A${last_row}",
        values=f"$D${header_row + 1}:$D${last_row}",
        column=5,
        row=1,
        width_cm=18.0,
        height_cm=max(7.5, 0.6 * rules + 3),
    )


def _rule_ids(frame: pd.DataFrame) -> pd.Series:
    if "rule_id" not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    return frame["rule_id"].astype(str)
