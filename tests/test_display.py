"""How values are shown to a reviewer in evidence and explanations."""

from __future__ import annotations

import math

import pandas as pd

from screening.display import MISSING, display


def test_numbers_show_whole_values_without_a_point_and_never_overflow() -> None:
    values = pd.Series([1500.0, 12.5, -3.0, 2.0**53, 1e20, -1e20, math.inf, None], dtype="float64")
    assert display(values).tolist() == [
        "1500",
        "12.5",
        "-3",
        "9007199254740992",
        "1e+20",
        "-1e+20",
        "inf",
        MISSING,
    ]


def test_dates_text_and_missing() -> None:
    dates = pd.to_datetime(pd.Series(["2017-09-11", None]))
    assert display(dates).tolist() == ["2017-09-11", MISSING]
    text = pd.Series(["Ri Chol", None], dtype="str")
    assert display(text).tolist() == ["Ri Chol", MISSING]
