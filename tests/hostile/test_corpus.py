"""The hostile-input corpus (tests/data/hostile/): each file ends in a complete report or one error.

One test per file: run the CLI on it, then reopen the workbook (or read the one stderr line).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.pipeline import ScreenRequest, screen
from screening.resources import rules_dir, seeds_dir
from tests.conftest import AS_OF, run_cli, sheet_rows

CORPUS = Path(__file__).parent.parent / "data" / "hostile"
RUSSIAN_NAMES = ["Ким Чоль Ун", "Иванов Пётр Сергеевич", "Пак Ир Гю"]
NAMES = ["Kim Chol Jin", "Ким Чоль Ун", "Ivanov Petr"]


@dataclass
class Report:
    """The sheets of a written report that these tests read."""

    records: list[dict[str, object]]
    rejected: list[dict[str, object]]
    issues: list[dict[str, object]]
    """Values that could not be read (the Data issues rows of a record)."""
    absent: list[object]
    """Columns rules test that the file lacks (the Data issues rows of the file as a whole)."""
    run: dict[object, object]

    def names(self) -> list[object]:
        return [row["name"] for row in self.records]

    def problems(self) -> dict[object, object]:
        return {row["record_id"]: row["problem"] for row in self.issues}

    def rejections(self) -> list[tuple[object, object]]:
        return [(row["line"], row["reason"]) for row in self.rejected]


def _report(runner: CliRunner, tmp_path: Path, name: str, *extra: str) -> Report:
    out = tmp_path / "report.xlsx"
    result = run_cli(runner, "run", CORPUS / name, "--as-of", AS_OF, "--out", out, *extra)
    assert result.exit_code == 0, result.output
    issues = sheet_rows(out, "Data issues")
    return Report(
        records=sheet_rows(out, "Records"),
        rejected=sheet_rows(out, "Rejected"),
        issues=[row for row in issues if row["record_id"]],
        absent=[row["field"] for row in issues if not row["record_id"]],
        run={row["key"]: row["value"] for row in sheet_rows(out, "Run")},
    )


def _fails(runner: CliRunner, tmp_path: Path, name: str, *needles: str) -> None:
    out = tmp_path / "report.xlsx"
    result = run_cli(runner, "run", CORPUS / name, "--as-of", AS_OF, "--out", out)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    assert f"{CORPUS / name}" in lines[0]
    for needle in needles:
        assert needle in lines[0]
    assert not out.exists()


@pytest.mark.parametrize(
    "name",
    ["utf8.csv", "utf8_bom.csv", "utf16_bom_tab.csv", "semicolon.csv", "tab.csv", "crlf.csv"],
)
def test_encodings_and_delimiters_read_the_same_records(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    report = _report(runner, tmp_path, name)
    assert report.names() == NAMES
    assert [row["line"] for row in report.records] == [2, 3, 4]
    assert report.rejected == [] and report.issues == []


@pytest.mark.parametrize("name", ["cp1251.csv", "koi8r.csv", "cp866.csv"])
def test_legacy_russian_encodings_are_detected(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    report = _report(runner, tmp_path, name)
    assert report.names() == RUSSIAN_NAMES
    assert report.issues == []  # КНДР and the long form both read as KP, Россия as RU


def test_undecidable_encoding_is_refused_naming_the_option(
    runner: CliRunner, tmp_path: Path
) -> None:
    _fails(runner, tmp_path, "undecidable.csv", "encoding cannot be told", "--encoding")
    forced = _report(runner, tmp_path, "undecidable.csv", "--encoding", "cp1251")
    assert forced.names() == ["Ким"]


def test_unknown_encoding_name_is_one_error(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    result = run_cli(runner, "run", CORPUS / "utf8.csv", "--encoding", "klingon", "--out", out)
    assert result.exit_code == 2
    assert "unknown encoding 'klingon' given with --encoding" in result.stderr


def test_quoted_newlines_keep_line_numbers(runner: CliRunner, tmp_path: Path) -> None:
    report = _report(runner, tmp_path, "quoted_newlines.csv")
    assert [(row["record_id"], row["line"]) for row in report.records] == [
        ("W1", 2),
        ("W2", 4),
        ("W3", 6),
    ]
    assert report.names()[0] == "Kim\nChol Jin"


def test_trailing_blank_lines_are_not_rows(runner: CliRunner, tmp_path: Path) -> None:
    report = _report(runner, tmp_path, "trailing_blank_lines.csv")
    assert report.names() == NAMES and report.rejected == []
    assert report.run["input rows = screened + rejected"] == "3 = 3 + 0"


def test_nul_bytes_are_padding_at_the_ends_and_visible_inside(
    runner: CliRunner, tmp_path: Path
) -> None:
    report = _report(runner, tmp_path, "nul_bytes.csv")
    assert report.names() == [*NAMES, "Ri\u2400Su"]  # shown as the visible NUL symbol
    assert report.rejected == []


def test_zero_byte_file_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    _fails(runner, tmp_path, "zero_byte.csv", "file is empty")


def test_excel_workbook_is_refused_with_what_to_do(runner: CliRunner, tmp_path: Path) -> None:
    _fails(runner, tmp_path, "excel_workbook.csv", "Excel workbook", "save the sheet as CSV")


def test_header_only_file_gives_an_empty_complete_report(runner: CliRunner, tmp_path: Path) -> None:
    report = _report(runner, tmp_path, "header_only.csv")
    assert report.records == [] and report.rejected == []
    assert report.run["input rows = screened + rejected"] == "0 = 0 + 0"


def test_ragged_rows_are_rejected_with_lines_and_the_rest_screened(
    runner: CliRunner, tmp_path: Path
) -> None:
    report = _report(runner, tmp_path, "ragged.csv")
    assert [row["record_id"] for row in report.records] == ["W1", "W4"]
    assert report.rejections() == [
        (3, "has 3 fields, the header has 7"),
        (4, "has 9 fields, the header has 7"),
    ]
    assert report.rejected[0]["raw"] == "W2,Pak Il Kyu,KP"
    assert report.run["input rows = screened + rejected"] == "4 = 2 + 2"


def test_unbalanced_quote_rejects_its_own_line_and_reading_resumes_after_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    report = _report(runner, tmp_path, "unbalanced_quote.csv")
    assert [row["record_id"] for row in report.records] == ["W1", "W3"]
    [(line, reason)] = report.rejections()
    assert line == 3
    assert "unbalanced quote" in str(reason) and "resumes on the next line" in str(reason)
    assert report.rejected[0]["raw"] == 'W2,"Pak Il Kyu,KP,WP-2,2023-04-01,90000,RUB'


def test_duplicate_record_id_is_rejected_naming_the_first(
    runner: CliRunner, tmp_path: Path
) -> None:
    report = _report(runner, tmp_path, "duplicate_ids.csv")
    assert [(row["record_id"], row["name"]) for row in report.records] == [
        ("W1", "Kim Chol Jin"),
        ("W2", "Pak Il Kyu"),
    ]
    assert report.rejections() == [(4, "duplicate record_id 'W1', first on line 2")]
    assert report.run["input rows = screened + rejected"] == "3 = 2 + 1"


def test_field_over_the_excel_limit_is_whole_in_data_truncated_in_workbook(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = screen(
        ScreenRequest(
            files=[CORPUS / "long_field.csv"],
            as_of=dt.date.fromisoformat(AS_OF),
            rules_dir=rules_dir(),
            seeds_dir=seeds_dir(),
        )
    )
    assert "x" * 40_000 in str(result.records.loc[0, "details"])
    report = _report(runner, tmp_path, "long_field.csv")
    details = str(report.records[0]["details"])
    assert len(details) <= 32_767
    assert "[truncated:" in details


@pytest.mark.parametrize(
    ("record_id", "problem"),
    [
        ("W1", "impossible date"),
        ("W2", "impossible date"),
        ("W3", "not a date (expected YYYY-MM-DD or DD.MM.YYYY)"),
        ("W4", "ambiguous day/month order, read as day-first"),
        ("W5", None),  # dotted dates are day-first everywhere: not ambiguous
        pytest.param("W6", f"date after the as-of date {AS_OF} (value kept)"),
    ],
)
def test_bad_dates_are_data_issues_and_the_records_stay(
    runner: CliRunner, tmp_path: Path, record_id: str, problem: str | None
) -> None:
    report = _report(runner, tmp_path, "bad_dates.csv")
    assert len(report.records) == 6 and report.rejected == []
    assert report.problems().get(record_id) == problem


def test_messy_numbers_are_read_or_listed(runner: CliRunner, tmp_path: Path) -> None:
    report = _report(runner, tmp_path, "messy_numbers.csv")
    assert len(report.records) == 5
    assert report.problems() == {"W5": "not a number"}
    assert [row["value"] for row in report.issues] == ["lots"]
