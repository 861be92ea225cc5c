"""`screening review import`: decisions from a reviewed report into the decision store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from screening.cli.errors import fatal_errors, printable
from screening.cli.groups import sub_app
from screening.cli.inputs import check_input_file
from screening.review.decisions import STORE_NAME, append_to_store
from screening.review.workbook import read_decisions

app = sub_app("Carry review decisions from reports to the next screen.", no_args_is_help=True)


@app.command("import")
def import_report(
    report: Annotated[Path, typer.Argument(help="A report reviewed in Excel.")],
    store: Annotated[
        Path | None,
        typer.Option(
            "--store", help="Decision store.", show_default=f"{STORE_NAME} next to the report"
        ),
    ] = None,
) -> None:
    """Import the decisions of a reviewed report (all or nothing) into the decision store.

    Prints how many were new, updated (a different decision, reviewer, comment or date than the
    store's on the same finding) and unchanged (already in the store: not written again)."""
    with fatal_errors():
        target = store or report.parent / STORE_NAME
        check_input_file(report)
        if os.path.lexists(target):
            check_input_file(target)
        reviewed = read_decisions(report)
        update = append_to_store(target, reviewed.decisions, reviewed.undated)
    typer.echo(
        printable(
            f"imported {update.total} decision(s) from {report} into {target}: "
            f"{update.new} new, {update.updated} updated, {update.unchanged} unchanged "
            "(already in the store, not written again)"
        )
    )
