"""Row takes, id lookups and Arrow text building: the same results as the plain pandas way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from screening.engine.rows import index_in, take_rows
from screening.engine.text import arrow_text, joined, text_series, unless_empty, with_given

VALUES = [None if i % 7 == 0 else f"v{i % 50}" for i in range(200)]


def _chunked(values: list[str | None], size: int) -> pd.Series:
    arrow = pa.chunked_array(
        [pa.array(values[i : i + size], pa.large_string()) for i in range(0, len(values), size)]
    )
    return pd.Series(pd.array(arrow, dtype="str"))


COLUMNS = {
    "many chunks": _chunked(VALUES, 13),
    "one chunk": pd.Series(VALUES, dtype="str"),
    "object": pd.Series(VALUES, dtype=object),
    "dates": pd.Series(pd.date_range("2020-01-01", periods=200)),
}
ROWS = {
    "none": np.array([], dtype=np.intp),
    "ascending": np.array([0, 5, 12, 13, 14, 100, 199]),
    "any order, repeated": np.array([199, 0, 26, 13, 13, 2, 150]),
}


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("rows", ROWS)
def test_take_rows_is_iloc(column: str, rows: str) -> None:
    series = COLUMNS[column]
    expected = series.iloc[ROWS[rows]].reset_index(drop=True)
    pd.testing.assert_series_equal(take_rows(series, ROWS[rows]), expected)


@pytest.mark.parametrize("column", ["many chunks", "one chunk", "object"])
def test_index_in_is_get_indexer(column: str) -> None:
    ids = pd.Series([f"v{i}" for i in range(0, 60, 3)] + [None], dtype="str")
    values = COLUMNS[column]
    expected = pd.Index(ids.to_numpy()).get_indexer(values.to_numpy())
    np.testing.assert_array_equal(index_in(values, ids), expected)


def test_joined_repeats_plain_strings_and_keeps_missing() -> None:
    value = arrow_text(pd.Series(["a", None, "c"], dtype="str"))
    assert text_series(joined(["x: ", value], 3)).tolist()[0::2] == ["x: a", "x: c"]
    assert text_series(joined(["x: ", value], 3)).isna().tolist() == [False, True, False]
    assert text_series(joined(["only text"], 2)).tolist() == ["only text", "only text"]


def test_unless_empty_and_with_given() -> None:
    shown = arrow_text(pd.Series(["KP", "KP", "2020-01-02"], dtype="str"))
    given = arrow_text(pd.Series(["", "KP", "2.1.2020"], dtype="str"))
    text = joined(["f: ", shown], 3)
    assert text_series(with_given(text, shown, given)).tolist() == [
        "f: KP",
        "f: KP",
        "f: 2020-01-02 (given as “2.1.2020”)",
    ]
    assert text_series(unless_empty(given, text)).tolist() == ["", "f: KP", "f: 2020-01-02"]


def test_with_given_where_nothing_differs_is_the_text() -> None:
    shown = arrow_text(pd.Series(["KP", "RU"], dtype="str"))
    given = arrow_text(pd.Series(["", "RU"], dtype="str"))
    assert text_series(with_given(shown, shown, given)).tolist() == ["KP", "RU"]


def test_index_in_finds_the_first_of_repeated_ids() -> None:
    ids = pd.Series(["a", "b", "a", None, "b"], dtype="str")
    values = _chunked(["b", "a", "z", None], 2)
    np.testing.assert_array_equal(index_in(values, ids), [1, 0, -1, 3])
