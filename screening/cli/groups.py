"""The command groups of `screening`: plain help, every command through the one error path, and
subcommands imported only when they are used.

Help is click's plain layout (`rich_markup_mode=None` on every app): help text is shown as
written, so a `[default: ...]` in it is not taken for Rich markup and eaten; a flag shows no
`<bool>`; an option with a long choice list (`<violation|indicator|review>`) gets a line of its
own rather than being cut mid-word. A group lists each command with its whole first sentence,
wrapped, where click would cut it at the terminal's width.

`screening --version` and `screening --help` import no command module: the root group knows its
commands by name and one-line help (`Lazy`), and imports a command's module (with pandas, pyarrow,
openpyxl and the pipeline behind it) when that command runs or shows its own help.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import typer
import typer.main
from typer.core import TyperGroup

from screening.cli.errors import fatal_errors

# typer's click classes (Command, Context, HelpFormatter) are private to typer (`typer._click`):
# the overrides below take a command and a context as Any, and a formatter as what they use of it.
Command = Any


class HelpFormatter(Protocol):
    """What a group's help writes its command list with (click's formatter, inside typer)."""

    def section(self, name: str) -> AbstractContextManager[None]: ...

    def write_dl(self, rows: Sequence[tuple[str, str]]) -> None: ...


PLAIN_HELP = None
"""The `rich_markup_mode` of every app: help text as written (see the module's docstring)."""

# The defaults of --rules and --seeds, as help shows them (`show_default`): directories that are
# found at run time, not values.
BUNDLED_RULES = "the bundled rules"
BUNDLED_SOURCES = "the bundled sources"


def sub_app(help: str, **settings: Any) -> typer.Typer:
    """A Typer app for a group of commands (`screening rules ...`), laid out as the root is."""
    return typer.Typer(
        help=help,
        cls=CommandGroup,
        rich_markup_mode=PLAIN_HELP,
        add_completion=False,
        **settings,
    )


class CommandGroup(TyperGroup):
    """A group whose commands run inside `fatal_errors` (one stderr line and exit 2 for any error
    a command lets out) and are listed with their whole first sentence."""

    def invoke(self, ctx: Any) -> Any:
        with fatal_errors():
            return super().invoke(ctx)

    def format_commands(self, ctx: Any, formatter: HelpFormatter) -> None:
        rows = [(name, self.short_help_of(ctx, name)) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def short_help_of(self, ctx: Any, name: str) -> str:
        command = self.get_command(ctx, name)
        return "" if command is None else first_sentence(command)


def first_sentence(command: Command) -> str:
    """A command's one-line help: its short help, or the first sentence of its help, uncut."""
    return str(command.get_short_help_str(limit=sys.maxsize))


@dataclass(frozen=True)
class Lazy:
    """A command the root group imports only when it is used: `attribute` of `module` is a Typer
    app (a group of commands) or a command function; `help` is what `screening --help` shows for
    it (a test holds it to the command's own first sentence)."""

    module: str
    attribute: str
    help: str

    def load(self, name: str) -> Command:
        target = getattr(importlib.import_module(self.module), self.attribute)
        command: Command
        if isinstance(target, typer.Typer):
            # A group even with one command (`review import`), as `add_typer` makes it.
            command = typer.main.get_group(target)
        else:
            app = typer.Typer(rich_markup_mode=PLAIN_HELP, add_completion=False)
            app.command(name)(target)
            command = typer.main.get_command(app)
        command.name = name
        return command


class LazyGroup(CommandGroup):
    """A group whose commands (`lazy`, set by a subclass) are imported on first use."""

    lazy: ClassVar[Mapping[str, Lazy]] = {}

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.commands = _LazyCommands(self.lazy, self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names alone: nothing is imported

    def short_help_of(self, ctx: Any, name: str) -> str:
        if name in self.lazy:
            return self.lazy[name].help
        return super().short_help_of(ctx, name)


class _LazyCommands(MutableMapping[str, "Command"]):
    """The commands of a `LazyGroup`: every name is known at once, a command is built (its module
    imported) when it is first looked up."""

    def __init__(self, lazy: Mapping[str, Lazy], loaded: MutableMapping[str, Command]) -> None:
        self._lazy = dict(lazy)
        self._loaded = dict(loaded)

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            self._loaded[name] = self._lazy[name].load(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._lazy and name not in self._loaded:
            raise KeyError(name)
        self._lazy.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._lazy, *self._loaded]))

    def __len__(self) -> int:
        return len({*self._lazy, *self._loaded})
