"""The Summary sheet (overview, counts by rule and severity, chart) and the Run sheet."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from screening.report.cells import HEADER, PLAIN, WRAPPED, SheetCell, make_cell
from screening.report.sheetdata import SheetBody
from screening.report.sheets import SEVERITY_ORDER
from screening.report.tables import new_table_sheet
from screening.results import ScreenResult

Note = tuple[str, Any]
SUMMARY_WIDTHS = (30.0, 60.0, 12.0, 10.0)
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
    seen_only = findings.assign(rule_id=_rule_ids(findings))
    seen_only = seen_only[~seen_only["rule_id"].isin(known["rule_id"])].drop_duplicates("rule_id")
    extra = pd.DataFrame(
        {
            "rule_id": seen_only["rule_id"],
            "title": seen_only.get("rule_title", pd.Series(None, index=seen_only.index)),
            "severity": seen_only.get("severity", pd.Series(None, index=seen_only.index)),
        }
    )
    table = pd.concat([known, extra], ignore_index=True)
    return table.assign(findings=table["rule_id"].map(counts).fillna(0).astype(int))


def findings_by_severity(findings: pd.DataFrame) -> list[tuple[str, int]]:
    """Each severity with its number of findings: the known three first, then any others seen."""
    counts = findings.get("severity", pd.Series(dtype=object)).astype(str).value_counts()
    others = sorted(set(counts.index) - set(SEVERITY_ORDER))
    return [(name, int(counts.get(name, 0))) for name in (*SEVERITY_ORDER, *others)]


def write_summary(wb: Workbook, result: ScreenResult, notes: Sequence[Note]) -> None:
    """The Summary sheet: overview, notes (companion files), counts by rule and severity, chart."""
    ws: WriteOnlyWorksheet = wb.create_sheet("Summary")
    for letter, width in zip("ABCD", SUMMARY_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    by_severity = findings_by_severity(result.findings)
    lines: list[list[SheetCell]] = [[make_cell(ws, "Screening report", HEADER)]]
    lines += [_pair(ws, key, value) for key, value in _overview(result, by_severity)]
    lines += [_pair(ws, key, value) for key, value in notes]
    lines += [[], [make_cell(ws, "Findings by rule", HEADER)]]
    lines.append([make_cell(ws, name, HEADER) for name in RULE_COUNT_COLUMNS])
    header_row = len(lines)
    by_rule = findings_by_rule(result.findings, result.rules)
    for values in by_rule[list(RULE_COUNT_COLUMNS)].itertuples(index=False, name=None):
        lines.append([make_cell(ws, value) for value in values])
    last_rule_row = len(lines)
    lines += [[], [make_cell(ws, "Findings by severity", HEADER)]]
    lines.append([make_cell(ws, "severity", HEADER), make_cell(ws, "findings", HEADER)])
    lines += [_pair(ws, name, count) for name, count in by_severity]
    if last_rule_row > header_row:
        ws.add_chart(_rule_chart(ws, header_row, last_rule_row), "F2")
    for line in lines:
        ws.append(line)


LINES_BALANCE = "lines = screened + rejected + blank"
"""A file's lines after its header (counted from its bytes: a parser that merged lines into one
row shows here) against the lines of its screened rows, its rejected rows, and blank lines."""


def write_run(wb: Workbook, result: ScreenResult) -> SheetBody:
    """The Run sheet: key/value provenance — versions, inputs, lists, hashes, timings."""
    pairs = pd.DataFrame(list(_run_pairs(result)), columns=["key", "value"], dtype=object)
    ws = new_table_sheet(wb, "Run", ("key", "value"), (42.0, 90.0))
    ws.auto_filter.ref = f"A1:B{len(pairs) + 1}"
    return SheetBody(ws, pairs, [PLAIN, WRAPPED])


def _overview(result: ScreenResult, by_severity: Sequence[tuple[str, int]]) -> Iterator[Note]:
    yield "as-of date", result.as_of
    yield "input rows", result.input_rows
    yield "screened", result.screened_rows
    yield "rejected", result.rejected_rows
    yield "findings", len(result.findings)
    for name, count in by_severity:
        yield f"findings: {name}", count
    findings = result.findings
    if "review_note" in findings.columns:
        notes = findings["review_note"].fillna("").astype(str)
        yield "decisions carried over", int(notes.str.startswith("decision carried").sum())
        yield "marked for re-review", int(notes.str.startswith("re-review").sum())
    if "suppressed_until" in findings.columns:
        yield "suppressed", int(findings["suppressed_until"].fillna("").ne("").sum())
    if result.changes is not None:
        for change, count in result.changes["change"].value_counts().sort_index().items():
            yield f"since baseline: {change}", int(count)


def _run_pairs(result: ScreenResult) -> Iterator[Note]:
    yield "tool version", result.tool_version
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
    for stage, seconds in result.stage_seconds.items():
        yield f"stage: {stage} (s)", round(seconds, 3)


def _pair(ws: WriteOnlyWorksheet, key: str, value: Any) -> list[SheetCell]:
    return [make_cell(ws, key), make_cell(ws, value, WRAPPED if isinstance(value, str) else PLAIN)]


def _rule_chart(ws: WriteOnlyWorksheet, header_row: int, last_row: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Findings by rule"
    chart.y_axis.title = "findings"
    chart.legend = None
    data = Reference(ws, min_col=4, min_row=header_row, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    chart.height = max(7.5, 0.6 * (last_row - header_row) + 3)
    chart.width = 18
    return chart


def _rule_ids(frame: pd.DataFrame) -> pd.Series:
    if "rule_id" not in frame.columns:
        return pd.Series(dtype=object)
    return frame["rule_id"].astype(str)
