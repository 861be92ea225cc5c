"""Companion CSVs (tables longer than a sheet holds), written by Arrow: every value read back as
written, formula-like text neutralised, UTF-8 with a BOM, CRLF line ends, text quoted."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from screening.report.cells import FORMULA_TRIGGERS
from screening.report.companion import write_companion_csv

TEXTS = [
    "plain",
    "comma, inside",
    'a "quoted" word',
    "two\nlines",
    "lone\rreturn",
    "Ким Чоль Ун / 김철운",
    "#N/A",  # an error value, not a formula: Excel shows it as text in a CSV cell
    "",
    None,
    *(f"{trigger}SUM(A1)" for trigger in FORMULA_TRIGGERS),
]
# What each text must read back as: formula-like text with an apostrophe, missing as empty.
EXPECTED = [
    "plain",
    "comma, inside",
    'a "quoted" word',
    "two\nlines",
    "lone\rreturn",
    "Ким Чоль Ун / 김철운",
    "#N/A",
    "",
    "",
    *(f"'{trigger}SUM(A1)" for trigger in FORMULA_TRIGGERS),
]


def _read_back(path: Path) -> tuple[bytes, list[dict[str, str]]]:
    data = path.read_bytes()
    text = data.decode("utf-8-sig")
    return data, list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("dtype", [object, "str", "string", "category"])
def test_text_reads_back_as_written_and_never_as_a_formula(tmp_path: Path, dtype: str) -> None:
    frame = pd.DataFrame({"name": pd.Series(TEXTS, dtype=dtype), "line": range(2, len(TEXTS) + 2)})
    path = tmp_path / "r.findings.csv"
    write_companion_csv(frame, ["name", "line"], path)
    data, rows = _read_back(path)
    assert data.startswith(b'\xef\xbb\xbf"name","line"\r\n')  # Arrow quotes every text
    assert [row["name"] for row in rows] == EXPECTED
    assert [row["line"] for row in rows] == [str(n) for n in range(2, len(TEXTS) + 2)]


def test_numbers_dates_and_mixed_values_read_back_as_pandas_showed_them(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "count": pd.Series([1, 2, None], dtype="Int64"),
            "share": [40.0, 2.5, float("nan")],
            "decided_on": pd.Series([dt.date(2026, 12, 5), None, dt.date(2019, 12, 22)]),
            "mixed": pd.Series([7, "=cmd", dt.date(2018, 1, 9)], dtype=object),
        }
    )
    path = tmp_path / "r.findings.csv"
    write_companion_csv(frame, list(frame.columns), path)
    _, rows = _read_back(path)
    assert [row["count"] for row in rows] == ["1", "2", ""]
    assert [row["share"] for row in rows] == ["40", "2.5", ""]
    assert [row["decided_on"] for row in rows] == ["2026-12-05", "", "2019-12-22"]
    assert [row["mixed"] for row in rows] == ["7", "'=cmd", "2018-01-09"]


def test_only_the_columns_asked_for_in_their_order(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": ["1"], "b": ["2"], "c": ["3"]})
    path = tmp_path / "r.rejected.csv"
    write_companion_csv(frame, ["c", "a"], path)
    assert path.read_bytes() == b'\xef\xbb\xbf"c","a"\r\n"3","1"\r\n'
