"""Fatal problems: one clear line on stderr, exit code 2, no report, inputs untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import AS_OF, fails, run_cli

WORKERS = "record_id,full_name,nationality\nW1,Kim Chol Jin,KP\n"


@pytest.fixture
def workers(tmp_path: Path) -> Path:
    path = tmp_path / "workers.csv"
    path.write_text(WORKERS)
    return path


def test_missing_input_file(runner: CliRunner, tmp_path: Path) -> None:
    result = run_cli(runner, "run", tmp_path / "nope.csv", "--out", tmp_path / "r.xlsx")
    fails(result, "nope.csv")
    assert not (tmp_path / "r.xlsx").exists()


def test_unknown_kind(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("id,label\n1,x\n")
    fails(
        run_cli(runner, "run", path, "--out", tmp_path / "r.xlsx"), f"{path}:1:", "no record kind"
    )


@pytest.mark.parametrize(
    ("as_of", "problem"),
    [
        ("next week", "'next week' is not a date"),
        ("31.02.2026", "'31.02.2026' is an impossible date"),
        ("2026-13-01", "'2026-13-01' is an impossible date"),
    ],
)
def test_bad_as_of(
    runner: CliRunner, workers: Path, tmp_path: Path, as_of: str, problem: str
) -> None:
    result = run_cli(runner, "run", workers, "--as-of", as_of, "--out", tmp_path / "r.xlsx")
    fails(result, "--as-of", problem, "YYYY-MM-DD, DD.MM.YYYY")
    assert not (tmp_path / "r.xlsx").exists()


def test_as_of_that_reads_as_two_dates(runner: CliRunner, workers: Path, tmp_path: Path) -> None:
    """05/12/2026 is 5 December day-first and May 12 month-first: a record keeps it day-first
    with a data issue, but the date every rule is judged at is asked for unambiguously."""
    result = run_cli(runner, "run", workers, "--as-of", "05/12/2026", "--out", tmp_path / "r.xlsx")
    fails(result, "--as-of", "'05/12/2026'", "write it YYYY-MM-DD or DD.MM.YYYY")


def test_out_is_an_input_file(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "workers.xlsx"
    report.write_bytes(b"not really")
    csv_path = tmp_path / "w.csv"
    csv_path.write_text(WORKERS)
    fails(run_cli(runner, "run", csv_path, "--out", csv_path), ".xlsx")
    assert csv_path.read_text() == WORKERS


def test_out_is_a_directory(runner: CliRunner, workers: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dir.xlsx"
    folder.mkdir()
    fails(run_cli(runner, "run", workers, "--out", folder), "directory")


def test_out_folder_missing(runner: CliRunner, workers: Path, tmp_path: Path) -> None:
    fails(run_cli(runner, "run", workers, "--out", tmp_path / "no" / "r.xlsx"), "does not exist")


def test_broken_rules_directory(runner: CliRunner, workers: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text("id: x\nid: y\n")
    result = run_cli(
        runner, "run", workers, "--rules", rules, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF
    )
    fails(result, f"{rules / 'x.yaml'}:2:", "duplicate key")
    assert not (tmp_path / "r.xlsx").exists()


def test_debug_shows_the_traceback(runner: CliRunner, tmp_path: Path) -> None:
    result = run_cli(runner, "--debug", "run", tmp_path / "nope.csv", "--out", tmp_path / "r.xlsx")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr


LISTS = Path(__file__).parent / "data" / "lists"


def test_bad_list_file(runner: CliRunner, workers: Path, tmp_path: Path) -> None:
    bad = LISTS / "un_bad_entry.xml"
    result = run_cli(
        runner, "run", workers, "--list", bad, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF
    )
    fails(result, str(bad))
    assert not (tmp_path / "r.xlsx").exists()


def test_bad_list_file_is_reported_before_a_bad_records_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Lists load beside the records: a list error still comes first, as when they loaded first."""
    odd = tmp_path / "odd.csv"
    odd.write_text("id,label\n1,x\n")
    bad = LISTS / "un_bad_entry.xml"
    result = run_cli(
        runner, "run", odd, "--list", bad, "--out", tmp_path / "r.xlsx", "--as-of", AS_OF
    )
    fails(result, str(bad))
    assert "no record kind" not in result.stderr
