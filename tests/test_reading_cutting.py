"""A big CSV cut into pieces read apart (`--engine dask`): the pieces give the rows, lines, rejected
rows and counts the whole file gives, and a file that cannot be cut exactly is not cut."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.reading import (
    RawTable,
    merged,
    read_csv_piece,
    read_parquet_piece,
    read_records,
    reject_duplicate_ids,
)
from screening.reading.cutting import CsvPiece, csv_pieces
from screening.reading.parquet import pieces as parquet_pieces

HEADER = "record_id,full_name,nationality,employer_id,address"
_LINES = "\n".join(f"line {n}" for n in range(150))  # one record over more than 100 lines


def _read_in_pieces(path: Path, target: int) -> RawTable:
    cut = csv_pieces(path, target)
    assert len(cut) > 1, "the file is cut"
    assert cut[0].start == cut[0].header and cut[-1].stop == path.stat().st_size
    assert all(left.stop == right.start for left, right in zip(cut, cut[1:], strict=False))
    return _joined(path, cut)


def _joined(path: Path, cut: list[CsvPiece]) -> RawTable:
    """The pieces read apart, a record_id repeated across them rejected (as the engine does
    over every file's ids), joined again."""
    return merged(reject_duplicate_ids([read_csv_piece(path, piece) for piece in cut]))


def _assert_same(whole: RawTable, pieces: RawTable) -> None:
    pd.testing.assert_frame_equal(pieces.frame, whole.frame)
    # the rejected rows in the same order; their index numbers nothing
    pd.testing.assert_frame_equal(
        pieces.rejected.reset_index(drop=True), whole.rejected.reset_index(drop=True)
    )
    pd.testing.assert_series_equal(  # lines a row covers, by its first line: a mapping
        pieces.spans.sort_index(), whole.spans.sort_index(), check_index_type=False
    )
    same = ("sha256", "header", "encoding", "delimiter", "lines", "blank_lines", "kind")
    assert [getattr(pieces, name) for name in same] == [getattr(whole, name) for name in same]


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_an_export_with_what_exports_hold_reads_the_same_in_pieces(tmp_path: Path) -> None:
    """Excel's habits (CRLF, a BOM, quoted addresses over several lines, doubled quotes),
    Cyrillic and Korean names, blank lines, a row of empty cells and a row too wide."""
    rows = []
    for number in range(400):
        address = f'"Block {number},\r\nKhabarovsk ""Vostok"" estate"' if number % 7 == 0 else ""
        name = ["Ким Чол Мин", "김철민", '"Pak, Il Kyu"', "Ri Song Chol"][number % 4]
        rows.append(f"W-{number:04d},{name},KP,C-{number % 13:03d},{address}")
        if number % 50 == 3:
            rows.append("")
        if number % 90 == 5:
            rows += [",,,,", "W-X,too,many,cells,here,and,more"]
    path = _write(tmp_path / "workers.csv", "\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n")
    whole = read_records(path)
    assert len(whole.rejected) and len(whole.spans) and whole.blank_lines
    _assert_same(whole, _read_in_pieces(path, 1_000))


def test_a_semicolon_export_without_a_final_line_break_reads_the_same(tmp_path: Path) -> None:
    rows = [f'W-{n};"Kim;{n}";KP;C-1;"line one\nline two"' for n in range(300)]
    path = _write(tmp_path / "workers.csv", "\n".join([HEADER.replace(",", ";"), *rows]))
    _assert_same(read_records(path), _read_in_pieces(path, 700))


def test_a_record_longer_than_a_piece_is_never_cut(tmp_path: Path) -> None:
    note = '"' + "\n".join(f"line {n}" for n in range(60)) + '"'
    rows = [f"W-{n},Kim,KP,C-1,{note if n in (5, 40) else ''}" for n in range(50)]
    path = _write(tmp_path / "workers.csv", "\n".join([HEADER, *rows]) + "\n")
    _assert_same(read_records(path), _read_in_pieces(path, 200))


def test_a_record_id_three_times_in_pieces_cites_its_first_row_each_time(tmp_path: Path) -> None:
    """Duplicates are rejected over every piece, not within one first: the third row says it
    repeats the first, as read whole (a CSV cut and a Parquet file read by row groups)."""
    rows = [f"W-{0 if n in (100, 101) else n},Kim,KP,C-1," for n in range(200)]
    path = _write(tmp_path / "workers.csv", "\n".join([HEADER, *rows]) + "\n")
    whole = read_records(path)
    assert whole.rejected["reason"].str.contains("first on line 2").sum() >= 2
    _assert_same(whole, _read_in_pieces(path, 300))
    parquet = tmp_path / "workers.parquet"
    pq.write_table(pa_csv.read_csv(path), parquet, row_group_size=17)
    pieces = [read_parquet_piece(parquet, piece) for piece in parquet_pieces(parquet, 1)]
    assert len(pieces) > 5
    in_pieces = merged(reject_duplicate_ids(pieces))
    pd.testing.assert_frame_equal(
        in_pieces.rejected.reset_index(drop=True),
        read_records(parquet).rejected.reset_index(drop=True),
    )


@pytest.mark.parametrize(
    ("why", "text", "encoding"),
    [
        ("a quote inside an unquoted value", 'W-1,O"Brien,KP,C-1,\n', "utf-8"),
        ("text after a closing quote", 'W-1,"Kim" Chol,KP,C-1,\n', "utf-8"),
        ("a line ended by a lone CR", "W-1,Kim,KP,C-1,\rW-2,Pak,KP,C-1,\n", "utf-8"),
        ("a legacy encoding", "W-1,Ким,KP,C-1,\n", "cp1251"),
        ("UTF-16", "W-1,Kim,KP,C-1,\n", "utf-16"),
        (
            "a record the reader takes for a quote left open",
            f'W-1,Kim,KP,C-1,"{_LINES}"\n',
            "utf-8",
        ),
        ("a quote open at the end", 'W-1,"Kim,KP,C-1,\n', "utf-8"),
    ],
)
def test_a_file_the_quotes_or_bytes_cannot_vouch_for_is_not_cut(
    tmp_path: Path, why: str, text: str, encoding: str
) -> None:
    """Such a file is read whole, as without --engine dask."""
    body = "".join(f"W-{n:03d},Kim,KP,C-1,\n" for n in range(200))
    path = _write(tmp_path / "workers.csv", f"{HEADER}\n{body}{text}{body}", encoding)
    assert csv_pieces(path, 500) == [], why


def test_a_header_below_a_blank_line_or_over_two_lines_is_not_cut(tmp_path: Path) -> None:
    body = "".join(f"W-{n:03d},Kim,KP,C-1,\n" for n in range(200))
    below = _write(tmp_path / "below.csv", f"\n{HEADER}\n{body}")
    two_lines = _write(tmp_path / "two.csv", f'{HEADER},"a\nnote"\n{body}')
    assert csv_pieces(below, 500) == csv_pieces(two_lines, 500) == []


def test_a_file_no_larger_than_a_piece_is_read_whole(tmp_path: Path) -> None:
    path = _write(tmp_path / "workers.csv", f"{HEADER}\nW-1,Kim,KP,C-1,\n")
    assert csv_pieces(path, path.stat().st_size) == []
    assert csv_pieces(tmp_path / "missing.csv", 10) == []


_CELL = st.one_of(
    st.text(alphabet="abcКим 김,\"'\n;\t", max_size=12),  # a lone CR is not cut: its own test
    st.sampled_from(["", "KP", "C-1", "  padded  "]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_CELL, min_size=5, max_size=6), min_size=5, max_size=60),
    crlf=st.booleans(),
    target=st.integers(min_value=1, max_value=400),
)
def test_any_rfc_4180_file_reads_the_same_in_pieces(
    tmp_path: Path, rows: list[list[str]], crlf: bool, target: int
) -> None:
    """Cells quoted as RFC 4180 writes them (quotes doubled, line breaks inside), rows of the
    wrong width among them: the pieces give the whole file's table, wherever it is cut."""
    end = "\r\n" if crlf else "\n"

    def quoted(cell: str) -> str:
        if any(char in cell for char in ',"\n\r'):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    lines = [HEADER, *(",".join(quoted(cell) for cell in row) for row in rows)]
    text = codecs.BOM_UTF8.decode("utf-8") + end.join(lines) + end
    path = _write(tmp_path / "workers.csv", text)
    whole = read_records(path)
    cut = csv_pieces(path, target)
    if len(cut) < 2:
        return  # one piece: read whole
    _assert_same(whole, _joined(path, cut))
