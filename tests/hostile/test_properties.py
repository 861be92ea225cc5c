"""Property-based tests: for generated CSV input, nothing is lost, ids survive, runs repeat.

Cells are drawn from text that breaks naive CSV handling: quotes, every delimiter, line breaks,
NUL, Cyrillic and Korean, and formula-looking text.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.pipeline import ScreenRequest, screen
from screening.reading import read_records
from screening.reading.splitting import BLANK, _split_exact, _split_fast, detect_delimiter
from screening.report.workbook import write_report
from screening.resources import rules_dir, seeds_dir

TRICKY = [
    '"',
    ",",
    ";",
    "\t",
    "\n",
    "\r\n",
    "\x00",
    " ",
    "Ким",
    "조선",
    "=SUM(A1)",
    "+7",
    "-1",
    "@x",
]
CELL = st.one_of(
    st.sampled_from(TRICKY),
    st.lists(
        st.one_of(st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=["Cs"]))),
        max_size=4,
    ).map("".join),
)
ID = st.from_regex(r"[A-Z]{1,2}-?[0-9]{1,5}", fullmatch=True)
HEADER = ["record_id", "full_name", "nationality", "permit_issued", "monthly_income", "notes"]
VALUES = {
    "nationality": st.sampled_from(["KP", "КНДР", "Korea", "RU", "Republic of Korea", "", "=1+1"]),
    "permit_issued": st.sampled_from(["2023-03-14", "31/02/2020", "03/04/2020", "soon", ""]),
    "monthly_income": st.sampled_from(["95 000", "$1,200.50", "lots", "", "1e400"]),
}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def tables(draw: st.DrawFn) -> list[list[str]]:
    """Rows of the worker header: unique ids, some cells hostile, some rows ragged."""
    ids = draw(st.lists(ID, min_size=0, max_size=8, unique=True))
    rows = []
    for record_id in ids:
        row = [record_id, draw(CELL) or "x"]
        row += [draw(VALUES.get(name, CELL)) for name in HEADER[2:]]
        if draw(st.integers(0, 9)) == 0:  # ragged: a field short or one too many
            row = row[:-1] if draw(st.booleans()) else [*row, "extra"]
        rows.append(row)
    return rows


def _csv(rows: list[list[str]], delimiter: str, terminator: str) -> str:
    """RFC 4180 text. (csv.writer leaves a lone CR unquoted when the terminator is LF, and every
    reader, ours included, takes that CR for a line end.)"""
    return "".join(
        delimiter.join(_field(cell, delimiter) for cell in row) + terminator
        for row in [HEADER, *rows]
    )


def _field(cell: str, delimiter: str) -> str:
    if any(special in cell for special in (delimiter, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _file(folder: Path, text: str, name: str = "workers.csv", bom: bool = False) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8-sig" if bom else "utf-8"))
    return path


@FAST
@given(
    tables(),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_reader_accounts_for_every_row_and_keeps_ids(
    rows: list[list[str]], delimiter: str, terminator: str, bom: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        table = read_records(_file(Path(folder), _csv(rows, delimiter, terminator), bom=bom))
    assert table.delimiter == delimiter
    assert len(table.frame) + len(table.rejected) == table.rows == len(rows)
    whole = [row for row in rows if len(row) == len(HEADER) and row[1].strip(BLANK)]
    assert list(table.frame["record_id"]) == [row[0] for row in whole]
    assert list(table.frame["full_name"]) == [row[1].strip(BLANK) for row in whole]
    assert table.frame["_line"].is_monotonic_increasing


@FAST
@given(tables(), st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_fast_and_exact_splitters_agree(
    rows: list[list[str]], delimiter: str, terminator: str
) -> None:
    text = _csv(rows, delimiter, terminator)
    assert detect_delimiter(text) == delimiter
    fast, exact = _split_fast(text.encode(), delimiter), _split_exact(text, delimiter)
    assert exact is not None
    if fast is None:  # a row spans lines: only the exact splitter answers
        return
    assert fast.header == exact.header and fast.header_line == exact.header_line
    assert fast.frame.equals(exact.frame)
    assert list(fast.lines) == list(exact.lines)
    assert list(fast.ends) == list(exact.ends)
    assert [row[:3] for row in fast.rejected] == [row[:3] for row in exact.rejected]


@SLOW
@given(tables())
def test_screen_is_complete_repeatable_and_the_workbook_opens(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _file(Path(folder), _csv(rows, ",", "\n"))
        request = ScreenRequest(
            files=[path],
            as_of=dt.date(2026, 11, 23),
            rules_dir=rules_dir(),
            seeds_dir=seeds_dir(),
        )
        first, second = screen(request), screen(request)
        assert first.input_rows == len(rows) == first.screened_rows + first.rejected_rows
        screened = [row[0] for row in rows if len(row) == len(HEADER) and row[1].strip(BLANK)]
        assert sorted(first.records["record_id"]) == sorted(screened)
        columns = ["finding_id", "record_id", "rule_id", "explanation", "evidence"]
        assert first.findings[columns].equals(second.findings[columns])
        out = write_report(first, Path(folder) / "report.xlsx")
        workbook = openpyxl.load_workbook(out)
        assert workbook["Records"].max_row == len(screened) + 1
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f" or sheet.title == "Summary"
        workbook.close()
