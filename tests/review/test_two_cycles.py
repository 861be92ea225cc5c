"""A reviewer's two months, through the command line, on records written from the law.

Month 1 (as of 2026-11-01): screen, decide five findings in the workbook, import them (twice: the
second import changes nothing). Month 2 (as of 2026-12-01, baseline month 1): one decided worker's
permit date is corrected, one worker leaves, one arrives, and every file comes back in another
row order. The Changes sheet holds only those three records' findings, each changed one naming the
field; decisions on unchanged findings are carried, those on the changed record reopened with the
field named. And month 1's inputs screened again with only a later as-of date change nothing.

The records (the law, not the tool's output, says what each must raise):
- W-01 Kim Chol Jin, DPRK national, permit issued 2023-03-14 in Russia, employed since 2023-03-20
  with no end: UNSCR 2375 OP17 (work authorization on or after 2017-09-11, no contract before it)
  and UNSCR 2397 OP8 (earning income after the 2019-12-22 repatriation deadline). Month 2: its
  permit date is corrected to 2023-04-02 (still after 2017-09-11: the same findings, changed).
- W-02 Pak Song Chol, DPRK national, permit issued 2019-05-06, employment ended 2019-12-20: OP17
  only (he left before the repatriation deadline).
- W-03 Ri Myong Chol, DPRK national, permit issued 2017-06-01 (before OP17) and still employed:
  OP8 only. Gone in month 2.
- W-04 Ivanov Petr, Russian national: nothing.
- W-05 Choe Kwang Hyok, DPRK national, permit issued 2021-04-20, still employed: OP17 and OP8.
- W-06 Han Song Il, DPRK national, permit issued 2026-11-15, employed since 2026-11-20: OP17 and
  OP8 in month 2, where he first appears.
- C-01 Vostok Stroy Alliance LLC (Russia) with R-01, a DPRK joint-venture partner holding 49%
  since 2016-03-01, never closed: UNSCR 2375 OP18 (joint ventures with DPRK entities had to
  close by 2018-01-09). C-02 (Russia) with a Russian owner (R-02): nothing from OP18.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from tests.conftest import run_cli, sheet_rows

OP17 = "unscr2375-op17-work-authorization"
OP8 = "unscr2397-op8-income-after-repatriation-deadline"
OP18 = "unscr2375-op18-joint-venture-open-after-closure-deadline"

WORKERS = """\
record_id,full_name,nationality,date_of_birth,passport_number,visa_type,permit_number,\
permit_issued,permit_expires,contract_signed,employer_id,employer_name,employment_start,\
employment_end,monthly_income,currency,work_country,work_site,role
W-01,Kim Chol Jin,KP,1986-04-12,836410275,work,WP-2023-0192,2023-03-14,2024-03-13,,C-01,\
Vostok Stroy Alliance LLC,2023-03-20,,95000,RUB,RU,Vladivostok,loader
W-02,Pak Song Chol,KP,1979-01-30,648201937,work,WP-2019-0377,2019-05-06,2020-05-05,2019-04-18,\
C-01,Vostok Stroy Alliance LLC,2019-05-10,2019-12-20,,,RU,Vladivostok,welder
W-03,Ri Myong Chol,KP,1971-09-05,512004386,work,WP-2017-0410,2017-06-01,2018-05-31,2017-05-20,\
C-02,Elektrostal Logistics Park LLC,2017-06-10,,60000,RUB,RU,Elektrostal,storekeeper
W-04,Ivanov Petr,RU,1990-02-02,4512998877,,,,,,C-02,Elektrostal Logistics Park LLC,2020-01-15,,\
70000,RUB,RU,Elektrostal,driver
W-05,Choe Kwang Hyok,KP,1984-08-19,745320118,work,WP-2021-0068,2021-04-20,2022-04-19,,C-02,\
Elektrostal Logistics Park LLC,2021-05-01,,80000,RUB,RU,Elektrostal,loader
"""
ARRIVING = """\
W-06,Han Song Il,KP,1992-03-03,836499001,work,WP-2026-1115,2026-11-15,2027-11-14,,C-02,\
Elektrostal Logistics Park LLC,2026-11-20,,85000,RUB,RU,Elektrostal,loader
"""
COMPANIES = """\
record_id,name,country,registration_number,incorporated,dissolved,sector
C-01,Vostok Stroy Alliance LLC,RU,1152536004417,2015-11-02,,construction
C-02,Elektrostal Logistics Park LLC,RU,1185053012871,2018-03-19,,warehousing and logistics
"""
RELATIONSHIPS = """\
record_id,company_id,party_name,party_type,party_country,role,share_pct,start_date,end_date
R-01,C-01,Korea Pyoljin Trading Corporation,organization,KP,jv_partner,49,2016-03-01,
R-02,C-02,Podmoskovye Warehouse Holding JSC,organization,RU,owner,100,2018-03-19,
"""

MONTH_1 = "2026-11-01"
MONTH_2 = "2026-12-01"
CORRECTED = ("2023-03-14", "2023-04-02")
Key = tuple[str, str]


def _write(folder: Path, workers: str, *, shuffle: bool = False) -> list[Path]:
    """The three CSV files in `folder`; with `shuffle`, each file's rows in another order."""
    folder.mkdir()
    order = random.Random(19)
    files = []
    for name, text in (
        ("workers.csv", workers),
        ("companies.csv", COMPANIES),
        ("relationships.csv", RELATIONSHIPS),
    ):
        header, *rows = text.splitlines(keepends=True)
        if shuffle:
            before = list(rows)
            while rows == before:
                order.shuffle(rows)
        path = folder / name
        path.write_text(header + "".join(rows), encoding="utf-8")
        files.append(path)
    return files


def _screen(runner: CliRunner, files: list[Path], out: Path, as_of: str, *extra: str | Path) -> str:
    result = run_cli(runner, "run", *files, "--as-of", as_of, "--out", out, *extra)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def _findings(report: Path) -> dict[Key, dict[str, object]]:
    return {(str(r["record_id"]), str(r["rule_id"])): r for r in sheet_rows(report, "Findings")}


def _decide(report: Path, out: Path, decisions: dict[Key, dict[str, object]]) -> None:
    """Fill the reviewer's cells, found by column name, as a reviewer would in Excel."""
    workbook = openpyxl.load_workbook(report)
    sheet = workbook["Findings"]
    column = {str(cell.value): cell.column for cell in sheet[1]}
    done = set()
    for row in range(2, sheet.max_row + 1):
        key = (
            str(sheet.cell(row, column["record_id"]).value),
            str(sheet.cell(row, column["rule_id"]).value),
        )
        for name, value in decisions.get(key, {}).items():
            sheet.cell(row, column[name]).value = value
            done.add(key)
    assert done == set(decisions)
    workbook.save(out)


def _import(runner: CliRunner, reviewed: Path) -> str:
    result = run_cli(runner, "review", "import", reviewed)
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def test_two_monthly_cycles_show_only_real_changes(runner: CliRunner, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    store = reports / "decisions.jsonl"

    # --- month 1 ---------------------------------------------------------------------------------
    month_1_files = _write(tmp_path / "month1", WORKERS)
    month_1 = reports / "month1.xlsx"
    _screen(runner, month_1_files, month_1, MONTH_1)
    found = _findings(month_1)
    expected_by_law = {
        ("W-01", OP17),
        ("W-01", OP8),
        ("W-02", OP17),
        ("W-03", OP8),
        ("W-05", OP17),
        ("W-05", OP8),
        ("C-01", OP18),
    }
    assert expected_by_law <= set(found)
    assert not {key for key in found if key[0] == "W-04"}
    assert ("W-02", OP8) not in found and ("W-03", OP17) not in found

    decisions: dict[Key, dict[str, object]] = {
        ("W-01", OP17): {
            "decision": "escalated",
            "reviewer": "A. Reviewer",
            "comment": "permit date to be checked with the migration office",
            "decided_on": "2026-11-30",
        },
        ("W-01", OP8): {"decision": "confirmed", "reviewer": "B. Analyst"},
        ("W-02", OP17): {
            "decision": "false positive",
            "reviewer": "B. Analyst",
            "comment": "permit belongs to a namesake",
            "decided_on": dt.datetime(2026, 11, 5),
        },
        ("W-05", OP8): {"decision": "confirmed", "reviewer": "A. Reviewer"},
        ("C-01", OP18): {
            "decision": "escalated",
            "reviewer": "A. Reviewer",
            "comment": "JV still registered",
            "decided_on": "05.11.2026",
        },
    }
    reviewed = reports / "month1-reviewed.xlsx"
    _decide(month_1, reviewed, decisions)
    first = _import(runner, reviewed)
    assert "imported 5 decision(s)" in first and ": 5 new, 0 updated, 0 unchanged" in first
    lines = store.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5

    # the same workbook again: nothing new, nothing written
    again = _import(runner, reviewed)
    assert ": 0 new, 0 updated, 5 unchanged" in again
    assert store.read_text(encoding="utf-8").splitlines() == lines

    # --- month 2: W-01's permit date corrected, W-03 gone, W-06 new, every file reordered -------
    corrected = WORKERS.replace(*CORRECTED)
    assert corrected.count(CORRECTED[1]) == 1
    month_2_workers = "".join(
        line
        for line in (corrected + ARRIVING).splitlines(keepends=True)
        if not line.startswith("W-03,")
    )
    month_2_files = _write(tmp_path / "month2", month_2_workers, shuffle=True)
    month_2 = reports / "month2.xlsx"
    printed = _screen(runner, month_2_files, month_2, MONTH_2, "--baseline", month_1)
    now = _findings(month_2)
    assert {("W-06", OP17), ("W-06", OP8)} <= set(now)

    # Changes: W-01's findings changed, W-03's gone, W-06's new, and nothing else
    changes = sheet_rows(month_2, "Changes")
    rows = {(str(r["change"]), str(r["record_id"]), str(r["rule_id"])): r for r in changes}
    assert len(rows) == len(changes)
    expected = (
        {("changed", record, rule) for record, rule in now if record == "W-01"}
        | {("gone", record, rule) for record, rule in found if record == "W-03"}
        | {("new", record, rule) for record, rule in now if record == "W-06"}
    )
    assert set(rows) == expected
    assert {("changed", "W-01", OP17), ("changed", "W-01", OP8), ("gone", "W-03", OP8)} <= set(rows)
    for (change, _, _), row in rows.items():
        if change == "changed":
            # named from the evidence (OP17 shows permit_issued) or, where the evidence does not
            # show it (OP8), from the record's details on the Records sheets
            assert row["why"] == "record changed: permit_issued: 2023-03-14 → 2023-04-02"
            assert row["changed_fields"] == "permit_issued"
        else:
            assert row["why"] == {"gone": "record removed", "new": "record new"}[change]
    counts = {kind: sum(1 for key in rows if key[0] == kind) for kind in ("new", "gone", "changed")}
    assert (
        f"since the baseline: {counts['new']} new, {counts['gone']} gone, "
        f"{counts['changed']} changed"
    ) in printed

    # decisions: carried where nothing changed, reopened on W-01 naming the field
    for key in [("W-02", OP17), ("W-05", OP8), ("C-01", OP18)]:
        row = now[key]
        wanted = decisions[key]
        assert (row["decision"], row["reviewer"]) == (wanted["decision"], wanted["reviewer"])
        assert row["comment"] == wanted.get("comment")
        assert str(row["review_note"]).startswith("decision carried from ")
    assert now[("W-02", OP17)]["decided_on"] == dt.datetime(2026, 11, 5)
    assert now[("C-01", OP18)]["decided_on"] == dt.datetime(2026, 11, 5)
    escalated = now[("W-01", OP17)]
    assert escalated["decision"] == "open" and not escalated["reviewer"]
    assert escalated["review_note"] == (
        "re-review: permit_issued changed 2023-03-14 → 2023-04-02; "
        "earlier decision: escalated by A. Reviewer on 2026-11-30"
    )
    confirmed = now[("W-01", OP8)]
    assert confirmed["decision"] == "open"
    assert str(confirmed["review_note"]).startswith(
        "re-review: permit_issued changed 2023-03-14 → 2023-04-02; "
        "earlier decision: confirmed by B. Analyst on "
    )
    undecided = len(now) - 5
    assert "decisions: 3 carried, 2 reopened" in printed
    assert f"{undecided} findings never decided" in printed

    # month 2's workbook, imported as it stands: the carried decisions are already stored
    carried = _import(runner, month_2)
    assert "imported 3 decision(s)" in carried and ": 0 new, 0 updated, 3 unchanged" in carried
    assert store.read_text(encoding="utf-8").splitlines() == lines

    # --- month 1's inputs again, with only a later as-of date: nothing changed ------------------
    later = tmp_path / "later"
    later.mkdir()
    rescreen = later / "month1-later.xlsx"
    printed = _screen(runner, month_1_files, rescreen, MONTH_2, "--baseline", month_1)
    assert sheet_rows(rescreen, "Changes") == []
    assert "since the baseline: 0 new, 0 gone, 0 changed" in printed
