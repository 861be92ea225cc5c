"""Every command goes through the one error path: one line on stderr and exit 2, never a traceback,
whether or not the command's own code catches the error (the command groups run every command
inside `fatal_errors`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import screening.cli.records as records_command
import screening.cli.rules as rules_command
from screening.cli.errors import state
from tests.conftest import fails, run_cli

REPO = Path(__file__).parents[1]


def test_lists_show_of_a_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    fails(run_cli(runner, "lists", "show", tmp_path / "nope.xml"), "nope.xml", "file not found")


def test_lists_show_of_a_file_that_is_no_list(runner: CliRunner) -> None:
    fails(run_cli(runner, "lists", "show", REPO / "README.md"), "README.md", "list format")


def test_lists_show_of_a_folder(runner: CliRunner) -> None:
    fails(run_cli(runner, "lists", "show", REPO / "docs"), "docs", "folder")


def test_an_unexpected_error_in_a_command_without_its_own_handler_is_one_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(kind: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(records_command, "schema_for", broken)
    line = fails(run_cli(runner, "records", "columns"), "internal error: ValueError: a bug")
    assert "--debug" in line


def test_known_conditions_outside_a_commands_handler_are_clear(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def too_deep() -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(rules_command, "rule_json_schema", too_deep)
    line = fails(run_cli(runner, "rules", "schema"), "nested too deeply")
    assert "internal error" not in line


def test_an_interrupt_is_the_interrupted_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(rules_command, "rule_json_schema", interrupted)
    fails(run_cli(runner, "rules", "schema"), "interrupted")


def test_debug_shows_the_traceback(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(kind: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(records_command, "schema_for", broken)
    monkeypatch.setattr(state, "debug", False)  # put back after the test: --debug sets it
    result = run_cli(runner, "--debug", "records", "columns")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr and "ValueError: a bug" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rnu"], "No such command 'rnu'. Did you mean 'run'?"),
        (["records", "columns", "--kind", "nope"], "Invalid value for '--kind'"),
        (["lists", "show"], "Missing argument"),
    ],
)
def test_a_usage_error_is_the_command_lines_own(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = run_cli(runner, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.output


def test_help_and_version_still_exit_0(runner: CliRunner) -> None:
    assert run_cli(runner, "lists", "show", "--help").exit_code == 0
    result = run_cli(runner, "--version")
    assert result.exit_code == 0 and result.stdout.startswith("screening ")


def test_demo_into_a_folder_that_cannot_be_made_is_one_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "afile").write_text("")
    fails(run_cli(runner, "demo", "--out", tmp_path / "afile" / "demo.xlsx"), "afile", "folder")
