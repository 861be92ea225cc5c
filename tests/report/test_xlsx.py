"""The project's own workbook writer: a valid zip (Zip64 past its limits), a fixed style table
that openpyxl reads as the looks were meant, one cell policy whether a cell is rendered alone or
with its column, a chart on the Summary's counts, and the same bytes for the same screen."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from isal import isal_zlib

from screening.report.archive import ZipWriter
from screening.report.cells import EXCEL_CELL_LIMIT
from screening.report.sheetdata import SharedStrings, SheetBody, row_xml
from screening.report.styles import (
    FILLS,
    PLAIN,
    WRAPPED,
    CellLook,
    CellStyle,
    NumberFormat,
    styles_xml,
)
from screening.report.workbook import write_report
from screening.report.xlsx import column_letter
from screening.results import ScreenResult

GIB = 1 << 30


def test_parts_past_four_gibibytes_are_recorded_as_zip64(tmp_path: Path) -> None:
    zeros = memoryview(bytes(64 << 20))
    pieces = 66  # 4.125 GiB
    path = tmp_path / "big.zip"
    with ZipWriter(path) as archive:
        archive.write("before.txt", b"before")
        archive.write_stream("big.bin", (zeros for _ in range(pieces)))
        archive.write("after.txt", b"after")
    crc = 0
    for _ in range(pieces):
        crc = isal_zlib.crc32(zeros, crc)
    with zipfile.ZipFile(path) as read:
        big = read.getinfo("big.bin")
        assert big.file_size == pieces * len(zeros) > 4 * GIB
        assert crc == big.CRC
        assert read.read("before.txt") == b"before"
        assert read.read("after.txt") == b"after"


def test_more_parts_than_the_classic_directory_counts(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with ZipWriter(path) as archive:
        for number in range(70_000):
            archive.write(f"p{number}", str(number).encode())
    with zipfile.ZipFile(path) as read:
        assert len(read.infolist()) == 70_000
        assert read.read("p69999") == b"69999"
        assert read.testzip() is None


def test_an_archive_left_by_an_error_is_closed_and_not_completed(tmp_path: Path) -> None:
    path = tmp_path / "failed.zip"
    with pytest.raises(RuntimeError), ZipWriter(path) as archive:
        archive.write("one.txt", b"1")
        raise RuntimeError("stop")
    assert not zipfile.is_zipfile(path)


def test_every_look_has_its_own_style_record_as_openpyxl_reads_it(tmp_path: Path) -> None:
    looks = [
        CellLook(CellStyle(bold, wrap, fill), quoted, number_format, link)
        for bold in (False, True)
        for wrap in (False, True)
        for fill in FILLS
        for quoted in (False, True)
        for number_format in NumberFormat
        for link in (False, True)
    ]
    # A bold link looks like a link: the only looks that share a record.
    distinct = {look.index for look in looks if not (look.link and look.style.bold)}
    assert len(distinct) == len(looks) * 3 // 4
    records = re.findall(rb"<xf [^>]*>", styles_xml().split(b"<cellXfs")[1])
    assert max(look.index for look in looks) == len(records) - 1

    sheet = '<row r="1">' + "".join(
        f'<c r="{column_letter(n + 1)}1" s="{look.index}"><v>1</v></c>'
        for n, look in enumerate(looks)
    )
    path = _package(tmp_path, sheet.encode() + b"</row>")
    cells = next(openpyxl.load_workbook(path)["S"].iter_rows())
    for look, cell in zip(looks, cells, strict=True):
        assert cell.alignment.vertical == "top"
        assert cell.alignment.wrap_text is (True if look.style.wrap else None)
        assert cell.quotePrefix is look.quote_prefix
        assert cell.font.name == "Calibri" and cell.font.sz == 11
        assert cell.font.b is (look.style.bold and not look.link)
        assert (cell.font.u == "single") is look.link
        fill = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
        assert fill == (f"FF{look.style.fill}" if look.style.fill else None)
        assert (
            cell.number_format
            == {
                NumberFormat.GENERAL: "General",
                NumberFormat.DATE: "yyyy-mm-dd",
                NumberFormat.DATETIME: "yyyy-mm-dd hh:mm:ss",
            }[look.number_format]
        )


def _package(tmp_path: Path, rows: bytes) -> Path:
    """A one-sheet workbook (sheet "S") with the given rows, written by the writer itself."""
    from screening.report.xlsx import Sheet, XlsxWriter

    path = tmp_path / "one.xlsx"
    with ZipWriter(path) as archive:
        book = XlsxWriter(archive, creator="screening test")
        book.add_sheet(Sheet("S"), [rows])
        book.close(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    return path


TRICKY = [
    "plain",
    "=cmd|' /C calc'!A0",
    "+1",
    "-2",
    "@SUM(A1)",
    "\tindented",
    "\rreturn",
    "#N/A",
    "#DIV/0!",
    "#n/a",
    " spaced ",
    "two\nlines",
    'Kim & <Sons> "quoted"',
    "bell\x07 and \x1b escape",
    "\ufffe\uffff",
    "_x0041_",
    "x" * (EXCEL_CELL_LIMIT + 10),
    "조선 КНДР 朝鲜",
    "",
    None,
    7,
    -3,
    2.5,
    float("inf"),
    float("nan"),
    True,
    dt.date(2019, 12, 22),
    dt.datetime(2017, 9, 11, 8, 30, 15),
    dt.date(1900, 1, 15),
    pd.Timestamp("2018-01-09 10:00", tz="Asia/Pyongyang"),
]


def _cells(row: bytes) -> dict[str, str]:
    """A row's cells by column letter, as XML."""
    return {
        match[1]: match[0]
        for match in re.finditer(r'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>.*?</c>)', row.decode())
    }


@pytest.mark.parametrize("style", [PLAIN, WRAPPED, CellStyle(fill=FILLS[1])], ids=str)
def test_a_cell_rendered_alone_is_the_cell_rendered_with_its_column(style: CellStyle) -> None:
    """The Summary's cells and the headers are rendered one at a time, the tables' a column at a
    time: the same value must become the same cell either way, whatever its column holds."""
    frame = pd.DataFrame({"A": pd.Series(TRICKY, dtype=object)})
    body = SheetBody(frame, [style])
    body.prepare(_NoStrings())
    table = _cells_by_row(bytes(body.render_chunk(0)))
    for number, value in enumerate(TRICKY, start=2):
        alone = _cells(row_xml(number, [(value, style)]))
        assert table.get(number, {}) == alone, value


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(), st.integers(-(2**53), 2**53), st.none()), min_size=1))
def test_any_text_or_number_renders_the_same_alone_and_by_column(values: list[object]) -> None:
    frame = pd.DataFrame({"A": pd.Series(values, dtype=object)})
    body = SheetBody(frame, [PLAIN])
    body.prepare(_NoStrings())
    table = _cells_by_row(bytes(body.render_chunk(0)))
    for number, value in enumerate(values, start=2):
        assert table.get(number, {}) == _cells(row_xml(number, [(value, PLAIN)]))


class _NoStrings(SharedStrings):
    """A shared-string table no column is short enough to use (every column here is too short)."""

    def indices(self, texts: object) -> NoReturn:
        raise AssertionError("a short column was shared")


def _cells_by_row(rows: bytes) -> dict[int, dict[str, str]]:
    found = {}
    for match in re.finditer(rb'<row r="(\d+)">(.*?)</row>', rows, flags=re.DOTALL):
        found[int(match[1])] = _cells(match[0])
    return {number: cells for number, cells in found.items() if cells}


def test_the_summary_chart_plots_the_findings_by_rule_rows(
    result: ScreenResult, tmp_path: Path
) -> None:
    path = write_report(result, tmp_path / "report.xlsx")
    rows = list(openpyxl.load_workbook(path)["Summary"].iter_rows(values_only=True))
    header = next(
        n
        for n, row in enumerate(rows, start=1)
        if row[:4] == ("rule_id", "title", "severity", "findings")
    )
    last = header
    while last < len(rows) and rows[last][0] is not None:
        last += 1
    with zipfile.ZipFile(path) as package:
        chart = package.read("xl/charts/chart1.xml").decode()
        sheet_rels = package.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        types = package.read("[Content_Types].xml").decode()
    assert f"'Summary'!$A${header + 1}:$A${last}" in chart
    assert f"'Summary'!$D${header + 1}:$D${last}" in chart
    assert "drawing1.xml" in sheet_rels and "/xl/charts/chart1.xml" in types


def test_the_same_screen_is_the_same_file(
    make_result: Callable[..., ScreenResult], tmp_path: Path
) -> None:
    result = make_result()
    first = write_report(result, tmp_path / "first.xlsx").read_bytes()
    second = write_report(result, tmp_path / "second.xlsx").read_bytes()
    assert first == second


def test_table_sheets_print_landscape_to_width_with_the_header_on_every_page(
    result: ScreenResult, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(write_report(result, tmp_path / "report.xlsx"))
    findings = book["Findings"]
    assert findings.page_setup.orientation == "landscape"
    assert findings.page_setup.fitToWidth == 1 and findings.page_setup.fitToHeight == 0
    assert findings.sheet_properties.pageSetUpPr.fitToPage
    assert findings.print_title_rows == "$1:$1"
    assert findings.freeze_panes == "D2"
    assert findings.auto_filter.ref == f"A1:W{len(result.findings) + 1}"
    assert book.properties.creator.startswith("screening ")
    assert book["Findings"]["A1"].font.b and book["Summary"]["A1"].font.b


def test_the_report_gets_a_new_files_usual_mode(result: ScreenResult, tmp_path: Path) -> None:
    """The report is written to a private temporary file, then renamed: it must not stay
    readable by its owner only, as the temporary file was."""
    before = os.umask(0o027)
    try:
        path = write_report(result, tmp_path / "report.xlsx")
    finally:
        os.umask(before)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
