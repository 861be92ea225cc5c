"""`screening run` and `screening demo`."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from screening import parallel
from screening.cli.errors import fatal_errors, printable
from screening.cli.groups import BUNDLED_RULES, BUNDLED_SOURCES
from screening.cli.inputs import check_input_file, check_input_files, check_rule_files
from screening.errors import ScreeningError
from screening.memory import reuse_freed_memory, settle_imports
from screening.pipeline import (
    DEFAULT_PARTITION_BYTES,
    Engine,
    ScreenRequest,
    check_review_files,
    screen,
    workers_for,
)
from screening.reading.headers import ColumnMap, check_mapped
from screening.report.datasets import TablesFormat, check_tables_destination, write_tables
from screening.report.workbook import check_destination, write_report
from screening.resources import demo_dir, rules_dir, seeds_dir
from screening.results import FULL_LISTING_LIMIT, RecordsListing, ScreenResult, balance
from screening.review.decisions import STORE_NAME
from screening.rulespec.rule import Severity

EXIT_FINDINGS = 1
DEFAULT_PARTITION_SIZE = f"{DEFAULT_PARTITION_BYTES // 2**20}MiB"
console = Console(stderr=True)


def run(
    files: Annotated[
        list[Path],
        typer.Argument(help="CSV or Parquet files of worker, company or relationship records."),
    ],
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Rules directory.", show_default=BUNDLED_RULES),
    ] = None,
    seeds: Annotated[
        Path | None,
        typer.Option("--seeds", help="Cited sources directory.", show_default=BUNDLED_SOURCES),
    ] = None,
    list_files: Annotated[
        list[Path] | None, typer.Option("--list", help="Extra sanctions list file (repeatable).")
    ] = None,
    no_bundled_list: Annotated[
        bool, typer.Option("--no-bundled-list", help="Do not use the bundled UN 1718 list.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Date the rules are judged at, e.g. 2026-11-23.", show_default="today"
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Report path.", show_default="reports/screen-<timestamp>.xlsx"),
    ] = None,
    fail_on: Annotated[
        Severity | None,
        typer.Option("--fail-on", help="Exit 1 when a finding of this severity or worse exists."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Encoding of the CSV files; when not given, detected: UTF-8, UTF-16 by its "
            "BOM, or a legacy encoding such as cp1251.",
            show_default="detected",
        ),
    ] = None,
    decisions: Annotated[
        Path | None,
        typer.Option(
            "--decisions",
            help="Decision store to apply.",
            show_default=f"{STORE_NAME} next to the report, if there is one",
        ),
    ] = None,
    suppressions: Annotated[
        Path | None, typer.Option("--suppressions", help="Suppressions file (YAML) to apply.")
    ] = None,
    records: Annotated[
        RecordsListing,
        typer.Option(
            "--records",
            help="Records sheet: list every record (full), count them (summary), or auto: "
            f"list up to {FULL_LISTING_LIMIT:,} records.",
        ),
    ] = "auto",
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Earlier report: add a Changes sheet against it."),
    ] = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Read the header OLD as the column NEW, e.g. --map natinality=nationality "
            "(repeatable); OLD=OLD keeps a header that looks like a column as an extra column.",
        ),
    ] = None,
    columns_file: Annotated[
        Path | None,
        typer.Option(
            "--columns",
            help="YAML file of `header: column` pairs, for exports whose headers cannot change.",
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="pandas: screen in this process; dask: split the workers into partitions on a "
            "Dask cluster, for inputs larger than this machine's memory.",
        ),
    ] = "pandas",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="With --engine dask: the Dask scheduler's address (tcp://host:8786); its "
            "workers need this package installed and the input files at the same paths.",
            show_default="a local cluster, one worker per core",
        ),
    ] = None,
    tables: Annotated[
        Path | None,
        typer.Option(
            "--tables",
            help="Also write every row of the findings, records, rejected rows and data issues "
            "into this folder, as files of up to 1,000,000 rows each (for other tools).",
        ),
    ] = None,
    tables_format: Annotated[
        TablesFormat,
        typer.Option("--tables-format", help="Format of the --tables files."),
    ] = "parquet",
    partition_size: Annotated[
        str,
        typer.Option(
            "--partition-size",
            help="With --engine dask: about how much memory each partition's workers take as "
            "read (a file larger than this is read in pieces).",
        ),
    ] = DEFAULT_PARTITION_SIZE,
) -> None:
    """Screen CSV or Parquet records and write the Excel report."""
    with fatal_errors():
        _check_dask_options(engine, scheduler, partition_size)
        report = out or _default_out()
        request = ScreenRequest(
            files=files,
            as_of=_as_of(as_of),
            rules_dir=rules or rules_dir(),
            seeds_dir=seeds or seeds_dir(),
            list_files=list_files or [],
            bundled_list=not no_bundled_list,
            encoding=encoding,
            command=shlex.join(["screening", *sys.argv[1:]]),
            decisions=decisions or _existing(report.parent / STORE_NAME),
            suppressions=suppressions,
            baseline=baseline,
            records=records,
            columns=_column_map(column_map or [], columns_file),
            engine=engine,
            scheduler=scheduler,
            partition_bytes=_partition_bytes(partition_size, engine),
            every_record=tables is not None,
        )
        result = _screen_and_report(request, report, (tables, tables_format) if tables else None)
    if fail_on is not None and _worst(result) >= fail_on.rank:
        raise typer.Exit(EXIT_FINDINGS)


def demo(
    out: Annotated[Path, typer.Option("--out", help="Report path.")] = Path("reports/demo.xlsx"),
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Date the rules are judged at, e.g. 2026-11-23.", show_default="today"
        ),
    ] = None,
) -> None:
    """Screen the bundled sample records and write reports/demo.xlsx."""
    with fatal_errors():
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ScreeningError(
                f"cannot make the report's folder: {error.strerror or error}", out.parent
            ) from None
        request = ScreenRequest(
            files=sorted(demo_dir().glob("*.csv")),
            as_of=_as_of(as_of),
            rules_dir=rules_dir(),
            seeds_dir=seeds_dir(),
            command=shlex.join(["screening", *sys.argv[1:]]),
        )
        _screen_and_report(request, out)


def _screen_and_report(
    request: ScreenRequest, out: Path, tables: tuple[Path, TablesFormat] | None = None
) -> ScreenResult:
    """Screen, then write the tables (when asked) and the report."""
    _check_before_screening(request, out)
    if tables is not None:
        check_tables_destination(tables[0], request.input_paths)
    reuse_freed_memory()
    settle_imports()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("screening", total=None)

        def step(message: str) -> None:
            progress.update(task, description=message)

        # the screen's threads render the report's rows too
        with parallel.running(workers_for(request)):
            result = screen(request, progress=step)
            if tables is not None:
                step("writing the tables")
                result.tables = f"{write_tables(result, *tables)} ({tables[1]})"
            step("writing report")
            written = write_report(result, out)
    _print_summary(result, written)
    return result


def _check_before_screening(request: ScreenRequest, out: Path) -> None:
    """Refuse, before any screening work, what would fail it later: an input that is not a regular
    file, a report or companion CSV that would overwrite an input, a bad decision store or
    baseline report."""
    check_input_files(request.input_paths)
    check_rule_files(request.rules_dir)
    check_destination(out, request.input_paths)
    check_review_files(request)


def _existing(path: Path) -> Path | None:
    """The path if anything is there: a store that is not a regular file is refused, not skipped."""
    return path if os.path.lexists(path) else None


def _as_of(text: str | None) -> dt.date:
    """The --as-of date, written as the records write dates (`read_date`); today if not given."""
    from screening.normalizing.values import read_date

    if text is None:
        return dt.date.today()
    try:
        return read_date(text)
    except ValueError as problem:
        raise ScreeningError(f"--as-of: {problem}") from None


def _column_map(items: list[str], file: Path | None) -> ColumnMap:
    if file is not None:
        check_input_file(file)
    columns = ColumnMap.parse(items, file)
    check_mapped(columns)
    return columns


def _check_dask_options(engine: Engine, scheduler: str | None, partition_size: str) -> None:
    """Refuse a Dask option given without `--engine dask`: it would be silently unused, and a
    screen meant for a cluster run in this process."""
    if engine == "dask":
        return
    given = [
        option
        for option, used in (
            ("--scheduler", scheduler is not None),
            ("--partition-size", partition_size != DEFAULT_PARTITION_SIZE),
        )
        if used
    ]
    if given:
        raise ScreeningError(f"{' and '.join(given)} need --engine dask")


def _partition_bytes(size: str, engine: Engine) -> int:
    """`--partition-size` in bytes, read as Dask reads sizes (64MB, 1.5GiB, 500kB); only the
    Dask engine reads it (and imports Dask)."""
    if engine != "dask":
        return DEFAULT_PARTITION_BYTES
    try:
        from dask.utils import parse_bytes
    except ImportError:
        raise ScreeningError(parallel.NEEDS_DASK) from None
    try:
        size_bytes = int(parse_bytes(size))
    except (ValueError, TypeError) as problem:
        raise ScreeningError(f"--partition-size: {problem}") from None
    if size_bytes < 1:
        raise ScreeningError(f"--partition-size: {size!r} is not a size of at least one byte")
    return size_bytes


def _default_out() -> Path:
    folder = Path("reports")
    folder.mkdir(exist_ok=True)
    return folder / f"screen-{dt.datetime.now():%Y%m%d-%H%M%S}.xlsx"


def _worst(result: ScreenResult) -> int:
    """Rank of the worst finding that still needs action (not suppressed, not a false positive)."""
    findings = result.findings
    live = findings["decision"].ne("false positive") & findings["suppressed_until"].eq("")
    ranks = findings.loc[live, "severity"].map({s.value: s.rank for s in Severity})
    return int(ranks.max()) if len(ranks) else 0


def _print_summary(result: ScreenResult, report: Path) -> None:
    table = Table(title=f"Findings (as of {result.as_of})")
    for column in ("rule", "severity", "findings"):
        table.add_column(column, justify="right" if column == "findings" else "left")
    counts = result.findings.groupby(["rule_id", "severity"], sort=False).size().reset_index()
    for rule_id, severity, count in counts.itertuples(index=False):
        # Text, not str: a rule id from a rule file is shown as it is, never read as markup.
        table.add_row(Text(printable(str(rule_id))), Text(printable(str(severity))), str(count))
    out = Console()
    out.print(table)
    rows = [result.screened_rows, result.rejected_rows]
    out.print(
        balance(result.input_rows, rows, ("screened", "rejected"), "input rows")
        + f"; {len(result.findings)} findings; {len(result.data_issues)} data issues"
    )
    lines, *parts = result.line_counts
    out.print(balance(lines, parts, ("screened", "rejected", "blank"), "input lines"))
    for item in result.inputs:
        for label, names in (
            ("kept as extra column (read by no rule)", item.extra_columns),
            ("no column for what rules test (read as not recorded)", item.absent_tested),
        ):
            if names:
                out.print(
                    f"{printable(str(item.path))}: {label}: {printable(', '.join(names))}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
    decided = result.decision_counts
    out.print(
        f"decisions: {decided.carried} carried, {decided.reopened} reopened (what was decided on "
        f"changed), {decided.undecided} findings never decided",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if result.change_counts is not None:
        changes = result.change_counts
        out.print(
            f"since the baseline: {changes.new} new, {changes.gone} gone, "
            f"{changes.changed} changed",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for unmatched in result.unmatched_suppressions:
        console.print(
            f"warning: {printable(str(unmatched))}", markup=False, highlight=False, soft_wrap=True
        )
    out.print(f"report: {printable(str(report))}", markup=False, highlight=False, soft_wrap=True)
