"""`--as-of`, a decision's `decided_on` and a suppression's `expires` take the dates the records
take (05.12.2026 as well as 2026-12-05); a date that does not read is one line naming where it
was and how dates are written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.conftest import fails, run_cli, sheet_rows

OP17 = "unscr2375-op17-work-authorization"
OP8 = "unscr2397-op8-income-after-repatriation-deadline"
WORKERS = (
    "record_id,full_name,nationality,permit_number,permit_issued,employment_start\n"
    "W1,Kim Chol Jin,KP,WP-1,2023-03-14,2023-03-20\n"
    "W2,Pak Il Kyu,KP,WP-2,2022-11-02,2022-11-07\n"
)
FORMS = "YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY or YYYY/MM/DD"


@pytest.fixture
def workers(tmp_path: Path) -> Path:
    path = tmp_path / "workers.csv"
    path.write_text(WORKERS, encoding="utf-8")
    return path


def _screen(runner: CliRunner, workers: Path, out: str, *options: str | Path) -> Path:
    report = workers.with_name(out)
    result = run_cli(runner, "run", workers, "--out", report, *options)
    assert result.exit_code == 0, result.output
    return report


def _run_sheet(report: Path) -> dict[object, object]:
    return {row["key"]: row["value"] for row in sheet_rows(report, "Run")}


def _findings(report: Path) -> dict[tuple[str, str], dict[str, object]]:
    return {(str(r["record_id"]), str(r["rule_id"])): r for r in sheet_rows(report, "Findings")}


def _day(value: object) -> dt.date:
    assert isinstance(value, dt.date), value
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.mark.parametrize(
    ("as_of", "day"),
    [
        ("05.12.2026", dt.date(2026, 12, 5)),  # dotted: day-first everywhere
        ("2026/12/05", dt.date(2026, 12, 5)),
        ("25/12/2026", dt.date(2026, 12, 25)),  # no month 25: day-first
        ("25-12-2026", dt.date(2026, 12, 25)),
        ("2026-12-05T09:30:00Z", dt.date(2026, 12, 5)),  # an ISO time stamp, as exports write
    ],
)
def test_as_of_takes_the_records_date_forms(
    runner: CliRunner, workers: Path, as_of: str, day: dt.date
) -> None:
    report = _screen(runner, workers, "dotted.xlsx", "--as-of", as_of)
    assert _day(_run_sheet(report)["as-of date"]) == day
    iso = _screen(runner, workers, "iso.xlsx", "--as-of", day.isoformat())
    # the same date, however written, is the same screen
    columns = ("finding_id", "explanation", "evidence")
    assert [[r[c] for c in columns] for r in sheet_rows(report, "Findings")] == [
        [r[c] for c in columns] for r in sheet_rows(iso, "Findings")
    ]


def _suppressions(folder: Path, *entries: tuple[str, str]) -> Path:
    path = folder / "suppressions.yaml"
    path.write_text(
        "suppressions:\n"
        + "".join(
            f"  - rule_id: {OP17}\n    record_id: {record}\n"
            "    reason: Committee exemption confirmed, ref 1718C/2023/EX-11\n"
            f"    expires: {expires}\n    approved_by: C. Officer\n"
            for record, expires in entries
        ),
        encoding="utf-8",
    )
    return path


def test_suppression_dates_written_day_first(runner: CliRunner, workers: Path) -> None:
    suppressions = _suppressions(workers.parent, ("W1", "30.06.2027"), ("W2", "31/01/2025"))
    report = _screen(
        runner, workers, "s.xlsx", "--as-of", "23.11.2026", "--suppressions", suppressions
    )
    findings = _findings(report)
    assert findings[("W1", OP17)]["suppressed_until"] == "2027-06-30"
    expired = findings[("W2", OP17)]
    assert not expired["suppressed_until"]
    assert "suppression expired on 2025-01-31" in str(expired["review_note"])


@pytest.mark.parametrize(
    ("expires", "problem"),
    [
        ("31.06.2027", "'31.06.2027' is an impossible date"),
        ("end of June", "'end of June' is not a date"),
        ("06/07/2027", "'06/07/2027' reads as one date day-first and another month-first"),
    ],
)
def test_an_unreadable_suppression_date_names_its_line(
    runner: CliRunner, workers: Path, expires: str, problem: str
) -> None:
    suppressions = _suppressions(workers.parent, ("W1", "2027-06-30"), ("W2", expires))
    result = run_cli(
        runner,
        "run",
        workers,
        "--as-of",
        "23.11.2026",
        "--out",
        workers.with_name("s.xlsx"),
        "--suppressions",
        suppressions,
    )
    line = fails(result, f"{suppressions}:10:", "expires", problem)
    assert "write it YYYY-MM-DD or DD.MM.YYYY" in line or FORMS in line


def _decide(report: Path, decided_on: str) -> Path:
    """W1's OP8 finding confirmed, with the date typed in as text (a day-first locale)."""
    workbook = openpyxl.load_workbook(report)
    sheet = workbook["Findings"]
    header = [cell.value for cell in sheet[1]]
    column = {name: header.index(name) + 1 for name in header}
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell
        if (cell(row, column["record_id"]).value, cell(row, column["rule_id"]).value) == (
            "W1",
            OP8,
        ):
            cell(row, column["decision"]).value = "confirmed"
            cell(row, column["reviewer"]).value = "A. Analyst"
            cell(row, column["decided_on"]).value = decided_on
    reviewed = report.with_name("reviewed.xlsx")
    workbook.save(reviewed)
    return reviewed


def test_decided_on_written_day_first_in_the_workbook_and_in_the_store(
    runner: CliRunner, workers: Path
) -> None:
    first = _screen(runner, workers, "first.xlsx", "--as-of", "23.11.2026")
    imported = run_cli(runner, "review", "import", _decide(first, "30.11.2026"))
    assert imported.exit_code == 0, imported.output
    store = workers.with_name("decisions.jsonl")
    (decision,) = [json.loads(line) for line in store.read_text().splitlines()]
    assert decision["decided_on"] == "2026-11-30"
    second = _screen(runner, workers, "second.xlsx", "--as-of", "23.11.2026")
    carried = _findings(second)[("W1", OP8)]
    assert (carried["decision"], _day(carried["decided_on"])) == (
        "confirmed",
        dt.date(2026, 11, 30),
    )

    # a store written or repaired by hand, with the date as the records write it
    store.write_text(store.read_text().replace('"2026-11-30"', '"29.11.2026"'))
    third = _screen(runner, workers, "third.xlsx", "--as-of", "23.11.2026")
    assert _day(_findings(third)[("W1", OP8)]["decided_on"]) == dt.date(2026, 11, 29)


def test_an_unreadable_date_in_the_store_names_its_line(runner: CliRunner, workers: Path) -> None:
    first = _screen(runner, workers, "first.xlsx", "--as-of", "23.11.2026")
    assert run_cli(runner, "review", "import", _decide(first, "2026-11-30")).exit_code == 0
    store = workers.with_name("decisions.jsonl")
    store.write_text(store.read_text().replace('"2026-11-30"', '"31.11.2026"'))
    result = run_cli(
        runner,
        "run",
        workers,
        "--as-of",
        "23.11.2026",
        "--out",
        workers.with_name("second.xlsx"),
    )
    fails(result, f"{store}:1:", "decided_on", "'31.11.2026' is an impossible date", FORMS)
