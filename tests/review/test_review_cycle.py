"""Two screening cycles: decide in the workbook, import, change a record and a rule, rescreen."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from screening.resources import rules_dir
from tests.conftest import AS_OF, run_cli, sheet_rows

OP17 = "unscr2375-op17-work-authorization"
OP8 = "unscr2397-op8-income-after-repatriation-deadline"
HEADER = "record_id,full_name,nationality,permit_number,permit_issued,employment_start\n"
WORKERS = HEADER + (
    "W1,Kim Chol Jin,KP,WP-1,2023-03-14,2023-03-20\n"
    "W2,Pak Il Kyu,KP,WP-2,2022-11-02,2022-11-07\n"
    "W3,Ri Su Yong,KP,WP-3,2021-05-01,2021-05-03\n"
)


@pytest.fixture
def cycle(tmp_path: Path) -> dict[str, Path]:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    workers = tmp_path / "workers.csv"
    workers.write_text(WORKERS)
    return {"rules": rules, "workers": workers, "dir": tmp_path}


def _screen(runner: CliRunner, cycle: dict[str, Path], out: str, *extra: str | Path) -> Path:
    report = cycle["dir"] / out
    result = run_cli(
        runner,
        "run",
        cycle["workers"],
        "--rules",
        cycle["rules"],
        "--as-of",
        AS_OF,
        "--out",
        report,
        *extra,
    )
    assert result.exit_code == 0, result.output
    return report


def _decide(report: Path, decisions: dict[tuple[str, str], tuple[str, str]]) -> Path:
    """Fill decision and reviewer cells as a reviewer would in Excel; save under a new name."""
    workbook = openpyxl.load_workbook(report)
    sheet = workbook["Findings"]
    header = [cell.value for cell in sheet[1]]
    column = {name: header.index(name) + 1 for name in header}
    for row in range(2, sheet.max_row + 1):
        key = (sheet.cell(row, column["record_id"]).value, sheet.cell(row, column["rule_id"]).value)
        if key in decisions:
            decision, reviewer = decisions[key]
            sheet.cell(row, column["decision"]).value = decision
            sheet.cell(row, column["reviewer"]).value = reviewer
            sheet.cell(row, column["comment"]).value = f"{decision} after checking the file"
    reviewed = report.with_name("reviewed.xlsx")
    workbook.save(reviewed)
    return reviewed


def _by_key(report: Path) -> dict[tuple[str, str], dict[str, object]]:
    return {(str(r["record_id"]), str(r["rule_id"])): r for r in sheet_rows(report, "Findings")}


def test_two_cycles_carry_decisions_and_mark_changes(
    runner: CliRunner, cycle: dict[str, Path]
) -> None:
    first = _screen(runner, cycle, "first.xlsx")
    reviewed = _decide(
        first,
        {
            ("W1", OP17): ("false positive", "A. Analyst"),
            ("W1", OP8): ("escalated", "A. Analyst"),
            ("W2", OP8): ("confirmed", "B. Reviewer"),
        },
    )
    imported = run_cli(runner, "review", "import", reviewed)
    assert imported.exit_code == 0, imported.output
    store = cycle["dir"] / "decisions.jsonl"
    assert "imported 3 decision(s)" in imported.stdout and len(store.read_text().splitlines()) == 3

    # between the cycles: W2's record changes, W3 leaves, and the OP17 rule file is edited
    cycle["workers"].write_text(
        WORKERS.replace("WP-2,", "WP-2b,").replace(
            "W3,Ri Su Yong,KP,WP-3,2021-05-01,2021-05-03\n", ""
        )
    )
    rule_file = cycle["rules"] / f"{OP17}.yaml"
    rule_file.write_text(rule_file.read_text().replace("direct breach", "direct breach (edited)"))

    second = _screen(runner, cycle, "second.xlsx", "--baseline", first)
    findings = _by_key(second)
    carried = findings[("W1", OP8)]
    assert (carried["decision"], carried["reviewer"]) == ("escalated", "A. Analyst")
    assert carried["decided_on"] is not None
    rule_changed = findings[("W1", OP17)]
    assert rule_changed["decision"] == "open"
    assert "rule file changed" in str(rule_changed["review_note"])
    assert "earlier decision: false positive by A. Analyst" in str(rule_changed["review_note"])
    record_changed = findings[("W2", OP8)]
    assert record_changed["decision"] == "open"
    # OP8's evidence does not show the permit number: the Records sheets name the field
    assert "permit_number changed WP-2 → WP-2b" in str(record_changed["review_note"])

    changes = {
        (r["change"], r["record_id"], r["rule_id"]): r for r in sheet_rows(second, "Changes")
    }
    assert changes[("gone", "W3", OP17)]["why"] == "record removed"
    assert changes[("gone", "W3", OP8)]["why"] == "record removed"
    changed = changes[("changed", "W2", OP17)]
    assert changed["why"] == "record changed, rule changed: permit_number: WP-2 → WP-2b"
    assert changed["changed_fields"] == "permit_number"
    assert "WP-2" in str(changed["before"]) and "WP-2b" in str(changed["after"])
    assert changes[("changed", "W2", OP8)]["why"] == "record changed: permit_number: WP-2 → WP-2b"
    assert changes[("changed", "W1", OP17)]["why"] == "rule changed"
    assert not any(change == "new" for change, *_ in changes)
    # W2 and W3 are also on the UN list (designated-worker findings): W3's is gone, W2's changed
    assert {(change, record) for change, record, _ in changes} == {
        ("gone", "W3"),
        ("changed", "W2"),
        ("changed", "W1"),
    }
    assert [key for key in changes if key[1] == "W1"] == [("changed", "W1", OP17)]


def test_decision_ids_are_stable_across_row_order(
    runner: CliRunner, cycle: dict[str, Path]
) -> None:
    first = _by_key(_screen(runner, cycle, "a.xlsx"))
    lines = WORKERS.splitlines(keepends=True)
    cycle["workers"].write_text(lines[0] + "".join(reversed(lines[1:])))
    second = _by_key(_screen(runner, cycle, "b.xlsx"))
    assert {k: v["finding_id"] for k, v in first.items()} == {
        k: v["finding_id"] for k, v in second.items()
    }


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"decision": "maybe", "reviewer": "A"}, "unknown decision 'maybe'"),
        ({"decision": "confirmed", "reviewer": None}, "decision 'confirmed' has no reviewer"),
        (
            {"finding_id": "F-000000000000", "decision": "confirmed", "reviewer": "A"},
            "finding ids must not be edited",
        ),
        ({"decided_on": "last week", "decision": "confirmed", "reviewer": "A"}, "not a date"),
    ],
)
def test_bad_reviews_are_refused_with_sheet_and_row(
    runner: CliRunner, cycle: dict[str, Path], edit: dict[str, str | None], message: str
) -> None:
    report = _screen(runner, cycle, "r.xlsx")
    workbook = openpyxl.load_workbook(report)
    sheet = workbook["Findings"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(3, header.index("decision") + 1).value = "confirmed"  # a good row beside the bad one
    sheet.cell(3, header.index("reviewer") + 1).value = "B"
    for name, value in edit.items():
        sheet.cell(2, header.index(name) + 1).value = value
    workbook.save(report)
    result = run_cli(runner, "review", "import", report)
    assert result.exit_code == 2
    assert f"{report}: Findings row 2: " in result.stderr and message in result.stderr
    assert "nothing was imported" in result.stderr
    assert not (cycle["dir"] / "decisions.jsonl").exists()


def test_a_workbook_not_written_by_screening_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Findings"
    workbook.save(other)
    result = run_cli(runner, "review", "import", other)
    assert result.exit_code == 2 and "not a screening report" in result.stderr
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not a zip really")
    result = run_cli(runner, "review", "import", garbage)
    assert result.exit_code == 2 and "not a readable .xlsx" in result.stderr


def test_suppressions_are_shown_with_reason_and_expiry(
    runner: CliRunner, cycle: dict[str, Path]
) -> None:
    suppressions = cycle["dir"] / "suppressions.yaml"
    suppressions.write_text(
        "suppressions:\n"
        f"  - rule_id: {OP17}\n    record_id: W1\n"
        "    reason: Committee exemption confirmed, ref 1718C/2023/EX-11\n"
        "    expires: 2027-06-30\n    approved_by: C. Officer\n"
        f"  - rule_id: {OP17}\n    record_id: W2\n"
        "    reason: Exemption request pending, ref 1718C/2022/EX-09\n"
        "    expires: 2025-01-31\n    approved_by: C. Officer\n"
    )
    report = _screen(runner, cycle, "s.xlsx", "--suppressions", suppressions)
    findings = _by_key(report)
    active = findings[("W1", OP17)]
    assert active["suppressed_until"] == "2027-06-30"
    assert "Committee exemption confirmed, ref 1718C/2023/EX-11" in str(active["review_note"])
    expired = findings[("W2", OP17)]
    assert not expired["suppressed_until"]
    assert "suppression expired on 2025-01-31" in str(expired["review_note"])


def test_a_suppression_needs_a_reason(runner: CliRunner, cycle: dict[str, Path]) -> None:
    suppressions = cycle["dir"] / "suppressions.yaml"
    suppressions.write_text(
        "suppressions:\n  - finding_id: F-0123456789ab\n    expires: 2027-01-01\n"
        "    approved_by: C\n"
    )
    result = run_cli(
        runner,
        "run",
        cycle["workers"],
        "--as-of",
        AS_OF,
        "--out",
        cycle["dir"] / "x.xlsx",
        "--suppressions",
        suppressions,
    )
    assert result.exit_code == 2
    assert f"{suppressions}:2:" in result.stderr and "reason" in result.stderr
