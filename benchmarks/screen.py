"""End-to-end screening benchmark: synthetic CSV in, Excel report out, per stage.

    python benchmarks/screen.py                       # 10k and 100k workers
    python benchmarks/screen.py --scales 100000 --write BENCHMARKS.md

Each scale runs in a fresh process so its peak memory (max RSS) is its own. Companies and
relationships are generated at 1/10 and 1/5 of the workers, as in a national employer register.
The floor is the time pandas (pyarrow engine) takes merely to read the same CSV files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS_MARKER = "<!-- screen-benchmark -->"


def measure(workers: int, folder: Path) -> dict[str, float]:
    """Generate data, time the CSV-read floor and a full screen with its report; in this process."""
    sys.path.insert(0, str(HERE))
    import pandas as pd
    from generate import generate, write_csv

    from screening.pipeline import ScreenRequest, screen
    from screening.report.workbook import write_report
    from screening.resources import rules_dir, seeds_dir

    frames = generate(workers, max(workers // 10, 1), max(workers // 5, 1), seed=0)
    paths = []
    for name, frame in frames.items():
        path = folder / f"{name}.csv"
        write_csv(frame, path)
        paths.append(path)
    del frames
    start = time.perf_counter()
    for path in paths:
        pd.read_csv(path, engine="pyarrow", dtype=str)
    floor = time.perf_counter() - start

    start = time.perf_counter()
    request = ScreenRequest(
        files=paths, as_of=dt.date(2026, 11, 23), rules_dir=rules_dir(), seeds_dir=seeds_dir()
    )
    result = screen(request)
    report_start = time.perf_counter()
    write_report(result, folder / "report.xlsx")
    total = time.perf_counter() - start
    stages = dict(result.stage_seconds)
    stages["report"] = time.perf_counter() - report_start
    return {
        "workers": workers,
        "records": result.input_rows,
        "findings": len(result.findings),
        "seconds": total,
        "records_per_s": result.input_rows / total,
        "floor_s": floor,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **{f"stage_{name}": seconds for name, seconds in stages.items()},
    }


def run_scale(workers: int) -> dict[str, float]:
    """One scale in a child process (clean peak memory)."""
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(workers)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def table(rows: list[dict[str, float]]) -> str:
    """Markdown table of the results."""
    stages = sorted(
        {key for row in rows for key in row if key.startswith("stage_")},
        key=lambda key: list(rows[0]).index(key) if key in rows[0] else 99,
    )
    header = [
        "records",
        "findings",
        "total s",
        "records/s",
        "CSV-read floor s",
        "x floor",
        "peak RSS MiB",
        *(s.removeprefix("stage_") + " s" for s in stages),
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [
            f"{row['records']:,.0f}",
            f"{row['findings']:,.0f}",
            f"{row['seconds']:.2f}",
            f"{row['records_per_s']:,.0f}",
            f"{row['floor_s']:.2f}",
            f"{row['seconds'] / row['floor_s']:.1f}",
            f"{row['peak_rss_mib']:,.0f}",
            *(f"{row.get(s, 0):.2f}" for s in stages),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_results(path: Path, text: str) -> None:
    """Replace the screen-benchmark section of BENCHMARKS.md (or append it)."""
    section = f"{RESULTS_MARKER}\n{text}\n{RESULTS_MARKER}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if RESULTS_MARKER in current:
        before, _, rest = current.partition(RESULTS_MARKER)
        _, _, after = rest.partition(RESULTS_MARKER)
        current = before + section + after
    else:
        current = current.rstrip() + "\n\n" + section + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10000,100000", help="Worker counts, comma-separated.")
    parser.add_argument("--write", type=Path, help="Write the results into this Markdown file.")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(measure(args.child, Path(folder))))
        return
    rows = [run_scale(int(scale)) for scale in args.scales.split(",")]
    machine = f"{platform.machine()}, {platform.python_version()}, {dt.date.today()}"
    text = (
        f"## End-to-end screen ({machine})\n\n`python benchmarks/screen.py "
        f"--scales {args.scales}`: workers + companies (1/10) + relationships (1/5), every "
        f"bundled rule and the bundled list, CSV in to xlsx out.\n\n{table(rows)}\n"
    )
    print(text)
    if args.write:
        write_results(args.write, text)


if __name__ == "__main__":
    main()
