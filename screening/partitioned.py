"""One screen with the worker table split into partitions, on Dask (`screening run --engine dask`).

The rule files and the engine are the same as in one process: each partition runs the pandas
engine over its share of the workers, with every company and relationship beside it (each
Dask worker reads and normalizes those files for itself, once a screen: `SharedFiles`). A
worker's rule reads its own row and what one lookup reaches (its employer, the employer's
relationships and findings), so a partition's masks, evidence and findings are the ones the
whole table gives. What is not row-local:

- the duplicate and look-alike `record_id` checks, on the driver over every file's ids;
- the rules of companies and relationships, whose counts of workers (`workers:`) look only at
  the workers that hold the counted condition: the partitions send those rows (a semi-join of
  flagged ids) to one task, which runs the rule over them beside every company. A worker that
  does not hold counts for nothing, so every count, and the list of workers it shows, is exact;
- the rules of workers that count across the table (`count_increase`), over the rows either
  side of the count holds for (a rule holds only where its count does), in that task too.

Rules run in stages, each taking every rule of its place whose findings it reads are known
(`plan_stages`; the bundled rules: once, partitions, once). The masks the rules run once give
go to the partitions for the rules after them (`employer: {finding: ...}`). A rule this split
cannot run exactly (a count of workers inside a worker's rule, other than at its top) stops the
screen before any work.

Every file is read on a Dask worker, one task a file (a file larger than a partition: a task
per piece, of a Parquet file's row groups or of a CSV file's records), and stays there: the
driver keeps each row's id, file and line. A worker file's table is cut where it was read into
partitions of about `partition_bytes` of its rows as read. What the steps share is read from the
files or is a task's result, never data scattered from the driver, so a Dask worker lost (to
memory, say) is made good from the files. Between two steps a partition is its rows, masks and
findings only (`Partition`), which Dask can spill; a step gives a new one. The driver is given
each finished partition's records counted (their rows only when the report lists them or a
baseline report, suppressions or `--tables` need them: `RecordsWanted`) and its findings' review
keys; it then takes the findings in review order, a block at a time, from where they are held.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from screening.assemble import (
    RecordsWanted,
    added_counts,
    records_table,
    review_keys,
    review_order,
    stacked,
    summarise_records,
)
from screening.engine.compile import compile_condition
from screening.engine.context import Context
from screening.engine.evaluate import evaluate
from screening.errors import ScreeningError
from screening.findings import FRAME_COLUMNS, findings_frame, named_records, rule_findings
from screening.matching.matcher import ListNames
from screening.normalizing.identifiers import look_alike_ids
from screening.normalizing.tables import (
    RecordTable,
    combined_columns,
    combined_raw,
    empty_raw,
    normalize_table,
)
from screening.reading import (
    FILE_COLUMN,
    LINE_COLUMN,
    ColumnMap,
    RawTable,
    duplicate_reasons,
    merged,
    read_csv_piece,
    read_parquet_piece,
    read_records,
    reject_rows,
)
from screening.reading.cutting import CsvPiece, csv_pieces
from screening.reading.parquet import Piece, is_parquet_file, pieces
from screening.records import RecordKind
from screening.rows import DATA_ISSUE_COLUMNS, RECORD_COLUMNS
from screening.rulespec.conditions import (
    AllCondition,
    Condition,
    CountIncreaseCondition,
    FindingCondition,
    inner_condition,
    move_of,
    walk,
)
from screening.rulespec.rulebook import LoadedRule

if TYPE_CHECKING:
    from distributed import Client, Future

    from screening.lists.models import Watchlist

PARTITIONED = RecordKind.worker
"""The kind split into partitions: the one registers hold millions of."""


@dataclass(frozen=True)
class Partitioned:
    """What a partitioned screen gives the pipeline: the tables one process would have built."""

    inputs: list[RawTable]
    """Every input file as read, in the order given; its `frame` holds only each screened
    row's `_line` (its values stayed on the Dask workers)."""
    findings: pd.DataFrame
    """In review order (`assemble.sort_findings`)."""
    records: pd.DataFrame
    """Every record's row, or none when the screen does not want them (`every_record`)."""
    record_counts: pd.DataFrame
    issues: pd.DataFrame
    """The records' data issues, in the order of the records."""
    partitions: int
    every_record: bool


@dataclass(frozen=True)
class Inputs:
    """What the screen reads, as the pipeline has it."""

    files: Sequence[Path]
    encoding: str | None
    columns: ColumnMap
    as_of: dt.date
    rules: list[LoadedRule]
    watchlists: Sequence[Watchlist]
    names: Mapping[str | None, ListNames]
    wanted: Callable[[int], RecordsWanted]
    """For a screen of so many records: what it keeps of each record besides counting it."""


def screen_partitioned(
    inputs: Inputs,
    client: Client,
    partition_bytes: int,
    step: Callable[[str], None],
) -> Partitioned:
    """Read, normalize and evaluate `inputs` with the workers in partitions on `client`."""
    stages = plan_stages(inputs.rules)
    as_of = pd.Timestamp(inputs.as_of)
    step("reading records")
    files = _read_files(inputs, client, partition_bytes)
    _deduplicated(files, client)
    shared = SharedFiles(
        uuid.uuid4().hex,
        tuple((item.table.kind, item.read) for item in files if item.table.kind is not PARTITIONED),
        as_of,
    )
    lists = _given(client, Lists(inputs.watchlists, inputs.names))
    wanted = inputs.wanted(sum(len(item.table.frame) for item in files))
    partitions = _partitions(files, inputs, partition_bytes, client)
    for item in files:
        item.future = None  # a file's table goes once what is made from it is made
        item.table = _lines_only(item.table)
    step(f"evaluating rules over {len(partitions)} partitions")
    found, driven = _run_stages(stages, partitions, (shared, lists), client)
    step("collecting findings")
    others: _Finished = client.submit(
        _shared_records, shared, _counted(found), wanted, pure=False
    ).result()
    client.run(_forget, shared.screen)  # what is left to do reads the partitions alone
    driven_rows = _given(client, driven)
    done = [_next(client, _finish, partition, driven_rows, wanted) for partition in partitions]
    finished = _collected([_next(client, _described, result) for result in done])
    _check_every_row_screened(files, finished)
    findings = _findings_in_order(client, list(zip(done, finished, strict=True)), found)
    del done  # the partitions' findings, now the driver's, are let go on the Dask workers
    client.run(_forget, shared.screen)  # read again by a step Dask ran again: a worker was lost
    finished.append(others)
    records = stacked([result.records for result in finished], RECORD_COLUMNS)
    counts = added_counts([result.counts for result in finished])
    issues = stacked([result.issues for result in finished], DATA_ISSUE_COLUMNS)
    return Partitioned(
        inputs=_inputs(files, len(inputs.files)),
        findings=(
            findings_frame(findings)
            if findings is not None
            else pd.DataFrame(columns=FRAME_COLUMNS)
        ),
        records=records,
        record_counts=counts,
        issues=issues,
        partitions=len(partitions),
        every_record=wanted.rows,
    )


def _check_every_row_screened(files: list[_File], finished: list[_Finished]) -> None:
    """The partitions' records are the worker files' screened rows, each once: else the screen
    stops rather than report on some of them."""
    read = sum(len(item.table.frame) for item in files if item.table.kind is PARTITIONED)
    screened = sum(int(result.counts["records"].sum()) for result in finished)
    if screened != read:
        raise ScreeningError(
            f"the partitions screened {screened:,} workers of the {read:,} read: no report was "
            "written (a bug: please report it)"
        )


# --- which rules run where -------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """Rules that run side by side: in every partition, or once over every company and
    relationship and the workers they count."""

    rules: list[LoadedRule]
    once: bool
    relevant: list[Condition] = field(default_factory=list)
    """Run once: the conditions of workers whose rows its rules count (any one holding)."""


def plan_stages(rules: list[LoadedRule]) -> list[Stage]:
    """The rulebook's rules (in dependency order) in as few stages as their findings allow: a
    stage takes every rule of its place whose earlier findings are known by then (a rule run
    once that counts workers by a finding needs that finding in the partitions first), in the
    rulebook's order. A rule the split cannot run exactly is refused here, before any work."""
    counted = {loaded.rule.id: _counted_workers(loaded) for loaded in rules}
    pending, known, stages = list(rules), set[str](), list[Stage]()
    while pending:
        before = len(pending)
        for once in (True, False):
            chosen: list[LoadedRule] = []
            for loaded in pending:
                rule = loaded.rule
                here = rule.applies_to is not PARTITIONED or bool(counted[rule.id])
                reads = _findings_read([rule.when])
                ready = reads <= known | {chosen_rule.rule.id for chosen_rule in chosen}
                if here == once and ready and _findings_read(counted[rule.id]) <= known:
                    chosen.append(loaded)
            if chosen:
                relevant = [part for loaded in chosen for part in counted[loaded.rule.id]]
                stages.append(Stage(chosen, once, relevant))
                known |= {loaded.rule.id for loaded in chosen}
                pending = [loaded for loaded in pending if loaded not in chosen]
        if len(pending) == before:  # a rulebook checks its findings for cycles: never here
            raise _cannot(pending[0], "its findings depend on each other")
    return stages


def _findings_read(conditions: list[Condition]) -> set[str]:
    """The rules whose findings the conditions read (`finding:`)."""
    return {
        part.finding
        for condition in conditions
        for part, _ in walk(condition, PARTITIONED)
        if isinstance(part, FindingCondition)
    }


def _counted_workers(loaded: LoadedRule) -> list[Condition]:
    """The conditions of workers whose rows the rule counts: the `where` of each `workers:`
    count and both sides of each `count_increase` over workers."""
    rule = loaded.rule
    found = [
        counted
        for condition, kind in walk(rule.when, rule.applies_to)
        if _counts(condition, kind)
        for counted in _counted_by(condition)
    ]
    if any(_counts_somewhere(condition) for condition in found):
        raise _cannot(loaded, "it counts workers inside a count of workers")
    if rule.applies_to is PARTITIONED and found and not _counts_on_top(rule.when):
        raise _cannot(loaded, "its count of workers is not a condition every finding holds")
    return found


def _counts(condition: Condition, kind: RecordKind) -> bool:
    """Whether the condition counts workers: a `workers:` count, or a `count_increase` of a
    worker's rule."""
    move = move_of(condition)
    if move is not None and move.aggregate and move.target is PARTITIONED:
        return True
    return isinstance(condition, CountIncreaseCondition) and kind is PARTITIONED


def _counted_by(condition: Condition) -> list[Condition]:
    """The conditions a count of workers counts by (`_counts`): a `workers:` count's `where`,
    both sides of a `count_increase`."""
    if isinstance(condition, CountIncreaseCondition):
        return [condition.count_increase.then, condition.count_increase.now]
    move = move_of(condition)
    assert move is not None
    return [inner_condition(condition, move)]


def _counts_on_top(condition: Condition) -> bool:
    """Whether every count in a worker's rule is the rule itself or one of its `all` parts
    (then the rule holds only where the count's rows are), and there is no other."""
    if isinstance(condition, CountIncreaseCondition):
        return not any(_counts_somewhere(part) for part in _counted_by(condition))
    if isinstance(condition, AllCondition):
        counting = [part for part in condition.all if _counts_somewhere(part)]
        return bool(counting) and all(_counts_on_top(part) for part in counting)
    return False


def _counts_somewhere(condition: Condition) -> bool:
    return any(_counts(part, kind) for part, kind in walk(condition, PARTITIONED))


def _cannot(loaded: LoadedRule, why: str) -> ScreeningError:
    return ScreeningError(
        f"rule {loaded.rule.id} cannot run with --engine dask: {why}; screen with the default "
        "engine",
        loaded.path,
    )


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    """How one file, or a piece of one, is read, and which of its rows reuse an earlier row's
    record_id: all a Dask worker needs to read it (again)."""

    path: Path
    encoding: str | None
    columns: ColumnMap
    piece: Piece | CsvPiece | None = None
    duplicates: pd.Series | None = None
    """The reason of each row rejected for its record_id, by its place in the table read."""

    def table(self) -> RawTable:
        if self.piece is None:
            table = read_records(self.path, self.encoding, self.columns)
        elif isinstance(self.piece, CsvPiece):
            table = read_csv_piece(self.path, self.piece, self.columns)
        else:
            table = read_parquet_piece(self.path, self.piece, self.columns)
        return table if self.duplicates is None else reject_rows(table, self.duplicates)


@dataclass
class _File:
    """One input file, or a piece of one: its table as the driver keeps it (`_head`), and the
    future of its whole table on a Dask worker."""

    read: _Read
    table: RawTable
    source: int
    """The input file it is (of), by its place among the inputs."""
    future: Future[Any] | None
    size: int
    """The bytes its rows hold, as read."""


def _read_files(inputs: Inputs, client: Client, partition_bytes: int) -> list[_File]:
    """Every file read on the Dask workers, one task each: a file larger than a partition in
    pieces (of a Parquet file's row groups, of a CSV file's records where it can be cut), any
    other file whole. A file that cannot be read fails the screen, the first such file given
    first."""
    cuts = [
        client.submit(_pieces, path, partition_bytes, inputs.encoding is None, pure=False)
        for path in inputs.files
    ]
    reads: list[tuple[int, _Read]] = []
    for source, (path, cut) in enumerate(zip(inputs.files, client.gather(cuts), strict=True)):
        read = _Read(path, inputs.encoding, inputs.columns)
        reads += (
            [(source, replace(read, piece=piece)) for piece in cut]
            if len(cut) > 1
            else [(source, read)]
        )
    futures = [client.submit(_Read.table, read, pure=False) for _, read in reads]
    files = []
    for (source, read), future in zip(reads, futures, strict=True):
        head, size = client.submit(_head, future, pure=False).result()
        files.append(_File(read, head, source, future, size))
    return files


def _pieces(path: Path, partition_bytes: int, csv: bool) -> Sequence[Piece | CsvPiece]:
    """The pieces a file is read in: of a Parquet file, its row groups; of a `csv` file (one
    whose encoding was not given: it may not be UTF-8), its records where it can be cut; none
    (read whole) if the file is not larger than a partition."""
    if is_parquet_file(path):
        return pieces(path, partition_bytes)
    return csv_pieces(path, partition_bytes) if csv else []


def _inputs(files: list[_File], count: int) -> list[RawTable]:
    """Each of the `count` input files' table, its pieces joined again."""
    tables = []
    for source in range(count):
        parts = [item.table for item in files if item.source == source]
        tables.append(parts[0] if len(parts) == 1 else merged(parts))
    return tables


def _deduplicated(files: list[_File], client: Client) -> None:
    """Rows reusing an earlier row's record_id, in any file of their kind, rejected on the Dask
    worker holding the file's table."""
    for kind in RecordKind:
        chosen = [item for item in files if item.table.kind is kind]
        for place, reasons in duplicate_reasons([item.table.frame for item in chosen]).items():
            item = chosen[place]
            item.read = replace(item.read, duplicates=reasons)
            item.future = client.submit(reject_rows, item.future, reasons, pure=False)
            item.table, item.size = client.submit(_head, item.future, pure=False).result()


def _head(table: RawTable) -> tuple[RawTable, int]:
    """The table as the driver keeps it (each screened row's record_id, file and line), and
    the bytes its rows hold."""
    kept = replace(table, frame=table.frame[["record_id", FILE_COLUMN, LINE_COLUMN]])
    return kept, _held_bytes(table)


def _lines_only(table: RawTable) -> RawTable:
    """The table as the Run sheet reads it, once its ids are checked: each row's line."""
    return replace(table, frame=table.frame[[LINE_COLUMN]])


def _held_bytes(table: RawTable) -> int:
    """About the bytes a table read holds (Arrow text: its buffers)."""
    return _weight((table.frame, table.rejected))


def _weight(frames: Sequence[pd.DataFrame], tables: Sequence[pa.Table] = ()) -> int:
    """About the bytes the frames and Arrow tables hold: what Dask weighs an object by before
    moving or spilling it (Arrow-backed columns count their buffers; `deep` would walk every
    object column's Python strings)."""
    held = sum(int(frame.memory_usage(deep=False).sum()) for frame in frames)
    return held + sum(int(table.nbytes) for table in tables)


# --- partitions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lists:
    """The lists every rule reads, prepared once: a task's result, fetched by each Dask worker."""

    watchlists: Sequence[Watchlist]
    names: Mapping[str | None, ListNames]


@dataclass(frozen=True)
class SharedFiles:
    """Every record but the workers, as the files they come from: each Dask worker reads and
    normalizes them for itself, once a screen (`_tables_here`).

    Reading them costs a few seconds a worker; sending the tables would cost their size twice
    over in the worker receiving them (the bytes and the tables, a GiB each at a million
    companies), and tables held in one worker are lost with it."""

    screen: str
    """What a worker keeps its tables under: unique to the screen."""
    reads: tuple[tuple[RecordKind, _Read], ...]
    as_of: pd.Timestamp

    def shared(self, lists: Lists) -> Shared:
        """What a step reads besides its partition, on this Dask worker."""
        return Shared(_tables_here(self), lists.watchlists, lists.names, self.as_of)

    def normalized(self) -> dict[RecordKind, RecordTable]:
        """Every kind's table but the partitioned one's, read and normalized whole, a kind at a
        time (its files as read go once they are one table)."""
        return {
            kind: normalize_table(
                kind,
                combined_raw(kind, [read.table().frame for of, read in self.reads if of is kind]),
                self.as_of,
            )
            for kind in RecordKind
            if kind is not PARTITIONED
        }


_HELD: dict[str, dict[RecordKind, RecordTable]] = {}
_HOLDING = Lock()  # a Dask worker with several threads reads the tables once


def _tables_here(files: SharedFiles) -> dict[RecordKind, RecordTable]:
    """The tables of `files` as this process holds them, read on first use in a screen; one
    screen's at a time."""
    with _HOLDING:
        if files.screen not in _HELD:
            _HELD.clear()
            _HELD[files.screen] = files.normalized()
        return _HELD[files.screen]


def _forget(screen: str) -> None:
    """The screen's tables let go by this process (its screen is over)."""
    with _HOLDING:
        _HELD.pop(screen, None)


@dataclass(frozen=True)
class Shared:
    """What every rule reads besides the workers."""

    tables: dict[RecordKind, RecordTable]
    """Every kind's table but the partitioned one's."""
    watchlists: Sequence[Watchlist]
    names: Mapping[str | None, ListNames]
    as_of: pd.Timestamp

    def context(self, workers: RecordTable, fired: Mapping[str, pd.Series | np.ndarray]) -> Context:
        """A step's context: `workers` beside every other record, with the masks of the rules
        run so far (`fired`: over the workers, or over the kind their rule applies to)."""
        index = workers.values.index
        context = Context(
            tables={PARTITIONED: workers, **self.tables},
            as_of=self.as_of,
            watchlists=self.watchlists,
            prepared_names=self.names,
        )
        context.fired.update(
            {
                rule: held if isinstance(held, pd.Series) else pd.Series(held, index=index)
                for rule, held in fired.items()
            }
        )
        return context


@dataclass(frozen=True)
class Partition:
    """A share of the workers, between two steps of the screen: its rows, the masks of the
    workers' rules run so far and the findings its own rules gave. Nothing else is kept (a
    step's context goes with the step), so Dask can spill a partition to disk and read it back.

    A step gives a new partition and leaves the one it was given as it was: after a worker is
    lost, Dask may run a step again on the same input (one that added its findings to its input
    found them there twice).
    """

    offset: int
    """The table-wide row of its first worker."""
    table: RecordTable
    fired: Mapping[str, np.ndarray] = field(default_factory=dict)
    """Each worker's rule run so far (in it, or once): which of its rows it holds for."""
    findings: tuple[pa.Table, ...] = ()
    """Its rules' findings, `row` numbered within the partition."""

    def context(self, shared: Shared, others: Mapping[str, pd.Series]) -> Context:
        """The context of a step: its rows beside every other record, with every mask so far
        (`others`: those of the rules of companies and relationships)."""
        return shared.context(self.table, {**others, **self.fired})

    def taking(self, fresh: Updates) -> Partition:
        """The partition with the rows of its workers the rules run once since its last step
        hold for."""
        fired = dict(self.fired)
        for rule, rows in fresh.items():
            held = np.zeros(len(self.table), dtype=bool)
            mine = rows[(rows >= self.offset) & (rows < self.offset + len(held))]
            held[mine - self.offset] = True
            fired[rule] = held
        return replace(self, fired=fired)

    def memory(self) -> int:
        """About the bytes it holds: what Dask weighs before moving it to another worker."""
        return _weight((self.table.values, self.table.raw, self.table.issues), self.findings)


def _weighed_by_dask() -> None:
    """Dask weighs an object it does not know as a few bytes: it moved such a partition to an
    idle worker as if it cost nothing (a third of the CPU of a 1M screen went to that), and
    would spill the small things it knows before the large tables it does not. It is told what
    a partition and a table read weigh."""
    try:
        from dask.sizeof import sizeof
    except ImportError:  # the default engine: no Dask, nothing to tell
        return
    sizeof.register(Partition)(Partition.memory)
    sizeof.register(RawTable)(_held_bytes)
    sizeof.register(_Finished)(_Finished.memory)


def _partitions(
    files: list[_File], inputs: Inputs, partition_bytes: int, client: Client
) -> list[Future[Any]]:
    """The worker files' rows cut into partitions in file order (each holding about
    `partition_bytes` of the rows as read), each normalized on the Dask worker that read its
    file. Look-alike ids are found here, over every file's ids."""
    split = [item for item in files if item.table.kind is PARTITIONED]
    ids = stacked([item.table.frame for item in split], [])
    look_alike = (
        look_alike_ids(ids["record_id"], ids[FILE_COLUMN], ids[LINE_COLUMN])
        if len(ids)
        else pd.Series(dtype=object)
    )
    columns = combined_columns(PARTITIONED, (item.table.header for item in split))
    partitions: list[Future[Any]] = []
    offset = 0
    for item in split:
        rows, read = len(item.table.frame), item.future
        assert read is not None
        step = max(1, int(rows * partition_bytes / max(item.size, 1)))
        for start in range(0, rows, step):
            stop, first = min(rows, start + step), offset + start
            problems = look_alike[(look_alike.index >= first) & (look_alike.index < offset + stop)]
            cut = _Cut(start, stop, first, problems.set_axis(problems.index - first), columns)
            partitions.append(_next(client, _partition, read, cut, pd.Timestamp(inputs.as_of)))
        offset += rows
    return partitions


@dataclass(frozen=True)
class _Cut:
    """A partition's rows of its file's table, and what the driver found for them (over every
    file's ids)."""

    start: int
    stop: int
    offset: int
    """The table-wide row of its first row."""
    look_alike: pd.Series
    """Its rows' look-alike record_id problems (indexed from 0)."""
    columns: list[str]
    """The columns of the worker table, every worker file's together, in the order one process
    has them: a record's fingerprint covers its table's columns, empty ones too."""


def _partition(table: RawTable, cut: _Cut, as_of: pd.Timestamp) -> Partition:
    """The cut's rows of a worker file's table, normalized as one process would have them."""
    frame = combined_raw(PARTITIONED, [table.frame.iloc[cut.start : cut.stop]], cut.columns)
    return Partition(cut.offset, normalize_table(PARTITIONED, frame, as_of, cut.look_alike))


def _next(
    client: Client, work: Callable[..., Any], partition: Future[Any], *args: Any
) -> Future[Any]:
    """`work(partition, *args)`, a partition's next step: Dask runs it where the partition is
    (and, should that worker be lost, makes the partition again from its steps elsewhere)."""
    return client.submit(work, partition, *args, pure=False)


# --- stages ----------------------------------------------------------------------------------

Updates = dict[str, np.ndarray]
"""The rules of workers run once: the table-wide rows of the workers each holds for."""


@dataclass
class _Once:
    """What a stage run once gave: its findings, and its masks for the steps after it."""

    findings: list[pa.Table] = field(default_factory=list)
    workers: Updates = field(default_factory=dict)
    others: dict[str, pd.Series] = field(default_factory=dict)
    """The masks of its rules of companies and relationships (over their whole tables)."""


def _run_stages(
    stages: list[Stage],
    partitions: list[Future[Any]],
    shared: tuple[SharedFiles, Future[Any]],
    client: Client,
) -> tuple[list[pa.Table], Updates]:
    """Every stage in order: the findings of the rules run once, and the rows of workers each
    of those rules of workers holds for."""
    done = _Once()
    sent = _given(client, {})
    taken: set[str] = set()
    worker_rules: list[str] = []  # whose masks the partitions hold, in the order they ran
    for stage in stages:
        fresh = {rule: rows for rule, rows in done.workers.items() if rule not in taken}
        args = (*shared, sent, _given(client, fresh))
        if not stage.once:
            taken |= set(fresh)
            partitions[:] = [_next(client, _evaluate, p, *args, stage.rules) for p in partitions]
            worker_rules += [loaded.rule.id for loaded in stage.rules]
            continue
        # Only the workers counted leave a partition; the partition stays the step it was
        # (given back beside them, it was written to disk and read whole again for each).
        slices = [_next(client, _counted_slice, p, *args, stage.relevant) for p in partitions]
        once = client.submit(
            _evaluate_once, stage, *shared, done.others, slices, worker_rules, pure=False
        ).result()
        done.findings += once.findings
        done.workers |= once.workers
        done.others |= once.others
        sent = _given(client, dict(done.others))
        worker_rules += [
            loaded.rule.id for loaded in stage.rules if loaded.rule.applies_to is PARTITIONED
        ]
    return done.findings, done.workers


def _given(client: Client, value: Any) -> Future[Any]:
    """`value` as a task's result, for the partitions' steps to read: should the Dask worker
    holding it be lost, Dask makes it again (data scattered to the workers it could not)."""
    return client.submit(_itself, value, pure=False)


def _itself(value: Any) -> Any:
    return value


def _evaluate(
    partition: Partition,
    files: SharedFiles,
    lists: Lists,
    others: dict[str, pd.Series],
    fresh: Updates,
    rules: list[LoadedRule],
) -> Partition:
    """The partition's next step: `rules` run over its rows, their masks and findings kept."""
    partition = partition.taking(fresh)
    context = partition.context(files.shared(lists), others)
    results = evaluate(rules, context)
    held = [result.mask.to_numpy(dtype=bool) for _, result in results]
    rows = np.flatnonzero(np.logical_or.reduce(held)) if held else np.zeros(0, np.intp)
    named = named_records(context, PARTITIONED, rows)
    found = [rule_findings(loaded, result, context, named) for loaded, result in results]
    return replace(
        partition,
        fired={
            **partition.fired,
            **{loaded.rule.id: mask for (loaded, _), mask in zip(results, held, strict=True)},
        },
        findings=(*partition.findings, *(table for table in found if table is not None)),
    )


@dataclass(frozen=True)
class _Slice:
    """The workers of a partition a stage run once counts: their values as given and typed,
    their table-wide rows, and the masks of the workers' rules run so far."""

    values: pd.DataFrame
    raw: pd.DataFrame
    rows: np.ndarray
    fired: dict[str, np.ndarray]


def _counted_slice(
    partition: Partition,
    files: SharedFiles,
    lists: Lists,
    others: dict[str, pd.Series],
    fresh: Updates,
    relevant: list[Condition],
) -> _Slice:
    """The slice of the partition a stage run once counts (any of `relevant` holds), with the
    masks of the rules run once so far (`fresh`: those the partition has not taken yet)."""
    partition = partition.taking(fresh)
    context, table = partition.context(files.shared(lists), others), partition.table
    held = np.zeros(len(table), dtype=bool)
    for condition in relevant:
        held |= compile_condition(condition, PARTITIONED)(context).mask.to_numpy(dtype=bool)
    rows = np.flatnonzero(held)
    fired = {rule: mask[rows] for rule, mask in partition.fired.items()}
    return _Slice(table.values.iloc[rows], table.raw.iloc[rows], rows + partition.offset, fired)


def _evaluate_once(
    stage: Stage,
    files: SharedFiles,
    lists: Lists,
    others: dict[str, pd.Series],
    slices: list[_Slice],
    worker_rules: list[str],
) -> _Once:
    """The stage's rules over the counted workers (the `slices`, with the masks of
    `worker_rules`) and every other record (with the masks of the rules of those, `others`)."""
    counted = RecordTable(
        PARTITIONED,
        stacked([piece.values for piece in slices], []),
        stacked([piece.raw for piece in slices], []),
        pd.DataFrame(columns=DATA_ISSUE_COLUMNS),
    )
    if not len(counted.values.columns):
        counted = normalize_table(PARTITIONED, empty_raw(PARTITIONED))
    rows = np.concatenate([piece.rows for piece in slices]) if slices else np.zeros(0, np.int64)
    fired = {
        rule: np.concatenate([piece.fired[rule] for piece in slices])
        if slices
        else np.zeros(0, bool)
        for rule in worker_rules
    }
    context = files.shared(lists).context(counted, {**others, **fired})
    once = _Once()
    for loaded, result in evaluate(stage.rules, context):
        kind = loaded.rule.applies_to
        held = np.flatnonzero(result.mask.to_numpy(dtype=bool))
        if kind is PARTITIONED:
            once.workers[loaded.rule.id] = rows[held]
        else:
            once.others[loaded.rule.id] = result.mask
        table = rule_findings(loaded, result, context, named_records(context, kind, held))
        if table is not None:
            once.findings.append(_table_wide(table, rows) if kind is PARTITIONED else table)
    return once


# --- findings and records ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Finished:
    findings: list[pa.Table]
    records: pd.DataFrame
    """Empty unless the screen keeps every record's row."""
    counts: pd.DataFrame
    """The records counted (`summarise_records`)."""
    issues: pd.DataFrame
    keys: pa.Table | None = None
    """The findings' review keys, in their place (`_described`)."""

    def memory(self) -> int:
        """About the bytes it holds (`Partition.memory`)."""
        keys = [self.keys] if self.keys is not None else []
        return _weight((self.records, self.counts, self.issues), [*self.findings, *keys])


def _described(finished: _Finished) -> _Finished:
    """A finished partition as the driver is first given it: its records and data issues, and
    its findings' review keys (`assemble.review_keys`), not the findings, which stay on the
    Dask worker until the driver takes them in review order (`_findings_in_order`)."""
    keys = review_keys(pa.concat_tables(finished.findings)) if finished.findings else None
    return replace(finished, findings=[], keys=keys)


def _findings_in_order(
    client: Client, partitions: list[tuple[Future[_Finished], _Finished]], found: list[pa.Table]
) -> pa.Table | None:
    """Every finding, in review order, taken a block at a time from where each is held: the
    partitions' on the Dask workers (with their keys, `_described`), those of the rules run
    once here (`found`).

    The driver holds the findings once: gathered whole and then sorted, they were held twice
    (1.9 GB more at 10M workers). None: no findings."""
    held = pa.concat_tables(found) if found else None
    keys = [described.keys for _, described in partitions]
    keys.append(review_keys(held) if held is not None else None)
    sizes = [len(key) if key is not None else 0 for key in keys]
    if not sum(sizes):
        return None
    source = np.repeat(np.arange(len(keys)), sizes)
    position = np.concatenate([np.arange(size) for size in sizes])
    order = review_order(pa.concat_tables(key for key in keys if key is not None))

    def asked(start: int) -> tuple[list[pa.Table | Future[pa.Table]], np.ndarray]:
        """The findings of the block starting at `start`, asked of where each is held, grouped
        by where; and which of the block's findings each row taken is."""
        block = order[start : start + FINDINGS_BLOCK]
        grouped = np.argsort(source[block], kind="stable")
        wheres, starts = np.unique(source[block[grouped]], return_index=True)
        pieces: list[pa.Table | Future[pa.Table]] = []
        for number, rows in zip(
            wheres, np.split(position[block[grouped]], starts[1:]), strict=True
        ):
            if number < len(partitions):
                pieces.append(client.submit(_rows, partitions[number][0], rows, pure=False))
            elif held is not None:
                pieces.append(held.take(rows))
        return pieces, grouped

    # The next blocks are asked for while one is put together: the Dask workers never wait.
    asking = (asked(start) for start in range(0, len(order), FINDINGS_BLOCK))
    waiting = deque(itertools.islice(asking, BLOCKS_AHEAD))
    blocks = []
    while waiting:
        pieces, grouped = waiting.popleft()
        waiting.extend(itertools.islice(asking, 1))
        taken = pa.concat_tables(_gathered(client, pieces))
        blocks.append(taken.take(np.argsort(grouped)))  # back in the block's order
    return pa.concat_tables(blocks)


FINDINGS_BLOCK = 100_000
"""Findings the driver takes in review order at a time (at 10M workers, about 130 MB)."""
BLOCKS_AHEAD = 2


def _rows(finished: _Finished, rows: np.ndarray) -> pa.Table:
    """The partition's findings at `rows`, in that order."""
    return pa.concat_tables(finished.findings).take(rows)


def _gathered(client: Client, pieces: list[pa.Table | Future[pa.Table]]) -> list[pa.Table]:
    """The pieces, those still on the Dask workers fetched."""
    futures = [piece for piece in pieces if not isinstance(piece, pa.Table)]
    fetched = iter(client.gather(futures))
    return [piece if isinstance(piece, pa.Table) else next(fetched) for piece in pieces]


def _collected(futures: list[Future[Any]]) -> list[_Finished]:
    """The partitions' results, in order, each let go by Dask as it comes."""
    results = []
    while futures:
        results.append(futures.pop(0).result())
    return results


def _finish(partition: Partition, driven: Updates, wanted: RecordsWanted) -> _Finished:
    """The partition's findings (rows table-wide), records and data issues; `driven`: the rows
    of workers each rule of workers run once holds for (their findings came from that run, and
    count on the records too)."""
    partition = partition.taking(driven)
    kind = PARTITIONED
    counted = [table["row"].to_numpy() for table in partition.findings]
    counted += [np.flatnonzero(partition.fired[rule]) for rule in driven]
    local = np.concatenate(counted) if counted else np.zeros(0, np.int64)
    records = records_table(
        {kind: partition.table},
        pd.DataFrame({"record_type": kind.value, "row": local}),
        wanted.details,
        wanted.fingerprints,
    )
    rows = np.arange(partition.offset, partition.offset + len(partition.table))
    shifted = [_table_wide(table, rows) for table in partition.findings]
    return _finished(shifted, records, partition.table.issues, wanted)


def _shared_records(files: SharedFiles, counted: pd.DataFrame, wanted: RecordsWanted) -> _Finished:
    """The records of every kind but the partitioned one, and their data issues."""
    tables = _tables_here(files)
    issues = stacked([table.issues for table in tables.values()], DATA_ISSUE_COLUMNS)
    records = records_table(tables, counted, wanted.details, wanted.fingerprints)
    return _finished([], records, issues, wanted)


def _finished(
    findings: list[pa.Table], records: pd.DataFrame, issues: pd.DataFrame, wanted: RecordsWanted
) -> _Finished:
    """What the driver is given of finished records: their rows only when wanted, else counts."""
    kept = records if wanted.rows else records.iloc[:0]
    return _Finished(findings, kept, summarise_records(records), issues)


def _table_wide(findings: pa.Table, rows: np.ndarray) -> pa.Table:
    """Findings whose `row` numbers the rows of a part of the worker table, numbering the whole
    table's: `rows` gives each part row's table-wide row."""
    row = findings.schema.get_field_index("row")
    return findings.set_column(row, "row", pa.array(rows[findings["row"].to_numpy()]))


def _counted(findings: list[pa.Table]) -> pd.DataFrame:
    """The findings' kinds and rows, for the records of companies and relationships."""
    if not findings:
        return pd.DataFrame(
            {"record_type": pd.Series(dtype=object), "row": pd.Series(dtype="int64")}
        )
    return pd.DataFrame(
        {
            "record_type": np.concatenate(
                [t["record_type"].to_numpy(zero_copy_only=False) for t in findings]
            ),
            "row": np.concatenate([t["row"].to_numpy() for t in findings]),
        }
    )


_weighed_by_dask()
