"""Dates and numbers as registers write them; what does not read is a problem, not a crash."""

from __future__ import annotations

import pandas as pd
import pytest

from screening.normalizing.values import (
    _DATE_FORMATS,
    _ISO_DATETIME,
    _date_part,
    _dates_by_format,
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
def test_values_match_as_pandas_would_match_them(pattern: str, _: str) -> None:
    # pandas sends a column with non-ASCII values through Python's `re`, an ASCII one through
    # pyarrow's regex engine: both agree with `_fullmatch`
    assert _fullmatch(MIXED, pattern).equals(MIXED.str.fullmatch(pattern))
    ascii_only = MIXED[MIXED.str.isascii()]
    assert _fullmatch(ascii_only, pattern).equals(ascii_only.str.fullmatch(pattern))


EDGES = [
    "2020-02-29",
    "29.02.2000",
    "1900-02-29",
    "2021-02-29",
    "31.04.2020",
    "00.01.2020",
    "2020-00-10",
    "2020-13-10",
    "1677-12-31",
    "1678-01-01",
    "2261-12-31",
    "2262-01-01",
    "0000-01-01",
    "01.01.0539",
    "９９.０１.２０２０",
    "2020-01-02T10:00",
    " 2020-01-02",
    "03/04/2020",
    "2020-1-2",
    "н/д",
    "",
]


def test_plain_dates_read_from_digits_read_as_through_the_formats() -> None:
    values = pd.Series(
        EDGES + [f"{day:02d}.{month:02d}.2020" for day in range(33) for month in range(14)]
    )
    dates, problems = parse_dates(values)
    by_format, their_problems = _dates_by_format(values)
    assert dates.equals(by_format)
    assert problems.equals(their_problems)


def test_only_values_with_a_colon_go_through_the_time_pattern() -> None:
    values = pd.Series(["2023-03-14T10:00:00Z", "2023-03-14 10:00", "2023-03-14", "10:00"])
    assert _date_part(values).equals(values.str.replace(_ISO_DATETIME, r"\1", regex=True))
    assert _date_part(MIXED).equals(MIXED)


def test_every_day_in_range_reads_in_both_plain_forms() -> None:
    days = pd.date_range("1678-01-01", "2261-12-31", freq="D")
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        dates, problems = parse_dates(pd.Series(days.strftime(form)))
        assert (dates.to_numpy() == days.to_numpy()).all()
        assert problems.isna().all()


BYTE_EDGES = [
    "2020/01/02",
    "2020-01.02",
    "02-01-2020",
    "02.01-2020",
    "2020-0a-02",
    "20２0-01-02",
    "2020--1-02",
    "2020-01-0:",
    "202/-01-02",
    "2020-01-02\n",
    "2020-01-2 ",
    " 2020-01-2",
    "0.01.02020",
    "31.12.2261",
    "01.01.2262",
    "31.12.1677",
    "29.02.1700",
    "29.02.1600",
    "29.02.2000",
    "29.02.2200",
    "2100-02-29",
    "2024-02-29",
    "2024-04-31",
    "2024-12-32",
    "99.99.9999",
    "9999-99-99",
    "0000-00-00",
]


def test_plain_forms_told_apart_byte_by_byte_as_the_formats_tell_them() -> None:
    values = pd.Series(BYTE_EDGES + EDGES)
    dates, problems = parse_dates(values)
    by_format, their_problems = _dates_by_format(values)
    assert dates.equals(by_format)
    assert problems.equals(their_problems)
