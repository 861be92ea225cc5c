"""Files big enough for the fast splitter's shortcuts to meet their fall-backs: a quoted line
break across a parse block, a bare CR deep in the file, blank and malformed rows far apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.reading import read_records

HEADER = "record_id,full_name,nationality\n"
# Enough rows that the body spans several of pyarrow's 4 MiB parse blocks and 1 MiB byte scans.
ROWS = 160_000


def _rows(template: str) -> str:
    return "".join(template.format(i=i) for i in range(ROWS))


def test_quoted_line_breaks_across_parse_blocks_keep_cells_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "workers.csv"
    # every row spans two lines, so some block boundary falls inside a quoted field
    path.write_text(HEADER + _rows('W{i},"Kim\nChol {i}",KP\n'), encoding="utf-8")
    table = read_records(path)
    assert len(table.frame) == ROWS and table.rejected.empty
    assert list(table.frame["_line"].iloc[[0, 1, -1]]) == [2, 4, 2 * ROWS]
    assert table.frame["full_name"].iloc[-1] == f"Kim\nChol {ROWS - 1}"


def test_quoted_line_breaks_whose_halves_look_like_rows_are_never_split(tmp_path: Path) -> None:
    """Each half of these rows has the header's width: a parse block cut at the quoted line
    break would read two plausible rows instead of one, so no cut may fall there."""
    path = tmp_path / "workers.csv"
    path.write_text(HEADER + _rows('W{i},Kim,"KP\nW{i}b,Ri,CN"\n'), encoding="utf-8")
    table = read_records(path)
    assert len(table.frame) == ROWS and table.rejected.empty
    assert table.frame["record_id"].tolist() == [f"W{i}" for i in range(ROWS)]
    assert table.frame["nationality"].iloc[-1] == f"KP\nW{ROWS - 1}b,Ri,CN"


def test_quoted_line_breaks_with_a_malformed_row_reject_it_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "workers.csv"
    body = _rows('W{i},"Kim\nChol",KP\n') + "W-bad,Ri\n"
    path.write_text(HEADER + body, encoding="utf-8")
    table = read_records(path)
    assert len(table.frame) == ROWS
    assert table.rejected[["line", "reason"]].values.tolist() == [
        [2 * ROWS + 2, "has 2 fields, the header has 3"]
    ]


@pytest.mark.parametrize("terminator", ["\n", "\r\n"])
def test_blank_and_padded_rows_far_into_the_file(tmp_path: Path, terminator: str) -> None:
    rows = [f"W{i},Kim {i},KP" for i in range(ROWS)]
    rows[ROWS // 2] = ""  # a blank line in the middle
    rows[-2] = f"W{ROWS - 2},  Pak Il \t,\u00a0KP\u3000"  # padding to trim
    rows[-1] = ",,"  # a row of empty cells: blank, not a record
    path = tmp_path / "workers.csv"
    path.write_bytes((HEADER + terminator.join(rows) + terminator).encode("utf-8"))
    table = read_records(path)
    assert len(table.frame) == ROWS - 2 and table.rejected.empty
    assert table.frame["_line"].iloc[ROWS // 2] == ROWS // 2 + 3  # past the blank line
    last = table.frame.iloc[-1]
    assert (last["full_name"], last["nationality"], last["_line"]) == ("Pak Il", "KP", ROWS)


@pytest.mark.parametrize("where", [(1 << 20) - 1, 1 << 20, None])
def test_a_bare_cr_anywhere_counts_as_a_line_end(tmp_path: Path, where: int | None) -> None:
    """A CR as the last byte of a 1 MiB scan (its LF would be the next one's first), as the
    first byte of the next, and as the file's last byte."""
    rows = [f"W{i},Kim,KP" for i in range(ROWS // 2)]
    body = "\n".join(rows) + "\n"
    if where is not None:
        before = body.rfind("\n", 0, where)
        pad = where - before  # lengthen that row's name so its line ends at `where` exactly
        row = body.count("\n", 0, before)
        rows[row] += "x" * pad
        body = "\n".join(rows) + "\n"
        assert body[where] == "\n"
        body = body[:where] + "\r" + body[where + 1 :]
    else:
        body = body[:-1] + "\r"
    path = tmp_path / "workers.csv"
    path.write_bytes((HEADER + body).encode())
    table = read_records(path)
    assert len(table.frame) == len(rows) and table.rejected.empty
    assert list(table.frame["_line"]) == list(range(2, len(rows) + 2))
