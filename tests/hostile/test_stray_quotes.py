"""A quote left open must not swallow the records after it: every line is screened, rejected with
its line and reason, or blank, and the Run sheet's line balance is counted from the file's bytes.

The expected outcomes follow from RFC 4180 and the rule the reader states: a quoted field that
runs over more than MAX_ROW_LINES lines, or is still open at the end of the file, is an
unbalanced quote; its first line is rejected and reading resumes on the next line.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from screening.reading import read_records
from screening.reading.splitting import MAX_LINE_BYTES, MAX_ROW_LINES, MAX_UNBALANCED_QUOTES
from tests.conftest import AS_OF, run_cli, sheet_rows
from tests.hostile.budget import within_budget

HEADER = "record_id,full_name,nationality,employer_id"


def _workers(count: int) -> list[str]:
    return [f"W-{number:04d},Name {number},KP,C-1" for number in range(count)]


def _write(folder: Path, lines: list[str], name: str = "workers.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _run(runner: CliRunner, path: Path) -> tuple[list[dict[str, object]], dict[object, object]]:
    out = path.with_suffix(".xlsx")
    result = run_cli(runner, "run", path, "--as-of", AS_OF, "--out", out, "--records", "full")
    assert result.exit_code == 0, result.output
    run = {row["key"]: row["value"] for row in sheet_rows(out, "Run")}
    return sheet_rows(out, "Rejected"), run


def test_a_quote_open_to_the_end_of_the_file_costs_one_line_not_a_thousand(
    runner: CliRunner, tmp_path: Path
) -> None:
    # the file: 1,001 data rows; line 4 opens a quote that never closes, and the row
    # it starts still has four fields, so nothing about its width gives it away
    lines = _workers(1001)
    lines[2] = 'W-0002,Kim Chol,KP,"C-1'
    rejected, run = _run(runner, _write(tmp_path, lines))
    assert [(row["line"], row["raw"]) for row in rejected] == [(4, 'W-0002,Kim Chol,KP,"C-1')]
    assert "still open at the end of the file" in str(rejected[0]["reason"])
    assert run["input rows = screened + rejected"] == "1001 = 1000 + 1"
    assert run["input lines = screened + rejected + blank"] == ("1001 = 1000 + 1 + 0")


def test_a_quote_closed_by_another_far_below_rejects_only_the_opening_line(
    tmp_path: Path,
) -> None:
    lines = _workers(600)
    lines[10] = 'W-0010,"Kim Chol,KP,C-1'  # line 12 opens a quote ...
    lines[400] = 'W-0400,Pak" Il,KP,C-1'  # ... that this quote, 390 lines below, would close
    table = read_records(_write(tmp_path, lines))
    assert [
        (row.line, "unbalanced quote" in str(row.reason)) for row in table.rejected.itertuples()
    ] == [(12, True)]
    assert len(table.frame) == 599
    # read again from line 13, the lone quote on line 402 sits inside a field: CSV keeps it
    assert table.frame.set_index("record_id").loc["W-0400", "full_name"] == 'Pak" Il'
    assert table.lines == table.screened_lines + table.rejected_lines + table.blank_lines == 600


def test_quoted_line_breaks_within_the_bound_stay_one_record(tmp_path: Path) -> None:
    address = "\n".join(f"line {n}" for n in range(MAX_ROW_LINES - 1))  # MAX_ROW_LINES lines
    lines = ["W-0001,Kim,KP,C-1", f'W-0002,"Pak\n{address}",KP,C-1', "W-0003,Ri,KP,C-1"]
    table = read_records(_write(tmp_path, lines))
    assert list(table.frame["record_id"]) == ["W-0001", "W-0002", "W-0003"]
    assert list(table.frame["_line"]) == [2, 3, 3 + MAX_ROW_LINES]
    assert table.screened_lines == table.lines == MAX_ROW_LINES + 2
    assert table.rejected.empty


def test_one_line_more_is_an_unbalanced_quote(tmp_path: Path) -> None:
    address = "\n".join(f"line {n}" for n in range(MAX_ROW_LINES))  # MAX_ROW_LINES + 1 lines
    lines = ["W-0001,Kim,KP,C-1", f'W-0002,"Pak\n{address}",KP,C-1', "W-0003,Ri,KP,C-1"]
    table = read_records(_write(tmp_path, lines))
    # the opening line is rejected; the lines of the runaway field are then read as rows of
    # their own, with one field (or three, the last) where the header has four: rejected too
    assert list(table.rejected["line"]) == list(range(3, 4 + MAX_ROW_LINES))
    assert "unbalanced quote" in table.rejected["reason"].iloc[0]
    assert table.rejected["reason"].iloc[1:].str.contains("the header has 4").all()
    assert table.lines == table.screened_lines + table.rejected_lines + table.blank_lines
    assert list(table.frame["record_id"]) == ["W-0001", "W-0003"]


def test_blank_lines_are_counted_as_blank(tmp_path: Path) -> None:
    lines = ["W-0001,Kim,KP,C-1", "", "   ", '"","","",""', "W-0002,Pak,KP,C-1"]
    table = read_records(_write(tmp_path, lines))
    assert (table.lines, table.screened_lines, table.rejected_lines, table.blank_lines) == (
        5,
        2,
        0,
        3,
    )


def test_too_many_open_quotes_refuse_the_file_in_one_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    # quotes far enough apart that each pair of them would make a row of too many lines
    lines = _workers((MAX_ROW_LINES + 1) * (MAX_UNBALANCED_QUOTES + 1))
    for number in range(0, len(lines), MAX_ROW_LINES + 1):
        lines[number] = f'W-{number:04d},"Kim,KP,C-1'
    path = _write(tmp_path, lines)
    result = run_cli(runner, "run", path, "--as-of", AS_OF, "--out", tmp_path / "r.xlsx")
    assert result.exit_code == 2
    assert f"more than {MAX_UNBALANCED_QUOTES} rows have a quote left open" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.xlsx").exists()


def test_a_line_of_hundreds_of_megabytes_is_rejected_within_bounded_memory(
    tmp_path: Path,
) -> None:
    path = tmp_path / "workers.csv"
    with path.open("wb") as out:
        out.write((HEADER + "\nW-0001,Kim,KP,C-1\nW-0002,").encode())
        chunk = b"x" * (1 << 20)
        for _ in range(300):
            out.write(chunk)
        out.write(b",KP,C-1\nW-0003,Ri,KP,C-1\n")
    # read with the line emptied, the 300 MB file costs about its size; read whole by the
    # exact splitter (Python strings and lists), it took over 3.5 GB
    check = (
        "import sys; from pathlib import Path; from screening.reading import read_records; "
        "t = read_records(Path(sys.argv[1])); "
        "print(list(t.frame['record_id']), list(t.rejected['line']), t.rejected['reason'][0])"
    )
    result = within_budget("-c", check, path, memory=1536 << 20)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "['W-0001', 'W-0003'] [3]" in result.stdout
    assert f"over the limit of {MAX_LINE_BYTES:,} for one line" in result.stdout


def test_a_header_line_past_the_limit_refuses_the_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "workers.csv"
    path.write_bytes(b"record_id," + b"x" * (MAX_LINE_BYTES + 1) + b"\nW-1,y\n")
    result = run_cli(runner, "run", path, "--as-of", AS_OF, "--out", tmp_path / "r.xlsx")
    assert result.exit_code == 2
    assert "where the header should be" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


ROW = st.tuples(
    st.from_regex(r"W-[0-9]{1,4}", fullmatch=True),
    st.text(st.sampled_from('ab ,"\n'), max_size=6),
    st.sampled_from(["KP", "RU", ""]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(ROW, min_size=1, max_size=12),
    st.lists(st.integers(0, 11), max_size=3),
    st.sampled_from(["\n", "\r\n"]),
)
def test_every_line_is_screened_rejected_or_blank_whatever_the_quotes(
    rows: list[tuple[str, str, str]], stray: list[int], terminator: str
) -> None:
    """Stray quotes are put at the start of a field, where CSV reads them as opening a quote."""
    lines = [",".join(row) for row in rows]
    for position in stray:
        if position < len(lines):
            lines[position] = '"' + lines[position]
    text = terminator.join(["record_id,full_name,nationality", *lines]) + terminator
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "workers.csv"
        path.write_bytes(text.encode())
        table = read_records(path)
    physical = len(io.StringIO(text, newline="").readlines()) - 1  # universal newlines
    assert table.lines == physical
    assert table.screened_lines + table.rejected_lines + table.blank_lines == physical
    assert table.blank_lines >= 0
    assert len(table.frame) + len(table.rejected) == table.rows


@pytest.mark.parametrize("terminator", ["\n", "\r\n", "\r"])
def test_line_numbers_after_a_resumed_read_are_the_files(tmp_path: Path, terminator: str) -> None:
    lines = [HEADER, "W-1,Kim,KP,C-1", 'W-2,"Pak,KP,C-1', "W-3,Ri,KP,C-1", "", "W-4,O,KP,C-1"]
    path = tmp_path / "workers.csv"
    path.write_bytes(terminator.join(lines).encode())
    table = read_records(path)
    assert list(zip(table.frame["record_id"], table.frame["_line"], strict=True)) == [
        ("W-1", 2),
        ("W-3", 4),
        ("W-4", 6),
    ]
    assert list(table.rejected["line"]) == [3]
    assert (table.lines, table.blank_lines) == (5, 1)


def test_a_large_file_with_old_mac_line_ends_is_not_one_long_line(tmp_path: Path) -> None:
    # bare CR line ends: no LF anywhere, yet every line is short
    rows = _workers(200_000)
    path = tmp_path / "workers.csv"
    path.write_bytes("\r".join([HEADER, *rows]).encode())
    assert path.stat().st_size > MAX_LINE_BYTES
    table = read_records(path)
    assert len(table.frame) == 200_000 and table.rejected.empty
    assert table.lines == table.screened_lines == 200_000
