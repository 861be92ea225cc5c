"""README.md and docs/*.md as a newcomer follows them: every link and every file named resolves in
the repository, and every documented `screening ...` command exists (its `--help` exits 0)."""

from __future__ import annotations

import re
import shlex
import subprocess
from functools import cache
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

from screening.cli import app
from screening.cli.groups import Command

REPO = Path(__file__).parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+")
FILE_NAME = re.compile(r"(?<![\w./-])[\w.-][\w./-]*\.(?:md|py|ya?ml|json|toml|txt)\b")
HYPOTHETICAL = {"rules/indicator-agriculture-with-dprk-workers.yaml"}
"""Files the docs name as ones a reader will make (the worked example's new rule)."""


def _ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(REPO)) for path in paths]


def _prose(text: str) -> str:
    """The text without its fenced code blocks (a `#` there is a comment, not a heading)."""
    return FENCE.sub("", text)


def _code(text: str) -> list[str]:
    """The code of the text: each fenced block, and each inline code span outside them."""
    return [*FENCE.findall(text), *INLINE_CODE.findall(_prose(text))]


@cache
def _anchors(path: Path) -> frozenset[str]:
    """The anchors of a Markdown file's headings, as GitHub makes them."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", _prose(path.read_text()), re.MULTILINE)
    return frozenset(
        re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")
        for heading in headings
    )


@cache
def _repo_file_names() -> frozenset[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    return frozenset(Path(name).name for name in listed)


@pytest.mark.parametrize("doc", DOCS, ids=_ids(DOCS))
def test_every_relative_link_resolves(doc: Path) -> None:
    text = _prose(doc.read_text())
    targets = LINK.findall(text) + REFERENCE.findall(text)
    assert targets or doc.name != "README.md"
    for target in targets:
        if URL.match(target) or target.startswith("mailto:"):
            continue
        file_part, _, anchor = target.partition("#")
        path = (doc.parent / file_part).resolve() if file_part else doc
        assert path.exists(), f"{doc.name}: link to {target}: no such file in the repository"
        assert path.is_relative_to(REPO), f"{doc.name}: link to {target} leaves the repository"
        if anchor and path.suffix == ".md":
            assert anchor in _anchors(path), f"{doc.name}: link to {target}: no such heading"


@pytest.mark.parametrize("doc", DOCS, ids=_ids(DOCS))
def test_every_file_the_docs_name_is_in_the_repository(doc: Path) -> None:
    """A path in code (`screening/records.py`) exists from the repository's root or the doc's
    folder; a bare file name (`roles.yaml`) is the name of a file somewhere in the repository."""
    text = URL.sub("", doc.read_text())
    for name in sorted(set(FILE_NAME.findall(text)) - HYPOTHETICAL):
        if "/" in name:
            found = (REPO / name).exists() or (doc.parent / name).exists()
        else:
            found = name in _repo_file_names()
        assert found, f"{doc.name} names {name}, which is not in the repository"


# Every documented command exists.


def _commands_in(code: str) -> list[list[str]]:
    """The words of each `screening ...` command in a piece of shell code."""
    code = code.replace("\\\n", " ")
    found = []
    for line in code.splitlines():
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            lexer.commenters = "#"
            words = list(lexer)
        except ValueError:  # an unbalanced quote: not shell, or not this line's
            words = line.split()
        command: list[str] = []
        for word in [*words, ";"]:
            if word and set(word) <= set("&|;()"):
                if command[:1] == ["screening"]:
                    found.append(command[1:])
                command = []
            else:
                command.append(word)
    return found


def _subcommand_path(words: list[str]) -> tuple[str, ...]:
    """The command words (`rules`, `show`) before the first option or argument."""
    command: Command = typer.main.get_command(app)
    ctx = command.context_class(command, info_name="screening")
    path: list[str] = []
    for word in words:
        if word.startswith("-") or not isinstance(command, TyperGroup):
            break
        sub = command.get_command(ctx, word)
        assert sub is not None, f"`screening {' '.join(words)}`: no command {word!r}"
        command, path = sub, [*path, word]
        ctx = command.context_class(command, info_name=word, parent=ctx)
    return tuple(path)


def _documented() -> dict[tuple[str, ...], list[str]]:
    commands: dict[tuple[str, ...], list[str]] = {}
    for doc in DOCS:
        for code in _code(doc.read_text()):
            for words in _commands_in(code):
                where = f"{doc.relative_to(REPO)}: screening {' '.join(words)}"
                commands.setdefault(_subcommand_path(words), []).append(where)
    return commands


DOCUMENTED = _documented()


def test_the_docs_document_the_commands_a_newcomer_runs() -> None:
    assert {("demo",), ("run",), ("rules", "validate"), ("rules", "test")} <= set(DOCUMENTED)
    assert {("records", "columns"), ("review", "import"), ("lists", "show")} <= set(DOCUMENTED)


@pytest.mark.parametrize("path", sorted(DOCUMENTED), ids=[" ".join(p) for p in sorted(DOCUMENTED)])
def test_every_documented_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, (DOCUMENTED[path], result.output)
    assert result.output.startswith("Usage: ")
