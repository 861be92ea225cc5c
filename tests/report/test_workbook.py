"""The report workbook, written from a hand-built ScreenResult and reopened with openpyxl."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from screening.assemble import sort_findings
from screening.errors import ScreeningError
from screening.report import companion
from screening.report.cells import EXCEL_CELL_LIMIT
from screening.report.workbook import SHEET_NAMES, write_report
from screening.report.xlsx import column_letter
from screening.results import ScreenResult
from screening.rows import FINDING_COLUMNS

INJECTIONS = ("=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx")

# The columns the issues promise, in order (a public interface); later columns may follow.
HEADERS = {
    "Findings": [
        "record_id", "name", "rule_id", "severity", "explanation", "decision", "reviewer",
        "comment", "decided_on", "review_note", "suppressed_until", "evidence", "rule_title",
        "legal_basis", "sources", "record_type", "finding_id", "file", "line",
    ],
    "Records": [
        "record_id", "record_type", "file", "line", "name", "status", "findings", "details",
    ],
    "Rejected": ["file", "line", "reason", "raw"],
    "Data issues": ["record_id", "field", "value", "problem", "record_type", "file", "line"],
    "Rules": [
        "rule_id", "title", "severity", "applies_to", "description", "legal_basis", "provision",
        "conditions", "exceptions", "file", "sha256",
    ],
    "Sources": [
        "rule_id", "publisher", "title", "date", "quote", "url", "notes", "source_id", "file",
    ],
    "Run": ["key", "value"],
}  # fmt: skip

# Which injection strings each sheet carries; a carriage return is written as "&#13;", so it
# survives XML's line-end normalisation and reads back as itself.
INJECTED = {
    "Summary": ["+1"],
    "Findings": [*INJECTIONS, '=HYPERLINK("http://x")'],
    "Records": ["+1", INJECTIONS[0], "@SUM(A1)"],
    "Rejected": [INJECTIONS[0]],
    "Data issues": ["-2+3"],
    "Rules": ["+1"],
    "Sources": ["@SUM(A1)", "\tx"],
    "Run": ["-list.xml"],
}


@pytest.fixture
def book(result: ScreenResult, tmp_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_report(result, tmp_path / "report.xlsx"))


def rows(ws: Worksheet) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def column(ws: Worksheet, name: str) -> list[object]:
    header = [cell.value for cell in ws[1]]
    return [row[header.index(name)] for row in rows(ws)[1:]]


def test_sheets_and_header_columns_are_exact(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == list(SHEET_NAMES)
    for name, header in HEADERS.items():
        written = [cell.value for cell in book[name][1]]
        assert written[: len(header)] == header, name


@pytest.mark.parametrize("sheet", list(INJECTED))
def test_formula_like_text_is_plain_quoted_text(book: openpyxl.Workbook, sheet: str) -> None:
    cells = [cell for row in book[sheet].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    by_value = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    for text in INJECTED[sheet]:
        assert text in by_value, f"{text!r} missing on {sheet}"
        assert by_value[text].data_type == "s"
        if text[0] in "=+-@\t":
            assert by_value[text].quotePrefix, f"{text!r} on {sheet} lacks quotePrefix"


def test_text_over_the_cell_limit_is_truncated_with_a_marker(book: openpyxl.Workbook) -> None:
    explanation = column(book["Findings"], "explanation")[0]
    assert isinstance(explanation, str)
    assert len(explanation) <= EXCEL_CELL_LIMIT
    assert explanation.startswith("xxxx")
    cut = 40_000 - explanation.index("…")
    assert explanation.endswith(f"… [truncated: {cut} characters]")


def test_illegal_xml_characters_are_replaced_visibly(book: openpyxl.Workbook) -> None:
    assert "Acme\u2400Ltd" in column(book["Records"], "name")


def test_findings_sorted_by_severity_rule_record(result: ScreenResult, tmp_path: Path) -> None:
    result.findings = sort_findings(result.findings)
    book = openpyxl.load_workbook(write_report(result, tmp_path / "sorted.xlsx"))
    assert column(book["Findings"], "finding_id") == ["F1", "F2", "F3"]


def test_decision_dropdown_and_default(book: openpyxl.Workbook) -> None:
    ws = book["Findings"]
    assert column(ws, "decision") == ["confirmed", "open", "open"]
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"open,confirmed,false positive,escalated"'
    letter = column_letter(FINDING_COLUMNS.index("decision") + 1)
    assert str(validation.sqref) == f"{letter}2:{letter}1048576"


def test_rule_and_source_cells_link_to_their_rows(book: openpyxl.Workbook) -> None:
    findings = list(book["Findings"].iter_rows(min_row=2))
    rule, source = (FINDING_COLUMNS.index(name) for name in ("rule_id", "sources"))
    rule_links = [row[rule].hyperlink.location for row in findings]
    source_links = [row[source].hyperlink.location for row in findings]
    assert rule_links == ["'Rules'!A2", "'Rules'!A3", "'Rules'!A3"]
    # Each rule's first source row: R-2375-OP17 has two sources (rows 2 and 3).
    assert source_links == ["'Sources'!A2", "'Sources'!A4", "'Sources'!A4"]
    for row, rule_link, source_link in zip(findings, rule_links, source_links, strict=True):
        assert book["Rules"].cell(int(rule_link.split("!A")[1]), 1).value == row[rule].value
        assert book["Sources"].cell(int(source_link.split("!A")[1]), 1).value == row[rule].value


def test_severity_cells_are_coloured(book: openpyxl.Workbook) -> None:
    severity = FINDING_COLUMNS.index("severity")
    colours = [row[severity].fill.fgColor.rgb[-6:] for row in book["Findings"].iter_rows(min_row=2)]
    assert colours == ["F4CCCC", "FFE599", "DDE3EC"]


@pytest.mark.parametrize("sheet", list(HEADERS))
def test_table_sheets_have_frozen_header_and_autofilter(
    book: openpyxl.Workbook, sheet: str
) -> None:
    ws = book[sheet]
    assert ws.freeze_panes == ("D2" if sheet == "Findings" else "A2")
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    assert all(cell.font.bold for cell in ws[1])


def test_dates_are_dates_with_iso_format(book: openpyxl.Workbook) -> None:
    cell = book["Sources"]["D2"]
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd"


def test_summary_has_counts_and_chart(book: openpyxl.Workbook) -> None:
    ws = book["Summary"]
    pairs = {row[0]: row[1] for row in rows(ws) if row and row[0]}
    assert pairs["input rows"] == 4
    assert pairs["findings"] == 3
    assert pairs["findings: violation"] == 1
    assert len(ws._charts) == 1


def test_run_sheet_shows_the_row_sum(book: openpyxl.Workbook) -> None:
    pairs = {row[0]: row[1] for row in rows(book["Run"])[1:]}
    assert pairs["input rows = screened + rejected"] == "4 = 3 + 1"
    assert pairs["stage: read (s)"] == 0.5


def test_overflow_goes_to_a_companion_csv(result: ScreenResult, tmp_path: Path) -> None:
    out = write_report(result, tmp_path / "big.xlsx", max_sheet_rows=2)
    book = openpyxl.load_workbook(out)
    assert column(book["Findings"], "finding_id") == ["F1", "F2"]
    companion = tmp_path / "big.findings.csv"
    with companion.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [row["finding_id"] for row in written] == ["F1", "F2", "F3"]
    assert written[2]["name"] == "'" + INJECTIONS[0]
    summary = " ".join(str(v) for row in rows(book["Summary"]) for v in row if v)
    assert "big.findings.csv" in summary
    # Three records do not fit two rows either: the Records sheet is summarised instead.
    assert [cell.value for cell in book["Records"][1]][:4] == [
        "file",
        "record_type",
        "status",
        "records",
    ]
    assert "counts them by file" in summary


def test_a_companion_csv_written_in_batches_is_one_table(
    result: ScreenResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of two rows: the header once, then every row in order, as one batch writes it."""
    whole = write_report(result, tmp_path / "whole.xlsx", max_sheet_rows=1)
    monkeypatch.setattr(companion, "CSV_BATCH_ROWS", 2)
    batched = write_report(result, tmp_path / "batched.xlsx", max_sheet_rows=1)
    one, other = (path.with_name(f"{path.stem}.findings.csv") for path in (whole, batched))
    assert other.read_bytes() == one.read_bytes()
    assert other.read_bytes().count(b"finding_id") == 1


def test_records_summary_on_request(result: ScreenResult, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_report(result, tmp_path / "r.xlsx", records="summary"))
    assert rows(book["Records"])[1:] == [
        ["companies.csv", "company", "finding", 1, 1],
        ["workers.csv", "worker", "finding", 2, 2],
    ]


class Boom:
    def __str__(self) -> str:
        raise RuntimeError("disk on fire")


def test_failure_leaves_no_report_and_no_temp_file(
    make_result: Callable[..., ScreenResult], tmp_path: Path
) -> None:
    result = make_result()
    result.records = result.records.assign(details=pd.Series([Boom(), None, None], dtype=object))
    out = tmp_path / "report.xlsx"
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_report(result, out)
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_the_previous_report(
    make_result: Callable[..., ScreenResult], tmp_path: Path
) -> None:
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"previous")
    result = make_result(findings=pd.DataFrame({"finding_id": ["F1"], "name": [Boom()]}))
    with pytest.raises(RuntimeError):
        write_report(result, out)
    assert out.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [out]


def test_out_that_is_a_directory_is_refused(result: ScreenResult, tmp_path: Path) -> None:
    with pytest.raises(ScreeningError, match="directory"):
        write_report(result, tmp_path)


def test_out_in_a_missing_folder_is_refused(result: ScreenResult, tmp_path: Path) -> None:
    with pytest.raises(ScreeningError, match="does not exist"):
        write_report(result, tmp_path / "missing" / "report.xlsx")


def test_an_empty_screen_still_writes_every_sheet(
    make_result: Callable[..., ScreenResult], tmp_path: Path
) -> None:
    result = make_result(findings=pd.DataFrame())
    for table in ("records", "rejected", "data_issues", "rules", "sources"):
        setattr(result, table, pd.DataFrame())
    book = openpyxl.load_workbook(write_report(result, tmp_path / "empty.xlsx"))
    assert book.sheetnames == list(SHEET_NAMES)
    for name, header in HEADERS.items():
        written = [cell.value for cell in book[name][1]]
        assert written[: len(header)] == header, name
    assert book["Findings"].max_row == 1
