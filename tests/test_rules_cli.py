"""`screening rules ...` as a newcomer meets it: the same --rules option in every command, one file
validated on its own, the closest ids for a mistyped one, and ids never cut at any width."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.resources import rules_dir
from tests.conftest import fails, run_cli

LONGEST_ID = max((path.stem for path in rules_dir().glob("*.yaml")), key=len)
OP17 = "unscr2375-op17-work-authorization"
SECTOR = "indicator-construction-or-logistics-with-dprk-workers"  # no other rule asks for it


CAP = "indicator-unscr2371-work-authorization-cap"


@pytest.fixture
def two_rules(tmp_path: Path) -> Path:
    """Two rules that ask for no other rule's findings: their examples run in a second."""
    folder = tmp_path / "two"
    folder.mkdir()
    for rule_id in (OP17, CAP):
        shutil.copy(rules_dir() / f"{rule_id}.yaml", folder)
    return folder


@pytest.fixture
def own_rules(tmp_path: Path) -> Path:
    """A copy of the bundled rules, as an analyst keeps their own."""
    return Path(shutil.copytree(rules_dir(), tmp_path / "rules"))


@pytest.mark.parametrize("command", ["list", "validate", "test"])
def test_every_rules_command_takes_the_rules_directory_as_an_option(
    runner: CliRunner, two_rules: Path, command: str
) -> None:
    result = run_cli(runner, "rules", command, "--rules", two_rules)
    assert result.exit_code == 0, result.output
    assert SECTOR not in result.stdout  # the directory given, not the bundled one
    assert command == "validate" or CAP in result.stdout


def test_show_takes_the_rules_option_too(runner: CliRunner, own_rules: Path) -> None:
    (own_rules / f"{SECTOR}.yaml").unlink()
    fails(run_cli(runner, "rules", "show", SECTOR, "--rules", own_rules), "no rule with id")


def test_two_different_rules_directories_are_refused(runner: CliRunner, own_rules: Path) -> None:
    fails(run_cli(runner, "rules", "list", own_rules, "--rules", rules_dir()), "give one")


def test_validate_checks_one_file_with_the_rules_beside_it(
    runner: CliRunner, own_rules: Path
) -> None:
    one = own_rules / f"{OP17}.yaml"
    result = run_cli(runner, "rules", "validate", one)
    assert result.exit_code == 0, result.output
    assert "1 rule files valid" in result.stdout

    one.write_text(one.read_text("utf-8").replace("applies_to: worker", "applies_to: workr"))
    result = run_cli(runner, "rules", "validate", one)
    assert result.exit_code == 2
    assert f"{one}:" in result.stderr and "1 problem(s) in 1 rule files" in result.stderr


def test_a_rule_file_naming_a_finding_of_a_rule_beside_it_validates_alone(
    runner: CliRunner,
) -> None:
    """The construction-sector rule asks for the workers' 2397 OP8 findings: a rule in the
    same directory, found there when the file is validated alone."""
    one = rules_dir() / "indicator-construction-or-logistics-with-dprk-workers.yaml"
    result = run_cli(runner, "rules", "validate", one)
    assert result.exit_code == 0, result.output


def test_validate_of_a_missing_file_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    fails(run_cli(runner, "rules", "validate", tmp_path / "nope.yaml"), "file not found")


@pytest.mark.parametrize(
    ("typed", "closest"),
    [
        ("unscr2375-op17", OP17),
        ("unscr2375-op17-work-authorisation", OP17),
        ("op17-work-authorization", OP17),
    ],
)
def test_an_unknown_id_is_answered_with_the_closest_ids(
    runner: CliRunner, typed: str, closest: str
) -> None:
    line = fails(run_cli(runner, "rules", "show", typed), f"no rule with id {typed!r}")
    assert f"did you mean {closest}" in line


@pytest.mark.parametrize("width", [80, 150])
@pytest.mark.parametrize(
    ("args", "longest"),
    [
        (["rules", "list"], LONGEST_ID),
        (["rules", "test", "--rules", "TWO"], CAP),
        (["sources", "list"], "moscow-times-wildberries"),
    ],
)
def test_ids_are_never_cut(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    two_rules: Path,
    width: int,
    args: list[str],
    longest: str,
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run_cli(runner, *(str(two_rules) if arg == "TWO" else arg for arg in args))
    assert result.exit_code == 0, result.output
    assert longest in result.stdout
    assert "…" not in result.stdout
    table = [line for line in result.stdout.splitlines() if line.startswith(("┃", "│", "┏"))]
    assert all(len(line) <= width for line in table)
