"""The whole path a user walks: CSV files in, `screening run`, the workbook reopened and read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner, Result

from screening.resources import rules_dir
from tests.conftest import AS_OF, run_cli, sheet_rows

WORKERS = """\
record_id,full_name,nationality,permit_number,permit_issued,contract_signed,employer_id,employment_start,employment_end,monthly_income,currency,committee_exemption,badge
W1,Kim Chol Jin,KP,WP-77-2023-0192,2023-03-14,,C1,2023-03-20,,95000,RUB,,B-7
W2,Ким Чоль Ун,КНДР,,02.11.2022,15.10.2022,C1,07.11.2022,,90 000,RUB,,
W3,Park Ji Hoon,Republic of Korea,WP-1,2023-03-14,,C1,2023-03-20,,120000,RUB,,
W4,Ri Myong Su,KP,WP-2,2017-09-10,,C1,2017-09-15,2019-12-22,lots,RUB,,
W5,Han Song,Korea,WP-3,31/02/2020,,C1,2020-01-01,,,,,
,No Id,KP,,,,,,,,,,
W7,Jon Hyok,KP,WP-4
W8,=HYPERLINK("http://x"),KP,WP-5,2019-04-01,,C1,,,,,1718C/2019/EX-04,
"""
COMPANIES = """\
Record ID,Name,Country,Sector
C1,Vostok Stroy Alliance LLC,Russia,construction
"""

Writer = Callable[[str, str], Path]


def _screen(
    runner: CliRunner, write_csv: Writer, tmp_path: Path, *extra: str
) -> tuple[Path, Result]:
    workers = write_csv("workers.csv", WORKERS)
    companies = write_csv("companies.csv", COMPANIES)
    out = tmp_path / "report.xlsx"
    result = run_cli(runner, "run", workers, companies, "--as-of", AS_OF, "--out", out, *extra)
    return out, result


def test_run_writes_an_explainable_report(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    out, result = _screen(runner, write_csv, tmp_path)
    assert result.exit_code == 0, result.output
    findings = sheet_rows(out, "Findings")
    flagged = {(row["record_id"], row["rule_id"]) for row in findings}
    assert flagged == {
        ("W1", "unscr2375-op17-work-authorization"),
        ("W1", "unscr2397-op8-income-after-repatriation-deadline"),
        ("W2", "unscr2375-op17-work-authorization"),
        ("W2", "unscr2397-op8-income-after-repatriation-deadline"),
        ("W5", "review-worker-nationality-unknown"),
        ("W8", "review-dprk-worker-dates-missing"),
        ("C1", "indicator-employer-of-dprk-nationals-after-deadline"),
        ("C1", "indicator-construction-or-logistics-with-dprk-workers"),
    }
    for row in findings:
        assert str(row["legal_basis"]).startswith("UNSCR ")
        assert row["explanation"] and row["evidence"] and row["sources"]
        assert "“" in str(row["sources"])
        assert row["decision"] == "open"
    w1 = next(r for r in findings if r["record_id"] == "W1" and "op17" in str(r["rule_id"]))
    assert str(w1["explanation"]).startswith(
        "Kim Chol Jin (KP) received work permit WP-77-2023-0192 on 2023-03-14, after UNSCR 2375"
    )
    w2 = next(r for r in findings if r["record_id"] == "W2" and "op17" in str(r["rule_id"]))
    assert "nationality: KP (given as “КНДР”)" in str(w2["evidence"])
    # each passage, then its publisher and date as the article gives them (seeds/sources.yaml)
    cited = str(w1["sources"])
    assert cited.startswith("“Russia has continued to issue work permits to North Koreans")
    assert "Pyongyang” — TIME, 2018; “" in cited


def test_nothing_is_lost(runner: CliRunner, write_csv: Writer, tmp_path: Path) -> None:
    out, result = _screen(runner, write_csv, tmp_path)
    assert result.exit_code == 0, result.output
    records = sheet_rows(out, "Records")
    rejected = sheet_rows(out, "Rejected")
    record_ids = sorted(str(r["record_id"]) for r in records)
    assert record_ids == ["C1", "W1", "W2", "W3", "W4", "W5", "W8"]
    assert [(r["line"], r["reason"]) for r in rejected] == [
        (7, "missing required value: record_id"),
        (8, "has 4 fields, the header has 13"),
    ]
    assert all(str(r["file"]).endswith("workers.csv") for r in rejected)
    run = {row["key"]: row["value"] for row in sheet_rows(out, "Run")}
    assert run["input rows = screened + rejected"] == "9 = 7 + 2"
    extra = next(r for r in records if r["record_id"] == "W1")
    assert "badge: B-7" in str(extra["details"])


def test_bad_values_keep_the_record_and_are_listed(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    out, _ = _screen(runner, write_csv, tmp_path)
    issues = {
        (r["record_id"], r["field"], r["value"]): r["problem"]
        for r in sheet_rows(out, "Data issues")
    }
    assert issues[("W4", "monthly_income", "lots")] == "not a number"
    assert issues[("W5", "permit_issued", "31/02/2020")] == "impossible date"
    assert "ambiguous" in str(issues[("W5", "nationality", "Korea")])


def test_formula_text_from_input_is_never_a_formula(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    import openpyxl

    out, _ = _screen(runner, write_csv, tmp_path)
    workbook = openpyxl.load_workbook(out)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
    records = sheet_rows(out, "Records")
    assert any(str(r["name"]).startswith("=HYPERLINK") for r in records)


def test_fail_on_gates_ci(runner: CliRunner, write_csv: Writer, tmp_path: Path) -> None:
    _, result = _screen(runner, write_csv, tmp_path, "--fail-on", "violation")
    assert result.exit_code == 1
    companies = write_csv("only-companies.csv", COMPANIES)
    clean = run_cli(
        runner,
        "run",
        companies,
        "--as-of",
        AS_OF,
        "--out",
        tmp_path / "c.xlsx",
        "--fail-on",
        "review",
    )
    assert clean.exit_code == 0, clean.output


def test_rules_are_judged_at_the_as_of_date(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    out, result = _screen(runner, write_csv, tmp_path)
    workers = tmp_path / "workers.csv"
    early = tmp_path / "early.xlsx"
    result = run_cli(
        runner, "run", workers, tmp_path / "companies.csv", "--as-of", "2019-12-01", "--out", early
    )
    assert result.exit_code == 0, result.output
    rules = {row["rule_id"] for row in sheet_rows(early, "Findings")}
    assert "unscr2397-op8-income-after-repatriation-deadline" not in rules


def test_demo_writes_a_report_with_evidence_everywhere(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "demo.xlsx"
    result = run_cli(runner, "demo", "--out", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    findings = sheet_rows(out, "Findings")
    assert len(findings) >= 10
    bundled = {path.stem for path in rules_dir().glob("*.yaml")}
    assert {row["rule_id"] for row in findings} == bundled, "the demo fires every bundled rule"
    for row in findings:
        for column in ("explanation", "evidence", "legal_basis", "sources"):
            assert row[column], (row["finding_id"], column)
    sheets = [
        "Summary",
        "Findings",
        "Records",
        "Rejected",
        "Data issues",
        "Rules",
        "Sources",
        "Run",
    ]
    import openpyxl

    assert openpyxl.load_workbook(out, read_only=True).sheetnames == sheets


def test_records_can_be_counted_instead_of_listed(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    out, result = _screen(runner, write_csv, tmp_path, "--records", "summary")
    assert result.exit_code == 0, result.output
    counts = sheet_rows(out, "Records")
    assert {(r["record_type"], r["status"]): r["records"] for r in counts} == {
        ("company", "flagged"): 1,
        ("worker", "flagged"): 4,
        ("worker", "clear"): 2,
    }
    import openpyxl

    sheet = openpyxl.load_workbook(out, read_only=True)["Summary"]
    summary = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    assert "counts them by file, record type and status" in summary
