"""`screening records ...`: the CSV columns each record kind takes, from the record models."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from screening.records import MODELS, RecordKind, schema_for

app = typer.Typer(
    help="The CSV columns of worker, company and relationship files.", no_args_is_help=True
)


@app.command("columns")
def columns(kind: RecordKind | None = None) -> None:
    """List the canonical columns of each record kind: required, value type, meaning."""
    table = Table()
    for name in ("kind", "column", "required", "type", "meaning"):
        table.add_column(name)
    for record_kind in [kind] if kind else list(RecordKind):
        schema = schema_for(record_kind)
        fields = MODELS[record_kind].model_fields
        for column, spec in schema.columns.items():
            meaning = fields[column].description or ""
            if spec.choices:
                meaning = (meaning + " " if meaning else "") + f"one of: {', '.join(spec.choices)}"
            table.add_row(
                record_kind.value,
                column,
                "yes" if column in schema.required else "",
                spec.type.value,
                meaning,
            )
    Console().print(table)


@app.command("schema")
def schema(kind: RecordKind) -> None:
    """Print the JSON Schema of one record kind's row."""
    typer.echo(json.dumps(MODELS[kind].model_json_schema(), indent=2, ensure_ascii=False))
