"""`screening records ...`: the CSV columns each record kind takes, from the record models."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from screening.cli.groups import sub_app
from screening.records import MODELS, RecordKind, schema_for

app = sub_app("The CSV columns of worker, company and relationship files.", no_args_is_help=True)


@app.command("columns")
def columns(
    kind: Annotated[
        RecordKind | None,
        typer.Option("--kind", help="Only this record kind.", show_default="every kind"),
    ] = None,
) -> None:
    """List the canonical columns of each record kind: required, value type, meaning."""
    console = Console()
    for record_kind in [kind] if kind else list(RecordKind):
        console.print(_columns_table(record_kind))


def _columns_table(kind: RecordKind) -> Table:
    """One kind's columns. A column name is what a header must say: it is never cut; the meaning
    wraps instead."""
    table = Table(title=f"{kind.value} columns")
    for name in ("column", "required", "type"):
        table.add_column(name, no_wrap=True, overflow="ignore")
    table.add_column("meaning", overflow="fold")
    schema = schema_for(kind)
    fields = MODELS[kind].model_fields
    for column, spec in schema.columns.items():
        meaning = fields[column].description or ""
        if spec.choices:
            meaning = (meaning + " " if meaning else "") + f"one of: {', '.join(spec.choices)}"
        # Text, not markup: a `[...]` in a description is shown, not taken for a style.
        row = (column, "yes" if column in schema.required else "", spec.type.value)
        table.add_row(*row, Text(meaning))
    return table


@app.command("schema")
def schema(
    kind: Annotated[RecordKind, typer.Argument(help="The record kind.", show_default=False)],
) -> None:
    """Print the JSON Schema of one record kind's row."""
    typer.echo(json.dumps(MODELS[kind].model_json_schema(), indent=2, ensure_ascii=False))
