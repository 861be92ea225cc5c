"""`screening run --tables DIR`: every row of the four tables as files, whole and in the sheets'
columns; never half a folder, never someone else's folder replaced."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

from screening.report import datasets
from screening.resources import demo_dir
from screening.rows import FINDING_COLUMNS, RECORD_COLUMNS
from tests.conftest import AS_OF, fails, run_cli, sheet_rows

DEMO = [demo_dir() / name for name in ("workers.csv", "companies.csv", "relationships.csv")]


def _run(runner: CliRunner, out: Path, *options: str | Path) -> None:
    result = run_cli(runner, "run", *DEMO, "--as-of", AS_OF, "--out", out, *options)
    assert result.exit_code == 0, result.output


def _rows(folder: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = ds.dataset(folder, format="parquet").to_table().to_pylist()
    return rows


def test_the_tables_hold_the_sheets_rows_in_their_columns(
    tmp_path: Path, runner: CliRunner
) -> None:
    out, tables = tmp_path / "report.xlsx", tmp_path / "tables"
    _run(runner, out, "--tables", tables)
    findings = _rows(tables / "findings")
    assert [row["finding_id"] for row in findings] == [
        row["finding_id"] for row in sheet_rows(out, "Findings")
    ]
    assert list(findings[0])[: len(FINDING_COLUMNS)] == list(FINDING_COLUMNS)
    assert all(isinstance(row["line"], int) for row in findings)
    records = _rows(tables / "records")
    assert [row["record_id"] for row in records] == [
        row["record_id"] for row in sheet_rows(out, "Records")
    ]
    assert list(records[0])[: len(RECORD_COLUMNS)] == list(RECORD_COLUMNS)
    manifest = json.loads((tables / datasets.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["rows"] == {
        "findings": len(findings),
        "records": len(records),
        "rejected": 0,
        "data-issues": len(sheet_rows(out, "Data issues")),
    }
    assert manifest["as_of"] == AS_OF
    run = [(row["key"], row["value"]) for row in sheet_rows(out, "Run")]
    assert ("tables (every row)", f"{tables} (parquet)") in run


def test_a_long_table_is_split_into_parts_that_read_back_in_order(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(datasets, "ROWS_PER_FILE", 25)
    out, tables = tmp_path / "report.xlsx", tmp_path / "tables"
    _run(runner, out, "--tables", tables)
    parts = sorted(path.name for path in (tables / "findings").iterdir())
    findings = sheet_rows(out, "Findings")
    assert parts == [f"part-{number:05d}.parquet" for number in range(-(-len(findings) // 25))]
    assert [row["finding_id"] for row in _rows(tables / "findings")] == [
        row["finding_id"] for row in findings
    ]


def test_csv_tables_neutralise_what_a_spreadsheet_would_run(
    tmp_path: Path, runner: CliRunner
) -> None:
    workers = tmp_path / "workers.csv"
    workers.write_text(
        'record_id,full_name,nationality\nW-1,=HYPERLINK("http://x"),KP\n', encoding="utf-8"
    )
    tables = tmp_path / "tables"
    result = run_cli(
        runner,
        "run",
        workers,
        "--as-of",
        AS_OF,
        "--out",
        tmp_path / "r.xlsx",
        "--tables",
        tables,
        "--tables-format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    text = (tables / "records" / "part-00000.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    assert b"'=HYPERLINK" in text
    assert b",=HYPERLINK" not in text and b'"=HYPERLINK' not in text


def test_an_earlier_screen_s_tables_are_replaced_whole(tmp_path: Path, runner: CliRunner) -> None:
    tables = tmp_path / "tables"
    _run(runner, tmp_path / "first.xlsx", "--tables", tables)
    (tables / "findings" / "part-00009.parquet").write_bytes(b"left from another screen")
    _run(runner, tmp_path / "second.xlsx", "--tables", tables)
    assert sorted(path.name for path in (tables / "findings").iterdir()) == ["part-00000.parquet"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "first.xlsx",
        "second.xlsx",
        "tables",
    ]


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda folder: (folder / "notes.txt").write_text("mine"), "holds no screening-tables"),
        (lambda folder: folder.rmdir() or folder.write_text("a file"), "names a file"),
    ],
)
def test_a_folder_that_is_not_tables_is_refused_before_any_work(
    tmp_path: Path, runner: CliRunner, make: Callable[[Path], object], needle: str
) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    make(tables)
    before = sorted(path.name for path in tmp_path.rglob("*"))
    result = run_cli(
        runner, "run", *DEMO, "--as-of", AS_OF, "--out", tmp_path / "r.xlsx", "--tables", tables
    )
    fails(result, needle)
    assert sorted(path.name for path in tmp_path.rglob("*")) == before


def test_a_tables_folder_holding_an_input_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    workers = tables / "workers.csv"
    workers.write_text("record_id,full_name,nationality\nW-1,Kim,KP\n", encoding="utf-8")
    (tables / datasets.MANIFEST).write_text("{}", encoding="utf-8")
    result = run_cli(
        runner, "run", workers, "--as-of", AS_OF, "--out", tmp_path / "r.xlsx", "--tables", tables
    )
    fails(result, "holding the input")
    assert workers.exists()
