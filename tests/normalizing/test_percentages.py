"""Shares as exports write them (30%, 30,5, 30.5 %, 1/3, ½) are read and shown as percentages;
amounts keep their own reading (1,500 is fifteen hundred), and what is no share is a data issue.

The expected values are what the file means: a German or Russian export writes 30,5 for thirty
and a half percent, Excel's CSV of a percent-formatted cell writes 30% or 30.50%, a register
writes a third as 1/3 or 33 1/3 %.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.normalizing.tables import normalize_table
from screening.reading import read_records
from screening.records import RecordKind
from tests.conftest import AS_OF, run_cli, sheet_rows

STAKE = "indicator-dprk-trading-company-stake"
OWNED = "unscr1718-op8d-owned-through-designated-party"
INCOME = "unscr2397-op8-income-after-repatriation-deadline"
HEADER = "record_id,company_id,party_name,party_country,role,share_pct,start_date\n"
TRADER = "Korea Pyoljin Trading Corporation"


def _relationships(shares: dict[str, str]) -> str:
    return HEADER + "".join(
        f'{record},C{record},{TRADER},KP,shareholder,"{share}",2019-04-15\n'
        for record, share in shares.items()
    )


def _screen(runner: CliRunner, tmp_path: Path, *files: tuple[str, str]) -> Path:
    paths = []
    for name, text in files:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    report = tmp_path / "report.xlsx"
    result = run_cli(runner, "run", *paths, "--as-of", AS_OF, "--out", report)
    assert result.exit_code == 0, result.output
    return report


def _findings(report: Path, rule: str) -> dict[str, dict[str, object]]:
    return {str(r["record_id"]): r for r in sheet_rows(report, "Findings") if r["rule_id"] == rule}


def _issues(report: Path) -> dict[tuple[str, str], str]:
    return {
        (str(r["record_id"]), str(r["field"])): str(r["problem"])
        for r in sheet_rows(report, "Data issues")
        if r["record_id"]
    }


# How each share is written in the file → how the report states it.
SHARES = {
    "R1": ("30%", "30%"),  # Excel's CSV of a percent-formatted cell
    "R2": ("30,5", "30.5%"),  # decimal comma (de, ru, fr exports)
    "R3": ("30.5 %", "30.5%"),  # a space before the sign
    "R4": ("30,5 %", "30.5%"),
    "R5": ("12.50%", "12.5%"),  # Excel, two decimals
    "R6": ("1/3", "33.3333%"),  # a third of the company
    "R7": ("½", "50%"),
    "R8": ("2/3", "66.6667%"),
    "R9": ("33 1/3 %", "33.3333%"),  # a third, written as a percentage
    "R10": ("40", "40%"),  # a bare number is in percent, as the column's name says
    "R11": ("0,5%", "0.5%"),  # a small holding, written with its sign
    "R12": ("100%", "100%"),
}


def test_shares_are_read_as_the_file_writes_them_and_shown_as_percentages(
    runner: CliRunner, tmp_path: Path
) -> None:
    given = {record: written for record, (written, _) in SHARES.items()}
    report = _screen(runner, tmp_path, ("relationships.csv", _relationships(given)))
    findings = _findings(report, STAKE)
    for record, (written, shown) in SHARES.items():
        assert f"(share: {shown}, from 2019-04-15" in str(findings[record]["explanation"]), written
    assert not _issues(report)


def test_evidence_shows_the_share_with_its_sign_and_what_the_file_wrote(
    runner: CliRunner, tmp_path: Path
) -> None:
    shares = {"R1": "40", "R2": "40%", "R3": "30,5"}
    report = _screen(runner, tmp_path, ("relationships.csv", _relationships(shares)))
    evidence = {record: str(row["evidence"]) for record, row in _findings(report, STAKE).items()}
    # 40 in a share column says 40%: nothing to add
    assert "share_pct: 40%; start_date" in evidence["R1"]
    assert "share_pct: 40%; start_date" in evidence["R2"]
    assert "share_pct: 30.5% (given as “30,5”)" in evidence["R3"]


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("lots", "not a percentage"),
        ("30 per cent", "not a percentage"),
        ("1/0", "not a percentage"),
        ("150", "share over 100%"),
        ("150%", "share over 100%"),
        ("-5", "negative share"),
    ],
)
def test_what_is_no_share_is_a_data_issue_and_the_record_is_kept(
    runner: CliRunner, tmp_path: Path, written: str, problem: str
) -> None:
    shares = {"R1": written, "R2": "40"}
    report = _screen(runner, tmp_path, ("relationships.csv", _relationships(shares)))
    assert _issues(report)[("R1", "share_pct")].startswith(problem)
    stake = _findings(report, STAKE)
    assert "(share: not recorded," in str(stake["R1"]["explanation"])
    assert "(share: 40%," in str(stake["R2"]["explanation"])


COMPANIES = (
    "record_id,name,country\nC-7,Pacific Star Holdings Ltd,HK\nC-3,Golden Bridge Holding Ltd,HK\n"
)


def _chain(top: str, designated: str) -> str:
    """C-7 owned by C-3 (`top`), C-3 held by Korea Ryonbong General Corporation (`designated`)."""
    return (
        "record_id,company_id,party_name,party_id,party_country,role,share_pct,start_date\n"
        f'R1,C-7,Golden Bridge Holding Ltd,C-3,HK,shareholder,"{top}",2019-01-01\n'
        f'R2,C-3,Korea Ryonbong General Corporation,,KP,shareholder,"{designated}",2015-01-01\n'
    )


def test_an_ownership_chain_reads_shares_written_with_signs_and_commas(
    runner: CliRunner, tmp_path: Path
) -> None:
    report = _screen(
        runner,
        tmp_path,
        ("companies.csv", COMPANIES),
        ("relationships.csv", _chain("60 %", "51,5")),
    )
    path = str(_findings(report, OWNED)["C-7"]["evidence"])
    assert "C-7 ← 60% C-3 (Golden Bridge Holding Ltd)" in path


def test_a_minority_written_with_a_decimal_comma_is_not_followed(
    runner: CliRunner, tmp_path: Path
) -> None:
    """49,5% is less than half: read (not left unknown, which a chain would follow)."""
    report = _screen(
        runner,
        tmp_path,
        ("companies.csv", COMPANIES),
        ("relationships.csv", _chain("49,5%", "51,5")),
    )
    assert "C-7" not in _findings(report, OWNED)
    assert not _issues(report)


def test_a_file_of_fractions_of_one_is_not_read_as_tiny_shares(
    runner: CliRunner, tmp_path: Path
) -> None:
    """0.6 and 0.51 in a file whose every share is at most 1 are most likely 60% and 51%: never
    read as 0.6% (a majority lost), they are unknown, listed with how to write them, and the
    chain follows them as it follows an unrecorded share."""
    report = _screen(
        runner,
        tmp_path,
        ("companies.csv", COMPANIES),
        ("relationships.csv", _chain("0.6", "0.51")),
    )
    issues = _issues(report)
    for record in ("R1", "R2"):
        assert "every share in the file is 1 or less" in issues[(record, "share_pct")]
        assert "write 50%" in issues[(record, "share_pct")]
    path = str(_findings(report, OWNED)["C-7"]["evidence"])
    assert "C-7 ← share not recorded C-3" in path


def test_a_small_share_beside_larger_ones_is_a_small_share(
    runner: CliRunner, tmp_path: Path
) -> None:
    shares = {"R1": "0.5", "R2": "60", "R3": "1/2"}
    report = _screen(runner, tmp_path, ("relationships.csv", _relationships(shares)))
    stake = _findings(report, STAKE)
    assert "(share: 0.5%," in str(stake["R1"]["explanation"])
    assert "(share: 50%," in str(stake["R3"]["explanation"])
    assert not _issues(report)


WORKERS = (
    "record_id,full_name,nationality,employment_start,monthly_income,currency\n"
    'W1,Kim Chol Jin,KP,2023-03-20,"1,500",USD\n'
    'W2,Pak Il Kyu,KP,2023-03-20,"1 500,50 ₽",RUB\n'
    'W3,Ri Su Yong,KP,2023-03-20,"30,5",USD\n'
    "W4,Jon Hyok,KP,2023-03-20,$1200,USD\n"
    "W5,O Kwang,KP,2023-03-20,30%,USD\n"
)


def test_amounts_keep_their_reading_beside_shares(runner: CliRunner, tmp_path: Path) -> None:
    """1,500 dollars is fifteen hundred (a thousands separator); 30,5 is thirty and a half in
    an income as in a share; a percent sign is no amount."""
    report = _screen(
        runner,
        tmp_path,
        ("workers.csv", WORKERS),
        ("relationships.csv", _relationships({"R1": "1,500"})),
    )
    income = {record: str(row["explanation"]) for record, row in _findings(report, INCOME).items()}
    assert "(monthly income: 1500; currency: USD)" in income["W1"]
    assert "(monthly income: 1500.5; currency: RUB)" in income["W2"]
    assert "(monthly income: 30.5; currency: USD)" in income["W3"]
    assert "(monthly income: 1200; currency: USD)" in income["W4"]
    assert _issues(report)[("W5", "monthly_income")] == "not a number"
    # in a share a comma is the decimal mark: no share runs to thousands
    assert "(share: 1.5%," in str(_findings(report, STAKE)["R1"]["explanation"])


def test_the_normalizer_reads_shares_in_percent(tmp_path: Path) -> None:
    path = tmp_path / "relationships.csv"
    path.write_text(
        _relationships({"R1": "30%", "R2": "30,5", "R3": "1/4", "R4": "¾", "R5": "", "R6": "x"}),
        encoding="utf-8",
    )
    table = normalize_table(RecordKind.relationship, read_records(path).frame)
    shares = table.values["share_pct"].tolist()
    assert shares[:4] == [30.0, 30.5, 25.0, 75.0]
    assert math.isnan(shares[4]) and math.isnan(shares[5])
    assert table.issues[["record_id", "field"]].values.tolist() == [["R6", "share_pct"]]
