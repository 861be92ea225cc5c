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
    """(datetime64 column with NaT for unknown, problem text or NA) for a column of strings."""
    stripped = _date_part(values.astype(str).str.strip())
    ascii_only = stripped.str.isascii()
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    shaped = pd.Series(False, index=values.index)
    for pattern, fmt in _DATE_FORMATS:
        fits = _fullmatch(stripped, pattern, ascii_only)
        if not fits.any():
            continue
        shaped |= fits
        dates = pd.to_datetime(stripped[fits], format=fmt, errors="coerce")
        # Kept in nanoseconds downstream: a year like 0539 or 9999 cannot be held, only reported.
        held = dates.isna() | dates.between(_EARLIEST, _LATEST)
        parsed[fits] = dates.where(held).astype("datetime64[ns]")
        problems[(~held).reindex(values.index, fill_value=False)] = "date out of range"
        if fmt in _DAY_FIRST_SEPARATED:
            problems[fits & _ambiguous(stripped[fits], parsed)] = _AMBIGUOUS
    given = stripped.ne("")
    problems[given & shaped & parsed.isna() & problems.isna()] = "impossible date"
    problems[given & ~shaped] = "not a date (expected YYYY-MM-DD or DD.MM.YYYY)"
    return parsed, problems


def _date_part(text: pd.Series) -> pd.Series:
    """ISO date-times cut to their date. Only a value with a ':' can hold a time, so only those
    go through Python's `re` (a compiled pattern never reaches pyarrow's regex engine)."""
    timed = text.str.contains(":", regex=False)
    if not timed.any():
        return text
    return text.mask(timed, text[timed].str.replace(_ISO_DATETIME, r"\1", regex=True))


def _fullmatch(text: pd.Series, pattern: str, ascii_only: pd.Series) -> pd.Series:
    """`text.str.fullmatch(pattern)`, the ASCII values matched apart from the rest.

    pandas hands a column to pyarrow's regex engine only when every value is ASCII (there `\\d`
    means what it means in Python's `re`); one value in another script sends the whole column
    through `re`, value by value. Split, each part takes its own path with the same result."""
    if ascii_only.all() or not ascii_only.any():
        return text.str.fullmatch(pattern)
    parts = [text[ascii_only].str.fullmatch(pattern), text[~ascii_only].str.fullmatch(pattern)]
    return pd.concat(parts).reindex(text.index)


def _ambiguous(text: pd.Series, parsed: pd.Series) -> pd.Series:
    """Day-first dates that also read as month-first, as another date (03/04/2020, not 04/04)."""
    parts = text.str.extract(r"^(\d{1,2})\D(\d{1,2})\D").astype("int64")
    both = parts[0].le(12) & parts[1].le(12) & parts[0].ne(parts[1])
    return both.reindex(parsed.index, fill_value=False) & parsed.notna()


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
