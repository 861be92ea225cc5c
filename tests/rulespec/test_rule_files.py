"""Rule files that are wrong say where: `file:line: message`, exit code 2 from `rules validate`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.cli import app
from screening.errors import RuleFileError
from screening.resources import seeds_dir
from screening.rulespec.rulebook import load_rulebook
from screening.rulespec.sources import load_corpus

# A frozen copy of a real rule, so analysts' edits to rules/ never move these expectations.
BASE = Path(__file__).parent.parent / "data" / "rules" / "sample-work-authorization.yaml"


def _edited(tmp_path: Path, old: str, new: str, name: str = BASE.name) -> tuple[Path, int]:
    """A copy of a real rule file with one edit; returns the directory and the edit's first line."""
    directory = tmp_path / "rules"
    directory.mkdir(exist_ok=True)
    text = BASE.read_text(encoding="utf-8")
    assert old in text, old
    edited = text.replace(old, new, 1)
    (directory / name).write_text(edited, encoding="utf-8")
    line = edited[: edited.index(new)].count("\n") + 1 if new else 1
    return directory, line


def _error(directory: Path) -> RuleFileError:
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(directory, load_corpus(seeds_dir()))
    return caught.value


# (case, text replaced, replacement, message, line of the error counted from the replacement's
# first line; None where the error is about a value that the replacement does not hold)
CASES = [
    (
        "unknown_field",
        "    - field: nationality\n      equals: KP",
        "    - field: nationalty\n      equals: KP",
        "worker records have no field 'nationalty'",
        0,
    ),
    (
        "two_operators",
        "    - field: permit_issued\n      on_or_after: 2017-09-11",
        "    - field: permit_issued\n      on_or_after: 2017-09-11\n      before: 2030-01-01",
        "when.all.1: give exactly one operator",
        0,
    ),
    (
        "date_operator_on_text",
        "    - field: permit_issued\n      on_or_after: 2017-09-11",
        "    - field: full_name\n      on_or_after: 2017-09-11",
        "does not apply to text field",
        1,
    ),
    (
        "bad_date",
        "      on_or_after: 2017-09-11",
        "      on_or_after: soon",
        "when, all, 2nd condition, on_or_after: 'soon' is not a date as rule files write them",
        0,
    ),
    (
        "unknown_condition",
        "    - field: committee_exemption\n      missing: true",
        "    - fields: committee_exemption\n      missing: true",
        "when.all.3: a condition needs one of the keys",
        0,
    ),
    ("bad_severity", "severity: violation", "severity: critical", "severity: Input should be", 0),
    (
        "unknown_source",
        "  - source: time-russia-work-permits\n    quote: At least",
        "  - source: no-such-article\n    quote: At least",
        "unknown source 'no-such-article'",
        0,
    ),
    (
        "quote_not_verbatim",
        "    quote: At least 700 new work permits were issued this year.",
        "    quote: At least 900 new work permits were issued this year.",
        "does not occur verbatim",
        0,
    ),
    (
        "unknown_placeholder",
        "received work permit",
        "received {permit} work permit",
        "explain uses {permit}",
        None,
    ),
    (
        "python_tag",
        "title: Work authorization issued to a DPRK national on or after 2017-09-11",
        "title: !!python/name:os.system ''",
        "python/name:os.system",
        0,
    ),
    (
        "python_object_tag",
        "exceptions:\n",
        "exceptions: !!python/object/apply:os.system\n",
        "is not allowed",
        0,
    ),
    (
        "duplicate_key",
        "applies_to: worker",
        "applies_to: worker\napplies_to: company",
        "duplicate key 'applies_to'",
        1,
    ),
    (
        "regex_backreference",
        "    - field: nationality\n      equals: KP",
        "    - field: full_name\n      matches: '(a)\\1'",
        "backreferences",
        1,
    ),
    (
        "in_group_on_a_text_field",
        "    - field: nationality\n      equals: KP",
        "    - field: full_name\n      in_group: stake",
        "does not apply to text field",
        1,
    ),
    (
        "relative_date_on_a_text_field",
        "      on_or_after: 2017-09-11",
        "      on_or_after: {field: full_name, days: 120}",
        "'full_name' is not a date field of worker records",
        0,
    ),
    (
        "relative_date_through_a_lookup",
        "      on_or_after: 2017-09-11",
        "      on_or_after: {field: employer.name, days: 1}",
        "'name' is not a date field of company records",
        0,
    ),
    (
        "named_in_a_date_field",
        "    - field: nationality\n      equals: KP",
        "    - field: full_name\n      named_in: employer.incorporated",
        "'incorporated' is not a text field of company records",
        1,
    ),
    (
        "owned_through_on_a_worker",
        "    - field: nationality\n      equals: KP",
        "    - owned_through:\n        where:\n          field: country\n          equals: KP",
        "`owned_through` applies to company records",
        1,
    ),
    (
        "wrong_kind_field",
        "applies_to: worker\nseverity",
        "applies_to: company\nseverity",
        "company records have no field 'nationality'",
        None,
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message", "offset"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_file_errors_point_at_file_and_line(
    tmp_path: Path, old: str, new: str, message: str, offset: int | None
) -> None:
    directory, line = _edited(tmp_path, old, new)
    error = _error(directory)
    assert message in str(error)
    assert error.path == directory / BASE.name
    if offset is not None:
        assert error.line == line + offset, str(error)


def test_missing_key_is_named(tmp_path: Path) -> None:
    directory, _ = _edited(tmp_path, "applies_to: worker\n", "")
    assert "missing required key 'applies_to'" in str(_error(directory))


def test_file_name_must_be_the_rule_id(tmp_path: Path) -> None:
    directory, _ = _edited(tmp_path, "severity", "severity", name="renamed.yaml")
    assert "does not match the file name" in str(_error(directory))


def test_tests_need_match_and_no_match_examples(tmp_path: Path) -> None:
    directory, _ = _edited(tmp_path, "    expect: no_match", "    expect: match")
    text = (directory / BASE.name).read_text().replace("expect: no_match", "expect: match")
    (directory / BASE.name).write_text(text)
    assert "at least one `expect: no_match`" in str(_error(directory))


def test_finding_reference_to_unknown_rule(tmp_path: Path) -> None:
    directory, _ = _edited(
        tmp_path,
        "    - field: committee_exemption\n      missing: true",
        "    - not:\n        finding: no-such-rule",
    )
    assert "`finding: no-such-rule` names no rule" in str(_error(directory))


def test_validate_command_prints_every_problem_and_exits_2(tmp_path: Path) -> None:
    directory, line = _edited(tmp_path, "severity: violation", "severity: critical")
    result = CliRunner().invoke(app, ["rules", "validate", str(directory)])
    assert result.exit_code == 2
    assert f"{directory / BASE.name}:{line}: severity" in result.stderr


def test_bundled_rules_validate() -> None:
    result = CliRunner().invoke(app, ["rules", "validate"])
    assert result.exit_code == 0, result.output
    assert "rule files valid" in result.stdout


def test_schema_command_prints_json_schema() -> None:
    import json

    result = CliRunner().invoke(app, ["rules", "schema"])
    schema = json.loads(result.stdout)
    assert "when" in schema["properties"] and "legal_basis" in schema["properties"]


def test_committed_rule_catalogue_is_current() -> None:
    from screening.resources import rules_dir
    from screening.rulespec.catalogue import catalogue_markdown

    committed = Path(__file__).parents[2] / "docs" / "rules.md"
    rulebook = load_rulebook(rules_dir(), load_corpus(seeds_dir()))
    assert committed.read_text(encoding="utf-8") == catalogue_markdown(rulebook), (
        "docs/rules.md is stale: run `screening rules docs`"
    )
