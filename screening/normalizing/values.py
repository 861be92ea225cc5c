"""Dates and numbers, parsed a whole column at a time.

Dates: ISO (2023-03-14, 2023/03/14) and day-first forms used in the registers we read
(14.03.2023, 14/03/2023, 14-03-2023). A slashed or dashed date that would also read month-first
as another date (03/04/2020) is read day-first and listed as ambiguous, its value kept.
Numbers: spaces, non-breaking spaces and apostrophes as thousands separators, either comma or
point as decimal mark, currency signs and codes around.
A value that does not parse becomes unknown and its problem is reported; the record is kept.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
_EARLIEST = pd.Timestamp("1678-01-01")
_LATEST = pd.Timestamp("2261-12-31")
# The two forms nearly every date comes in, fixed width, read from their digits without strptime
# (RE2's \d is ASCII digits only, as in the digit arithmetic).
_ISO_FIXED = r"^\d{4}-\d{2}-\d{2}$"
_DOTTED_FIXED = r"^\d{2}\.\d{2}\.\d{4}$"
_ISO_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
)

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
    plain, dates = _plain_dates(text)
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


def _plain_dates(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(which values are a valid date in range written YYYY-MM-DD or DD.MM.YYYY, those dates as
    datetime64[ns] and NaT elsewhere): exactly what the format patterns give these values."""
    given = pa.array(text.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    iso = _matches(given, _ISO_FIXED)
    dotted = _matches(given, _DOTTED_FIXED)
    shaped = np.flatnonzero(iso | dotted)
    dates = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    if not len(shaped):
        return np.zeros(len(text), dtype=bool), dates
    digits = _fixed_width_bytes(given.take(pa.array(shaped)), 10).astype(np.int64) - ord("0")
    year_first = iso[shaped]
    year = np.where(year_first, _number(digits, 0, 4), _number(digits, 6, 4))
    month = np.where(year_first, _number(digits, 5, 2), _number(digits, 3, 2))
    day = np.where(year_first, _number(digits, 8, 2), _number(digits, 0, 2))
    month_start = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    first_day = month_start.astype("datetime64[D]")
    month_days = ((month_start + 1).astype("datetime64[D]") - first_day).astype(np.int64)
    valid = (
        (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= month_days)
        & (year >= _EARLIEST.year)
        & (year <= _LATEST.year)
    )
    plain = np.zeros(len(text), dtype=bool)
    plain[shaped[valid]] = True
    dates[shaped[valid]] = (first_day + (day - 1))[valid].astype("datetime64[ns]")
    return plain, dates


def _matches(text: pa.Array, pattern: str) -> np.ndarray:
    """Which values match the RE2 pattern (a missing value does not)."""
    found = pc.fill_null(pc.match_substring_regex(text, pattern), False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _fixed_width_bytes(text: pa.Array, width: int) -> np.ndarray:
    """The bytes of large strings that are all `width` bytes long, one row each."""
    data = pa.concat_arrays([text]) if text.offset else text
    start = int(np.frombuffer(data.buffers()[1], dtype=np.int64)[0])
    raw = np.frombuffer(data.buffers()[2], dtype=np.uint8)
    return raw[start : start + width * len(data)].reshape(-1, width)


def _number(digits: np.ndarray, start: int, width: int) -> np.ndarray:
    """The decimal number each row's digits[start:start + width] spell."""
    number = np.zeros(len(digits), dtype=np.int64)
    for position in range(start, start + width):
        number = number * 10 + digits[:, position]
    return number


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


def _fullmatch(text: pd.Series, pattern: str) -> pd.Series:
    """`text.str.fullmatch(pattern)` through Python's `re`, value by value: what reaches here is
    the few values that are not plain dates (`_plain_dates`), for which the fixed cost of pandas'
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
