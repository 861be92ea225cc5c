"""The `screening` command: thin commands that parse arguments, call the library, map errors.

Every user-facing problem is a `ScreeningError`, printed as one line on stderr with exit code 2;
`--debug` shows the traceback instead. Each command's module is imported when the command is used
(screening.cli.groups): `screening --version` and `screening --help` import none of them.
"""

from __future__ import annotations

import typer

import screening
from screening.cli.errors import state
from screening.cli.groups import PLAIN_HELP, Lazy, LazyGroup

COMMANDS = {
    "run": Lazy(
        "screening.cli.run", "run", "Screen CSV or Parquet records and write the Excel report."
    ),
    "demo": Lazy(
        "screening.cli.run",
        "demo",
        "Screen the bundled sample records and write reports/demo.xlsx.",
    ),
    "rules": Lazy(
        "screening.cli.rules", "app", "List, show, validate, test and document rule files."
    ),
    "lists": Lazy(
        "screening.cli.lists",
        "app",
        "Inspect sanctions list files (UN XML, OpenSanctions CSV, FtM JSON lines, native YAML).",
    ),
    "sources": Lazy("screening.cli.sources", "app", "The cited source articles."),
    "review": Lazy(
        "screening.cli.review", "app", "Carry review decisions from reports to the next screen."
    ),
    "records": Lazy(
        "screening.cli.records",
        "app",
        "The CSV columns of worker, company and relationship files.",
    ),
}
"""The commands of `screening`, each imported when used; `help` is the command's own first
sentence (tests/test_cli_help.py holds them together)."""


class _Screening(LazyGroup):
    lazy = COMMANDS


app = typer.Typer(
    help="Screen worker, company and ownership records against UN DPRK sanctions rules.",
    cls=_Screening,
    no_args_is_help=True,
    rich_markup_mode=PLAIN_HELP,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"screening {screening.__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    state.debug = debug


def main() -> None:
    """Console entry point."""
    app()
