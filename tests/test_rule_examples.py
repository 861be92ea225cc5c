"""Every bundled rule file's own examples pass: one test per rule file, named by the rule id.

A rule edit that breaks one of its examples (a boundary date, an exception) fails CI here with the
names of the failing examples and what the rule produced instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.lists.loading import bundled_list
from screening.resources import rules_dir, seeds_dir
from screening.rulespec.rulebook import Rulebook, load_rulebook, rule_files
from screening.rulespec.sources import load_corpus
from screening.ruletests import run_rule_tests

RULE_IDS = [path.stem for path in rule_files(rules_dir())]


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(rules_dir(), load_corpus(seeds_dir()))


def test_every_rule_file_is_collected(rulebook: Rulebook) -> None:
    assert sorted(item.rule.id for item in rulebook.rules) == sorted(RULE_IDS)


@pytest.mark.parametrize("rule_id", RULE_IDS, ids=RULE_IDS)
def test_rule_examples(rulebook: Rulebook, rule_id: str) -> None:
    outcomes = run_rule_tests(rulebook, [bundled_list()], rule_ids=[rule_id])
    assert outcomes, f"{rule_id} has no examples"
    failed = [
        f"{outcome.name!r}: expected {outcome.expected}, got {outcome.actual} ({outcome.detail})"
        for outcome in outcomes
        if not outcome.passed
    ]
    assert not failed, f"{rule_id}: failing examples:\n" + "\n".join(failed)


def test_examples_that_reuse_ids_never_meet(tmp_path: Path) -> None:
    """Examples are screened together, but an example's records never link to another's: two
    examples whose company and worker share ids, one a DPRK worker and one not, each pass."""
    folder = Path(shutil.copytree(rules_dir(), tmp_path / "rules"))
    rule = folder / "indicator-construction-or-logistics-with-dprk-workers.yaml"
    text = rule.read_text("utf-8")
    company = "{record_id: C1, name: Vostok Stroy LLC, country: RU, sector: construction}"
    worker = "{record_id: W1, full_name: %s, nationality: %s, employer_id: C1}"
    rule.write_text(
        text[: text.index("tests:")]
        + f"""tests:
  - name: a DPRK worker
    expect: match
    record: {company}
    workers:
      - {worker % ("Kim Chol Ung", "KP")}
  - name: the same ids, a worker of the Republic of Korea
    expect: no_match
    record: {company}
    workers:
      - {worker % ("Park Ji-hoon", "KR")}
""",
        "utf-8",
    )
    rulebook = load_rulebook(folder, load_corpus(seeds_dir()))
    outcomes = run_rule_tests(rulebook, [bundled_list()], rule_ids=[rule.stem])
    assert [(outcome.actual, outcome.passed) for outcome in outcomes] == [
        ("match", True),
        ("no_match", True),
    ]
    assert "W1" in outcomes[0].detail and "~~" not in outcomes[0].detail
