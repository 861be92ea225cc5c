"""The `screening` command: thin commands that parse arguments, call the library, map errors.

Every user-facing problem is a `ScreeningError`, printed as one line on stderr with exit code 2;
`--debug` shows the traceback instead.
"""

from __future__ import annotations

import typer

from screening import __version__
from screening.cli import lists, records, review, rules, run, sources
from screening.cli.errors import state

app = typer.Typer(
    help="Screen worker, company and ownership records against UN DPRK sanctions rules.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("run")(run.run)
app.command("demo")(run.demo)
app.add_typer(rules.app, name="rules")
app.add_typer(lists.app, name="lists")
app.add_typer(sources.app, name="sources")
app.add_typer(review.app, name="review")
app.add_typer(records.app, name="records")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"screening {__version__}")
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
