"""The rule library on a hand-built data set: exactly these records, under exactly these rules.

`tests/data/scenario/` holds workers, companies and ownership links built one per exception and
boundary of the rules (2017-08-04/05, 2017-09-10/11, 2018-01-09/10, 2019-12-22/23, a contract
finalized before adoption, Committee exemptions and approvals, Republic of Korea nationals and
parties, DPRK spellings in Russian, an ambiguous "Korea", unreadable dates). The test screens them
through the CLI as of 2026-11-23 and compares the Findings sheet with the full expected set, so a
missing finding and an extra one both fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import AS_OF, run_cli, sheet_rows

DATA = Path(__file__).parent / "data" / "scenario"

OP17 = "unscr2375-op17-work-authorization"
OP8 = "unscr2397-op8-income-after-repatriation-deadline"
OP18 = "unscr2375-op18-joint-venture-open-after-closure-deadline"
OP12 = "unscr2371-op12-joint-venture-opened-after-adoption"
LISTED_WORKER = "unscr1718-op8d-designated-worker"
LISTED_COMPANY = "unscr1718-op8d-designated-company"
LISTED_PARTY = "unscr1718-op8d-designated-party"
VISA = "indicator-dprk-national-on-non-work-visa-working"
EMPLOYER = "indicator-employer-of-dprk-nationals-after-deadline"
EXPOSURE = "indicator-worker-employer-joint-venture-or-designation"
TRADING = "indicator-dprk-trading-company-stake"
SECTOR = "indicator-construction-or-logistics-with-dprk-workers"
NATIONALITY = "review-worker-nationality-unknown"
PARTY_COUNTRY = "review-party-country-unknown"
DATES = "review-dprk-worker-dates-missing"

EXPECTED: dict[str, set[str]] = {
    # workers
    "SW-01": set(),  # permit 2017-09-10 (day before OP17); employment ended 2019-12-22 (deadline)
    "SW-02": {OP17, OP8},  # permit 2017-09-11 (adoption day); employment ended 2019-12-23
    "SW-03": set(),  # permit after adoption but written contract finalized 2017-09-10
    "SW-04": set(),  # permit after adoption with a Committee exemption; left 2019-06-30
    "SW-05": set(),  # Republic of Korea national (South Korea), employer with ROK links only
    "SW-06": {OP17, OP8, EXPOSURE},  # КНДР, DD.MM.YYYY dates; employer SC-01 has an open DPRK JV
    "SW-07": {OP8, EXPOSURE, DATES},  # safety oversight attaché, no dates, no income, no permit
    "SW-08": {OP8, VISA, DATES},  # student visa, warehouse job, no permit recorded
    "SW-09": set(),  # genuine student: no employer, no income
    "SW-10": {NATIONALITY},  # nationality "Korea": ambiguous, no DPRK rule applies
    "SW-11": set(),  # host-state (RU) national with a Korean name
    "SW-12": {OP17, OP8, VISA, LISTED_WORKER, EXPOSURE},  # Ri Su Yong (KPi.052), business visa
    "SW-13": set(),  # DPRK national working inside the DPRK
    "SW-14": {OP8, DATES},  # Северная Корея; permit date 31/02/2020 and start "unknown" unreadable
    "SW-15": {EXPOSURE},  # Uzbek worker of SC-01 (open DPRK JV)
    "SW-16": set(),  # worker of SC-07, whose DPRK JV has a Committee approval
    "SW-17": {OP8, DATES},  # permit 2016 (before OP17); start unknown, ended 2020-05-01
    "SW-18": set(),  # Ri Chol Su: not Kang Chol Su (KPi.059); left 20.12.2019; permit 2016
    "SW-19": {EXPOSURE},  # employer SC-04 opened a DPRK JV on 2017-08-05 (OP12 finding on SR-04)
    # companies
    "SC-01": {OP18, EMPLOYER, SECTOR},  # construction; DPRK JV open since 2016; 2 DPRK workers
    "SC-02": {EMPLOYER, SECTOR},  # warehousing and logistics, DPRK student-visa worker
    "SC-03": {OP18, EMPLOYER},  # designated DPRK shareholder since 2014; seafood (no seed sector)
    "SC-04": set(),  # DPRK JV opened 2017-08-05 but closed 2017-12-31 (OP12 on the link, not OP18)
    "SC-05": {EMPLOYER},  # DPRK JV closed 2018-01-09 (no OP18); employs SW-14 (paid, forestry)
    "SC-06": set(),  # Republic of Korea shareholders; "Korea" shareholder is a review on the link
    "SC-07": set(),  # open DPRK JV with a recorded Committee approval
    "SC-08": set(),  # construction, but its DPRK worker left 20.12.2019
    "SC-09": {OP18},  # DPRK JV closed 2018-01-10, one day after the OP18 deadline
    "SC-10": set(),  # DPRK JV opened 2017-08-04, closed 2017-12-31
    "SC-11": {OP18},  # DPRK trading-company JVs opened 2018 and 2019
    "SC-12": set(),  # Chinese owner that is a trading company
    "SC-13": {LISTED_COMPANY},  # Changgwang Sinyong Corporation: KOMID alias (KPe.001)
    "SC-14": set(),  # open DPRK JV, but the company was dissolved 2017-12-31
    # relationships
    "SR-01": set(),  # DPRK JV opened 2016 (before OP12); the company carries the OP18 finding
    "SR-02": set(),
    "SR-03": {LISTED_PARTY},  # Korea Ryonbong General Corporation (KPe.002); stake from 2014
    "SR-04": {OP12},  # opened on 2017-08-05, the adoption day
    "SR-05": set(),
    "SR-06": set(),  # South Korea shareholder
    "SR-07": set(),  # opened 2018 but Committee approval recorded on SC-07
    "SR-08": {PARTY_COUNTRY},  # shareholder from "Korea"
    "SR-09": set(),
    "SR-10": set(),  # opened 2017-08-04, the day before OP12
    "SR-11": {OP12, TRADING},  # Room 39 trading company, JV partner 2019
    "SR-12": {OP12, TRADING},  # Торговая компания, Северная Корея, 25.05.2018
    "SR-13": {LISTED_PARTY},  # Pak Il-Gyu (KPi.062 alias), a director: designation, no JV rule
    "SR-14": set(),
    "SR-15": set(),
    "SR-16": set(),  # dissolved company (the link has no end date; the company rule excludes it)
    "SR-17": set(),  # Республика Корея shareholder
}


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    out = tmp_path_factory.mktemp("scenario") / "scenario.xlsx"
    files = [DATA / "workers.csv", DATA / "companies.csv", DATA / "relationships.csv"]
    result = run_cli(CliRunner(), "run", *files, "--as-of", AS_OF, "--out", out)
    assert result.exit_code == 0, result.output
    return sheet_rows(out, "Findings")


def test_exactly_the_expected_findings(findings: list[dict[str, object]]) -> None:
    got = {(str(row["record_id"]), str(row["rule_id"])) for row in findings}
    expected = {(record, rule) for record, rules in EXPECTED.items() for rule in rules}
    assert sorted(got - expected) == [], "unexpected findings"
    assert sorted(expected - got) == [], "missing findings"


def test_every_record_is_accounted_for() -> None:
    """The expectations name every record of the data set (an added row needs a decision)."""
    ids = set()
    for name in ("workers.csv", "companies.csv", "relationships.csv"):
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()[1:]
        ids |= {line.split(",", 1)[0] for line in lines if line}
    assert ids == set(EXPECTED)


def test_every_rule_fires_in_the_scenario(findings: list[dict[str, object]]) -> None:
    fired = {str(row["rule_id"]) for row in findings}
    expected = set().union(*EXPECTED.values())
    assert fired == expected


def test_findings_carry_basis_evidence_and_quote(findings: list[dict[str, object]]) -> None:
    for row in findings:
        assert row["legal_basis"], row
        assert row["evidence"], row
        assert "“" in str(row["sources"]), row
        assert "{" not in str(row["explanation"]), row


def test_ambiguous_korea_shows_the_raw_value(findings: list[dict[str, object]]) -> None:
    row = next(r for r in findings if r["record_id"] == "SW-10")
    assert "Korea" in str(row["evidence"])


def test_employer_finding_counts_its_workers(findings: list[dict[str, object]]) -> None:
    row = next(r for r in findings if r["record_id"] == "SC-01" and r["rule_id"] == EMPLOYER)
    assert "employed 2 DPRK nationals" in str(row["explanation"])
    assert "SW-06" in str(row["explanation"]) and "SW-07" in str(row["explanation"])
