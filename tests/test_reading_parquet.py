"""Parquet input: the same cells, lines and report as the CSV the file could have been exported as;
typed values written as text normalizing reads; hostile files refused in one line."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from screening.errors import InputFileError
from screening.reading import parquet as parquet_reading
from screening.reading import read_records
from screening.records import RecordKind
from screening.resources import demo_dir
from tests.conftest import AS_OF, fails, run_cli, sheet_rows

DEMO_FILES = ("workers", "companies", "relationships")


def _write(path: Path, columns: Mapping[str, pa.Array | Sequence[object]]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def _cells(path: Path) -> list[dict[str, object]]:
    table = read_records(path)
    header = list(table.header)
    return [
        {name: row[name] for name in header} | {"line": row["_line"]}
        for row in table.frame.to_dict("records")
    ]


def test_a_parquet_file_is_told_by_its_bytes_and_read_as_its_csv(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "workers.csv",  # the name says CSV: the bytes say Parquet
        {
            "Record ID": ["W1", "W2"],
            "Full Name": ["  Kim Chol\u00a0", "Pak Il Kyu"],
            "nationality": ["KP", None],
        },
    )
    table = read_records(path)
    assert table.kind is RecordKind.worker
    assert table.format == "Parquet"
    assert _cells(path) == [
        {"record_id": "W1", "full_name": "Kim Chol", "nationality": "KP", "line": 2},
        {"record_id": "W2", "full_name": "Pak Il Kyu", "nationality": "", "line": 3},
    ]


def test_typed_values_are_written_as_a_csv_export_would_write_them(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "relationships.parquet",
        {
            "record_id": pa.array([1, 2, 3], pa.int32()),
            "company_id": pa.array(["C1", "C1", "C2"]).dictionary_encode(),
            "party_name": ["Mansudae", "Korea General", "Ryugyong"],
            "role": ["joint-venture partner", "shareholder", "shareholder"],
            # pandas stores integers with gaps as floats: 40.0 is "40", never "4e+01"
            "share_pct": pa.array([40.0, None, 12.5]),
            "start_date": pa.array([dt.date(2016, 3, 1), None, dt.date(2018, 1, 9)]),
            "end_date": pa.array(
                [dt.datetime(2019, 12, 22, 10, 30), None, None], pa.timestamp("us")
            ),
            "note": pa.array([decimal.Decimal("1.50"), None, None]),
        },
    )
    rows = _cells(path)
    assert [row["record_id"] for row in rows] == ["1", "2", "3"]
    assert [row["share_pct"] for row in rows] == ["40", "", "12.5"]
    assert [row["start_date"] for row in rows] == ["2016-03-01", "", "2018-01-09"]
    assert str(rows[0]["end_date"]).startswith("2019-12-22 10:30")
    assert rows[0]["note"] == "1.50"
    assert [row["company_id"] for row in rows] == ["C1", "C1", "C2"]


def test_blank_and_incomplete_rows_keep_the_lines_of_their_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "workers.parquet",
        {
            "record_id": ["W1", None, "", "W4"],
            "full_name": ["Kim Chol", None, "No Id", "Ri Su Yong"],
            "nationality": ["KP", None, "KP", "  "],
        },
    )
    table = read_records(path)
    assert list(table.frame["_line"]) == [2, 5]
    assert table.blank_lines == 1  # row 1 (line 3): every cell empty, like a blank CSV line
    assert table.rejected[["line", "reason", "raw"]].to_dict("records") == [
        {"line": 4, "reason": "missing required value: record_id", "raw": ",No Id,KP"}
    ]
    assert table.lines == table.screened_lines + table.rejected_lines + table.blank_lines == 4


def test_the_demo_as_parquet_gives_the_csv_demo_s_report(tmp_path: Path, runner: CliRunner) -> None:
    """Same paths, CSV then Parquet bytes: every sheet but the Run sheet is the same."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    files = [inputs / f"{name}.records" for name in DEMO_FILES]
    for name, path in zip(DEMO_FILES, files, strict=True):
        shutil.copy(demo_dir() / f"{name}.csv", path)
    as_csv = tmp_path / "csv.xlsx"
    assert run_cli(runner, "run", *files, "--as-of", AS_OF, "--out", as_csv).exit_code == 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header, body = rows[0], [row for row in rows[1:] if len(row) == len(rows[0])]
        assert len(body) == len(rows) - 1, "the demo has no ragged rows to leave out"
        pq.write_table(
            pa.table({name: [row[i] for row in body] for i, name in enumerate(header)}), path
        )
    as_parquet = tmp_path / "parquet.xlsx"
    result = run_cli(runner, "run", *files, "--as-of", AS_OF, "--out", as_parquet)
    assert result.exit_code == 0, result.output
    for sheet in ("Findings", "Records", "Data issues", "Rejected"):
        assert sheet_rows(as_parquet, sheet) == sheet_rows(as_csv, sheet), sheet
    run = [(row["key"], row["value"]) for row in sheet_rows(as_parquet, "Run")]
    assert run.count(("format", "Parquet")) == len(files)
    assert not [pair for pair in run if pair[0] == "encoding, delimiter"]


def test_a_record_id_repeated_across_a_csv_and_a_parquet_file_is_rejected_once(
    tmp_path: Path, runner: CliRunner
) -> None:
    first = tmp_path / "workers.csv"
    first.write_text("record_id,full_name,nationality\nW1,Kim Chol,KP\n", encoding="utf-8")
    second = _write(
        tmp_path / "more-workers.parquet",
        {"record_id": ["W2", "W1"], "full_name": ["Pak Il", "Kim Chol"], "nationality": ["KP"] * 2},
    )
    out = tmp_path / "report.xlsx"
    assert run_cli(runner, "run", first, second, "--as-of", AS_OF, "--out", out).exit_code == 0
    rejected = sheet_rows(out, "Rejected")
    assert [(row["file"], row["line"]) for row in rejected] == [(str(second), 3)]
    assert f"first on {first} line 2" in str(rejected[0]["reason"])


@pytest.mark.parametrize(
    ("columns", "needle"),
    [
        ({"record_id": [["W1"]], "full_name": ["Kim"]}, "column 'record_id' holds nested values"),
        (
            {"record_id": ["W1"], "full_name": pa.array([b"\xff\xfeKim"], pa.binary())},
            "column 'full_name' holds bytes that are not UTF-8 text",
        ),
    ],
)
def test_a_file_that_is_not_a_flat_table_of_text_is_refused(
    tmp_path: Path, runner: CliRunner, columns: dict[str, list[object]], needle: str
) -> None:
    path = _write(tmp_path / "workers.parquet", columns)
    fails(run_cli(runner, "run", path, "--out", tmp_path / "r.xlsx"), str(path), needle)
    assert not (tmp_path / "r.xlsx").exists()


def test_a_string_column_holding_bytes_that_are_not_utf8_is_refused(tmp_path: Path) -> None:
    """Parquet readers trust a string column to be UTF-8; a forged one must not get through."""
    offsets = pa.py_buffer(b"\x00\x00\x00\x00\x03\x00\x00\x00")
    forged = pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(b"K\xffm")])
    path = _write(tmp_path / "workers.parquet", {"record_id": ["W1"], "full_name": forged})
    with pytest.raises(InputFileError, match="column 'full_name' holds bytes that are not UTF-8"):
        read_records(path)


def test_a_truncated_file_is_one_clear_error(tmp_path: Path, runner: CliRunner) -> None:
    path = _write(tmp_path / "workers.parquet", {"record_id": ["W1"], "full_name": ["Kim"]})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + b"PAR1")  # both magics, a broken footer
    fails(run_cli(runner, "run", path, "--out", tmp_path / "r.xlsx"), "cannot read Parquet")


def test_a_file_that_only_starts_like_parquet_is_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "workers.csv"
    path.write_text("PAR1,record_id,full_name\nx,W1,Kim\n", encoding="utf-8")
    assert read_records(path).format == "CSV"


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    """One 4 MiB name repeated 400 times: a file of kilobytes that would decode to 1.6 GB."""
    name = pa.DictionaryArray.from_arrays(pa.array([0] * 400, pa.int32()), ["K" * (4 << 20)])
    path = tmp_path / "workers.parquet"
    pq.write_table(pa.table({"record_id": [f"W{i}" for i in range(400)], "full_name": name}), path)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(InputFileError, match="decodes to more than 100 times its size"):
        read_records(path)


def test_more_rows_than_the_budget_allows_is_refused_from_the_footer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "workers.parquet", {"record_id": ["W1"] * 50, "full_name": ["K"] * 50})
    monkeypatch.setattr(parquet_reading, "SLACK", 0)
    monkeypatch.setattr(parquet_reading, "MAX_EXPANSION", 0)
    with pytest.raises(InputFileError, match="decompression bomb"):
        read_records(path)


def test_too_many_columns_are_refused(tmp_path: Path) -> None:
    columns = {"record_id": ["W1"], "full_name": ["Kim"]} | {f"c{i}": ["x"] for i in range(1_000)}
    path = _write(tmp_path / "workers.parquet", columns)
    with pytest.raises(InputFileError, match="1,002 columns, more than the 1,000"):
        read_records(path)


def test_the_index_pandas_stores_is_not_read_as_a_column(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"record_id": ["W1"], "full_name": ["Kim"]}, index=pd.Index([7], name=None)
    )
    path = tmp_path / "workers.parquet"
    frame.to_parquet(path)
    assert read_records(path).header == ["record_id", "full_name"]


_CELL = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=8))
def test_parquet_and_csv_give_the_same_cells_and_lines(
    tmp_path: Path, rows: list[tuple[str, str, str]]
) -> None:
    """Any text, quoted line breaks and padding included: the same cells from both formats, and
    the same line for each row wherever the CSV writes one row per line."""
    header = ["record_id", "full_name", "nationality"]
    as_csv = tmp_path / "workers.csv"
    with as_csv.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\r\n").writerows([header, *rows])
    as_parquet = _write(
        tmp_path / "workers.parquet",
        {name: [row[i] for row in rows] for i, name in enumerate(header)},
    )
    try:
        from_csv = read_records(as_csv)
    except InputFileError:
        return  # text the CSV cannot carry (NUL bytes, say): nothing to compare
    from_parquet = read_records(as_parquet)
    cells = ["record_id", "full_name", "nationality"]
    assert from_parquet.frame[cells].to_dict("records") == from_csv.frame[cells].to_dict("records")
    assert len(from_parquet.rejected) == len(from_csv.rejected)
    if not any("\n" in cell or "\r" in cell for row in rows for cell in row):
        assert list(from_parquet.frame["_line"]) == list(from_csv.frame["_line"])
