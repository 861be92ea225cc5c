"""`screening sources list`: the registry of cited source articles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from screening.cli.errors import fatal_errors
from screening.cli.groups import BUNDLED_SOURCES, sub_app
from screening.cli.tables import print_id_table
from screening.resources import seeds_dir
from screening.rulespec.sources import load_corpus

app = sub_app("The cited source articles.", no_args_is_help=True)


@app.command("list")
def list_sources(
    seeds: Annotated[
        Path | None,
        typer.Option("--seeds", help="Sources directory.", show_default=BUNDLED_SOURCES),
    ] = None,
) -> None:
    """List the source articles: id, title, publisher, date, file, URL."""
    with fatal_errors():
        corpus = load_corpus(seeds or seeds_dir())
    columns = ("id", "title", "publisher", "date", "file", "url")
    rows = [
        (source.id, source.title, source.publisher, source.date, source.file, source.url)
        for source in corpus.sources.values()
    ]
    print_id_table(Console(), columns, [[cell or "" for cell in row] for row in rows], ("file",))
