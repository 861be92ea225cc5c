"""Rows the reader must reject or flag, at any volume: repeated headers, missing ids by the
million, thousands of columns, and ids that only look the same."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from screening.reading import MAX_COLUMNS, read_records
from tests.conftest import AS_OF, run_cli, sheet_rows
from tests.hostile.budget import within_budget

HEADER = "record_id,full_name,nationality"


def test_a_header_repeated_mid_file_is_rejected_not_screened(tmp_path: Path) -> None:
    # two exports joined with `cat`: the second header is line 4
    path = tmp_path / "workers.csv"
    path.write_text(f"{HEADER}\nW1,Kim,KP\nW2,Pak,KP\n{HEADER}\nW3,Ri,KP\n", encoding="utf-8")
    table = read_records(path)
    assert list(table.frame["record_id"]) == ["W1", "W2", "W3"]
    assert list(table.rejected["line"]) == [4]
    assert table.rejected["reason"].iloc[0].startswith("repeats the header (line 1)")
    assert table.rejected["raw"].iloc[0] == HEADER


def test_a_million_rows_without_an_id_are_rejected_column_wise(tmp_path: Path) -> None:
    path = tmp_path / "workers.csv"
    rows = "".join(f",Name {number},KP\n" for number in range(1_000_000))
    path.write_text(f"{HEADER}\nW1,Kim,KP\n{rows}", encoding="utf-8")
    check = (
        "import sys; from pathlib import Path; from screening.reading import read_records; "
        "t = read_records(Path(sys.argv[1])); last = t.rejected.iloc[-1]; "
        "print(len(t.frame), len(t.rejected), last['line'], last['reason'], last['raw'], sep='|')"
    )
    # a row-wise rejection spent about 150 µs a row: minutes of CPU for a million
    result = within_budget("-c", check, path, memory=None, cpu_seconds=30)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (
        result.stdout.strip()
        == "1|1000000|1000002|missing required value: record_id|,Name 999999,KP"
    )


def test_a_header_of_thousands_of_columns_is_refused_before_splitting(
    runner: CliRunner, tmp_path: Path
) -> None:
    names = ",".join(f"x{number}" for number in range(MAX_COLUMNS))
    path = tmp_path / "workers.csv"
    path.write_text(f"{HEADER},{names}\nW1,Kim,KP{',v' * MAX_COLUMNS}\n", encoding="utf-8")
    result = run_cli(runner, "run", path, "--as-of", AS_OF, "--out", tmp_path / "r.xlsx")
    assert result.exit_code == 2
    assert f"the header has {MAX_COLUMNS + 3:,} columns" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_header_at_the_column_bound_is_read(tmp_path: Path) -> None:
    names = ",".join(f"x{number}" for number in range(MAX_COLUMNS - 3))
    path = tmp_path / "workers.csv"
    path.write_text(f"{HEADER},{names}\nW1,Kim,KP{',v' * (MAX_COLUMNS - 3)}\n", encoding="utf-8")
    table = read_records(path)
    assert len(table.header) == MAX_COLUMNS and list(table.frame["record_id"]) == ["W1"]


def test_ids_that_only_look_alike_are_kept_apart_and_listed(
    runner: CliRunner, tmp_path: Path
) -> None:
    lines = [
        "R-001,Kim Chol,KP",
        "R-00\u200b1,Pak Il,KP",  # a zero-width space pasted in
        "\uff32-001,Ri Su,KP",  # a full-width R
        "\u0420-002,O Jin,KP",  # a Cyrillic Er, which reads as P
        "P-002,Han Ok,KP",
        "Cafe\u0301,Jo Un,KP",  # decomposed é ...
        "Caf\u00e9,Jang Il,KP",  # ... and composed
        "R-003,Choe,KP",
    ]
    path = tmp_path / "workers.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = run_cli(runner, "run", path, "--as-of", AS_OF, "--out", out, "--records", "full")
    assert result.exit_code == 0, result.output
    assert len(sheet_rows(out, "Records")) == 8  # nothing merged
    issues = {
        row["line"]: str(row["problem"])
        for row in sheet_rows(out, "Data issues")
        if row["field"] == "record_id"
    }
    assert set(issues) == {3, 4, 5, 7}
    assert issues[3].startswith("looks like 'R-001' (workers.csv line 2)")
    assert "'R-00\\u200b1'" in issues[3]
    assert issues[4].startswith("looks like 'R-001' (workers.csv line 2)")
    assert issues[5].startswith("looks like 'P-002' (workers.csv line 6)")
    assert issues[7].startswith("looks like 'Caf\u00e9' (workers.csv line 8)")
