"""`--help` of every command, found by walking the command tree (a new command is covered without
being named here): every default shown, no `<bool>` on flags, no choice list cut mid-word, and the
command modules imported only when a command needs them."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from enum import Enum
from typing import Any

import pytest
import typer.main
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

from screening.cli import COMMANDS, app
from screening.cli.groups import Command, first_sentence

Context = Any  # typer's click classes are private to typer: not named here

WIDE = {"COLUMNS": "200"}
NARROW = {"COLUMNS": "60"}


Node = tuple[tuple[str, ...], "Command", "Context"]


def _walk(command: Command, path: tuple[str, ...], parent: Context | None) -> Iterator[Node]:
    """Every command under `command` with its path of names, depth first."""
    ctx = command.context_class(command, info_name=path[-1] if path else "screening", parent=parent)
    yield path, command, ctx
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, (path, name)
            yield from _walk(sub, (*path, name), ctx)


TREE = list(_walk(typer.main.get_command(app), (), None))
IDS = [" ".join(("screening", *path)) for path, _, _ in TREE]


def _help(path: tuple[str, ...], env: dict[str, str]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _shown_default(param: TyperOption | TyperArgument) -> str | None:
    """What `[default: ...]` must show for the parameter, or None when it has no default."""
    if isinstance(param.show_default, str):
        return f"({param.show_default})"  # a default computed at run time, in words
    if param.default is None or param.show_default is False:
        return None
    if isinstance(param, TyperOption) and param.is_flag and not param.default:
        return None  # a flag that is off unless given
    if isinstance(param.default, Enum):
        return str(param.default.value)
    return str(param.default)


def test_the_walk_finds_every_command() -> None:
    assert {"screening run", "screening demo", "screening lists show"} <= set(IDS)
    assert {"screening review import", "screening sources list", "screening rules test"} <= set(IDS)
    assert {"screening records columns", "screening records schema"} <= set(IDS)


@pytest.mark.parametrize(("path", "command", "ctx"), TREE, ids=IDS)
def test_help_shows_every_default_and_no_artefacts(
    path: tuple[str, ...], command: Command, ctx: Context
) -> None:
    text = _help(path, WIDE)
    flat = " ".join(text.split())  # a default wrapped over two lines still reads as one
    assert "<bool>" not in text
    assert not re.search(r"\s\.(\s|$)", flat), f"a default eaten before its full stop: {flat}"
    wanted: Counter[str] = Counter()
    for param in command.params:
        assert isinstance(param, (TyperOption, TyperArgument)), param
        if param.hidden:
            continue
        shown = _shown_default(param)
        if shown is not None:
            wanted[f"[default: {shown}]"] += 1
        for written in re.findall(r"\[default:[^\]]*\]", param.help or ""):
            wanted[" ".join(written.split())] += 1
        assert "default" not in (param.help or "").lower() or shown is not None, (
            f"{param.name}: a default told in the help text: declare it (show_default)"
        )
    for default, times in wanted.items():
        assert flat.count(default) >= times, f"{default} not shown:\n{text}"


@pytest.mark.parametrize(("path", "command", "ctx"), TREE, ids=IDS)
def test_choices_are_never_cut_mid_word(
    path: tuple[str, ...], command: Command, ctx: Context
) -> None:
    choices = re.findall(r"<[^<>\s]*\|[^<>\s]*>", _help(path, WIDE))
    narrow = _help(path, NARROW)
    for choice in choices:
        assert choice in narrow, f"{choice} cut at 60 columns:\n{narrow}"


def test_run_help_shows_the_defaults_a_newcomer_needs() -> None:
    flat = " ".join(_help(("run",), WIDE).split())
    assert "Report path. [default: (reports/screen-<timestamp>.xlsx)]" in flat
    assert "Rules directory. [default: (the bundled rules)]" in flat
    assert "[default: (today)]" in flat
    assert "[default: auto]" in flat
    assert "--fail-on <violation|indicator|review>" in flat
    assert "--no-bundled-list Do not use" in flat  # a flag: no value shown


def test_screening_help_shows_each_commands_own_first_sentence() -> None:
    for name, lazy in COMMANDS.items():
        assert lazy.help == first_sentence(lazy.load(name)), name
    text = _help((), WIDE)
    for name, lazy in COMMANDS.items():
        assert f"{name} {lazy.help}" in " ".join(text.split())


# The CLI imports only what a command needs.

HEAVY = ("pandas", "pyarrow", "openpyxl", "numpy", "rapidfuzz", "screening.pipeline")
COMMAND_MODULES = tuple(sorted({lazy.module for lazy in COMMANDS.values()}))


def _imported(*args: str) -> set[str]:
    """The modules `python -m screening ARGS` imports, from `-X importtime`."""
    process = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "screening", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in process.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["records", "--help"]])
def test_version_and_help_import_no_command_and_no_pandas(args: list[str]) -> None:
    imported = _imported(*args)
    assert "screening.cli" in imported  # the parse saw the imports
    for module in HEAVY:
        assert module not in imported, f"screening {' '.join(args)} imports {module}"
    if args[0] != "records":
        assert not imported & set(COMMAND_MODULES)
