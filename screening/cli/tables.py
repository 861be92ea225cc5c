"""Terminal tables whose first column is an id: the id is never cut, whatever the width.

A reader copies an id from the table into the next command (`rules show ID`), so a cut id
(`indicator-con…`) is worse than none. The other columns wrap; when the terminal is too narrow
for them all, whole columns are left out (and the table says which) before an id is touched.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from screening.cli.errors import printable

NARROWEST = 12
"""A wrapped text column narrower than this is unreadable: it is left out instead."""
_EDGES = 4  # a table's outer borders and the id column's padding
_BETWEEN = 3  # a column's border and padding


def print_id_table(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    leave_out_first: Sequence[str] = (),
) -> None:
    """Print rows whose first cell is an id; the columns `leave_out_first` go first when the
    terminal is too narrow, then the others from the right."""
    widest = max([len(columns[0]), *(len(row[0]) for row in rows)])
    kept = list(columns[1:])
    for name in [*leave_out_first, *reversed(columns[1:])]:
        if _width(widest, kept) <= console.width:
            break
        if name in kept:
            kept.remove(name)
    table = Table()
    table.add_column(columns[0], no_wrap=True, overflow="ignore", min_width=widest)
    for name in kept:
        table.add_column(name, overflow="fold")
    positions = [columns.index(name) for name in kept]
    for row in rows:
        table.add_row(*(Text(printable(str(row[i]))) for i in (0, *positions)))
    console.print(table)
    left_out = [name for name in columns[1:] if name not in kept]
    if left_out:
        console.print(f"(left out at this terminal width: {', '.join(left_out)})", markup=False)


def _width(widest: int, kept: Sequence[str]) -> int:
    return widest + _EDGES + sum(max(len(name), NARROWEST) + _BETWEEN for name in kept)
