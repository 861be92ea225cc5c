"""One screen, start to finish: read → normalize → load rules → evaluate → findings (→ report).

`screen()` is the library entry point the CLI calls; it returns a `ScreenResult` that holds every
table the report shows, so the report writer never re-derives anything.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

import pandas as pd

import screening
from screening import parallel
from screening.assemble import (
    RecordsWanted,
    records_table,
    rules_table,
    sort_findings,
    sources_table,
    stacked,
    summarise_records,
)
from screening.engine.context import Context
from screening.errors import InputFileError
from screening.findings import find
from screening.lists.loading import bundled_list, load_list
from screening.lists.models import Watchlist, content_digest
from screening.matching.matcher import ListNames, list_names
from screening.memory import release_unused_memory
from screening.normalizing.tables import RecordTable, combined_raw, normalize_table
from screening.reading import NO_MAP, ColumnMap, RawTable, read_records, reject_duplicate_ids
from screening.records import ALSO_FILLS, RecordKind
from screening.results import (
    FULL_LISTING_LIMIT,
    InputSummary,
    ListSummary,
    RecordsListing,
    ScreenResult,
)
from screening.review.apply import apply_suppressions, carry_decisions, check_suppressions
from screening.review.changes import (
    Screen,
    change_counts,
    compare_with_baseline,
    read_baseline,
    record_details,
)
from screening.review.decisions import load_store
from screening.review.suppressions import load_listed_suppressions
from screening.review.workbook import RUN_SHEET, check_findings_sheet, read_sheet
from screening.rows import DATA_ISSUE_COLUMNS, REJECTED_COLUMNS
from screening.rulespec.conditions import tested_fields
from screening.rulespec.rulebook import LoadedRule, load_rulebook
from screening.rulespec.sources import load_corpus

Progress = Callable[[str], None]
Engine = Literal["pandas", "dask"]
DEFAULT_PARTITION_BYTES = 64 * 2**20


@dataclass(frozen=True)
class ScreenRequest:
    """What to screen and how: the CLI's arguments, as a value."""

    files: list[Path]
    as_of: dt.date
    rules_dir: Path
    seeds_dir: Path
    list_files: list[Path] = field(default_factory=list)
    bundled_list: bool = True
    encoding: str | None = None
    command: str = ""
    decisions: Path | None = None
    suppressions: Path | None = None
    baseline: Path | None = None
    records: RecordsListing = "auto"
    columns: ColumnMap = NO_MAP
    """The user's header → column mapping (`--map`, `--columns`)."""
    engine: Engine = "pandas"
    scheduler: str | None = None
    """`--engine dask`: the address of the Dask scheduler to run on (None: a local cluster)."""
    partition_bytes: int = DEFAULT_PARTITION_BYTES
    """`--engine dask`: about how much memory each partition's workers take as read (a file
    larger than this is read in pieces)."""
    every_record: bool = False
    """Keep every screened record's row even when the report only counts them (`--tables`
    writes them all); a Dask screen otherwise keeps them only when the report lists them or a
    baseline report or suppressions need them."""

    @property
    def input_paths(self) -> list[Path]:
        """Every file the screen reads: none of them may be overwritten by the report."""
        optional = [self.decisions, self.suppressions, self.baseline, self.columns.source]
        return [*self.files, *self.list_files, *(path for path in optional if path)]


def check_review_files(request: ScreenRequest) -> None:
    """Open and check the decision store and the baseline report before any screening work, so a
    bad one fails the run at once rather than after the screen.

    The store is read whole (`screen` reads it again: it is small). Of the baseline the Run sheet
    is read here, enough to tell a readable screening report, and the Findings sheet's header, to
    refuse one lacking a column it must have; its findings are read when they are compared."""
    if request.decisions is not None:
        load_store(request.decisions)
    if request.baseline is not None:
        _check_baseline(request.baseline)
        check_findings_sheet(request.baseline)


def _check_baseline(path: Path) -> None:
    run = read_sheet(path, RUN_SHEET)
    if {"key", "value"} <= set(run.columns) and not run.columns.duplicated().any():
        value = run["value"].fillna("").astype(str)
        if (run["key"].eq("tool version") & value.ne("")).any():
            return
    raise InputFileError("not a screening report (no Run sheet naming the tool)", path)


def screen(request: ScreenRequest, progress: Progress | None = None) -> ScreenResult:
    """Run one screen and return everything the report shows, on the runner's threads (a new
    runner's, unless the caller runs one: `parallel.running`)."""
    with parallel.running(workers_for(request)):
        return _screen(request, progress)


SMALL_INPUT_BYTES = 4 * 2**20
"""Input files smaller than this together are screened on the calling thread: their columns are
a few thousand values, and handing them to threads costs more than the threads share."""


def workers_for(request: ScreenRequest) -> int:
    """How many threads the screen's items are spread over: one for a small input."""
    size = 0
    for path in request.files:
        try:
            size += path.stat().st_size
        except OSError:
            return parallel.WORKERS  # reading will say what is wrong with it
    return 1 if size < SMALL_INPUT_BYTES else parallel.WORKERS


def _screen(request: ScreenRequest, progress: Progress | None) -> ScreenResult:
    step = progress or _silent
    started = dt.datetime.now().astimezone()
    clock = time.perf_counter()
    stages: dict[str, float] = {}

    # rules and review files first: a mistake in them fails before the long part
    with _timed(stages, "rules"):
        step("loading rules")
        corpus = load_corpus(request.seeds_dir)
        rulebook = load_rulebook(request.rules_dir, corpus)
        store = load_store(request.decisions) if request.decisions else {}
        suppressions = (
            load_listed_suppressions(request.suppressions) if request.suppressions else []
        )
    loading = parallel.beside(partial(_prepared_lists, request))
    screening_records = _partitioned if request.engine == "dask" else _in_process
    screened = screening_records(request, rulebook.rules, loading, stages, step)
    lists, findings, records = screened.lists, screened.findings, screened.records
    with _timed(stages, "assemble"):
        step("assembling findings")
        rules = rules_table(rulebook)
        tested = _tested(rulebook.rules)
        baseline = read_baseline(request.baseline) if request.baseline is not None else None
        findings, decision_counts = carry_decisions(
            sort_findings(findings), store, record_details(baseline, records)
        )
        unmatched = check_suppressions(findings, suppressions, rules["rule_id"], records)
        findings = apply_suppressions(
            findings, [listed.suppression for listed in suppressions], request.as_of
        )
        result = ScreenResult(
            as_of=request.as_of,
            started=started,
            duration_s=0.0,
            command=request.command,
            tool_version=screening.__version__,
            rules_dir=request.rules_dir,
            rules_hash=rulebook.sha256,
            inputs=[_input_summary(raw, tested) for raw in screened.inputs],
            lists=lists.summaries,
            findings=findings,
            records=records,
            rejected=_rejected(screened.inputs),
            data_issues=_data_issues(screened.issues, _absent_columns(screened.inputs, tested)),
            rules=rules,
            sources=sources_table(rulebook),
            review_files=_review_files(request),
            record_counts=screened.record_counts,
            records_listing=screened.listing,
            every_record=screened.every_record,
            engine=screened.engine,
            decision_counts=decision_counts,
            unmatched_suppressions=unmatched,
        )
        if baseline is not None:
            step("comparing with the baseline")
            now = Screen(
                findings=findings,
                records=records,
                rules=rules,
                as_of=request.as_of,
                list_shas=frozenset(summary.sha256 for summary in lists.summaries),
            )
            result.changes = compare_with_baseline(baseline, now)
            result.change_counts = change_counts(result.changes)
    result.stage_seconds = stages
    result.duration_s = time.perf_counter() - clock
    return result


@dataclass(frozen=True)
class _Screened:
    """The records screened, by one engine or the other: what the report's tables start from."""

    inputs: list[RawTable]
    lists: _PreparedLists
    findings: pd.DataFrame
    records: pd.DataFrame
    record_counts: pd.DataFrame
    issues: pd.DataFrame
    """The records' data issues, in the order of the records."""
    listing: Listing
    engine: str = "pandas"
    every_record: bool = True
    """Whether `records` holds every screened record (see `ScreenResult.every_record`)."""


def _in_process(
    request: ScreenRequest,
    rules: list[LoadedRule],
    loading: Future[_PreparedLists],
    stages: dict[str, float],
    step: Progress,
) -> _Screened:
    """The records read and screened in this process, on the runner's threads."""
    with _timed(stages, "read"):
        step("reading records")
        raws = _read(request, loading)
    with _timed(stages, "normalize"):
        step("normalizing values")
        tables = _normalize(raws, pd.Timestamp(request.as_of))
    lists = loading.result()
    stages["lists"] = lists.seconds
    with _timed(stages, "evaluate"):
        step("evaluating rules")
        context = Context(
            tables=tables,
            as_of=pd.Timestamp(request.as_of),
            watchlists=lists.watchlists,
            prepared_names=lists.names,
        )
        findings = find(rules, context)
    with _timed(stages, "assemble"):
        listing = _listing(request.records, sum(len(table) for table in tables.values()))
        wanted = _wanted(request, listing)
        records = records_table(tables, findings, wanted.details, wanted.fingerprints)
    issues = [table.issues for table in tables.values() if not table.issues.empty]
    return _Screened(
        raws,
        lists,
        findings,
        records,
        summarise_records(records),
        stacked(issues, DATA_ISSUE_COLUMNS),
        listing,
    )


def _partitioned(
    request: ScreenRequest,
    rules: list[LoadedRule],
    loading: Future[_PreparedLists],
    stages: dict[str, float],
    step: Progress,
) -> _Screened:
    """The records read and screened with the workers in partitions, on a Dask cluster."""
    from screening.partitioned import Inputs, screen_partitioned

    lists = loading.result()
    stages["lists"] = lists.seconds
    inputs = Inputs(
        files=request.files,
        encoding=request.encoding,
        columns=request.columns,
        as_of=request.as_of,
        rules=rules,
        watchlists=lists.watchlists,
        names=lists.names,
        wanted=lambda records: _wanted(request, _listing(request.records, records)),
    )
    with _timed(stages, "dask"), parallel.cluster(request.scheduler) as client:
        screened = screen_partitioned(inputs, client, request.partition_bytes, step)
    records = int(screened.record_counts["records"].sum())
    return _Screened(
        screened.inputs,
        lists,
        screened.findings,
        screened.records,
        screened.record_counts,
        screened.issues,
        _listing(request.records, records),
        engine=f"dask, {screened.partitions:,} partitions of workers",
        every_record=screened.every_record,
    )


Listing = Literal["full", "summary"]


def _listing(requested: RecordsListing, records: int) -> Listing:
    if requested == "auto":
        return "full" if records <= FULL_LISTING_LIMIT else "summary"
    return requested


def _wanted(request: ScreenRequest, listing: Listing) -> RecordsWanted:
    """What the screen keeps of each record: its row when the Records sheet lists them, a
    baseline report is compared, suppressions are checked or `--tables` writes them; its
    details when listed; its fingerprint when listed or compared."""
    listed = listing == "full"
    compared = request.baseline is not None
    return RecordsWanted(
        rows=listed or compared or request.suppressions is not None or request.every_record,
        details=listed,
        fingerprints=listed or compared,
    )


def _review_files(request: ScreenRequest) -> dict[str, str]:
    named = {
        "decision store": request.decisions,
        "suppressions": request.suppressions,
        "baseline report": request.baseline,
    }
    return {label: str(path) for label, path in named.items() if path is not None}


def _silent(message: str) -> None:
    """No progress display."""


@contextmanager
def _timed(stages: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    stages[name] = stages.get(name, 0.0) + time.perf_counter() - start


def _normalize(raws: list[RawTable], as_of: pd.Timestamp) -> dict[RecordKind, RecordTable]:
    tables = {}
    for kind in RecordKind:
        frames = [raw.frame for raw in raws if raw.kind is kind]
        tables[kind] = normalize_table(kind, combined_raw(kind, frames), as_of)
    return tables


@dataclass(frozen=True)
class _PreparedLists:
    """The screen's sanctions lists, loaded, with their names encoded for matching."""

    watchlists: list[Watchlist]
    names: dict[str | None, ListNames]
    """The lists' names: of all schemas (key None), and of each schema their entries have."""
    summaries: list[ListSummary]
    seconds: float


def _prepared_lists(request: ScreenRequest) -> _PreparedLists:
    """Load the lists and encode their names; `screen` runs this beside reading and normalizing
    the records.

    It is Python work on one core: run first, a large list would keep the screen waiting with
    the other core idle; beside the read it shares both cores with the parser."""
    start = time.perf_counter()
    watchlists = _watchlists(request)
    names: dict[str | None, ListNames] = {}
    if watchlists:
        every = names[None] = list_names(watchlists, None)
        for schema in sorted({entry.schema for _, entry in every.entries}):
            names[schema] = list_names(watchlists, schema, every)
    return _PreparedLists(
        watchlists=watchlists,
        names=names,
        summaries=[_list_summary(watchlist) for watchlist in watchlists],
        seconds=time.perf_counter() - start,
    )


def _read(request: ScreenRequest, lists: Future[_PreparedLists]) -> list[RawTable]:
    """Every records file, read in order. A list that cannot be loaded fails the screen as soon
    as it is known (between files), and before any records file does, as when lists were loaded
    first."""
    raws = []
    for path in request.files:
        if lists.done():
            lists.result()  # raises the list's error, if loading it failed
        try:
            raws.append(read_records(path, request.encoding, request.columns))
            release_unused_memory()  # the file's bytes and the parser's blocks
        except InputFileError:
            lists.result()  # waits for the lists: their error, if any, is the one reported
            raise
    return reject_duplicate_ids(raws)


def _watchlists(request: ScreenRequest) -> list[Watchlist]:
    lists = [bundled_list()] if request.bundled_list else []
    return lists + [load_list(path) for path in request.list_files]


def _input_summary(raw: RawTable, tested: Tested) -> InputSummary:
    return InputSummary(
        path=raw.path,
        kind=raw.kind.value,
        sha256=raw.sha256,
        rows=raw.rows,
        screened=len(raw.frame),
        rejected=len(raw.rejected),
        format=raw.format,
        encoding=raw.encoding,
        delimiter=raw.delimiter if raw.encoding else "",
        lines=raw.lines,
        screened_lines=raw.screened_lines,
        rejected_lines=raw.rejected_lines,
        blank_lines=raw.blank_lines,
        recognised=tuple(
            f"{name} (mapped from {raw.mapped[name]!r})" if name in raw.mapped else name
            for name in raw.header
            if name not in raw.extra_columns
        ),
        extra_columns=tuple(raw.extra_columns),
        absent_tested=tuple(_absent(raw, tested)),
    )


def _list_summary(watchlist: Watchlist) -> ListSummary:
    return ListSummary(
        name=watchlist.name,
        source=watchlist.source,
        as_of=watchlist.as_of,
        entries=len(watchlist.entries),
        sha256=content_digest(watchlist),
    )


def _rejected(raws: list[RawTable]) -> pd.DataFrame:
    return stacked([raw.rejected for raw in raws if not raw.rejected.empty], REJECTED_COLUMNS)


Tested = dict[tuple[RecordKind, str], list[str]]
"""Each field a rule tests, by record kind → the rules that test it."""


def _tested(rules: list[LoadedRule]) -> Tested:
    testing: Tested = {}
    for loaded in rules:
        rule = loaded.rule
        for tested in dict.fromkeys(tested_fields(rule.when, rule.applies_to)):
            testing.setdefault(tested, []).append(rule.id)
    return testing


def _absent(raw: RawTable, tested: Tested) -> dict[str, list[str]]:
    """The columns rules test that the file does not have → those rules: every record of the file
    reads "not recorded" there."""
    given = _given(raw.header)
    return {
        field: rule_ids
        for (kind, field), rule_ids in tested.items()
        if kind is raw.kind and field not in given
    }


def _absent_columns(raws: list[RawTable], tested: Tested) -> pd.DataFrame:
    """One data issue per file and tested column it does not have, said once, not per record."""
    rows = [
        {
            "record_id": "",
            "field": field,
            "value": "",
            "problem": f"the file has no column {field}, which rules test "
            f"({', '.join(rule_ids)}): read as not recorded on its {raw.rows:,} records",
            "record_type": raw.kind.value,
            "file": str(raw.path),
            "line": 1,
        }
        for raw in raws
        for field, rule_ids in _absent(raw, tested).items()
    ]
    return pd.DataFrame(rows, columns=DATA_ISSUE_COLUMNS)


def _given(header: list[str]) -> set[str]:
    """The columns a file gives values for: its own, and those its columns are read into."""
    return set(header).union(*(ALSO_FILLS.get(name, ()) for name in header))


def _data_issues(issues: pd.DataFrame, absent: pd.DataFrame) -> pd.DataFrame:
    return stacked([frame for frame in (absent, issues) if not frame.empty], DATA_ISSUE_COLUMNS)
