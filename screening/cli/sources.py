"""`screening sources list`: the registry of cited source articles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from screening.cli.errors import fatal_errors, printable
from screening.resources import seeds_dir
from screening.rulespec.sources import load_corpus

app = typer.Typer(help="The cited source articles.", no_args_is_help=True)


@app.command("list")
def list_sources(
    seeds: Annotated[
        Path | None, typer.Option("--seeds", help="Sources directory [default: bundled].")
    ] = None,
) -> None:
    """List the source articles: id, title, publisher, date, file, URL."""
    with fatal_errors():
        corpus = load_corpus(seeds or seeds_dir())
    table = Table()
    for column in ("id", "title", "publisher", "date", "file", "url"):
        table.add_column(column)
    for source in corpus.sources.values():
        cells = (source.id, source.title, source.publisher, source.date, source.file, source.url)
        table.add_row(*(Text(printable(cell or "")) for cell in cells))
    Console().print(table)
