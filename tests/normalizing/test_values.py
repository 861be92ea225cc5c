"""Dates and numbers as registers write them; what does not read is a problem, not a crash."""

from __future__ import annotations

import pandas as pd
import pytest

from screening.normalizing.values import (
    _DATE_FORMATS,
    _ISO_DATETIME,
    _date_part,
    _fullmatch,
    parse_dates,
    parse_numbers,
)


def test_dates_iso_and_day_first() -> None:
    values = pd.Series(["2023-03-14", "14.03.2023", "14/03/2023", "2023-03-14T10:00:00Z", ""])
    dates, problems = parse_dates(values)
    assert dates.iloc[:4].dt.strftime("%Y-%m-%d").tolist() == ["2023-03-14"] * 4
    assert pd.isna(dates.iloc[4])
    assert problems.isna().all()


def test_impossible_and_unreadable_dates_are_problems() -> None:
    dates, problems = parse_dates(pd.Series(["31/02/2020", "2020-13-01", "lots", "soon"]))
    assert dates.isna().all()
    assert problems.tolist()[:2] == ["impossible date", "impossible date"]
    assert problems.iloc[2].startswith("not a date")


def test_numbers_with_separators_and_currency() -> None:
    values = pd.Series(["95000", "1 200,50", "$1,200.50", "800 USD", "1.200,5", "12,5", "95 000 ₽"])
    numbers, problems = parse_numbers(values)
    assert numbers.tolist() == [95000, 1200.5, 1200.5, 800, 1200.5, 12.5, 95000]
    assert problems.isna().all()


def test_words_are_not_numbers() -> None:
    numbers, problems = parse_numbers(pd.Series(["lots", ""]))
    assert numbers.isna().all()
    assert problems.tolist()[0] == "not a number"
    assert pd.isna(problems.iloc[1])


MIXED = pd.Series(
    [
        "2023-03-14",
        "14.03.2023",
        "١٤/٠٣/٢٠٢٣",
        "２０２３-０３-１４",
        "Ким",
        "",
        "2023-3-4",
        "03/04/2020",
    ],
    dtype="str",
)


@pytest.mark.parametrize(("pattern", "_"), _DATE_FORMATS)
def test_ascii_values_matched_apart_match_as_the_whole_column_would(pattern: str, _: str) -> None:
    # pandas sends this column, having non-ASCII values, through Python's `re` as a whole
    assert _fullmatch(MIXED, pattern, MIXED.str.isascii()).equals(MIXED.str.fullmatch(pattern))


def test_only_values_with_a_colon_go_through_the_time_pattern() -> None:
    values = pd.Series(["2023-03-14T10:00:00Z", "2023-03-14 10:00", "2023-03-14", "10:00"])
    assert _date_part(values).equals(values.str.replace(_ISO_DATETIME, r"\1", regex=True))
    assert _date_part(MIXED).equals(MIXED)
