"""Check that an optimisation changed nothing: save a screen's tables, then compare a later run.

    python benchmarks/same_results.py DATA_DIR --save OUT_DIR      # before the change
    python benchmarks/same_results.py DATA_DIR --compare OUT_DIR   # after it

DATA_DIR holds the CSV files of one scale from `generate.py` (workers.csv, companies.csv,
relationships.csv); `--list FILE` adds a list. The screen runs without the report (as-of
2026-11-23); its stage seconds and peak RSS are printed, and with `--compare` each table
(findings, data issues, rejected, records) is reported IDENTICAL or where it differs: finding ids,
evidence, explanations and fingerprints are what users' decision files rely on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from pathlib import Path

import pandas as pd

from screening.pipeline import ScreenRequest, screen
from screening.resources import rules_dir, seeds_dir
from screening.results import ScreenResult

AS_OF = dt.date(2026, 11, 23)
TABLES = ("findings", "data_issues", "rejected", "records")


def tables_of(result: ScreenResult) -> dict[str, pd.DataFrame]:
    """Each table as text with a fresh index: dtypes may change, values may not."""
    return {name: getattr(result, name).reset_index(drop=True).astype(str) for name in TABLES}


def differences(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """What differs between two versions of a table (nothing: an empty list)."""
    if list(before.columns) != list(after.columns):
        return [f"columns {list(before.columns)} -> {list(after.columns)}"]
    if len(before) != len(after):
        return [f"rows {len(before):,} -> {len(after):,}"]
    found = []
    for column in before.columns:
        changed = before[column] != after[column]
        if changed.any():
            first = changed.to_numpy().nonzero()[0][0]
            found.append(
                f"{column}: {int(changed.sum()):,} rows, first {before[column].iloc[first]!r:.120}"
                f" -> {after[column].iloc[first]!r:.120}"
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder of workers/companies/relationships.csv")
    parser.add_argument("--list", type=Path, action="append", default=[], help="a list file")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", type=Path, help="save the tables here (Parquet)")
    action.add_argument("--compare", type=Path, help="compare with tables saved here")
    args = parser.parse_args()
    files = [args.data / f"{kind}.csv" for kind in ("workers", "companies", "relationships")]
    request = ScreenRequest(
        files=files, as_of=AS_OF, rules_dir=rules_dir(), seeds_dir=seeds_dir(), list_files=args.list
    )
    start = time.perf_counter()
    result = screen(request)
    seconds = {name: round(value, 2) for name, value in result.stage_seconds.items()}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{time.perf_counter() - start:.2f} s {seconds}, peak {peak:,} MiB")
    tables = tables_of(result)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            table.to_parquet(args.save / f"{name}.parquet")
        return
    for name, table in tables.items():
        found = differences(pd.read_parquet(args.compare / f"{name}.parquet"), table)
        print(f"{name}: " + ("IDENTICAL" if not found else "DIFFERENT\n  " + "\n  ".join(found)))


if __name__ == "__main__":
    main()
