"""`listed: {in_force_on: FIELD}` must name a date field of the record kind: file:line otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.errors import RuleFileError
from screening.resources import seeds_dir
from screening.rulespec.catalogue import describe
from screening.rulespec.rulebook import load_rulebook
from screening.rulespec.sources import load_corpus

# A frozen copy of a real rule (see test_rule_files.py).
BASE = Path(__file__).parent.parent / "data" / "rules" / "sample-work-authorization.yaml"
TESTED = "    - field: nationality\n      equals: KP"


def _with(tmp_path: Path, condition: str) -> tuple[Path, int]:
    directory = tmp_path / "rules"
    directory.mkdir()
    text = BASE.read_text(encoding="utf-8")
    assert TESTED in text
    edited = text.replace(TESTED, condition, 1)
    (directory / BASE.name).write_text(edited, encoding="utf-8")
    return directory, edited[: edited.index(condition)].count("\n") + 1


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("nationality", "'nationality' is not a date field of worker records"),
        ("end_date", "'end_date' is not a date field of worker records"),
    ],
)
def test_in_force_on_must_be_a_date_field(tmp_path: Path, field: str, message: str) -> None:
    condition = f"    - field: full_name\n      listed:\n        in_force_on: {field}"
    directory, line = _with(tmp_path, condition)
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(directory, load_corpus(seeds_dir()))
    assert message in str(caught.value)
    assert caught.value.line == line + 2


def test_in_force_on_a_date_field_loads_and_reads_in_words(tmp_path: Path) -> None:
    condition = (
        "    - field: full_name\n      listed: {schema: person, in_force_on: employment_end}"
    )
    directory, _ = _with(tmp_path, condition)
    (loaded,) = load_rulebook(directory, load_corpus(seeds_dir())).rules
    words = describe(loaded.rule.when)
    assert (
        "full_name matches a sanctions list entry of type person listed on or before "
        "employment_end (no employment_end: ongoing; an entry without a listing date counts)"
    ) in words
