"""Slips an analyst makes in a rule file, each caught by `rules validate` at its line with the fix,
and `rules test` saying which condition decided a failing example.

Each slip is made in a copy of a bundled rule (UNSCR 2375 OP17), as someone editing it would."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.resources import rules_dir
from tests.conftest import run_cli

OP17 = "unscr2375-op17-work-authorization"


@pytest.fixture
def rule(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    return Path(shutil.copy(rules_dir() / f"{OP17}.yaml", folder))


def _edit(rule: Path, old: str, new: str) -> int:
    """Replace the first `old` in the rule file; return the line it is on."""
    text = rule.read_text("utf-8")
    assert old in text, old
    rule.write_text(text.replace(old, new, 1), "utf-8")
    return text[: text.index(old)].count("\n") + 1


def _problem(runner: CliRunner, rule: Path) -> str:
    result = run_cli(runner, "rules", "validate", rule)
    assert result.exit_code == 2, result.output
    first = result.stderr.splitlines()[0]
    assert "Traceback" not in result.output
    return first


def test_an_unclosed_placeholder_is_refused(runner: CliRunner, rule: Path) -> None:
    _edit(rule, "on {permit_issued}, after", "on {permit_issued, after")
    problem = _problem(runner, rule)
    assert problem.startswith(f"{rule}:")
    assert "'{' that opens or closes no placeholder" in problem
    assert "«{permit_issued, after" in problem


def test_a_stray_closing_brace_is_refused(runner: CliRunner, rule: Path) -> None:
    _edit(rule, "({nationality})", "({nationality}})")
    assert "'}' that opens or closes no placeholder" in _problem(runner, rule)


@pytest.mark.parametrize(
    "country", ["North Korea", "КНДР", "DPRK", "조선", "Democratic People's Republic of Korea"]
)
def test_a_country_written_as_records_write_it_is_read_as_the_records_are(
    runner: CliRunner, rule: Path, country: str
) -> None:
    _edit(
        rule,
        "- field: nationality\n      equals: KP",
        f"- field: nationality\n      equals: {country!r}",
    )
    assert run_cli(runner, "rules", "validate", rule).exit_code == 0
    result = run_cli(runner, "rules", "test", "--rules", rule.parent)
    assert result.exit_code == 0, result.output  # the examples' KP and DPRK workers still match


@pytest.mark.parametrize(
    ("country", "reason"),
    [("Korea", "could be the DPRK (KP) or the Republic of Korea"), ("Narnia", "unknown country")],
)
def test_a_country_no_record_could_hold_is_refused_at_its_line(
    runner: CliRunner, rule: Path, country: str, reason: str
) -> None:
    line = _edit(rule, "      equals: KP", f"      equals: {country}")
    problem = _problem(runner, rule)
    assert problem.startswith(f"{rule}:{line}: '{country}' is no country")
    assert reason in problem and "ISO code" in problem


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("later_than", "after"),
        ("on_or_aftr", "on_or_after"),
        ("since", "after"),
        ("contains", "matches"),
    ],
)
def test_an_unknown_operator_names_the_one_meant(
    runner: CliRunner, rule: Path, written: str, meant: str
) -> None:
    line = _edit(rule, "on_or_after: 2017-09-11", f"{written}: 2017-09-11")
    problem = _problem(runner, rule)
    assert problem.startswith(
        f"{rule}:{line}: unknown operator `{written}` in when, all, 3rd condition"
    )
    assert f"did you mean `{meant}`?" in problem
    assert "(operators: equals, in," in problem
    assert "Extra inputs" not in problem


def test_a_date_in_another_form_says_how_rule_files_write_dates(
    runner: CliRunner, rule: Path
) -> None:
    line = _edit(rule, "on_or_after: 2017-09-11", "on_or_after: 11.09.2017")
    problem = _problem(runner, rule)
    assert problem.startswith(f"{rule}:{line}:")
    assert "'11.09.2017'" in problem and "write dates as YYYY-MM-DD" in problem


def test_a_quote_not_found_names_the_seed_file_and_the_closest_passage(
    runner: CliRunner, rule: Path
) -> None:
    line = _edit(rule, "At least 700 new work permits", "At least 800 new work permits")
    problem = _problem(runner, rule)
    assert problem.startswith(f"{rule}:{line}: quote does not occur verbatim")
    assert re.search(r"\(\S+seeds/\S+\.txt\)", problem)
    assert "closest passage: «At least 700 new work permits were issued this year.»" in problem


def test_a_failing_example_says_which_condition_decided_it(runner: CliRunner, rule: Path) -> None:
    _edit(rule, "permit_issued: 2017-09-11}", "permit_issued: 2017-09-01}")
    result = run_cli(runner, "rules", "test", "--rules", rule.parent)
    assert result.exit_code == 1
    assert (
        "condition 3 of 6 was false, {field: permit_issued, on_or_after: 2017-09-11}: "
        "permit_issued was 2017-09-01" in result.stderr
    )


def test_an_example_that_fires_unexpectedly_says_every_condition_held(
    runner: CliRunner, rule: Path
) -> None:
    _edit(rule, "permit_issued: 2017-09-10}", "permit_issued: 2017-09-12}")
    result = run_cli(runner, "rules", "test", "--rules", rule.parent)
    assert result.exit_code == 1
    assert "expected no_match, got match" in result.stderr
    assert "all 6 conditions held" in result.stderr


def test_a_decision_written_as_registers_write_it_is_read_as_theirs(
    runner: CliRunner, rule: Path
) -> None:
    _edit(rule, "equals: approved", "equals: одобрено")
    assert run_cli(runner, "rules", "validate", rule).exit_code == 0
    result = run_cli(runner, "rules", "test", "--rules", rule.parent)
    assert result.exit_code == 0, result.output  # the approved example is still cleared


def test_a_decision_no_register_writes_is_refused(runner: CliRunner, rule: Path) -> None:
    line = _edit(rule, "equals: approved", "equals: maybe later")
    problem = _problem(runner, rule)
    assert problem.startswith(f"{rule}:{line}: 'maybe later' is no Committee decision")
    assert "approved, refused, pending" in problem


@pytest.mark.parametrize("written", ["50%", "'50,0'", "'1/2'"])
def test_a_share_written_as_records_write_it_is_read_as_theirs(
    runner: CliRunner, tmp_path: Path, written: str
) -> None:
    folder = Path(shutil.copytree(rules_dir(), tmp_path / "all"))
    rule = folder / "unscr1718-op8d-owned-through-designated-party.yaml"
    text = rule.read_text("utf-8")
    assert "ge: 50" in text
    rule.write_text(text.replace("ge: 50", f"ge: {written}"), "utf-8")
    assert run_cli(runner, "rules", "validate", rule).exit_code == 0
    result = run_cli(runner, "rules", "test", "--rules", folder)
    assert result.exit_code == 0, result.output


def test_a_number_no_record_could_hold_says_how_to_write_one(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = Path(shutil.copytree(rules_dir(), tmp_path / "all"))
    rule = folder / "unscr1718-op8d-owned-through-designated-party.yaml"
    line = _edit(rule, "ge: 50", "ge: half")
    problem = _problem(runner, rule)
    assert problem.startswith(f"{rule}:{line}:")
    assert "'half' is not a number: write e.g. 50, 50%, 30,5 or 1/3" in problem
