"""Faults around a screen, through the CLI: nothing lost, nothing left behind, one clear line.

Where a fault needs a real process (a signal, a FIFO, /dev/zero, a killed writer) the CLI runs as
`python -m screening` in a subprocess, with a timeout as the hang guard; the rest run in-process.
"""

from __future__ import annotations

import fcntl
import gc
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

import screening.cli.run as run_command
from screening.report.companion import COMPANION_TABLES
from tests.conftest import AS_OF, fails, run_cli

REPO = Path(__file__).parents[2]
WORKERS = "record_id,full_name,nationality\nW1,Kim Chol Jin,KP\n"
HANG_GUARD_S = 60.0
"""A subprocess that has not ended by then is hanging."""
LONG_AGO = 1_000_000_000.0
"""A modification time (2001) that makes a temporary file old enough to be judged stale."""

# Runs the CLI as `python -m screening` does, after announcing on stdout when a stage is reached:
# "screen" as the screen starts, "write <part file>" when every sheet of the report's temporary
# file is written, then waiting there (so that a signal lands while the part file exists).
_STAGED_CLI = """
import sys, time
import screening.cli.run as command
from screening.cli import main
from screening.report.xlsx import XlsxWriter

stage = sys.argv.pop(1)
screen, close = command.screen, XlsxWriter.close

def announced_screen(*args, **kwargs):
    print("STAGE screen", flush=True)
    return screen(*args, **kwargs)

def waiting_close(self, shared_strings):
    print(f"STAGE write {self.archive.path}", flush=True)
    time.sleep(600)
    return close(self, shared_strings)

if stage == "screen":
    command.screen = announced_screen
else:
    XlsxWriter.close = waiting_close
sys.argv[0] = "screening"
main()
"""


@pytest.fixture
def workers(tmp_path: Path) -> Path:
    path = tmp_path / "workers.csv"
    path.write_text(WORKERS)
    return path


@pytest.fixture
def screened(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The requests `screen` was called with; it fails when called, so a run stops right there."""
    calls: list[object] = []

    def screen(request: object, progress: object = None) -> None:
        calls.append(request)
        raise AssertionError("the screen ran")

    monkeypatch.setattr(run_command, "screen", screen)
    return calls


def _cli_process(*args: str | Path, **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screening", *(str(arg) for arg in args)],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        check=False,
        **options,
    )


def _staged_process(stage: str, *args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _STAGED_CLI, stage, *(str(arg) for arg in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _await_stage(process: subprocess.Popen[str], stage: str) -> str:
    """The rest of the process's "STAGE <stage>" line, once printed (fails if it never is)."""
    assert process.stdout is not None
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], deadline - time.monotonic())
        line = process.stdout.readline() if ready else ""
        if line.startswith(f"STAGE {stage}"):
            return line.removeprefix(f"STAGE {stage}").strip()
        if not line and process.poll() is not None:
            break
    process.kill()
    _, stderr = process.communicate()
    raise AssertionError(f"stage {stage!r} never reached: {stderr}")


def _big_workers(path: Path, rows: int) -> Path:
    lines = (f"W{n},Kim Chol {n},KP,2019-0{1 + n % 9}-01\n" for n in range(rows))
    path.write_text("record_id,full_name,nationality,date_of_birth\n" + "".join(lines))
    return path


# A companion CSV must not overwrite an input (issue 15, point 6).


@pytest.mark.parametrize(
    ("table", "option"),
    [*((table, None) for table in COMPANION_TABLES.values())]
    + [("findings", option) for option in ("--list", "--suppressions", "--decisions")],
)
def test_a_companion_csv_that_would_overwrite_an_input_is_refused_before_any_work(
    runner: CliRunner,
    tmp_path: Path,
    workers: Path,
    screened: list[object],
    table: str,
    option: str | None,
) -> None:
    victim = tmp_path / f"r.{table}.csv"
    victim.write_text(WORKERS if option is None else "precious,bytes\n")
    before = victim.read_bytes()
    given = [victim] if option is None else [workers, option, victim]
    result = run_cli(runner, "run", *given, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF)
    fails(result, f"r.{table}.csv", "companion file", "would overwrite an input")
    assert not screened
    assert victim.read_bytes() == before
    assert not (tmp_path / "r.xlsx").exists()


def test_a_companion_path_that_is_a_folder_is_refused_before_any_work(
    runner: CliRunner, tmp_path: Path, workers: Path, screened: list[object]
) -> None:
    (tmp_path / "r.rejected.csv").mkdir()
    result = run_cli(runner, "run", workers, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF)
    fails(result, "r.rejected.csv", "is a folder")
    assert not screened


def test_the_readme_names_the_companion_files_as_they_are_written() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "`<report stem>.findings.csv`" in readme
    for table in COMPANION_TABLES.values():
        assert f".{table}.csv`" in readme


# The decision store and the baseline are opened and checked before the screen runs.


def _workbook(path: Path, creator: str = "", run_rows: Sequence[tuple[object, ...]] = ()) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Findings"
    run = workbook.create_sheet("Run")
    for row in run_rows:
        run.append(row)
    if creator:
        workbook.properties.creator = creator
    workbook.save(path)
    return path


BAD_REVIEW_FILES: dict[str, tuple[str, Callable[[Path], Path], str]] = {
    "missing baseline": ("--baseline", lambda d: d / "gone.xlsx", "file not found"),
    "baseline not a workbook": (
        "--baseline",
        lambda d: _text(d / "old.xlsx", WORKERS),
        "not a readable .xlsx workbook",
    ),
    "baseline not a screening report": (
        "--baseline",
        lambda d: _workbook(d / "old.xlsx"),
        "not a screening report",
    ),
    "baseline with a one-column Run sheet": (
        "--baseline",
        lambda d: _workbook(d / "old.xlsx", "screening 0.1.0", [("key",), ("tool version",)]),
        "not a screening report",
    ),
    "missing store": ("--decisions", lambda d: d / "gone.jsonl", "file not found"),
    "store with an invalid line": (
        "--decisions",
        lambda d: _text(d / "store.jsonl", '{"finding_id": "F-1"}\n'),
        "store.jsonl:1: invalid decision",
    ),
    "store not UTF-8": (
        "--decisions",
        lambda d: _bytes(d / "store.jsonl", b'{"comment": "\xff"}\n'),
        "not UTF-8",
    ),
}


def _text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", BAD_REVIEW_FILES)
def test_a_bad_baseline_or_decision_store_fails_before_the_screen(
    runner: CliRunner, tmp_path: Path, workers: Path, screened: list[object], case: str
) -> None:
    option, make, needle = BAD_REVIEW_FILES[case]
    path = make(tmp_path)
    out = tmp_path / "r.xlsx"
    result = run_cli(runner, "run", workers, option, path, "--out", out, "--as-of", AS_OF)
    fails(result, str(path), needle)
    assert not screened
    assert not out.exists()


def test_a_bad_store_next_to_the_report_fails_before_the_screen(
    runner: CliRunner, tmp_path: Path, workers: Path, screened: list[object]
) -> None:
    store = _text(tmp_path / "decisions.jsonl", "not json\n")
    result = run_cli(runner, "run", workers, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF)
    fails(result, f"{store}:1:")
    assert not screened


def test_a_good_baseline_and_store_pass_the_early_checks(
    runner: CliRunner, tmp_path: Path, workers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the tests above: what a real screen wrote is let through to the screen."""
    first = tmp_path / "first.xlsx"
    assert run_cli(runner, "run", workers, "--out", first, "--as-of", AS_OF).exit_code == 0
    store = _text(tmp_path / "decisions.jsonl", "")
    calls: list[object] = []
    monkeypatch.setattr(run_command, "screen", lambda request, progress=None: calls.append(request))
    args = ("--baseline", first, "--decisions", store, "--out", tmp_path / "second.xlsx")
    result = run_cli(runner, "run", workers, *args, "--as-of", AS_OF)
    assert len(calls) == 1, result.output


# Inputs must be regular files: a FIFO would block, /dev/zero would never end.


class _FifoGuard:
    """A FIFO whose readers are let go: whoever opens it to read is given an immediate end of file
    (the guard opens it to write, then closes it), and counted: each would have hung."""

    def __init__(self, path: Path):
        os.mkfifo(path)
        self.path = path
        self.readers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            try:
                handle = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody has it open to read
                continue
            self.readers += 1
            os.close(handle)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[_FifoGuard]:
    guard = _FifoGuard(tmp_path / "pipe.csv")
    yield guard
    guard.close()


def test_a_fifo_records_file_exits_2_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "records.csv"
    os.mkfifo(pipe)
    started = time.monotonic()
    result = _cli_process("run", pipe, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF)
    assert result.returncode == 2, result.stderr
    assert f"screening: error: {pipe}: is a named pipe (FIFO), not a regular file" in result.stderr
    assert time.monotonic() - started < HANG_GUARD_S


@pytest.mark.parametrize("option", ["--list", "--suppressions", "--decisions", "--baseline"])
def test_a_fifo_given_to_an_option_is_refused_without_opening_it(
    runner: CliRunner, tmp_path: Path, workers: Path, fifo: _FifoGuard, option: str
) -> None:
    out = tmp_path / "r.xlsx"
    result = run_cli(runner, "run", workers, option, fifo.path, "--out", out, "--as-of", AS_OF)
    fails(result, str(fifo.path), "named pipe (FIFO)")
    assert fifo.readers == 0


def test_a_fifo_rule_file_is_refused_without_opening_it(
    runner: CliRunner, tmp_path: Path, workers: Path
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    guard = _FifoGuard(rules / "a-rule.yaml")
    try:
        out = tmp_path / "r.xlsx"
        result = run_cli(runner, "run", workers, "--rules", rules, "--out", out, "--as-of", AS_OF)
    finally:
        guard.close()
    fails(result, str(guard.path), "named pipe (FIFO)")
    assert guard.readers == 0


def test_a_fifo_report_to_import_is_not_read(
    runner: CliRunner, tmp_path: Path, fifo: _FifoGuard
) -> None:
    result = run_cli(runner, "review", "import", fifo.path, "--store", tmp_path / "s.jsonl")
    fails(result, str(fifo.path))
    assert fifo.readers == 0


def _memory_guard() -> None:
    # Were /dev/zero read, the process would fail at 2 GiB instead of filling the machine.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.parametrize("how", ["records", "--list"])
def test_dev_zero_is_refused(tmp_path: Path, workers: Path, how: str) -> None:
    given = ["/dev/zero"] if how == "records" else [workers, "--list", "/dev/zero"]
    result = _cli_process(
        "run", *given, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF, preexec_fn=_memory_guard
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "screening: error: /dev/zero: is a character device, not a regular file; give a file"
    ]


# Input bytes in messages are escaped.


def test_control_bytes_of_a_header_are_escaped_in_the_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.csv"
    hostile.write_bytes(
        b"zq,lab\x1b]0;PWNED\x07el\x00x\xe2\x80\xae,\xd0\xb4\xd0\xbe\xd0\xbc,\xec\x9d\xb4\xeb\xa6\x84"
        b"\n1,a,b,c\n"
    )
    result = run_cli(runner, "run", hostile, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF)
    line = fails(result, "found columns")
    assert not any(char in line for char in "\x1b\x07\x00\u202e")
    assert "\\x1b]0;pwned\\x07el\\x00x\\u202e" in line  # headers are matched lowercased
    assert "дом" in line and "이름" in line  # ordinary letters stay readable


def test_control_characters_in_an_internal_error_are_escaped(
    runner: CliRunner, tmp_path: Path, workers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def screen(request: object, progress: object = None) -> None:
        raise ValueError("cell \x1b[2J\x9b31m\u2066 in\nline 2")

    monkeypatch.setattr(run_command, "screen", screen)
    result = run_cli(runner, "run", workers, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF)
    line = fails(result, "internal error: ValueError:")
    assert "cell \\x1b[2J\\x9b31m\\u2066 in\\x0aline 2" in line


def test_the_run_summary_shows_the_report_path_escaped_and_not_as_markup(
    runner: CliRunner, tmp_path: Path, workers: Path
) -> None:
    out = tmp_path / "r\x1b]0;x\x07[bold]q4[red].xlsx"
    result = run_cli(runner, "run", workers, "--out", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "r\\x1b]0;x\\x07[bold]q4[red].xlsx" in result.stdout.replace("\n", "")


# SIGTERM is handled as Ctrl-C is; a killed writer's part files go with the next run.


@pytest.mark.parametrize("stage", ["screen", "write"])
def test_sigterm_ends_the_run_as_interrupted_and_leaves_no_part_file(
    tmp_path: Path, stage: str
) -> None:
    records = _big_workers(tmp_path / "workers.csv", 20_000)
    out = tmp_path / "reports" / "r.xlsx"
    out.parent.mkdir()
    process = _staged_process(stage, "run", records, "--out", out, "--as-of", AS_OF)
    part = _await_stage(process, stage)
    if stage == "write":
        assert Path(part).exists() and Path(part).parent == out.parent
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=HANG_GUARD_S)
    assert process.returncode == 2, stderr
    assert stderr.strip().splitlines()[-1] == "screening: interrupted: no report was written"
    assert os.listdir(out.parent) == []


def test_a_killed_writers_part_file_is_kept_while_it_lives_and_removed_after(
    runner: CliRunner, tmp_path: Path, workers: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    writer = _staged_process("write", "run", workers, "--out", folder / "a.xlsx", "--as-of", AS_OF)
    part = Path(_await_stage(writer, "write"))
    os.utime(part, (LONG_AGO, LONG_AGO))  # old, but its writer lives
    try:
        assert (
            run_cli(runner, "run", workers, "--out", folder / "b.xlsx", "--as-of", AS_OF).exit_code
            == 0
        )
        assert part.exists()
    finally:
        writer.kill()
        writer.communicate(timeout=HANG_GUARD_S)
    assert part.exists()  # SIGKILL: nothing could clean up
    assert (
        run_cli(runner, "run", workers, "--out", folder / "c.xlsx", "--as-of", AS_OF).exit_code == 0
    )
    assert not part.exists()
    assert sorted(os.listdir(folder)) == ["b.xlsx", "c.xlsx"]


STALE_PARTS = [
    ".r.xlsx.abcd1234.part",
    ".r.xlsx.abcd1234.part.rows",
    ".other report.xlsx.zz_9y8x7.part",
    ".r.findings.csv.q1w2e3r4.part",
]
SIMILAR_NAMES = [
    "r.xlsx.abcd1234.part",  # no leading dot
    ".r.xlsx.notes.part",  # not eight characters
    ".r.xlsx.ABCD1234.part",  # not mkstemp's characters
    ".r.xlsx.abcd1234.part.bak",
    ".r.xlsx.abcd1234.partial",
    ".r.txt.abcd1234.part",  # not a report's or a companion's
    "notes.part",
]


def test_stale_part_files_go_and_live_fresh_or_similar_ones_stay(
    runner: CliRunner, tmp_path: Path, workers: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in [*STALE_PARTS, *SIMILAR_NAMES, ".r.xlsx.live1234.part"]:
        (folder / name).write_text("x")
        os.utime(folder / name, (LONG_AGO, LONG_AGO))
    (folder / ".r.xlsx.fresh123.part").write_text("x")  # its writer may not have locked it yet
    with (folder / ".r.xlsx.live1234.part").open("rb") as live:
        fcntl.flock(live, fcntl.LOCK_EX)  # as a running writer holds it
        result = run_cli(runner, "run", workers, "--out", folder / "r.xlsx", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    kept = [*SIMILAR_NAMES, ".r.xlsx.live1234.part", ".r.xlsx.fresh123.part", "r.xlsx"]
    assert sorted(os.listdir(folder)) == sorted(kept)


def test_the_sigterm_handler_is_restored_after_a_command(
    runner: CliRunner, tmp_path: Path, workers: Path
) -> None:
    before = signal.getsignal(signal.SIGTERM)
    run_cli(runner, "run", workers, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF)
    assert signal.getsignal(signal.SIGTERM) == before


# Known conditions are clear messages, not internal errors.


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (MemoryError(), "screening: out of memory: "),
        (RecursionError("maximum recursion depth exceeded"), "screening: an input is nested"),
    ],
)
def test_memory_and_recursion_errors_are_one_clear_line(
    runner: CliRunner,
    tmp_path: Path,
    workers: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    message: str,
) -> None:
    def screen(request: object, progress: object = None) -> None:
        raise error

    monkeypatch.setattr(run_command, "screen", screen)
    line = fails(run_cli(runner, "run", workers, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF))
    assert line.startswith(message)
    assert "internal error" not in line


def test_a_full_disk_while_writing_is_one_line_and_leaves_nothing(
    runner: CliRunner, tmp_path: Path, workers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each size limit fails the write at another point: a sheet, the package's last parts, the
    archive's directory, a companion file.
    None may leave a part file, nor let a half-written zip archive complain when collected
    ("Exception ignored in ZipFile.__del__")."""
    whole = tmp_path / "whole.xlsx"
    assert run_cli(runner, "run", workers, "--out", whole, "--as-of", AS_OF).exit_code == 0
    folder = tmp_path / "reports"
    folder.mkdir()
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    ignored = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG, not a killed process
    outcomes = []
    args = ("run", workers, "--out", folder / "r.xlsx", "--as-of", AS_OF)
    try:
        size = whole.stat().st_size
        # Spread over the file, and into its last part, the archive's directory (this report
        # differs from `whole` by a few bytes: its path and timings).
        for limit in (*range(1024, size - 600, max(1024, size // 16)), size - 600):
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
            try:
                result = run_cli(runner, *args)
                outcomes.append((limit, result.exit_code, result.stderr))
                # While the disk is still full, what the run left is collected: its exception's
                # traceback (held by the result) is what keeps a half-written archive alive.
                del result
                gc.collect()
            finally:
                resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    finally:
        signal.signal(signal.SIGXFSZ, ignored)
    for limit, exit_code, stderr in outcomes:
        assert exit_code == 2, (limit, stderr)
        assert stderr.startswith("screening: error: ") and stderr.count("\n") == 1, (limit, stderr)
        assert "cannot write the report: [Errno 27] File too large" in stderr, (limit, stderr)
    assert not unraisable
    assert os.listdir(folder) == []
