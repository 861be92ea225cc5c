"""Every bundled rule file's own examples pass: one test per rule file, named by the rule id.

A rule edit that breaks one of its examples (a boundary date, an exception) fails CI here with the
names of the failing examples and what the rule produced instead.
"""

from __future__ import annotations

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
