"""`--engine dask`: the same report as the default engine, on a `LocalCluster` of two worker
processes, with the workers cut into partitions of a few rows so that every lookup, every count
of workers and every duplicate-id check crosses partition boundaries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import shutil
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from benchmarks.generate import generate, write_csv
from benchmarks.same_sheets import differences
from screening import parallel, partitioned
from screening.errors import ScreeningError
from screening.partitioned import plan_stages
from screening.pipeline import ScreenRequest, screen
from screening.reading.parquet import pieces
from screening.report.datasets import write_tables
from screening.report.workbook import write_report
from screening.resources import demo_dir, rules_dir, seeds_dir
from screening.rulespec.conditions import FindingCondition, walk
from screening.rulespec.rulebook import load_rulebook
from screening.rulespec.sources import load_corpus
from tests.conftest import AS_OF, fails, run_cli, sheet_rows

distributed = pytest.importorskip("distributed")
from dask import config as dask_config  # noqa: E402  (after the skip without Dask)
from distributed import WorkerPlugin  # noqa: E402

DATA = Path(__file__).parent / "data"
RECORD_FILES = ("workers.csv", "companies.csv", "relationships.csv")
DATA_SETS = {
    "demo": demo_dir(),
    "scenario": DATA / "scenario",
    "scenario_law": DATA / "scenario_law",
    "scenario_law holdout": DATA / "scenario_law" / "holdout",
}


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local cluster of two single-threaded worker processes, as on this 2-core machine."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield str(cluster.scheduler_address)


def _screen(files: list[Path], out: Path, *engine: str) -> Path:
    result = run_cli(CliRunner(), "run", *files, "--as-of", AS_OF, "--out", out, *engine)
    assert result.exit_code == 0, result.output
    return out


def _dask(scheduler: str, size: str) -> tuple[str, ...]:
    return ("--engine", "dask", "--scheduler", scheduler, "--partition-size", size)


@pytest.mark.parametrize("name", list(DATA_SETS))
def test_every_sheet_is_the_default_engine_s(tmp_path: Path, scheduler: str, name: str) -> None:
    """A partition of about 2 kB as read holds a few workers (the demo's: four), so none has
    all of a company's."""
    files = [DATA_SETS[name] / file for file in RECORD_FILES]
    pandas = _screen(files, tmp_path / "pandas.xlsx")
    dask = _screen(files, tmp_path / "dask.xlsx", *_dask(scheduler, "2kB"))
    assert differences(pandas, dask) == []
    engine = [row["value"] for row in sheet_rows(dask, "Run") if row["key"] == "engine"]
    partitions = int(str(engine[0]).split(", ")[1].split()[0].replace(",", ""))
    workers = sum(1 for row in sheet_rows(dask, "Records") if row["record_type"] == "worker")
    assert partitions >= workers // 10, engine


def test_duplicates_across_files_and_partitions_are_rejected_as_in_one_process(
    tmp_path: Path, scheduler: str
) -> None:
    """A record_id repeated in a second worker file and in a later partition of the same file,
    a look-alike id (Cyrillic Р) in another partition, and a company's record_id repeated (each
    Dask worker reads the companies again): the same Rejected and Data issues."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in RECORD_FILES:
        shutil.copy(demo_dir() / name, folder / name)
    with (folder / "workers.csv").open("a", encoding="utf-8") as file:
        file.write("W-0001,Kim Chol Jin again,KP,1986-04-12\n")
    with (folder / "companies.csv").open("a", encoding="utf-8") as file:
        file.write("C-001,Vostok Stroy Alliance again,KP,,,,,,,,,\n")
    (folder / "more-workers.csv").write_text(
        "record_id,full_name,nationality\nW-0002,Second Copy,KP\n\u0420-001,Look Alike,KP\n",
        encoding="utf-8",
    )
    files = sorted(folder.iterdir())
    pandas = _screen(files, tmp_path / "pandas.xlsx")
    dask = _screen(files, tmp_path / "dask.xlsx", *_dask(scheduler, "1kB"))
    assert differences(pandas, dask) == []
    assert len(sheet_rows(dask, "Rejected")) == 3


def _shuffled(source: Path, target: Path, seed: int) -> None:
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    body = rows[1:]
    random.Random(seed).shuffle(body)
    with target.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows([rows[0], *body])


def _judged(path: Path) -> list[tuple[object, ...]]:
    """The findings without where their records sit (file, line): what was found, and why."""
    return sorted(
        (row["finding_id"], row["record_id"], row["rule_id"], row["explanation"], row["evidence"])
        for row in sheet_rows(path, "Findings")
    )


@pytest.fixture(scope="module")
def demo_judged(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, ...]]:
    """The demo's findings from the default engine, rows in the order given."""
    out = tmp_path_factory.mktemp("demo") / "pandas.xlsx"
    return _judged(_screen([demo_dir() / name for name in RECORD_FILES], out))


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**16), size=st.sampled_from(["2kB", "4kB", "8kB", "1MB"]))
def test_findings_do_not_depend_on_partitions_or_row_order(
    tmp_path_factory: pytest.TempPathFactory,
    scheduler: str,
    demo_judged: list[tuple[object, ...]],
    seed: int,
    size: str,
) -> None:
    """Every file's rows shuffled, the workers cut into anything from one to eleven partitions."""
    folder = tmp_path_factory.mktemp("shuffled")
    for name in RECORD_FILES:
        _shuffled(demo_dir() / name, folder / name, seed)
    files = [folder / name for name in RECORD_FILES]
    assert _judged(_screen(files, folder / "dask.xlsx", *_dask(scheduler, size))) == demo_judged


def test_a_rule_the_split_cannot_run_exactly_is_refused_before_any_work(
    tmp_path: Path, scheduler: str
) -> None:
    """A count of workers under an `any`: rows the count does not see could hold the rule."""
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    cap = rules / "indicator-unscr2371-work-authorization-cap.yaml"
    text = cap.read_text(encoding="utf-8").replace(
        "when:\n  count_increase:",
        "when:\n  any:\n  - field: full_name\n    equals: nobody\n  - count_increase:",
    )
    cap.write_text(_indented_under_any(text), encoding="utf-8")
    files = [demo_dir() / name for name in RECORD_FILES]
    assert run_cli(CliRunner(), "rules", "validate", "--rules", rules).exit_code == 0
    result = run_cli(
        CliRunner(),
        "run",
        *files,
        "--rules",
        rules,
        "--out",
        tmp_path / "r.xlsx",
        *_dask(scheduler, "1MB"),
    )
    fails(result, "indicator-unscr2371-work-authorization-cap", "cannot run with --engine dask")
    assert not (tmp_path / "r.xlsx").exists()


def _indented_under_any(text: str) -> str:
    """The `count_increase:` block moved two spaces in, under the `- ` of its `any` item."""
    head, rest = text.split("  - count_increase:\n", 1)
    block, tail = rest.split("\nexplain:", 1)
    indented = "\n".join(("  " + line) if line.strip() else line for line in block.split("\n"))
    return f"{head}  - count_increase:\n{indented}\nexplain:{tail}"


def _demo_with(out: Path, *options: str) -> Result:
    files = [demo_dir() / name for name in RECORD_FILES]
    return run_cli(CliRunner(), "run", *files, "--out", out, "--engine", "dask", *options)


def test_a_scheduler_that_cannot_be_reached_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "SCHEDULER_TIMEOUT", "1s")
    result = _demo_with(tmp_path / "r.xlsx", "--scheduler", "tcp://127.0.0.1:9")
    fails(result, "cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize("size", ["lots", "0B", "-5MB"])
def test_a_partition_size_that_is_not_one_is_refused(tmp_path: Path, size: str) -> None:
    fails(_demo_with(tmp_path / "r.xlsx", "--partition-size", size), "--partition-size")


def test_generated_registers_give_the_default_engine_s_sheets(
    tmp_path: Path, scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 100k benchmark's registers (`generate.py`, seed 0): the workers in two files, one of
    them Parquet (in row groups of 10,000), both read in pieces and cut into some twenty
    partitions; the findings taken into review order in blocks of 1,000."""
    monkeypatch.setattr(partitioned, "FINDINGS_BLOCK", 1_000)
    frames = generate(workers=100_000, companies=10_000, relationships=20_000, seed=0)
    workers = frames["workers"]
    half = len(workers) // 2
    write_csv(workers.iloc[:half], tmp_path / "workers-1.csv")
    pq.write_table(
        pa.Table.from_pandas(workers.iloc[half:], preserve_index=False),
        tmp_path / "workers-2.parquet",
        row_group_size=10_000,
    )
    write_csv(frames["companies"], tmp_path / "companies.csv")
    write_csv(frames["relationships"], tmp_path / "relationships.csv")
    files = sorted(path for path in tmp_path.iterdir() if path.suffix in {".csv", ".parquet"})
    pandas = _screen(files, tmp_path / "pandas.xlsx")
    dask = _screen(files, tmp_path / "dask.xlsx", *_dask(scheduler, "2MB"))
    assert differences(pandas, dask) == []
    assert len(sheet_rows(dask, "Findings")) > 10_000


def test_the_bundled_rules_run_in_three_stages_each_after_the_findings_it_reads() -> None:
    """Companies and relationships (and the count of work authorizations) on the driver, then
    every rule of workers in the partitions, then the counts of workers by their findings."""
    rulebook = load_rulebook(rules_dir(), load_corpus(seeds_dir()))
    stages = plan_stages(rulebook.rules)
    assert [stage.once for stage in stages] == [True, False, True]
    assert sum(len(stage.rules) for stage in stages) == len(rulebook.rules)
    known: set[str] = set()
    for stage in stages:
        for loaded in stage.rules:
            read = {
                part.finding
                for part, _ in walk(loaded.rule.when, loaded.rule.applies_to)
                if isinstance(part, FindingCondition)
            }
            assert read <= known, loaded.rule.id
            known.add(loaded.rule.id)


@pytest.mark.parametrize(
    ("lost", "needle"),
    [
        (lambda: CancelledError("Shared-1 cancelled for reason: lost dependencies"), "was lost"),
        (lambda: distributed.KilledWorker("_evaluate-7", None, 3), "_evaluate-7"),
    ],
)
def test_a_worker_lost_mid_screen_is_one_error_and_no_report(
    scheduler: str, lost: Callable[[], Exception], needle: str
) -> None:
    """What Dask raises when workers die (out of memory, killed) reaches the user as one line."""
    with (
        pytest.raises(ScreeningError, match="no report was written") as caught,
        parallel.cluster(scheduler),
    ):
        raise lost()
    assert needle in str(caught.value)


class _KillsItsWorkerOnce(WorkerPlugin):
    """Ends its worker's process as a step (`step`: its function's name) starts on it, the
    first time in the cluster (`marker` is written then): a worker lost mid-screen, as to the
    out-of-memory killer, with partitions and what every step reads in its memory."""

    def __init__(self, marker: Path, step: str) -> None:
        self.marker = marker
        self.step = step

    def transition(self, key: object, start: str, finish: str, **kwargs: object) -> None:
        started = finish == "executing" and str(key).startswith(f"{self.step}-")
        if started and not self.marker.exists():
            self.marker.touch()
            os._exit(1)


def _screens_held() -> int:
    """How many screens' companies and relationships this Dask worker holds."""
    from screening import partitioned

    return len(partitioned._HELD)


# a second cluster beside the module's: Dask says its HTTP port is taken, and takes another
@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")
@pytest.mark.parametrize("step", ["_evaluate", "_finish"])
def test_a_worker_lost_mid_screen_is_made_good_by_dask(tmp_path: Path, step: str) -> None:
    """Dask makes again what the lost worker held, from the files, running some steps again
    (on partitions a step before had been given): the same report."""
    files = [demo_dir() / name for name in RECORD_FILES]
    pandas = _screen(files, tmp_path / "pandas.xlsx")
    killed = tmp_path / "killed"
    with (
        # a worker still fetching from the lost one gives up after this, not Dask's 30 s
        dask_config.set({"distributed.comm.timeouts.connect": "3s"}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.register_plugin(_KillsItsWorkerOnce(killed, step))
        dask = _screen(files, tmp_path / "dask.xlsx", *_dask(cluster.scheduler_address, "1kB"))
        held = client.run(_screens_held)
    assert killed.exists()
    assert set(held.values()) == {0}, "a worker still holds a screen's companies"

    assert differences(pandas, dask) == []


def test_records_only_counted_give_the_default_engine_s_sheets_and_tables(
    tmp_path: Path, scheduler: str
) -> None:
    """With `--records summary` and nothing else wanting the records' rows, the partitions give
    the driver their records counted, not the rows: the Records sheet still counts what the
    default engine counts. `--tables` (every row) keeps the rows: the same tables as one process.
    A result without the rows refuses to write tables, and a listing asked of the report later
    says why it counts them instead."""
    files = [demo_dir() / name for name in RECORD_FILES]
    summary = ("--records", "summary")
    pandas = _screen(files, tmp_path / "p.xlsx", *summary, "--tables", str(tmp_path / "p"))
    dask = (*summary, *_dask(scheduler, "2kB"), "--tables", str(tmp_path / "d"))
    _screen(files, tmp_path / "d.xlsx", *dask)
    for table in ("findings", "records", "rejected", "data-issues"):
        one, other = (pq.read_table(tmp_path / name / table).to_pandas() for name in "pd")
        pd.testing.assert_frame_equal(one, other)

    request = ScreenRequest(
        files=files,
        as_of=dt.date.fromisoformat(AS_OF),
        rules_dir=rules_dir(),
        seeds_dir=seeds_dir(),
        records="summary",
        engine="dask",
        scheduler=scheduler,
        partition_bytes=2_000,
    )
    result = screen(request)
    assert not result.every_record and result.records.empty
    assert result.record_counts["records"].sum() == result.screened_rows > 0
    counted = write_report(result, tmp_path / "counted.xlsx")
    for sheet in ("Findings", "Records", "Rejected", "Data issues", "Rules", "Sources"):
        assert sheet_rows(counted, sheet) == sheet_rows(pandas, sheet), sheet
    with pytest.raises(ScreeningError, match="without keeping their rows"):
        write_tables(result, tmp_path / "refused", "parquet")
    listed = write_report(result, tmp_path / "listed.xlsx", records="full")
    assert sheet_rows(listed, "Records") == sheet_rows(pandas, "Records")
    book = openpyxl.load_workbook(listed, read_only=True)
    cells = book["Summary"].iter_rows(values_only=True)
    assert "without keeping each one's row" in " ".join(str(v) for row in cells for v in row if v)
    book.close()


def test_data_sent_in_the_graph_on_purpose_is_not_warned_of(scheduler: str) -> None:
    """The masks of the rules run once go in the task graph (18 MB at 1M companies): Dask's
    warning of a graph over 10 MB would reach every user of such a register."""
    with warnings.catch_warnings(record=True) as caught, parallel.cluster(scheduler) as client:
        warnings.simplefilter("always")
        masks = np.zeros(30 * 2**20, dtype=np.uint8)
        assert client.submit(len, masks, pure=False).result() == len(masks)
    assert [
        str(warning.message) for warning in caught if "large graph" in str(warning.message)
    ] == []


def test_a_dask_report_is_reviewed_imported_and_compared_like_any_other(
    tmp_path: Path, scheduler: str
) -> None:
    """Decide two findings of a dask screen's report, import them, screen again with the dask
    engine against it as the baseline: the decisions are carried and nothing changed."""
    files = [demo_dir() / name for name in RECORD_FILES]
    first = _screen(files, tmp_path / "first.xlsx", *_dask(scheduler, "2kB"))
    book = openpyxl.load_workbook(first)
    sheet = book["Findings"]
    header = [cell.value for cell in sheet[1]]
    for row in (2, 3):
        sheet.cell(row, header.index("decision") + 1).value = "confirmed"
        sheet.cell(row, header.index("reviewer") + 1).value = "A. Analyst"
    decided = [sheet.cell(row, header.index("finding_id") + 1).value for row in (2, 3)]
    reviewed = tmp_path / "reviewed.xlsx"
    book.save(reviewed)
    imported = run_cli(CliRunner(), "review", "import", reviewed)
    assert imported.exit_code == 0, imported.output
    second = _screen(
        files, tmp_path / "second.xlsx", "--baseline", str(first), *_dask(scheduler, "3kB")
    )
    carried = {
        row["finding_id"]: row["decision"]
        for row in sheet_rows(second, "Findings")
        if row["finding_id"] in decided
    }
    assert carried == dict.fromkeys(decided, "confirmed")
    assert [row for row in sheet_rows(second, "Changes") if row] == []


def _as_parquet(source: Path, target: Path, row_group_size: int, extra: list[list[str]]) -> None:
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], [*rows[1:], *extra]
    columns = {
        name: [(row[i] if i < len(row) and row[i] else None) for row in body]
        for i, name in enumerate(header)
    }
    pq.write_table(pa.table(columns), target, row_group_size=row_group_size)


def test_a_parquet_file_is_read_in_pieces_of_row_groups_with_its_own_lines(
    tmp_path: Path, scheduler: str
) -> None:
    """Workers and companies as Parquet files of row groups of 7 rows, read in pieces by
    different tasks; a duplicate id, a blank row and a row without an id in later pieces: the
    same sheets as the default engine, the Run sheet's lines and SHA-256 too."""
    workers, companies = tmp_path / "workers.parquet", tmp_path / "companies.parquet"
    _as_parquet(
        demo_dir() / "workers.csv",
        workers,
        7,
        [["W-0003", "Copy of Three", "KP"], [""], ["", "No Id", "KP"]],
    )
    _as_parquet(demo_dir() / "companies.csv", companies, 7, [])
    files = [workers, companies, demo_dir() / "relationships.csv"]
    assert len(pieces(workers, 1_000)) == pq.ParquetFile(workers).metadata.num_row_groups > 5
    pandas = _screen(files, tmp_path / "pandas.xlsx")
    dask = _screen(files, tmp_path / "dask.xlsx", *_dask(scheduler, "1kB"))
    assert differences(pandas, dask) == []
    rejected = sheet_rows(dask, "Rejected")
    assert [row["line"] for row in rejected] == [
        len(_demo_rows("workers")) + 2,
        len(_demo_rows("workers")) + 4,
    ]


def _demo_rows(name: str) -> list[list[str]]:
    text = (demo_dir() / f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


@pytest.mark.parametrize(
    "options",
    [("--scheduler", "tcp://127.0.0.1:8786"), ("--partition-size", "1MB")],
)
def test_a_dask_option_without_the_dask_engine_is_refused(
    tmp_path: Path, options: tuple[str, str]
) -> None:
    """A screen meant for a cluster is not run in this process by a forgotten --engine dask."""
    files = [demo_dir() / name for name in RECORD_FILES]
    result = run_cli(CliRunner(), "run", *files, "--out", tmp_path / "r.xlsx", *options)
    fails(result, f"{options[0]} need --engine dask")
    assert not (tmp_path / "r.xlsx").exists()
