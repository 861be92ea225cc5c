"""`review import` and `--baseline` against faults: a store write that fails half-way, a store cut
off or without its last newline, reviewer cells of every kind, a dimension that lies, a finding
twice, a formula without its value, record ids the report had to clean, and zip bombs.

The bounds are asserted by running the CLI in a subprocess under RLIMIT_AS and RLIMIT_CPU: a bomb
or a sheet read to its stated dimension would need gigabytes or minutes.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner, Result

from screening.review.decisions import Decision, load_store
from screening.review.xlsx import MAX_PART_RATIO
from tests.conftest import AS_OF, run_cli, sheet_rows
from tests.hostile.budget import screening_within_budget

HEADER = "record_id,full_name,nationality,permit_number,permit_issued,employment_start\n"
WORKERS = HEADER + "".join(
    f"W{n},Kim Chol Jin,KP,WP-{n},2023-03-14,2023-03-20\n" for n in range(1, 48)
)
DAY = dt.date(2026, 11, 30)

# The budget of a subprocess import: a report of a hundred findings fits in it many times over.


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One screen of 47 workers (two findings each), copied by `report` for each test."""
    folder = tmp_path_factory.mktemp("screened")
    workers = folder / "workers.csv"
    workers.write_text(WORKERS, encoding="utf-8")
    report = folder / "report.xlsx"
    result = run_cli(CliRunner(), "run", workers, "--as-of", AS_OF, "--out", report)
    assert result.exit_code == 0, result.output
    return report


@pytest.fixture
def report(screened: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "report.xlsx"
    shutil.copy(screened, copy)
    shutil.copy(screened.with_name("workers.csv"), tmp_path / "workers.csv")
    return copy


def _review(report: Path, cells: dict[int, dict[str, object]], name: str = "reviewed.xlsx") -> Path:
    """Fill Findings cells (by sheet row and column name) as a reviewer would; save as `name`."""
    workbook = openpyxl.load_workbook(report)
    sheet = workbook["Findings"]
    header = [cell.value for cell in sheet[1]]
    for row, values in cells.items():
        for column, value in values.items():
            sheet.cell(row, header.index(column) + 1).value = value
    reviewed = report.with_name(name)
    workbook.save(reviewed)
    return reviewed


def _confirmed(
    rows: range | list[int], reviewer: str = "A. Analyst"
) -> dict[int, dict[str, object]]:
    return {row: {"decision": "confirmed", "reviewer": reviewer} for row in rows}


def _findings(report: Path) -> dict[int, dict[str, object]]:
    """The Findings rows by sheet row number."""
    return dict(enumerate(sheet_rows(report, "Findings"), start=2))


def _column(report: Path, name: str) -> str:
    workbook = openpyxl.load_workbook(report, read_only=True)
    header = [cell.value for cell in next(workbook["Findings"].iter_rows(max_row=1))]
    workbook.close()
    return str(get_column_letter(header.index(name) + 1))


def _sheet_part(report: Path, sheet: str) -> str:
    """The part of a sheet (screening and openpyxl both number them in workbook order)."""
    workbook = openpyxl.load_workbook(report, read_only=True)
    names = workbook.sheetnames
    workbook.close()
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def _rewrite(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    """Rewrite every part of a package through `change(name, data)`."""
    source = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info)))


def _with_dimension(ref: str, parts: set[str]) -> Callable[[str, bytes], bytes]:
    """A `_rewrite` change giving the named sheet parts a `<dimension>` of `ref`."""
    element = f'<dimension ref="{ref}"/>'.encode()

    def change(name: str, data: bytes) -> bytes:
        if name not in parts:
            return data
        if b"<dimension " in data:
            return re.sub(rb"<dimension [^>]*>", element, data, count=1)
        return re.sub(rb"(</sheetPr>|<sheetPr */>)", rb"\1" + element, data, count=1)

    return change


def _import(*args: str | Path) -> Result:
    result: Result = run_cli(CliRunner(), "review", "import", *args)
    return result


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# --- the decision store ----------------------------------------------------------------------


@pytest.fixture
def store_with_two(report: Path) -> Path:
    """The report's store after a first import of two decisions."""
    first = _review(report, _confirmed([2, 3]), "first.xlsx")
    assert _import(first).exit_code == 0
    store = report.with_name("decisions.jsonl")
    assert len(store.read_bytes().splitlines()) == 2
    return store


def _failing(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_write_that_fails_leaves_the_store_as_it_was(
    report: Path, store_with_two: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    before = store_with_two.read_bytes()
    second = _review(report, _confirmed(range(4, 40)), "second.xlsx")
    monkeypatch.setattr(os, step, _failing)
    result = _import(second)
    monkeypatch.undo()
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert "No space left on device" in line and "left unchanged" in line, line
    assert store_with_two.read_bytes() == before
    assert sorted(p.name for p in report.parent.iterdir() if p.name.startswith(".")) == []


def test_a_disk_full_half_way_through_the_write_leaves_the_store_as_it_was(
    report: Path, store_with_two: Path
) -> None:
    """A real short write: the process may write no file longer than the store and a few
    hundred bytes, so the new store stops part-way through its new lines."""
    before = store_with_two.read_bytes()
    second = _review(report, _confirmed(range(4, 40)), "second.xlsx")
    room = len(before) + 300

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))

    result = subprocess.run(
        [sys.executable, "-m", "screening", "review", "import", str(second)],
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert result.returncode == 2, result.stderr
    line = _one_line(result.stderr)
    assert "cannot write decision store (File too large)" in line and "left unchanged" in line
    assert store_with_two.read_bytes() == before
    assert [p.name for p in report.parent.iterdir() if p.name.startswith(".")] == []
    # and the next import, with room, adds all of them
    assert _import(second).exit_code == 0
    assert len(load_store(store_with_two)) == 38


def test_a_store_without_its_last_newline_gets_the_new_decisions_on_lines_of_their_own(
    report: Path, store_with_two: Path
) -> None:
    unterminated = store_with_two.read_bytes().rstrip(b"\n")
    store_with_two.write_bytes(unterminated)
    second = _review(report, _confirmed([4, 5, 6]), "second.xlsx")
    result = _import(second)
    assert result.exit_code == 0, result.output
    lines = store_with_two.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 6  # five lines, each ended
    assert b"\n".join(lines[:2]) == unterminated
    assert all(Decision.model_validate_json(line) for line in lines[:-1])
    assert len(load_store(store_with_two)) == 5


def test_a_cut_off_last_line_is_reported_with_its_number_and_how_to_repair_it(
    report: Path, store_with_two: Path
) -> None:
    complete = store_with_two.read_bytes()
    torn = complete + complete.splitlines()[0][:70]  # a third line, cut off by a crash
    store_with_two.write_bytes(torn)
    second = _review(report, _confirmed([4]), "second.xlsx")

    result = _import(second)
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert f"{store_with_two}:3: line 3 is cut off" in line, line
    assert "delete that line" in line
    assert store_with_two.read_bytes() == torn

    workers, out = report.with_name("workers.csv"), report.with_name("next.xlsx")
    rescreen = run_cli(CliRunner(), "run", workers, "--as-of", AS_OF, "--out", out)
    assert rescreen.exit_code == 2
    assert f"{store_with_two}:3: line 3 is cut off" in _one_line(rescreen.stderr)

    store_with_two.write_bytes(complete)  # the repair the message asks for
    assert _import(second).exit_code == 0
    assert len(load_store(store_with_two)) == 3


def test_a_line_glued_to_another_is_reported_not_read(report: Path, store_with_two: Path) -> None:
    first, second = store_with_two.read_bytes().splitlines()
    store_with_two.write_bytes(first + second + b"\n")
    result = _import(_review(report, _confirmed([4]), "second.xlsx"))
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert f"{store_with_two}:1: line 1 is not one decision in JSON" in line, line


# --- reviewer cells of every kind --------------------------------------------------------------

Expected = dict[int, tuple[str, str, str, dt.date | None]] | list[str]
"""Per sheet row, the stored (decision, reviewer, comment, decided_on; None: the import date), or
the problems the import must report (and nothing stored)."""

CASES: list[tuple[str, tuple[object, object, object], Expected]] = [
    ("decision", (None, None, None), {}),
    (
        "decision",
        ("confirmed", "false positive", " escalated "),
        {
            2: ("confirmed", "A", "", None),
            3: ("false positive", "A", "", None),
            4: ("escalated", "A", "", None),
        },
    ),
    (
        "decision",
        (DAY, DAY, DAY),
        [f"Findings row {n}: unknown decision '2026-11-30'" for n in (2, 3, 4)],
    ),
    ("decision", (DAY, "confirmed", None), ["Findings row 2: unknown decision '2026-11-30'"]),
    (
        "reviewer",
        (None, None, None),
        [f"Findings row {n}: decision 'confirmed' has no reviewer" for n in (2, 3, 4)],
    ),
    (
        "reviewer",
        ("B", "C. Reviewer", "D"),
        {
            2: ("confirmed", "B", "", None),
            3: ("confirmed", "C. Reviewer", "", None),
            4: ("confirmed", "D", "", None),
        },
    ),
    (
        "reviewer",
        (DAY, DAY, DAY),
        {n: ("confirmed", "2026-11-30", "", None) for n in (2, 3, 4)},
    ),
    (
        "reviewer",
        ("B", DAY, " C "),
        {
            2: ("confirmed", "B", "", None),
            3: ("confirmed", "2026-11-30", "", None),
            4: ("confirmed", "C", "", None),
        },
    ),
    ("reviewer", ("B", DAY, None), ["Findings row 4: decision 'confirmed' has no reviewer"]),
    ("comment", (None, None, None), {n: ("confirmed", "A", "", None) for n in (2, 3, 4)}),
    (
        "comment",
        ("seen", "two, words", "x"),
        {
            2: ("confirmed", "A", "seen", None),
            3: ("confirmed", "A", "two, words", None),
            4: ("confirmed", "A", "x", None),
        },
    ),
    ("comment", (DAY, DAY, DAY), {n: ("confirmed", "A", "2026-11-30", None) for n in (2, 3, 4)}),
    (
        "comment",
        ("seen", DAY, None),
        {
            2: ("confirmed", "A", "seen", None),
            3: ("confirmed", "A", "2026-11-30", None),
            4: ("confirmed", "A", "", None),
        },
    ),
    ("decided_on", (None, None, None), {n: ("confirmed", "A", "", None) for n in (2, 3, 4)}),
    (
        "decided_on",
        ("2026-11-30", "2026-11-29", " 2026-11-28 "),
        {
            2: ("confirmed", "A", "", DAY),
            3: ("confirmed", "A", "", dt.date(2026, 11, 29)),
            4: ("confirmed", "A", "", dt.date(2026, 11, 28)),
        },
    ),
    ("decided_on", (DAY, DAY, DAY), {n: ("confirmed", "A", "", DAY) for n in (2, 3, 4)}),
    # month two: a carried row keeps its date, a newly decided one is left blank
    (
        "decided_on",
        (DAY, None, DAY),
        {
            2: ("confirmed", "A", "", DAY),
            3: ("confirmed", "A", "", None),
            4: ("confirmed", "A", "", DAY),
        },
    ),
    (
        "decided_on",
        (dt.datetime(2026, 11, 30, 17, 45), None, "2026-11-28"),
        {
            2: ("confirmed", "A", "", DAY),
            3: ("confirmed", "A", "", None),
            4: ("confirmed", "A", "", dt.date(2026, 11, 28)),
        },
    ),
    # text dates in the forms the records take; a bare number is not a date
    (
        "decided_on",
        ("30.11.2026", "29/11/2026", "28-11-2026"),
        {
            2: ("confirmed", "A", "", DAY),
            3: ("confirmed", "A", "", dt.date(2026, 11, 29)),
            4: ("confirmed", "A", "", dt.date(2026, 11, 28)),
        },
    ),
    (
        "decided_on",
        ("30.11", 46000, "03/11/2026"),
        [
            "Findings row 2: decided_on '30.11' is not a date (dates are written YYYY-MM-DD, "
            "DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY or YYYY/MM/DD)",
            "Findings row 3: decided_on '46000' is not a date (dates are written YYYY-MM-DD, ",
            "Findings row 4: decided_on '03/11/2026' reads as one date day-first and another "
            "month-first: write it YYYY-MM-DD or DD.MM.YYYY",
        ],
    ),
]


@pytest.mark.parametrize(("column", "values", "expected"), CASES)
def test_each_reviewer_column_reads_blank_text_date_and_mixed_cells(
    report: Path, column: str, values: tuple[object, object, object], expected: Expected
) -> None:
    cells: dict[int, dict[str, object]] = {}
    for row, value in zip((2, 3, 4), values, strict=True):
        cells[row] = {"decision": "confirmed", "reviewer": "A", column: value}
    reviewed = _review(report, cells)
    result = _import(reviewed)
    store = report.with_name("decisions.jsonl")
    if isinstance(expected, list):
        assert result.exit_code == 2
        lines = result.stderr.removeprefix("screening: error: ").splitlines()
        problems = [line.removeprefix(f"{reviewed}: ") for line in lines]
        assert len(problems) == len(expected) + 1, result.stderr
        for problem, wanted in zip(problems, expected, strict=False):
            assert problem.startswith(wanted), (problem, wanted)
        assert problems[-1] == f"{len(expected)} problem(s); nothing was imported"
        assert not store.exists()
        return
    assert result.exit_code == 0, result.output
    ids = {row: str(_findings(reviewed)[row]["finding_id"]) for row in expected}
    stored = load_store(store) if expected else {}
    assert set(stored) == set(ids.values())
    for row, (decision, reviewer, comment, decided_on) in expected.items():
        got = stored[ids[row]]
        assert (got.decision, got.reviewer, got.comment) == (decision, reviewer, comment)
        assert got.decided_on == (decided_on or got.imported_at.date())


def test_month_two_imports_carried_dates_beside_blank_ones(report: Path) -> None:
    workers = report.with_name("workers.csv")
    assert _import(_review(report, _confirmed([2, 3]), "first.xlsx")).exit_code == 0
    second = report.with_name("second.xlsx")
    assert run_cli(CliRunner(), "run", workers, "--as-of", AS_OF, "--out", second).exit_code == 0
    carried = [n for n, row in _findings(second).items() if row["decision"] == "confirmed"]
    assert len(carried) == 2
    assert all(isinstance(_findings(second)[n]["decided_on"], dt.datetime) for n in carried)
    fresh = next(n for n in range(2, 10) if n not in carried)
    result = _import(_review(second, _confirmed([fresh], "B"), "second-reviewed.xlsx"))
    assert result.exit_code == 0, result.output
    assert "imported 3 decision(s)" in result.stdout
    assert len(load_store(report.with_name("decisions.jsonl"))) == 3


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _as_excel_saves(path: Path) -> None:
    """Rewrite the Findings sheet as Excel writes one: every text a shared string made of
    rich-text runs and a phonetic guide, `_x` escaped as `_x005F_x`, and no `r` reference on a
    row or cell that follows the one before it."""
    ET.register_namespace("", MAIN)
    part = _sheet_part(path, "Findings")
    with zipfile.ZipFile(path) as package:
        assert "xl/sharedStrings.xml" not in package.namelist()  # openpyxl writes inline text
        sheet = ET.fromstring(package.read(part))
    table = ET.Element(f"{{{MAIN}}}sst")
    previous_row = 0
    for row in sheet.iter(f"{{{MAIN}}}row"):
        number = int(row.attrib["r"])
        if number == previous_row + 1:
            del row.attrib["r"]
        previous_row, previous_column = number, 0
        for cell in row.iter(f"{{{MAIN}}}c"):
            column = openpyxl.utils.column_index_from_string(cell.attrib["r"].rstrip("0123456789"))
            if column == previous_column + 1:
                del cell.attrib["r"]
            previous_column = column
            inline = cell.find(f"{{{MAIN}}}is")
            if inline is None:
                continue
            text = "".join(inline.itertext()).replace("_x", "_x005F_x")
            item = ET.SubElement(table, f"{{{MAIN}}}si")
            for piece in (text[: len(text) // 2], text[len(text) // 2 :]):
                run = ET.SubElement(item, f"{{{MAIN}}}r")
                ET.SubElement(run, f"{{{MAIN}}}t").text = piece
            guide = ET.SubElement(item, f"{{{MAIN}}}rPh", {"sb": "0", "eb": "1"})
            ET.SubElement(guide, f"{{{MAIN}}}t").text = "ガイド"
            cell.remove(inline)
            cell.attrib["t"] = "s"
            ET.SubElement(cell, f"{{{MAIN}}}v").text = str(len(table) - 1)
    relationship = (
        f'<Relationship Id="rIdStrings" Type="{SHARED_STRINGS}" Target="sharedStrings.xml"/>'
    ).encode()
    content_type = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )

    def change(name: str, data: bytes) -> bytes:
        if name == part:
            return ET.tostring(sheet)
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", relationship + b"</Relationships>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", content_type + b"</Types>")
        return data

    _rewrite(path, change)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/sharedStrings.xml", ET.tostring(table))


def test_a_workbook_saved_the_way_excel_saves_imports_the_same_decisions(report: Path) -> None:
    cells: dict[int, dict[str, object]] = {
        **_confirmed([2, 3]),
        4: {"decision": "false positive", "reviewer": "B_x0041_", "comment": "rich\ntext"},
        5: {"decision": "escalated", "reviewer": "C", "decided_on": DAY},
    }
    reviewed = _review(report, cells)
    expected = _findings(reviewed)
    _as_excel_saves(reviewed)
    with zipfile.ZipFile(reviewed) as package:
        assert b"<rPh" in package.read("xl/sharedStrings.xml")
    assert _findings(reviewed) == expected  # openpyxl reads it as it read the original
    result = _import(reviewed)
    assert result.exit_code == 0, result.output
    stored = load_store(report.with_name("decisions.jsonl"))
    got = {
        row: (d.decision, d.reviewer, d.comment, d.decided_on)
        for row, found in expected.items()
        if (d := stored.get(str(found["finding_id"])))
    }
    assert got == {
        2: ("confirmed", "A. Analyst", "", got[2][3]),
        3: ("confirmed", "A. Analyst", "", got[3][3]),
        4: ("false positive", "B_x0041_", "rich\ntext", got[4][3]),
        5: ("escalated", "C", "", DAY),
    }


# --- decisions lost or overridden ------------------------------------------------------------


def test_a_dimension_understating_the_sheet_loses_no_decision(report: Path) -> None:
    count = len(_findings(report))
    assert count >= 90
    reviewed = _review(report, _confirmed(range(2, count + 2)))
    _rewrite(reviewed, _with_dimension("A1:W10", {_sheet_part(reviewed, "Findings")}))
    with zipfile.ZipFile(reviewed) as package:
        assert b'<dimension ref="A1:W10"/>' in package.read(_sheet_part(reviewed, "Findings"))
    result = _import(reviewed)
    assert result.exit_code == 0, result.output
    assert f"imported {count} decision(s)" in result.stdout
    assert len(load_store(report.with_name("decisions.jsonl"))) == count


def _duplicate_row(reviewed: Path, row: int, changes: dict[str, object]) -> int:
    """Copy a Findings row to the end of the sheet with some cells changed; its row number."""
    workbook = openpyxl.load_workbook(reviewed)
    sheet = workbook["Findings"]
    header = [cell.value for cell in sheet[1]]
    copy = int(sheet.max_row) + 1
    for column, cell in enumerate(sheet[row], start=1):
        sheet.cell(copy, column).value = changes.get(str(header[column - 1]), cell.value)
    workbook.save(reviewed)
    return copy


def test_a_finding_twice_with_different_decisions_is_refused_naming_both_rows(
    report: Path,
) -> None:
    reviewed = _review(report, _confirmed([2, 3]))
    copy = _duplicate_row(reviewed, 3, {"decision": "false positive", "reviewer": "B"})
    finding = _findings(reviewed)[3]["finding_id"]
    result = _import(reviewed)
    assert result.exit_code == 2
    assert (
        f"{reviewed}: Findings rows 3 and {copy} hold the same finding {finding} with different "
        f"reviews (row 3: 'confirmed' by A. Analyst; row {copy}: 'false positive' by B)"
    ) in result.stderr
    assert not report.with_name("decisions.jsonl").exists()


def test_a_finding_twice_with_the_same_decision_is_imported_once(report: Path) -> None:
    reviewed = _review(report, _confirmed([2, 3]))
    _duplicate_row(reviewed, 3, {})
    result = _import(reviewed)
    assert result.exit_code == 0, result.output
    assert "imported 2 decision(s)" in result.stdout


def test_a_decision_formula_without_its_value_is_refused_naming_the_cell(report: Path) -> None:
    reviewed = _review(
        report,
        {
            **_confirmed([2]),
            3: {"decision": '=IF(TRUE,"confirmed","open")', "reviewer": "A"},
        },
    )
    cell = f"{_column(reviewed, 'decision')}3"
    result = _import(reviewed)
    assert result.exit_code == 2
    assert (
        f"{reviewed}: Findings cell {cell}: decision holds a formula saved without its value"
    ) in result.stderr
    assert not report.with_name("decisions.jsonl").exists()


def test_a_decision_formula_with_its_saved_value_is_read_as_that_value(report: Path) -> None:
    reviewed = _review(report, {3: {"decision": '=IF(TRUE,"escalated","open")', "reviewer": "A"}})
    cell = f"{_column(reviewed, 'decision')}3"
    part = _sheet_part(reviewed, "Findings")

    def saved_by_excel(name: str, data: bytes) -> bytes:  # Excel stores the result beside it
        if name != part:
            return data
        formula = re.compile(rf'<c r="{cell}"([^>]*)><f>([^<]*)</f><v */>'.encode())
        assert formula.search(data)
        return formula.sub(
            rb'<c r="' + cell.encode() + rb'"\1 t="str"><f>\2</f><v>escalated</v>', data
        )

    _rewrite(reviewed, saved_by_excel)
    result = _import(reviewed)
    assert result.exit_code == 0, result.output
    finding = str(_findings(reviewed)[3]["finding_id"])
    assert load_store(report.with_name("decisions.jsonl"))[finding].decision == "escalated"


# --- record ids the report had to clean --------------------------------------------------------

ODD_IDS = ["W\x01X", "W\ufffeY", "L" * 40_000, "W\u2401Z", "W5"]


@pytest.fixture
def odd_report(tmp_path: Path) -> Path:
    workers = tmp_path / "workers.csv"
    workers.write_text(
        HEADER
        + "".join(
            f"{record},Kim Chol Jin,KP,WP-{n},2023-03-14,2023-03-20\n"
            for n, record in enumerate(ODD_IDS)
        ),
        encoding="utf-8",
    )
    report = tmp_path / "odd.xlsx"
    result = run_cli(CliRunner(), "run", workers, "--as-of", AS_OF, "--out", report)
    assert result.exit_code == 0, result.output
    return report


def test_record_ids_the_report_cleaned_round_trip_through_review_import(odd_report: Path) -> None:
    findings = _findings(odd_report)
    shown = {str(row["record_id"])[:3] for row in findings.values()}
    assert {"W␁X", "W\ufffdY", "LLL", "W␁Z", "W5"} <= shown  # cleaned and cut as documented
    reviewed = _review(odd_report, _confirmed(list(findings)))
    result = _import(reviewed)
    assert result.exit_code == 0, result.output
    stored = load_store(odd_report.with_name("decisions.jsonl"))
    assert set(stored) == {row["finding_id"] for row in findings.values()}

    again = odd_report.with_name("again.xlsx")
    workers = odd_report.with_name("workers.csv")
    assert run_cli(CliRunner(), "run", workers, "--as-of", AS_OF, "--out", again).exit_code == 0
    assert {row["decision"] for row in sheet_rows(again, "Findings")} == {"confirmed"}


def test_an_edited_id_is_caught_on_a_row_whose_record_id_was_cleaned(odd_report: Path) -> None:
    findings = _findings(odd_report)
    row = next(n for n, found in findings.items() if found["record_id"] == "W␁X")
    pasted = next(found["finding_id"] for found in findings.values() if found["record_id"] == "W5")
    edit = {"finding_id": pasted, "decision": "confirmed", "reviewer": "A"}
    result = _import(_review(odd_report, {row: edit}))
    assert result.exit_code == 2
    assert (
        f"Findings row {row}: finding_id '{pasted}' does not belong to this rule and record; "
        "finding ids must not be edited"
    ) in result.stderr


def test_an_id_on_a_row_whose_record_id_was_cut_must_still_look_like_one(
    odd_report: Path,
) -> None:
    findings = _findings(odd_report)
    row = next(n for n, found in findings.items() if str(found["record_id"]).startswith("LLL"))
    result = _import(
        _review(odd_report, {row: {"finding_id": "F-edited", **_confirmed([row])[row]}})
    )
    assert result.exit_code == 2
    assert (
        f"Findings row {row}: finding_id 'F-edited' is not a finding id (F- and 12 hexadecimal "
        "digits); finding ids must not be edited"
    ) in result.stderr


# --- bounds -----------------------------------------------------------------------------------


SHEET_BOMB = (b"</sheetData>", b'<row><c t="inlineStr"><is><t>x</t></is></c></row>')
STYLES_BOMB = (b"</cellXfs>", b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>')


def _bomb(report: Path, part: str, closing: bytes, unit: bytes, megabytes: int = 256) -> Path:
    """The report with `unit` repeated to `megabytes` more inside `part`, before `closing`:
    valid XML, deflated as it is written, a few hundred KB in the file."""
    bomb = report.with_name("bomb.xlsx")
    block = unit * ((1 << 20) // len(unit))
    with zipfile.ZipFile(report) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename != part:
                new.writestr(info.filename, data)
                continue
            head, found, tail = data.partition(closing)
            assert found, closing
            with new.open(part, "w", force_zip64=True) as out:
                out.write(head)
                for _ in range(megabytes):
                    out.write(block)
                out.write(found + tail)
    return bomb


@pytest.mark.parametrize("target", ["Findings sheet", "styles"])
def test_a_zip_bomb_is_refusedscreening_within_budget(report: Path, target: str) -> None:
    if target == "styles":
        part, (closing, unit) = "xl/styles.xml", STYLES_BOMB
    else:
        part, (closing, unit) = _sheet_part(report, "Findings"), SHEET_BOMB
    bomb = _bomb(report, part, closing, unit)
    assert bomb.stat().st_size < report.stat().st_size + (1 << 20)
    with zipfile.ZipFile(bomb) as package:
        info = package.getinfo(part)
        assert info.file_size > 256 << 20 and info.file_size > MAX_PART_RATIO * info.compress_size

    workers = report.with_name("workers.csv")
    out = report.with_name("next.xlsx")
    commands: list[list[str | Path]] = [
        ["review", "import", bomb],
        ["run", workers, "--as-of", AS_OF, "--out", out, "--baseline", bomb],
    ]
    for command in commands:
        result = screening_within_budget(*command)
        assert result.returncode == 2, result.stderr[-2000:]
        line = _one_line(result.stderr)
        assert f"{bomb}: refused: part {part} would inflate" in line, line
        assert "(a zip bomb?)" in line
    assert not out.exists() and not report.with_name("decisions.jsonl").exists()


def test_a_sheet_claiming_every_cell_excel_has_is_read_for_the_cells_it_holds(
    report: Path,
) -> None:
    reviewed = _review(report, _confirmed(range(2, 12)))
    sheets = {_sheet_part(reviewed, name) for name in ("Findings", "Records", "Rules", "Run")}
    _rewrite(reviewed, _with_dimension("A1:XFD1048576", sheets))
    with zipfile.ZipFile(reviewed) as package:
        findings = package.read(_sheet_part(reviewed, "Findings"))
    assert b'<dimension ref="A1:XFD1048576"/>' in findings and len(findings) < 1 << 20

    result = screening_within_budget("review", "import", reviewed)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "imported 10 decision(s)" in result.stdout

    out = report.with_name("next.xlsx")
    workers = report.with_name("workers.csv")
    result = screening_within_budget(
        "run", workers, "--as-of", AS_OF, "--out", out, "--baseline", reviewed
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert sheet_rows(out, "Changes") == []  # the same screen: nothing new, gone or changed
    carried = [row for row in sheet_rows(out, "Findings") if row["decision"] == "confirmed"]
    assert len(carried) == 10


def _truncated(report: Path) -> None:
    report.write_bytes(report.read_bytes()[: report.stat().st_size // 2])


def _without_findings(report: Path) -> None:
    part = _sheet_part(report, "Findings")
    source = io.BytesIO(report.read_bytes())
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(report, "w") as new:
        for info in old.infolist():
            if info.filename != part:
                new.writestr(info, old.read(info))


def _malformed_findings(report: Path) -> None:
    part = _sheet_part(report, "Findings")
    _rewrite(
        report, lambda name, data: data.replace(b"</row>", b"</rows>", 1) if name == part else data
    )


def _entities_in_workbook(report: Path) -> None:
    laughs = b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    _rewrite(
        report,
        lambda name, data: (
            data.replace(b"<workbook ", laughs + b"<workbook ", 1)
            if name == "xl/workbook.xml"
            else data
        ),
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_truncated, "not a readable .xlsx workbook (File is not a zip file)"),
        (_without_findings, "sheet 'Findings' has no worksheet part"),
        (_malformed_findings, "mismatched tag"),
        (_entities_in_workbook, "xl/workbook.xml: it holds a DTD"),
    ],
)
def test_a_damaged_workbook_is_one_error_line_and_every_file_is_closed(
    report: Path, damage: Callable[[Path], None], message: str
) -> None:
    damage(report)
    result = screening_within_budget("review", "import", report)
    assert result.returncode == 2, result.stderr
    line = _one_line(result.stderr)  # nothing printed at exit: no "Exception ignored in ..."
    assert line.startswith(f"screening: error: {report}: ") and message in line, line
