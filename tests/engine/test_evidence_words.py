"""What a reviewer reads on the Findings sheet: one sentence and concise evidence (issue 19).

The records are written from the law and the registers' own spellings: a DPRK national on a
Russian student visa (учебная) who works, a DPRK joint-venture partner written `jv_partner` with a
40% share, another written in Russian (партнер по СП), companies with one and with five DPRK
workers, a chain of two companies owned by a designated entity. The evidence keeps its
`key: value; key: value` form (the review reads it back by key) but says only what decided the
finding, in the reviewer's words, and the same whatever the order of the rows or the as-of date.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.review.evidence import parse_items
from tests.conftest import AS_OF, run_cli, sheet_rows

WORKERS = (
    (
        "record_id,full_name,nationality,work_country,visa_type,employer_id,employer_name,"
        "employment_start,employment_end,monthly_income\n"
    )
    + """W-1,Хан Сон Ир,КНДР,RU,учебная,C-1,Vostok Stroy Alliance LLC,12.08.2024,,48000
RW-12,Pak Song Chol,KP,RU,work,C-5,Amur Timber LLC,2021-03-01,,
RW-11,Ri Myong Chol,KP,RU,Student,C-5,Amur Timber LLC,2021-03-01,,90000
RW-15,Choe Kwang Hyok,KP,RU,work,C-5,Amur Timber LLC,2021-03-01,,
RW-13,Kim Yong Nam,KP,RU,work,C-5,Amur Timber LLC,2021-03-01,,
RW-14,Jon Chol Su,KP,RU,work,C-5,Amur Timber LLC,2021-03-01,,
W-7,Kim Chol,KP,RU,work,C-12,Amur Mining Equipment Supply LLC,2022-01-01,,
"""
)
COMPANIES = """record_id,name,country,sector
C-1,Vostok Stroy Alliance LLC,RU,construction
C-5,Amur Timber LLC,RU,forestry
C-3,Dandong Hengtai Garment Manufacturing Co.,CN,garments
C-10,Changgwang Sinyong Corporation,KP,mining
C-11,Amur Mining Holding LLC,RU,mining
C-12,Amur Mining Equipment Supply LLC,RU,equipment
C-20,Korea Mining Development Trading Corp Moscow branch,RU,trade
"""
RELATIONSHIPS = (
    ("record_id,company_id,party_id,party_name,party_country,role,share_pct,start_date,end_date\n")
    + """R-1,C-3,,Korea Pyoljin Trading Corporation,KP,jv_partner,40,2019-04-15,
R-2,C-3,,Taedonggang Sewing Cooperative,KP,партнер по СП,10,2018-03-01,
R-3,C-11,C-10,Pyongyang Mining Investment Group,KP,shareholder,60,2015-01-01,
R-4,C-12,C-11,Amur Mining Holding LLC,RU,shareholder,100,2016-01-01,
"""
)

VISA = "indicator-dprk-national-on-non-work-visa-working"
EMPLOYER = "indicator-employer-of-dprk-nationals-after-deadline"
OP12 = "unscr2371-op12-joint-venture-opened-after-adoption"
OP18 = "unscr2375-op18-joint-venture-open-after-closure-deadline"
OWNED = "unscr1718-op8d-owned-through-designated-party"
COMPANY = "unscr1718-op8d-designated-company"
WORKER_EMPLOYER = "indicator-worker-employer-joint-venture-or-designation"
INCOME = "unscr2397-op8-income-after-repatriation-deadline"

Findings = dict[tuple[str, str], dict[str, str]]


def _reversed(text: str) -> str:
    header, *rows = text.strip("\n").split("\n")
    return "\n".join([header, *reversed(rows)]) + "\n"


def _screen(tmp_path: Path, name: str, as_of: str = AS_OF, reverse: bool = False) -> Findings:
    folder = tmp_path / name
    folder.mkdir()
    paths = []
    for file, text in (
        ("workers.csv", WORKERS),
        ("companies.csv", COMPANIES),
        ("relationships.csv", RELATIONSHIPS),
    ):
        path = folder / file
        path.write_text(_reversed(text) if reverse else text, encoding="utf-8")
        paths.append(path)
    report = folder / "report.xlsx"
    result = run_cli(CliRunner(), "run", *paths, "--as-of", as_of, "--out", report)
    assert result.exit_code == 0, result.output
    return {
        (str(row["rule_id"]), str(row["record_id"])): {
            "finding_id": str(row["finding_id"]),
            "explanation": str(row["explanation"]),
            "evidence": str(row["evidence"]),
        }
        for row in sheet_rows(report, "Findings")
    }


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Findings:
    return _screen(tmp_path_factory.mktemp("words"), "screen")


def _evidence(findings: Findings, rule: str, record: str) -> dict[str, str]:
    return parse_items(findings[(rule, record)]["evidence"])


def test_a_visa_type_is_shown_by_the_visa_vocabulary_with_what_the_file_wrote(
    findings: Findings,
) -> None:
    sentence = findings[(VISA, "W-1")]["explanation"]
    assert "holds a student visa (given as “учебная”) but works for" in sentence
    assert _evidence(findings, VISA, "W-1")["visa_type"] == "student visa (given as “учебная”)"
    # "Student" is the vocabulary's own word: no note
    assert "holds a student visa but works for" in findings[(VISA, "RW-11")]["explanation"]
    assert _evidence(findings, VISA, "RW-11")["visa_type"] == "student visa"


def test_a_role_is_shown_by_the_role_vocabulary_and_a_share_as_a_percentage(
    findings: Findings,
) -> None:
    sentence = findings[(OP12, "R-1")]["explanation"]
    assert "became joint-venture partner of Dandong Hengtai" in sentence
    assert "(share: 40%)" in sentence
    evidence = _evidence(findings, OP12, "R-1")
    assert evidence["role"] == "joint-venture partner"  # jv_partner is the code's spelling
    assert evidence["share_pct"] == "40%"
    russian = _evidence(findings, OP12, "R-2")["role"]
    assert russian == "joint-venture partner (given as “партнер по СП”)"
    for finding in findings.values():
        assert "jv partner" not in finding["explanation"] + finding["evidence"]
        assert "jv_partner" not in finding["explanation"] + finding["evidence"]


def test_a_number_is_followed_by_its_noun_in_the_right_form(findings: Findings) -> None:
    assert "employed 1 DPRK national after" in findings[(EMPLOYER, "C-1")]["explanation"]
    assert "employed 5 DPRK nationals after" in findings[(EMPLOYER, "C-5")]["explanation"]
    assert "owned through 1 company in the data" in findings[(OWNED, "C-11")]["explanation"]
    assert "owned through 2 companies in the data" in findings[(OWNED, "C-12")]["explanation"]
    sentence = findings[(OP18, "C-3")]["explanation"]
    assert "has 2 ownership or joint-venture links with DPRK parties" in sentence
    for finding in findings.values():
        assert not re.search(r"\((s|es|ies)\)", finding["explanation"]), finding


def test_related_records_are_listed_by_id_with_their_values_in_words(findings: Findings) -> None:
    workers = _evidence(findings, EMPLOYER, "C-5")
    assert workers["workers.ids"] == "RW-11, RW-12, RW-13, RW-14, RW-15"
    assert workers["workers.names"] == (
        "Ri Myong Chol; Pak Song Chol; Kim Yong Nam; Jon Chol Su; Choe Kwang Hyok"
    )
    links = _evidence(findings, OP18, "C-3")
    assert links["relationships.ids"] == "R-1, R-2"
    assert links["relationships.names"] == (
        "Korea Pyoljin Trading Corporation (KP, joint-venture partner, since 2019-04-15); "
        "Taedonggang Sewing Cooperative (KP, joint-venture partner, since 2018-03-01)"
    )


def test_the_order_of_the_rows_changes_no_evidence(findings: Findings, tmp_path: Path) -> None:
    shuffled = _screen(tmp_path, "reversed", reverse=True)
    assert shuffled == findings


def test_the_as_of_date_is_no_evidence(findings: Findings, tmp_path: Path) -> None:
    later = _screen(tmp_path, "later", as_of="2026-12-01")
    assert later.keys() == findings.keys()
    for key, finding in findings.items():
        assert "as_of" not in parse_items(finding["evidence"]), key
        assert later[key]["evidence"] == finding["evidence"], key
        assert later[key]["finding_id"] == finding["finding_id"], key


def test_a_name_match_shows_what_decided_it_not_the_matchers_working(
    findings: Findings,
) -> None:
    exact = _evidence(findings, COMPANY, "C-10")
    assert exact["list.reference"] == "KPe.001"
    assert exact["list.matched_name"] == "Changgwang Sinyong Corporation"
    assert exact["list.corroboration"] == "country KP matches"
    assert "list.score" not in exact  # a full match: the matched name says it
    assert "list.read_as" not in exact  # read as written
    assert "(name match 100%)" in findings[(COMPANY, "C-10")]["explanation"]
    branch = _evidence(findings, COMPANY, "C-20")
    assert re.fullmatch(r"\d\d(\.\d)?%", branch["list.score"])  # below 100%, as a percentage
    assert branch["list.read_as"] == "Korea Mining Development Trading Corp (branch or office of)"
    assert f"(name match {branch['list.score']})" in findings[(COMPANY, "C-20")]["explanation"]
    for finding in findings.values():
        assert "list.alignment" not in finding["evidence"]


def test_only_the_branches_that_held_are_evidence(findings: Findings) -> None:
    # W-7's employer is owned through a designated company: that finding fired; the employer's
    # own links to designated parties (the other branch) did not count
    evidence = _evidence(findings, WORKER_EMPLOYER, "W-7")
    assert evidence[f"employer.finding.{OWNED}"] == "yes"
    assert not [key for key in evidence if key.startswith("employer.relationships.")]
    owned = _evidence(findings, OWNED, "C-12")
    assert owned[f"owner.finding.{COMPANY}"] == "yes"
    assert not [key for key in owned if key.startswith("owner.relationships.")]
    for finding in findings.values():
        assert not [value for value in parse_items(finding["evidence"]).values() if value == "no"]
    # an attaché-free worker still employed: the period branch decided, and the sentence's
    # fields are shown whatever branch held
    income = _evidence(findings, INCOME, "RW-11")
    assert income["employment_start"] == "2021-03-01"
    assert income["monthly_income"] == "90000"
