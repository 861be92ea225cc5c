"""`screening lists show` and the summary behind it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from screening.cli.lists import app
from screening.lists import bundled_list, load_list
from screening.lists.summary import summarize

DATA = Path(__file__).parent.parent / "data" / "lists"


def test_summary_counts_types_and_programmes() -> None:
    summary = summarize(load_list(DATA / "un_consolidated.xml"))
    assert summary.entries == 3
    assert summary.by_type == {"organization": 1, "person": 2}
    assert summary.by_programme == {"DPRK": 2, "Al-Qaida": 1}
    assert summary.first_listed == dt.date(2001, 10, 6)
    assert summary.last_listed == dt.date(2017, 8, 5)
    assert summary.as_of == dt.date(2026, 11, 20)


def test_bundled_summary() -> None:
    summary = summarize(bundled_list())
    assert summary.by_type["person"] == 7
    assert summary.by_programme == {"DPRK": summary.entries}


def test_cli_show() -> None:
    result = CliRunner().invoke(app, ["show", str(DATA / "targets.simple.csv")])
    assert result.exit_code == 0, result.output
    assert "UN-SC1718" in result.output
    assert "person" in result.output


def test_cli_show_bad_file_is_one_error_line() -> None:
    result = CliRunner().invoke(app, ["show", str(DATA / "un_bomb.xml")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
