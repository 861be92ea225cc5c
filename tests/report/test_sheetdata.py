"""Table rows rendered as XML a column at a time: what openpyxl reads back must be what the cell
would have held had openpyxl written it (cleaned text, plain quoted text, numbers, dates)."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.report import sheetdata
from screening.report.cells import clean_text, needs_text_guard
from screening.report.workbook import write_report
from screening.report.xlsx import column_letter
from screening.results import ScreenResult
from screening.review.workbook import read_findings_sheet
from screening.rows import FINDING_COLUMNS

EXPLANATION = FINDING_COLUMNS.index("explanation") + 1
COMMENT = FINDING_COLUMNS.index("comment") + 1
EXPLANATION_CELL = rf'<c r="{column_letter(EXPLANATION)}\d+"'


def findings(count: int, explanation: Callable[[int], object] = str) -> pd.DataFrame:
    """`count` findings of two rules, one row each, explanation made from the row number."""
    return pd.DataFrame(
        {
            "finding_id": [f"F{n:05d}" for n in range(count)],
            "record_id": [f"W{n}" for n in range(count)],
            "record_type": "worker",
            "rule_id": ["R-2375-OP17" if n % 2 else "R-2397-OP8" for n in range(count)],
            "severity": "violation",
            "explanation": [explanation(n) for n in range(count)],
            "sources": "S-2375",
            "decision": "open",
            "file": "workers.csv",
            "line": range(2, count + 2),
        }
    )


def reopened(result: ScreenResult, path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_report(result, path))


def column(book: openpyxl.Workbook, sheet: str, name: str) -> list[object]:
    rows = list(book[sheet].iter_rows(values_only=True))
    at = rows[0].index(name)
    return [row[at] for row in rows[1:]]


def test_rows_of_several_chunks_stay_in_order_with_their_numbers(
    make_result: Callable[..., ScreenResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheetdata, "CHUNK_ROWS", 3)
    book = reopened(make_result(findings(10)), tmp_path / "chunks.xlsx")
    ws = book["Findings"]
    assert [row[0].row for row in ws.iter_rows(min_row=2)] == list(range(2, 12))
    assert column(book, "Findings", "finding_id") == [f"F{n:05d}" for n in range(10)]
    assert column(book, "Findings", "line") == list(range(2, 12))


def test_links_stop_at_excels_limit_and_the_summary_says_so(
    make_result: Callable[..., ScreenResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheetdata, "HYPERLINK_LIMIT", 5)
    book = reopened(make_result(findings(6)), tmp_path / "links.xlsx")
    linked = [
        (cell.coordinate, cell.hyperlink.location)
        for row in book["Findings"].iter_rows(min_row=2)
        for cell in row
        if cell.hyperlink is not None
    ]
    # Row by row, rule_id (E) then sources (K), until five links are given.
    assert [coordinate for coordinate, _ in linked] == ["C2", "O2", "C3", "O3", "C4"]
    assert linked[0][1] == "'Rules'!A3"
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert "first 2 findings" in str(summary["Findings: links"])


def test_numbers_dates_and_booleans_keep_their_types(
    make_result: Callable[..., ScreenResult], tmp_path: Path
) -> None:
    values = [7, 2.5, dt.date(2024, 2, 29), dt.datetime(2024, 3, 1, 12, 30), True, math.inf, ""]
    frame = findings(len(values)).assign(
        comment=pd.Series(values, dtype=object), decided_on=pd.Series(values, dtype=object)
    )
    book = reopened(make_result(frame), tmp_path / "types.xlsx")
    read = column(book, "Findings", "comment")
    assert read == [7, 2.5, dt.datetime(2024, 2, 29), dt.datetime(2024, 3, 1, 12, 30), True,
                    "inf", None]  # fmt: skip
    cells = next(book["Findings"].iter_cols(min_row=2, min_col=COMMENT, max_col=COMMENT))
    assert cells[2].number_format == "yyyy-mm-dd"
    assert cells[3].number_format == "yyyy-mm-dd hh:mm:ss"


def test_repeated_values_are_written_like_any_other(
    make_result: Callable[..., ScreenResult], tmp_path: Path
) -> None:
    # A long column of few distinct values is rendered once per value: same cells as otherwise.
    repeated = ["=cmd|' /C calc'!A0", "a\x01b & <c>", " spaced ", "", "plain"]
    frame = findings(2_500, lambda n: repeated[n % len(repeated)])
    book = reopened(make_result(frame), tmp_path / "repeated.xlsx")
    cells = next(book["Findings"].iter_cols(min_row=2, min_col=EXPLANATION, max_col=EXPLANATION))
    assert [cell.value for cell in cells[:5]] == [
        repeated[0],
        "a␁b & <c>",
        " spaced ",
        None,
        "plain",
    ]
    assert [cell.value for cell in cells] == [cell.value for cell in cells[:5]] * 500
    assert cells[0].quotePrefix and cells[500].quotePrefix and not cells[4].quotePrefix


# Any text: XML's special characters, controls, formula starts, Excel error codes, long runs.
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.sampled_from(
        [
            "#N/A",
            "=1+1",
            "-",
            " lead",
            "trail ",
            "a\r\nb",
            "]]>",
            "&amp;",
            "\x00",
            "a\ufffeb",
            "\uffff",
            " ",
            "\n",
            "a  b\tc",
            "_x0041_",
            "a_x005F_b",
            "x005F_",
        ]
    ),
    st.builds(lambda c, n: c * n, st.sampled_from("x\x01<"), st.integers(32_760, 32_800)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(TEXT, min_size=1, max_size=8))
def test_any_text_reads_back_as_the_cleaned_text_never_a_formula(
    make_result: Callable[..., ScreenResult], tmp_path: Path, texts: list[str]
) -> None:
    frame = findings(len(texts), lambda n: texts[n])
    book = reopened(make_result(frame), tmp_path / "text.xlsx")
    _assert_read_back_cleaned(book, texts)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(TEXT, min_size=1, max_size=8))
def test_any_repeated_text_reads_back_as_the_cleaned_text_never_a_formula(
    make_result: Callable[..., ScreenResult], tmp_path: Path, texts: list[str]
) -> None:
    # Enough rows of few values that the column goes into the shared-string table.
    rows = 1_040
    frame = findings(rows, lambda n: texts[n % len(texts)])
    book = reopened(make_result(frame), tmp_path / "repeated-text.xlsx")
    _assert_read_back_cleaned(book, [texts[n % len(texts)] for n in range(rows)])


def _assert_read_back_cleaned(book: openpyxl.Workbook, texts: list[str]) -> None:
    """The explanation cells hold `clean_text` of each text: never a formula, quoted where
    Excel would take it for one."""
    cells = next(book["Findings"].iter_cols(min_row=2, min_col=EXPLANATION, max_col=EXPLANATION))
    for text, cell in zip(texts, cells, strict=True):
        expected = clean_text(text)
        assert cell.value == (expected or None)
        assert cell.data_type != "f"
        assert cell.quotePrefix == bool(expected and needs_text_guard(expected))


@pytest.mark.parametrize("alike", [1_200, 4_000])
def test_text_alike_only_in_its_first_rows_is_not_shared(
    make_result: Callable[..., ScreenResult], tmp_path: Path, alike: int
) -> None:
    """Findings sorted by rule: the first rows' explanations read alike, the rest each differ
    (a screen of millions: a million texts in the shared strings took 22 s and 2 GB)."""
    rows = 5_000
    frame = findings(rows, lambda n: "same text" if n < alike else f"text {n}")
    path = write_report(make_result(frame), tmp_path / "alike.xlsx")
    with zipfile.ZipFile(path) as package:
        table = package.read("xl/sharedStrings.xml").decode()
    assert "text 4999" not in table and table.count("<si>") < 100
    expected = ["same text" if n < alike else f"text {n}" for n in range(rows)]
    assert column(openpyxl.load_workbook(path, read_only=True), "Findings", "explanation") == (
        expected
    )


@pytest.mark.parametrize("rows", [300, 3_000])
def test_text_held_as_categories_is_written_as_its_text(
    make_result: Callable[..., ScreenResult], tmp_path: Path, rows: int
) -> None:
    """A screen's rule texts come as categories (`findings.RULE_TEXT_COLUMNS`): the Findings
    sheet and the shared strings are byte for byte those of the same text held plainly, inline
    (few rows) or shared, with the same row heights, links and formula guard."""
    texts = ["passage " * 40 + "\nend", "=cmd|' /C calc'!A0", "Kim & <Sons>", None, "_x0041_"]
    frame = findings(rows).assign(
        sources=pd.Series([texts[n % len(texts)] for n in range(rows)], dtype=object),
        rule_title=pd.Series([texts[n % 3] for n in range(rows)], dtype=object),
    )
    plain = frame.astype({"sources": "str", "rule_title": "str"})
    held = frame.astype({"sources": "category", "rule_title": "category"})
    assert list(held["sources"].cat.categories) != [t for t in texts if t]  # not first-seen order
    parts = ("xl/worksheets/sheet2.xml", "xl/sharedStrings.xml")
    written = []
    for name, table in (("plain", plain), ("held", held)):
        with zipfile.ZipFile(write_report(make_result(table), tmp_path / f"{name}.xlsx")) as book:
            written.append([book.read(part) for part in parts])
    assert written[0] == written[1]
    assert (b' t="s">' in written[0][0]) == (rows > 1_000)
    assert b'ht="' in written[0][0]  # the long passage makes its rows taller


def test_repeated_text_is_shared_and_reads_back_in_openpyxl_pandas_and_review(
    make_result: Callable[..., ScreenResult], tmp_path: Path
) -> None:
    repeated = ["=cmd|' /C calc'!A0", " spaced ", "two\nlines", "Kim & <Sons>", "_x0041_"]
    frame = findings(2_000, lambda n: repeated[n % len(repeated)])
    path = write_report(make_result(frame), tmp_path / "shared.xlsx")
    with zipfile.ZipFile(path) as package:
        table = package.read("xl/sharedStrings.xml").decode()
        types = package.read("[Content_Types].xml").decode()
        relations = package.read("xl/_rels/workbook.xml.rels").decode()
        sheet = package.read("xl/worksheets/sheet2.xml").decode()  # Findings
    assert "/xl/sharedStrings.xml" in types and 'Target="/xl/sharedStrings.xml"' in relations
    # Each repeated text once in the table; escape-like text stays inline, where it always was.
    assert table.count("<t>Kim &amp; &lt;Sons&gt;</t>") == 1
    assert table.count('<t xml:space="preserve"> spaced </t>') == 1
    assert "_x0041_" not in table and "<t>_x0041_</t>" in sheet
    assert len(re.findall(EXPLANATION_CELL + r' [^>]*t="s">', sheet)) == 1_600
    assert "xml:space" not in sheet  # no inline text here needs its whitespace kept

    expected = [repeated[n % len(repeated)] for n in range(2_000)]
    assert column(openpyxl.load_workbook(path), "Findings", "explanation") == expected
    assert column(openpyxl.load_workbook(path, read_only=True), "Findings", "explanation") == (
        expected
    )
    read = pd.read_excel(path, sheet_name="Findings", dtype=str, keep_default_na=False)
    assert read["explanation"].tolist() == expected
    assert read["rule_id"].tolist()[:2] == ["R-2397-OP8", "R-2375-OP17"]
    review = read_findings_sheet(path)
    assert review["explanation"].tolist() == expected


def test_whitespace_is_kept_where_a_reader_could_trim_it(
    make_result: Callable[..., ScreenResult], tmp_path: Path
) -> None:
    texts = [" lead", "trail ", "\n", " ", "in  side", "tab\tin", "line\nbreak", "plain"]
    path = write_report(make_result(findings(len(texts), lambda n: texts[n])), tmp_path / "ws.xlsx")
    with zipfile.ZipFile(path) as package:
        sheet = package.read("xl/worksheets/sheet2.xml").decode()
    kept = re.findall(EXPLANATION_CELL + r'[^>]*><is><t xml:space="preserve">([^<]*)</t>', sheet)
    assert kept == [" lead", "trail ", "\n", " "]
    assert column(openpyxl.load_workbook(path), "Findings", "explanation") == texts
