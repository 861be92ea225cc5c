"""The report's cost per finding, below and past Excel's row limit.

    python benchmarks/report_cost.py DATA_DIR [--out REPORT]

Screens DATA_DIR (workers/companies/relationships.csv from `generate.py`, `--records summary`),
then writes the report of its findings, and of the same findings ten times over (past the
1,048,575 rows a sheet holds: the rest goes to the companion CSV). Prints the CPU seconds of the
whole process (every thread) per finding for each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from pathlib import Path

import pandas as pd

from screening import parallel
from screening.pipeline import ScreenRequest, screen
from screening.report.workbook import write_report
from screening.resources import rules_dir, seeds_dir


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder of workers/companies/relationships.csv")
    parser.add_argument("--out", type=Path, default=Path("/tmp/report-cost.xlsx"))
    arguments = parser.parse_args()
    files = [arguments.data / f"{name}.csv" for name in ("workers", "companies", "relationships")]
    request = ScreenRequest(
        files=files,
        as_of=dt.date(2026, 12, 1),
        rules_dir=rules_dir(),
        seeds_dir=seeds_dir(),
        records="summary",
    )
    with parallel.running():
        result = screen(request)
        found = result.findings
        for label, findings in (
            ("below the limit", found),
            ("past the limit", pd.concat([found] * 10, ignore_index=True)),
        ):
            result.findings = findings
            cpu, wall = _cpu_seconds(), time.perf_counter()
            write_report(result, arguments.out)
            cpu, wall = _cpu_seconds() - cpu, time.perf_counter() - wall
            print(
                f"{label}: {len(findings):,} findings, {cpu:.1f} s cpu, {wall:.1f} s wall, "
                f"{cpu / len(findings) * 1e6:.1f} µs cpu a finding"
            )


if __name__ == "__main__":
    main()
