"""Small hostile files refused at load, in one `file:line` line, within a memory and CPU budget.

Alias bombs, recursive aliases and deep nesting in rule, suppression and native list files (one
YAML loader reads them all); a UN XML birth-year range of a billion years; JSON nested 100,000
levels; regular expressions judged by RE2, the engine that runs them. The bombs run the CLI in a
subprocess under RLIMIT_AS and RLIMIT_CPU: unbounded, they need gigabytes.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.errors import ScreeningError
from screening.lists import load_list
from screening.lists.un_xml import MAX_BIRTH_YEARS
from screening.resources import seeds_dir
from screening.review.suppressions import load_suppressions
from screening.rulespec.rulebook import load_rulebook
from screening.rulespec.sources import load_corpus
from screening.yamlfile import (
    MAX_ALIAS_VALUES,
    MAX_YAML_CHARS,
    MAX_YAML_DEPTH,
    load_yaml,
)
from tests.conftest import AS_OF, run_cli
from tests.hostile.budget import screening_within_budget

DATA = Path(__file__).parent.parent / "data"
SAMPLE_RULE = DATA / "rules" / "sample-work-authorization.yaml"
WORKERS = "record_id,full_name,nationality\nW1,Kim Chol Jin,KP\n"

# The budget of a CLI run on a bomb: a screen of a few records fits in it many times over; the
# bombs, expanded, would need gigabytes.

NATIVE_HEAD = "format: screening-list/1\n"
SUPPRESSION = (
    "  - rule_id: sample-work-authorization\n"
    "    record_id: W1\n"
    "    reason: {reason}\n"
    "    expires: 2030-01-01\n"
    "    approved_by: A. Analyst\n"
)


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _laughs(levels: int = 10) -> str:
    """The billion-laughs YAML: nine strings, then each line nine aliases of the line above."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * 9)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _line_past_alias_bound(levels: int = 10) -> int:
    """The line of `_laughs` on which the values its aliases add pass MAX_ALIAS_VALUES: an alias
    adds every value under its anchor, the anchored sequence included."""
    size, added = 1 + 9, 0  # l0: a sequence of nine strings
    for level in range(1, levels):
        added += 9 * size
        size = 1 + 9 * size
        if added > MAX_ALIAS_VALUES:
            return level + 1
    raise AssertionError("the bomb stays within the bound")


def _workers(tmp_path: Path) -> Path:
    path = tmp_path / "workers.csv"
    path.write_text(WORKERS, encoding="utf-8")
    return path


def _load_rule_file(path: Path) -> object:
    return load_rulebook(path.parent, load_corpus(seeds_dir()))


# The three kinds of YAML file users write: (head that makes the file that kind, file name, loader)
YAML_KINDS: dict[str, tuple[str, str, Callable[[Path], object]]] = {
    "rule file": ("", "rules/sample-work-authorization.yaml", _load_rule_file),
    "suppression file": ("", "suppressions.yaml", load_suppressions),
    "native list": (NATIVE_HEAD, "list.yaml", load_list),
}


def _refusal(kind: str, tmp_path: Path, body: str) -> tuple[ScreeningError, Path, int]:
    """Load `body` as a file of `kind`; the error, the file, and the lines the kind's head adds."""
    head, name, load = YAML_KINDS[kind]
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(head + body, encoding="utf-8")
    with pytest.raises(ScreeningError) as caught:
        load(path)
    assert caught.value.path == path
    return caught.value, path, head.count("\n")


# --- alias bombs --------------------------------------------------------------------------------


def test_billion_laughs_rule_file_is_refused_within_the_budget(tmp_path: Path) -> None:
    rule = tmp_path / "rules" / "bomb.yaml"
    rule.parent.mkdir()
    rule.write_text(_laughs(), encoding="utf-8")
    report = tmp_path / "r.xlsx"
    result = screening_within_budget(
        "run", "--rules", rule.parent, _workers(tmp_path), "--as-of", AS_OF, "--out", report
    )
    line = _one_error_line(result)
    assert line.startswith(f"screening: error: {rule}:{_line_past_alias_bound()}: aliases repeat")
    assert f"more than {MAX_ALIAS_VALUES:,} values" in line
    assert not report.exists()


@pytest.mark.parametrize(
    ("option", "head"),
    [("--suppressions", ""), ("--list", NATIVE_HEAD)],
    ids=["suppressions", "list"],
)
def test_billion_laughs_in_a_file_given_to_run_is_refused_within_the_budget(
    tmp_path: Path, option: str, head: str
) -> None:
    bomb = tmp_path / "given.yaml"
    bomb.write_text(head + _laughs(), encoding="utf-8")
    report = tmp_path / "r.xlsx"
    result = screening_within_budget(
        "run", _workers(tmp_path), option, bomb, "--as-of", AS_OF, "--out", report
    )
    line = _one_error_line(result)
    where = head.count("\n") + _line_past_alias_bound()
    assert line.startswith(f"screening: error: {bomb}:{where}: aliases")
    assert not report.exists()


def test_aliases_are_refused_from_the_first_one_past_the_bound(tmp_path: Path) -> None:
    """An anchored sequence of 99 strings is 100 values: MAX_ALIAS_VALUES / 100 aliases of it
    load, and the next alias is refused on its own line."""
    anchor = f"shared: &shared [{', '.join(['x'] * 99)}]\n"
    uses = MAX_ALIAS_VALUES // 100
    within = tmp_path / "within.yaml"
    within.write_text(anchor + "".join(f"use{i}: *shared\n" for i in range(uses)))
    data, _ = load_yaml(within)
    assert data[f"use{uses - 1}"] == ["x"] * 99
    past = tmp_path / "past.yaml"
    past.write_text(anchor + "".join(f"use{i}: *shared\n" for i in range(uses + 1)))
    with pytest.raises(ScreeningError) as caught:
        load_yaml(past)
    assert (caught.value.path, caught.value.line) == (past, 1 + uses + 1)


def test_a_shared_anchor_within_the_bound_loads(tmp_path: Path) -> None:
    path = tmp_path / "suppressions.yaml"
    reason = "&why Committee exemption confirmed, ref 1718C/2019/EX-04"
    path.write_text(
        "suppressions:\n"
        + SUPPRESSION.format(reason=reason)
        + SUPPRESSION.format(reason="*why").replace("W1", "W2"),
        encoding="utf-8",
    )
    first, second = load_suppressions(path)
    assert first.reason == second.reason == "Committee exemption confirmed, ref 1718C/2019/EX-04"
    assert (first.record_id, second.record_id) == ("W1", "W2")


# --- recursive aliases and deep nesting ---------------------------------------------------------


@pytest.mark.parametrize("kind", YAML_KINDS)
def test_recursive_alias_is_refused_with_its_line(kind: str, tmp_path: Path) -> None:
    error, _, head_lines = _refusal(kind, tmp_path, "name: x\nloop: &loop\n  - 1\n  - *loop\n")
    assert error.line == head_lines + 4
    assert "alias *loop is inside its own anchor" in error.message


def test_recursive_alias_in_a_rule_file_through_the_cli(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    rule = rules / SAMPLE_RULE.name
    rule.write_text(
        SAMPLE_RULE.read_text(encoding="utf-8") + "extra: &loop {again: *loop}\n", encoding="utf-8"
    )
    last_line = rule.read_text(encoding="utf-8").count("\n")
    result = run_cli(runner, "rules", "validate", rules)
    assert result.exit_code == 2, result.output
    assert f"{rule}:{last_line}: alias *loop is inside its own anchor" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", YAML_KINDS)
def test_nesting_100000_levels_is_refused(kind: str, tmp_path: Path) -> None:
    levels = 100_000
    error, _, head_lines = _refusal(kind, tmp_path, "deep: " + "[" * levels + "]" * levels + "\n")
    assert error.line == head_lines + 1
    # refused by the depth bound, or first by libyaml's own (1,000 levels), which reads a flow
    # collection ahead to its end
    assert "nest" in error.message


def test_nesting_is_refused_at_the_first_level_past_the_bound(tmp_path: Path) -> None:
    """Block mappings, one level a line: MAX_YAML_DEPTH levels load, the next one is refused."""

    def nested(levels: int) -> str:
        return "".join("  " * level + "k:\n" for level in range(levels)) + "  " * levels + "v\n"

    within = tmp_path / "within.yaml"
    within.write_text(nested(MAX_YAML_DEPTH))
    data, _ = load_yaml(within)
    for _ in range(MAX_YAML_DEPTH):
        data = data["k"]
    assert data == "v"
    past = tmp_path / "past.yaml"
    past.write_text(nested(MAX_YAML_DEPTH + 1))
    with pytest.raises(ScreeningError) as caught:
        load_yaml(past)
    assert (caught.value.line, caught.value.message) == (
        MAX_YAML_DEPTH + 1,
        f"values nested more than {MAX_YAML_DEPTH} deep",
    )


def test_an_alias_that_nests_past_the_bound_is_refused_on_its_line(tmp_path: Path) -> None:
    """Nesting counts what building makes: a deep anchor repeated deep down nests both depths."""
    half = MAX_YAML_DEPTH // 2 + 1
    path = tmp_path / "deep.yaml"
    path.write_text(
        f"anchor: &deep {'[' * half}1{']' * half}\nuse: {'[' * half}*deep{']' * half}\n"
    )
    with pytest.raises(ScreeningError) as caught:
        load_yaml(path)
    assert caught.value.line == 2
    assert f"alias *deep nests values more than {MAX_YAML_DEPTH} deep" in caught.value.message


# --- size -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", YAML_KINDS)
def test_yaml_longer_than_the_bound_is_refused(kind: str, tmp_path: Path) -> None:
    item = "  - padding\n"
    body = "name: x\nitems:\n" + item * (MAX_YAML_CHARS // len(item) + 1)
    error, _, _ = _refusal(kind, tmp_path, body)
    assert error.message == f"YAML file longer than {MAX_YAML_CHARS:,} characters"


# --- UN XML birth-year ranges --------------------------------------------------------------------


def _un_xml(from_year: str, to_year: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CONSOLIDATED_LIST dateGenerated="2026-11-20T00:00:00"><INDIVIDUALS>\n'
        "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>TEST PERSON</FIRST_NAME>\n"
        "<REFERENCE_NUMBER>KPi.999</REFERENCE_NUMBER><LISTED_ON>2017-06-02</LISTED_ON>\n"
        "<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE>"
        f"<FROM_YEAR>{from_year}</FROM_YEAR><TO_YEAR>{to_year}</TO_YEAR>"
        "</INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL>\n"
        "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n"
    )


REFERENCE_LINE = 4  # the line of <REFERENCE_NUMBER> in `_un_xml`: where the entry is named


def test_birth_year_range_of_a_billion_years_is_refused_within_the_budget(tmp_path: Path) -> None:
    un_xml = tmp_path / "un.xml"
    un_xml.write_text(_un_xml("0", "999999999"), encoding="utf-8")
    report = tmp_path / "r.xlsx"
    result = screening_within_budget(
        "run", _workers(tmp_path), "--list", un_xml, "--as-of", AS_OF, "--out", report
    )
    assert _one_error_line(result) == (
        f"screening: error: {un_xml}:{REFERENCE_LINE}: INDIVIDUALS/INDIVIDUAL KPi.999: "
        f"birth year range 0-999999999 covers more than {MAX_BIRTH_YEARS} years"
    )
    assert not report.exists()


def test_birth_year_range_up_to_the_bound_is_read_year_by_year(tmp_path: Path) -> None:
    un_xml = tmp_path / "un.xml"
    last = 1900 + MAX_BIRTH_YEARS - 1
    un_xml.write_text(_un_xml("1900", str(last)), encoding="utf-8")
    (entry,) = load_list(un_xml).entries
    assert entry.birth_dates == [str(year) for year in range(1900, last + 1)]


@pytest.mark.parametrize(
    ("from_year", "to_year", "problem"),
    [
        ("1900", str(1900 + MAX_BIRTH_YEARS), f"covers more than {MAX_BIRTH_YEARS} years"),
        ("1962", "1958", "ends before it starts"),
    ],
)
def test_birth_year_range_too_wide_or_backwards_is_refused(
    tmp_path: Path, from_year: str, to_year: str, problem: str
) -> None:
    un_xml = tmp_path / "un.xml"
    un_xml.write_text(_un_xml(from_year, to_year), encoding="utf-8")
    with pytest.raises(ScreeningError) as caught:
        load_list(un_xml)
    assert (caught.value.path, caught.value.line) == (un_xml, REFERENCE_LINE)
    assert caught.value.message.endswith(f"birth year range {from_year}-{to_year} {problem}")


# --- FollowTheMoney JSON --------------------------------------------------------------------------


def test_json_nested_100000_levels_is_one_error_line(runner: CliRunner, tmp_path: Path) -> None:
    levels = 100_000
    ftm = tmp_path / "entities.json"
    person = '{"id": "p1", "schema": "Person", "properties": {"name": ["Kim Chol Jin"]}}\n'
    nested = "[" * levels + "]" * levels
    ftm.write_text(person + f'{{"id": "p2", "schema": "Person", "properties": {nested}}}\n')
    with pytest.raises(ScreeningError) as caught:
        load_list(ftm)
    assert (caught.value.path, caught.value.line) == (ftm, 2)
    assert caught.value.message == "JSON nested too deeply to read"
    result = run_cli(
        runner,
        "run",
        _workers(tmp_path),
        "--list",
        ftm,
        "--as-of",
        AS_OF,
        "--out",
        tmp_path / "r.xlsx",
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"screening: error: {ftm}:2: JSON nested too deeply to read"
    ]


# --- regular expressions are judged by RE2 --------------------------------------------------------


def _rule_with(tmp_path: Path, condition: str, tests: str = "") -> tuple[Path, int]:
    """The sample rule with one more condition (and, given, new examples); the rules directory
    and the line of the condition's pattern."""
    text = SAMPLE_RULE.read_text(encoding="utf-8")
    anchor = "    - field: committee_exemption\n      missing: true\n"
    assert anchor in text
    text = text.replace(anchor, anchor + condition)
    if tests:
        text = text[: text.index("tests:\n")] + tests
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / SAMPLE_RULE.name).write_text(text, encoding="utf-8")
    line = text[: text.index("matches:")].count("\n") + 1
    return rules, line


def test_pattern_python_accepts_but_re2_refuses_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    rules, line = _rule_with(tmp_path, "    - field: full_name\n      matches: 'a++'\n")
    result = run_cli(runner, "rules", "validate", rules)
    assert result.exit_code == 2, result.output
    assert (
        f"{rules / SAMPLE_RULE.name}:{line}: invalid regular expression (RE2 syntax): "
        "bad repetition operator: ++"
    ) in result.stderr


def test_pattern_re2_accepts_but_python_refuses_validates_and_matches(
    runner: CliRunner, tmp_path: Path
) -> None:
    """`\\p{Hangul}` (RE2 only) validates, and a run finds the worker named in Hangul only."""
    examples = (
        "tests:\n"
        "  - name: name written in Hangul\n"
        "    expect: match\n"
        "    record: {record_id: T1, full_name: 김철진, nationality: KP, "
        "permit_issued: 2023-03-14}\n"
        "  - name: the same name in Latin letters\n"
        "    expect: no_match\n"
        "    record: {record_id: T2, full_name: Kim Chol Jin, nationality: KP, "
        "permit_issued: 2023-03-14}\n"
    )
    condition = "    - field: full_name\n      matches: '\\p{Hangul}'\n"
    rules, _ = _rule_with(tmp_path, condition, examples)
    validated = run_cli(runner, "rules", "validate", rules)
    assert validated.exit_code == 0, validated.output
    tested = run_cli(runner, "rules", "test", rules)
    assert tested.exit_code == 0, tested.output
    assert "2 passed, 0 failed" in tested.output
