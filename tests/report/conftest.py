"""A small hand-built ScreenResult with formula-injection strings on every sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from screening.assemble import sort_findings, summarise_records
from screening.results import InputSummary, ListSummary, ScreenResult

INJECTIONS = ("=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx")
LONG_TEXT = "x" * 40_000


def findings_frame() -> pd.DataFrame:
    """Three findings, deliberately out of report order, one explanation with each injection."""
    rows = [
        ("F3", "W2", "worker", INJECTIONS[0], "R-2397-OP8", "Income after deadline", "review"),
        ("F1", "W1", "worker", INJECTIONS[1], "R-2375-OP17", "Permit after ban", "violation"),
        ("F2", "C1", "company", INJECTIONS[2], "R-2397-OP8", "Income after deadline", "indicator"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "finding_id",
            "record_id",
            "record_type",
            "name",
            "rule_id",
            "rule_title",
            "severity",
        ],
    )
    return frame.assign(
        legal_basis=["UNSCR 2397 (2017) OP8", "UNSCR 2375 (2017) OP17", "UNSCR 2397 (2017) OP8"],
        explanation=[INJECTIONS[3], LONG_TEXT, "plain sentence"],
        evidence=[INJECTIONS[4], INJECTIONS[5], "nationality=KP"],
        sources=["S-2397", "S-2375", "S-2397"],
        file=["workers.csv", "workers.csv", "companies.csv"],
        line=[3, 2, 2],
        decision=pd.Series([None, "confirmed", ""], dtype=object),
        reviewer=pd.Series([None, "A. Analyst", None], dtype=object),
        comment=pd.Series([None, '=HYPERLINK("http://x")', None], dtype=object),
    )


def make_result(findings: pd.DataFrame | None = None) -> ScreenResult:
    """A complete ScreenResult with injection strings in every table."""
    records = pd.DataFrame(
        {
            "record_id": ["W1", "W2", "C1"],
            "record_type": ["worker", "worker", "company"],
            "file": ["workers.csv", "workers.csv", "companies.csv"],
            "line": [2, 3, 2],
            "name": [INJECTIONS[1], INJECTIONS[0], "Acme\x00Ltd"],
            "status": ["finding", "finding", "finding"],
            "findings": [1, 1, 1],
            "details": [INJECTIONS[3], None, float("nan")],
        }
    )
    rejected = pd.DataFrame(
        {
            "file": ["workers.csv"],
            "line": [4],
            "reason": ["missing full_name"],
            "raw": [INJECTIONS[0]],
        }
    )
    data_issues = pd.DataFrame(
        {
            "record_id": ["W1"],
            "record_type": ["worker"],
            "file": ["workers.csv"],
            "line": [2],
            "field": ["date_of_birth"],
            "value": [INJECTIONS[2]],
            "problem": ["not a date"],
        }
    )
    rules = pd.DataFrame(
        {
            "rule_id": ["R-2375-OP17", "R-2397-OP8"],
            "title": ["Permit after ban", INJECTIONS[1]],
            "severity": ["violation", "review"],
            "applies_to": ["worker", "worker"],
            "legal_basis": ["UNSCR 2375 (2017) OP17", "UNSCR 2397 (2017) OP8"],
            "file": ["rules/r1.yaml", "rules/r2.yaml"],
            "sha256": ["a" * 64, "b" * 64],
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": ["S-2375", "S-2375b", "S-2397"],
            "title": ["Resolution 2375", "Press release", "Resolution 2397"],
            "publisher": ["UN Security Council"] * 3,
            "date": [dt.date(2017, 9, 11), dt.date(2017, 9, 11), dt.date(2017, 12, 22)],
            "file": ["seeds/2375.md", "seeds/2375-press.md", "seeds/2397.md"],
            "quote": [INJECTIONS[3], "decides that ...", INJECTIONS[4]],
            "url": ["https://undocs.org/S/RES/2375(2017)", None, None],
            "rule_id": ["R-2375-OP17", "R-2375-OP17", "R-2397-OP8"],
        }
    )
    return ScreenResult(
        as_of=dt.date(2026, 1, 15),
        started=dt.datetime(2026, 1, 15, 9, 30, 0),
        duration_s=1.25,
        command="screening run =cmd.csv",
        tool_version="0.1.0",
        rules_dir=Path("rules"),
        rules_hash="c" * 64,
        inputs=[
            InputSummary(Path("workers.csv"), "worker", "d" * 64, 3, 2, 1),
            InputSummary(Path("companies.csv"), "company", "e" * 64, 1, 1, 0),
        ],
        lists=[ListSummary("UN 1718", "-list.xml", dt.date(2025, 12, 1), 80, "f" * 64)],
        findings=sort_findings(findings_frame()) if findings is None else findings,
        records=records,
        rejected=rejected,
        data_issues=data_issues,
        rules=rules,
        sources=sources,
        record_counts=summarise_records(records),
        stage_seconds={"read": 0.5, "rules": 0.25},
    )


@pytest.fixture
def result() -> ScreenResult:
    return make_result()


@pytest.fixture(name="make_result")
def make_result_fixture() -> Callable[..., ScreenResult]:
    """The builder itself, for tests that change one table before writing."""
    return make_result
