"""A number's noun in a rule's sentence: `{workers.count|plural:DPRK national}` (issue 19).

The form is read when a rule file is loaded: one used wrongly (on a text, with no noun, with a
misspelt name) is an error at the line of `explain`, as every other template slip is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.resources import rules_dir
from screening.rulespec.checks import plural_forms
from tests.conftest import run_cli

EMPLOYER = "indicator-employer-of-dprk-nationals-after-deadline"
FORM = "{workers.count|plural:DPRK national}"


@pytest.mark.parametrize(
    ("words", "forms"),
    [
        ("plural:DPRK national", ("DPRK national", "DPRK nationals")),
        ("plural:company", ("company", "companies")),
        ("plural:foreign stake holder", ("foreign stake holder", "foreign stake holders")),
        ("plural:day", ("day", "days")),  # a vowel before the y: -s
        ("plural:box", ("box", "boxes")),
        ("plural:branch", ("branch", "branches")),
        ("plural:stake was/stakes were", ("stake was", "stakes were")),
        ("plural:person/people", ("person", "people")),
        ("none recorded", None),  # words shown when the value is missing
        (None, None),
    ],
)
def test_the_noun_and_its_plural(words: str | None, forms: tuple[str, str] | None) -> None:
    assert plural_forms(words) == forms


@pytest.fixture
def rule(tmp_path: Path) -> Path:
    """The employer rule in a copy of the rules (it names another rule's finding)."""
    folder = Path(shutil.copytree(rules_dir(), tmp_path / "rules"))
    return folder / f"{EMPLOYER}.yaml"


def _explain_line(rule: Path) -> int:
    lines = rule.read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith("explain:"))


def _problem(runner: CliRunner, rule: Path, written: str) -> str:
    text = rule.read_text("utf-8")
    assert FORM in text
    rule.write_text(text.replace(FORM, written, 1), "utf-8")
    result = run_cli(runner, "rules", "validate", rule)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{rule}:{_explain_line(rule)}: "), first
    return first


def test_the_shipped_form_validates(runner: CliRunner, rule: Path) -> None:
    assert run_cli(runner, "rules", "validate", rule).exit_code == 0


def test_a_plural_of_a_text_is_refused(runner: CliRunner, rule: Path) -> None:
    problem = _problem(runner, rule, "{name|plural:DPRK national}")
    assert "{name|plural:DPRK national}" in problem
    assert "{name} is not a number" in problem


def test_a_plural_with_no_noun_is_refused(runner: CliRunner, rule: Path) -> None:
    problem = _problem(runner, rule, "{workers.count|plural:}")
    assert "write plural:noun (company) or plural:singular/plural (person/people)" in problem


def test_a_plural_with_three_forms_is_refused(runner: CliRunner, rule: Path) -> None:
    assert "plural:singular/plural" in _problem(runner, rule, "{workers.count|plural:a/b/c}")


def test_a_misspelt_form_is_refused_not_shown_as_words(runner: CliRunner, rule: Path) -> None:
    problem = _problem(runner, rule, "{workers.count|plurl:DPRK national}")
    assert "'plurl' is no template form" in problem
    assert "{workers.count|plural:noun}" in problem


def test_words_with_a_colon_and_a_space_are_still_words(runner: CliRunner, rule: Path) -> None:
    text = rule.read_text("utf-8")
    rule.write_text(text.replace("{sector|", "{sector|note: ", 1), "utf-8")
    assert run_cli(runner, "rules", "validate", rule).exit_code == 0
