"""`screening lists ...`: inspect sanctions list files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from screening.cli.errors import fatal_errors, printable
from screening.cli.groups import sub_app
from screening.cli.inputs import check_input_file
from screening.lists.loading import load_list
from screening.lists.summary import summarize

app = sub_app(
    "Inspect sanctions list files (UN XML, OpenSanctions CSV, FtM JSON lines, native YAML).",
    no_args_is_help=True,
)


@app.callback()
def _lists() -> None:
    """Inspect sanctions list files."""


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="List file, in a format detected from its content.")],
) -> None:
    """Summarise a list: source, date, entries by type and programme."""
    with fatal_errors():
        check_input_file(file)
        summary = summarize(load_list(file))
        first, last = summary.first_listed, summary.last_listed
        dates = "-" if first is None else f"{first} .. {last}"
        title = Text(printable(f"{summary.name} ({summary.format})"))
        table = Table(title=title, show_header=False)
        table.add_column("field", style="bold")
        table.add_column("value")
        for field, value in [
            ("source", summary.source),
            ("as of", str(summary.as_of or "-")),
            ("entries", str(summary.entries)),
            ("aliases", str(summary.aliases)),
            ("listed", dates),
        ]:
            table.add_row(field, Text(printable(value)))
        for kind, count in summary.by_type.items():
            table.add_row(Text(printable(f"type: {kind}")), str(count))
        for programme, count in summary.by_programme.items():
            table.add_row(Text(printable(f"programme: {programme}")), str(count))
        Console().print(table)
