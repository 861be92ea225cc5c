"""Check that a change to the report writer changed no value: compare two reports sheet by sheet.

    python benchmarks/same_sheets.py BEFORE.xlsx AFTER.xlsx

Both are read with openpyxl (the test oracle every report must open in); every cell value of every
sheet must be equal, value and type, except the Run sheet's rows that differ from run to run
(the command line, when it started, and how long each stage took). Prints IDENTICAL or each sheet
that differs and where; exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import openpyxl

# Run-sheet keys whose values change with every run, or say how the screen ran (the engine).
VOLATILE_RUN_KEYS = ("command line", "started", "duration (s)", "stage: ", "engine")


def sheet_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each sheet's rows of values (trailing empty cells dropped), Run's volatile rows left out."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        sheets = {}
        for sheet in book.worksheets:
            rows = [_trimmed(row) for row in sheet.iter_rows(values_only=True)]
            if sheet.title == "Run":
                rows = [row for row in rows if not str(row[0]).startswith(VOLATILE_RUN_KEYS)]
            sheets[sheet.title] = rows
        return sheets
    finally:
        book.close()


def differences(before: Path, after: Path) -> list[str]:
    """Where the two reports' values differ (nothing: an empty list)."""
    old, new = sheet_values(before), sheet_values(after)
    if list(old) != list(new):
        return [f"sheets {list(old)} -> {list(new)}"]
    found = []
    for name, rows in old.items():
        if len(rows) != len(new[name]):
            found.append(f"{name}: rows {len(rows):,} -> {len(new[name]):,}")
            continue
        changed = [
            number
            for number, (a, b) in enumerate(zip(rows, new[name], strict=True), start=1)
            if [(type(x), x) for x in a] != [(type(y), y) for y in b]
        ]
        if changed:
            first = changed[0]
            found.append(
                f"{name}: {len(changed):,} rows differ, first row {first}: "
                f"{rows[first - 1]!r:.200} -> {new[name][first - 1]!r:.200}"
            )
    return found


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    arguments = parser.parse_args()
    found = differences(arguments.before, arguments.after)
    print("\n".join(found) if found else "IDENTICAL")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
