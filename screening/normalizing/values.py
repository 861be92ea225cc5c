"""Dates and numbers, parsed a whole column at a time.

Dates: ISO (2023-03-14, 2023/03/14) and day-first forms used in the registers we read
(14.03.2023, 14/03/2023, 14-03-2023). A slashed or dashed date that would also read month-first
as another date (03/04/2020) is read day-first and listed as ambiguous, its value kept.
Numbers: spaces, non-breaking spaces and apostrophes as thousands separators, either comma or
point as decimal mark, currency signs and codes around.
Percentages (a share): 30, 30%, 30.5 %, 30,5 (a percentage needs no thousands separator, so a
comma is always its decimal mark), and a fraction of the whole written as one (1/3, ½) as that
part of 100%; a bare number is in percent (0.3 is 0.3%, not 30%: see `parse_percentages`).
A value that does not parse becomes unknown and its problem is reported; the record is kept.
Dates outside the records (an option, a decision, a suppression) are read by `read_date`, the
same parser, one value at a time.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Annotated

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BeforeValidator

from screening.arrowbytes import (
    byte_pattern,
    data_bytes,
    every_byte_below_ten,
    flags,
    offsets,
    words_at_each_byte,
)

_DATE_FORMATS: list[tuple[str, str]] = [
    (r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"),
    (r"\d{4}/\d{1,2}/\d{1,2}", "%Y/%m/%d"),
    (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
    (r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y"),
    (r"\d{1,2}-\d{1,2}-\d{4}", "%d-%m-%Y"),
]
# Slashes and dashes are day-first in the registers we read but month-first in US exports; the
# dotted form is day-first everywhere, so only the separated forms can be ambiguous.
_DAY_FIRST_SEPARATED = {"%d/%m/%Y", "%d-%m-%Y"}
_AMBIGUOUS = "ambiguous day/month order, read as day-first"
DATE_FORMS = "YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY or YYYY/MM/DD"
"""The forms `parse_dates` reads (ISO date-times are read as their date), as errors name them."""
_EARLIEST = pd.Timestamp("1678-01-01")
_LATEST = pd.Timestamp("2261-12-31")
# Days from 1970-01-01 to the first of each month from the earliest date's to the one after the
# latest date's.
_MONTH_STARTS = (
    np.arange("1678-01", "2262-02", dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)
)
# The two forms nearly every date comes in, fixed width, read from their digits without strptime:
# where the digits of YYYY-MM-DD and of DD.MM.YYYY are.
# their width, the separators of each (mask and value over the first eight bytes, little-endian)
# and where their digits are among those eight.
_PLAIN_WIDTH = 10


@dataclass(frozen=True)
class _PlainForm:
    """Where a fixed-width form has its separators (mask and value over the first eight bytes),
    its digits among those eight, and which two-digit pair of them is the day, the month and
    the century (byte k of `pairs`: the number bytes k and k + 1 spell; 8: the last two bytes)."""

    separators: tuple[np.uint64, np.uint64]
    digits: np.uint64
    century: int
    year: int
    month: int
    day: int


_PLAIN_FORMS = (
    _PlainForm(  # YYYY-MM-DD
        byte_pattern({4: ord("-"), 7: ord("-")}),
        byte_pattern(dict.fromkeys((0, 1, 2, 3, 5, 6), 0))[0],
        century=0,
        year=2,
        month=5,
        day=8,
    ),
    _PlainForm(  # DD.MM.YYYY
        byte_pattern({2: ord("."), 5: ord(".")}),
        byte_pattern(dict.fromkeys((0, 1, 3, 4, 6, 7), 0))[0],
        century=6,
        year=8,
        month=3,
        day=0,
    ),
)
_ZEROS = byte_pattern(dict.fromkeys(range(8), ord("0")))[1]
_NANOSECONDS_A_DAY = 86_400 * 10**9
_ISO_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
)

# Numbers nearly every amount is written as (see `plain_numbers`)
_PLAIN_NUMBER = r"^[0-9]+(?:\.[0-9]+)?$"
_PLAIN_NUMBER_WIDTH = 15

_CURRENCY = re.compile(
    r"(?i)^\s*(?:[$€₽£¥₩]|usd|eur|rub|руб\.?|cny|krw|kpw)?\s*(.*?)\s*(?:[$€₽£¥₩]|usd|eur|rub|руб\.?|р\.|cny|krw|kpw)?\s*$"
)
_GROUPING = re.compile(r"[\s\u00a0\u202f']")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_POINT = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(datetime64 column with NaT for unknown, problem text or NA) for a column of strings.

    A plain valid date in range (2023-03-14, 14.03.2023) is read from its digits; everything else
    (other forms, times, impossible or out-of-range dates) goes through the format patterns."""
    text = values.astype(str)
    given = pa.chunked_array(
        [pa.array(text.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)]
    )
    plain, dates = plain_dates(given)
    if not plain.any():
        return _dates_by_format(text)
    parsed = pd.Series(dates, index=text.index, dtype="datetime64[ns]")
    problems = pd.Series(pd.NA, index=text.index, dtype=object)
    if not plain.all():
        rest = ~plain
        by_format, their_problems = _dates_by_format(text[rest])
        parsed[rest] = by_format.to_numpy()
        problems[rest] = their_problems.to_numpy()
    return parsed, problems


def plain_dates(text: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(which values are empty or a valid date in range written YYYY-MM-DD or DD.MM.YYYY, those
    dates as datetime64[ns] and NaT elsewhere): exactly what the format patterns give these
    values, read from their bytes with no look at each value."""
    lengths = pc.fill_null(pc.binary_length(text), -1).to_numpy()
    plain = lengths == 0
    dates = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    rows = np.flatnonzero(lengths == _PLAIN_WIDTH)
    if not len(rows):
        return plain, dates
    array = pc.cast(text, pa.large_string()).combine_chunks()
    data = data_bytes(array)
    starts = offsets(array)[rows]
    head = words_at_each_byte(data, np.dtype("<u8"))[starts]
    tail = words_at_each_byte(data, np.dtype("<u2"))[starts + 8]
    for form in _PLAIN_FORMS:
        mask, value = form.separators
        shaped = np.flatnonzero((head & mask) == value)
        days, valid = _days_in_form(form, head[shaped], tail[shaped])
        read = rows[shaped[valid]]
        plain[read] = True
        dates[read] = (days[valid] * _NANOSECONDS_A_DAY).view("datetime64[ns]")
    return plain, dates


def _days_in_form(
    form: _PlainForm, head: np.ndarray, tail: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(days from 1970-01-01, whether a valid date) of values with the form's separators, given
    as their first eight bytes (a little-endian uint64) and last two (uint16). A digit is an
    ASCII digit, as in the format patterns (RE2 reads their digit class so)."""
    head_digits = (head ^ _ZEROS) & form.digits
    tail_digits = tail ^ np.uint16(ord("0") * 0x101)
    digits = every_byte_below_ten(head_digits) & every_byte_below_ten(tail_digits)
    # byte k becomes the two-digit number of bytes k and k + 1 (at most 99: nothing carries)
    pairs = (head_digits * np.uint64(10) + (head_digits >> np.uint64(8))).view(np.uint8)
    pairs = pairs.reshape(-1, 8)
    last = tail_digits.view(np.uint8).reshape(-1, 2)
    last_pair = last[:, 0] * np.uint8(10) + last[:, 1]

    def pair(position: int) -> np.ndarray:
        return last_pair if position == 8 else pairs[:, position]

    year = pair(form.century).astype(np.int32) * 100 + pair(form.year)
    return _days_since_epoch(np.where(digits, year, 0), pair(form.month), pair(form.day))


def _days_since_epoch(
    year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(days from 1970-01-01, whether the date is a day of the calendar the dates can be held
    in): months and their lengths looked up in a table of the months from the earliest to the
    latest date."""
    held = (year >= _EARLIEST.year) & (year <= _LATEST.year) & (month >= 1) & (month <= 12)
    months = np.where(held, (year - _EARLIEST.year) * 12 + month - 1, 0)
    first = _MONTH_STARTS[months]
    valid = held & (day >= 1) & (day <= _MONTH_STARTS[months + 1] - first)
    return first + day - 1, valid


def _dates_by_format(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """parse_dates through the format patterns, for any value. Worked on NumPy arrays: it mostly
    sees a handful of values, for which the fixed cost of pandas operations is most of the time."""
    stripped = _date_part(values.astype(str).str.strip())
    parsed = np.full(len(stripped), np.datetime64("NaT"), dtype="datetime64[ns]")
    problems = np.full(len(stripped), pd.NA, dtype=object)
    shaped = np.zeros(len(stripped), dtype=bool)
    for pattern, fmt in _DATE_FORMATS:
        fits = _fullmatch(stripped, pattern).to_numpy()
        if not fits.any():
            continue
        shaped |= fits
        rows = np.flatnonzero(fits)
        dates = pd.to_datetime(stripped[fits], format=fmt, errors="coerce")
        # Kept in nanoseconds downstream: a year like 0539 or 9999 cannot be held, only reported.
        held = (dates.isna() | dates.between(_EARLIEST, _LATEST)).to_numpy()
        parsed[rows] = dates.where(held).astype("datetime64[ns]").to_numpy()
        problems[rows[~held]] = "date out of range"
        if fmt in _DAY_FIRST_SEPARATED:
            ambiguous = _ambiguous(stripped[fits]) & ~np.isnat(parsed[rows])
            problems[rows[ambiguous]] = _AMBIGUOUS
    given = (stripped != "").to_numpy()
    problems[given & shaped & np.isnat(parsed) & pd.isna(problems)] = "impossible date"
    problems[given & ~shaped] = "not a date (expected YYYY-MM-DD or DD.MM.YYYY)"
    return pd.Series(parsed, index=values.index), pd.Series(problems, values.index, dtype=object)


def _date_part(text: pd.Series) -> pd.Series:
    """ISO date-times cut to their date. Only a value with a ':' can hold a time, so only those
    go through Python's `re` (a compiled pattern never reaches pyarrow's regex engine)."""
    timed = text.str.contains(":", regex=False)
    if not timed.any():
        return text
    return text.mask(timed, text[timed].str.replace(_ISO_DATETIME, r"\1", regex=True))


@lru_cache(maxsize=4096)
def read_date(text: str) -> dt.date:
    """One date given outside the records (`--as-of`, a decision's `decided_on`, a suppression's
    `expires`), read as the records' dates are: the same forms, through `parse_dates`.

    What the records would list as a data issue raises ValueError saying what is wrong and how
    to write the date; so does a day/month order that reads as two dates (03/04/2026), which a
    record keeps as day-first with an issue to review, but a single date has no one to review
    it. Cached: a decision store repeats a few dates over thousands of lines."""
    dates, problems = parse_dates(pd.Series([text], dtype=object))
    date, problem = dates.iloc[0], problems.iloc[0]
    if pd.isna(problem) and not pd.isna(date):
        return pd.Timestamp(date).date()
    if pd.isna(problem):
        what = "is empty"
    elif problem == _AMBIGUOUS:
        raise ValueError(
            f"{text!r} reads as one date day-first and another month-first: "
            "write it YYYY-MM-DD or DD.MM.YYYY"
        )
    elif problem == "impossible date":
        what = "is an impossible date"
    elif problem == "date out of range":
        what = f"is out of range, years {_EARLIEST.year} to {_LATEST.year}"
    else:
        what = "is not a date"
    raise ValueError(f"{text!r} {what} (dates are written {DATE_FORMS})")


def _written_date(value: object) -> object:
    """For pydantic: text read by `read_date`; a date (YAML reads ISO dates itself) or anything
    else left to pydantic."""
    return read_date(value) if isinstance(value, str) else value


WrittenDate = Annotated[dt.date, BeforeValidator(_written_date)]
"""A date field of a file a user writes (decision store, suppressions): any form the records'
dates may take."""


def _fullmatch(text: pd.Series, pattern: str) -> pd.Series:
    """`text.str.fullmatch(pattern)` through Python's `re`, value by value: what reaches here is
    the few values that are not plain dates (`plain_dates`), for which the fixed cost of pandas'
    string methods is most of the time."""
    compiled = re.compile(pattern)
    matched = [
        isinstance(value, str) and compiled.fullmatch(value) is not None
        for value in text.to_numpy(dtype=object)
    ]
    return pd.Series(matched, index=text.index, dtype=bool)


def _ambiguous(text: pd.Series) -> np.ndarray:
    """Day-first dates that would also read month-first, as another date (03/04/2020, not
    04/04/2020)."""
    parts = text.str.extract(r"^(\d{1,2})\D(\d{1,2})\D").astype("int64")
    return (parts[0].le(12) & parts[1].le(12) & parts[0].ne(parts[1])).to_numpy()


def plain_numbers(text: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(which values are empty or plain decimals, those as float64 and NaN elsewhere): exactly
    what `parse_numbers` gives these values, read for the whole column at once.

    A plain decimal is ASCII digits with at most one point between them, 15 characters at most:
    its digits are an exact double and one division by a power of ten rounds it, in pandas'
    parser as in Arrow's, so both give the same double."""
    lengths = pc.fill_null(pc.binary_length(text), -1).to_numpy()
    plain = lengths == 0
    numbers = np.full(len(text), np.nan)
    matched = flags(pc.match_substring_regex(text, _PLAIN_NUMBER))  # a missing value: no match
    shaped = matched & (lengths <= _PLAIN_NUMBER_WIDTH)
    rows = np.flatnonzero(shaped)
    if len(rows):
        numbers[rows] = pc.cast(text.take(pa.array(rows)), pa.float64()).to_numpy()
        plain[rows] = True
    return plain, numbers


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float column with NaN for unknown, problem text or NA) for a column of strings."""
    stripped = values.astype(str).str.strip()
    numbers = pd.to_numeric(stripped.where(stripped.ne(""), None), errors="coerce")
    pending = stripped.ne("") & numbers.isna()
    if pending.any():
        distinct = pd.unique(stripped[pending])
        readings = {value: _parse_number(value) for value in distinct}
        numbers[pending] = stripped[pending].map(readings)
    numbers = numbers.where(np.isfinite(numbers.astype("float64")))  # "inf" is not an amount
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    problems[stripped.ne("") & numbers.isna()] = "not a number"
    return numbers.astype("float64"), problems


def _parse_number(text: str) -> float:
    """One messy number: '1 200,50 ₽', '$1,200.50', "1'200", '1.200,5'."""
    match = _CURRENCY.match(text)
    core = _GROUPING.sub("", match.group(1) if match else text)
    if _THOUSANDS_COMMA.match(core):
        core = core.replace(",", "")
    elif _THOUSANDS_POINT.match(core):
        core = core.replace(".", "").replace(",", ".")
    elif core.count(",") == 1 and "." not in core:
        core = core.replace(",", ".")
    try:
        return float(core)
    except ValueError:
        return np.nan


# Percentages (see `parse_percentages`)
_PERCENT_SIGNS = "%％"
_VULGAR_FRACTIONS = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒"
_DECIMAL = re.compile(r"-?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_FRACTION = re.compile(
    rf"(?:(?P<whole>\d+)(?:\s+|(?=[{_VULGAR_FRACTIONS}])))?"
    rf"(?:(?P<top>\d+)\s*[/⁄]\s*(?P<bottom>\d+)|(?P<vulgar>[{_VULGAR_FRACTIONS}]))"
)
# No share needs more characters as a fraction (Python refuses to read very long whole numbers)
_LONGEST_FRACTION = 40
NOT_A_PERCENTAGE = "not a percentage (write e.g. 30, 30%, 30,5 or 1/3)"
_OVER_100 = "share over 100%"
_NEGATIVE = "negative share"
_EVERY_SHARE_AT_MOST_ONE = (
    "every share in the file is 1 or less: percent, or fractions of one (0.5 = 50%)? "
    "Read as unknown; write 50% (or 0.5% for half a percent)"
)


def parse_percentages(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float column in percent with NaN for unknown, problem text or NA) for a column of
    strings, as exports write a share: 30, 30%, 30 %, %30, 30.5, 30,5% (a comma is the decimal
    mark: a percentage never needs thousands), a fraction of the whole (1/3, ½: 33.33…%, 50%),
    a percentage with a fraction (33 1/3, 33⅓%). A bare number is read in percent, as the column
    says (0.3 is 0.3%); a fraction of one written as a decimal (0.3 for 30%) cannot be told from
    it value by value (see `flag_fractions_of_one`). Over 100% or below 0% is no share: unknown.
    Read a distinct value at a time."""
    stripped = values.astype(str).str.strip()
    distinct = pd.unique(stripped[stripped.ne("")])
    readings = {value: _parse_percentage(value) for value in distinct}
    numbers = stripped.map(readings).astype("float64")
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    problems[stripped.ne("") & numbers.isna()] = NOT_A_PERCENTAGE
    beyond = share_problems(numbers)
    numbers[beyond.index] = np.nan
    problems[beyond.index] = beyond
    return numbers, problems


def read_number(text: str) -> float | str:
    """One number as the records' are read: a share if it has a percent sign or a fraction
    (`50%`, `1/3`), else an amount (`1 200,50`); the text itself when it reads as neither."""
    shares = any(sign in text for sign in _PERCENT_SIGNS) or _FRACTION.search(text) is not None
    number = _parse_percentage(text.strip()) if shares else _parse_number(text.strip())
    return text if np.isnan(number) else number


def _parse_percentage(text: str) -> float:
    """One share in percent: `parse_percentages`, NaN when it does not read."""
    body, percent = text, False
    if body and body[-1] in _PERCENT_SIGNS:
        body, percent = body[:-1].rstrip(), True
    elif body and body[0] in _PERCENT_SIGNS:
        body, percent = body[1:].lstrip(), True
    if _DECIMAL.fullmatch(body):
        return float(body.replace(",", "."))
    fraction = _FRACTION.fullmatch(body) if len(body) <= _LONGEST_FRACTION else None
    if fraction is None:
        return np.nan
    if fraction["vulgar"]:
        part = Fraction(unicodedata.numeric(fraction["vulgar"])).limit_denominator(10)
    elif int(fraction["bottom"]) == 0:
        return np.nan
    else:
        part = Fraction(int(fraction["top"]), int(fraction["bottom"]))
    if fraction["whole"] is not None:  # 33 1/3: a percentage (a third of a percent more)
        return float(int(fraction["whole"]) + part)
    return float(part if percent else part * 100)  # 1/3 of the whole; 1/3% of a percent


def share_problems(numbers: pd.Series) -> pd.Series:
    """The problem of each share over 100% or below 0% (the rows that have one): no share."""
    over = numbers.gt(100).to_numpy(dtype=bool)
    under = numbers.lt(0).to_numpy(dtype=bool)
    rows = np.flatnonzero(over | under)
    return pd.Series(
        np.where(over[rows], _OVER_100, _NEGATIVE), index=numbers.index[rows], dtype=object
    )


def flag_fractions_of_one(numbers: pd.Series, given: pd.Series, files: pd.Series) -> pd.Series:
    """The shares (rows with a problem) that may be fractions of one written as decimals: a bare
    number above 0 and at most 1 (0.5, 1) in a file whose every share is at most 1 (a file of
    shares of 0.6 and 0.4 is one of fractions, 60% and 40%, more likely than one of shares under
    1%). Such a share is read as unknown, so an ownership test follows it rather than miss a
    majority, and listed with how to write it (0.5% or 50%). A share written with %, or as a
    fraction (1/2), says what it is."""
    small = numbers.gt(0) & numbers.le(1)
    if not small.any():
        return pd.Series(dtype=object)
    largest = numbers.groupby(files.to_numpy(), sort=False).transform("max")
    candidates = small & largest.le(1)
    written = given[candidates].astype(str)
    bare = ~written.str.contains(rf"[{_PERCENT_SIGNS}/⁄{_VULGAR_FRACTIONS}]", regex=True)
    rows = written.index[bare.to_numpy(dtype=bool)]
    return pd.Series(_EVERY_SHARE_AT_MOST_ONE, index=rows, dtype=object)
