"""The cell policy: what a value becomes in a cell, so input text never becomes a formula.

Every cell of every sheet is made under it, one value at a time (`clean_value`, `needs_text_guard`)
or a whole column of text at a time (`cleaned`, `formula_like`; tested equal to the scalar forms):
- formula / CSV injection: text starting with `=`, `+`, `-`, `@`, tab or carriage return (and text
  that is an Excel error code such as `#N/A`) is stored as a string cell with the `quotePrefix`
  style, so Excel shows it as text and keeps it text when a reviewer edits the cell;
- Excel's 32,767-character cell limit: longer text is cut, ending in a visible marker;
- characters XML cannot carry (C0 controls other than tab, newline, carriage return) are replaced by
  their visible Unicode "control picture" (U+2400 block), so nothing silently disappears; the
  non-characters U+FFFE and U+FFFF become U+FFFD;
- numbers Excel cannot hold (infinity) become text; dates and times are Excel serial numbers,
  time zones shown in UTC.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import PurePath
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.arrowbytes import flags, joined_bytes

CellValue: TypeAlias = str | int | float | bool | dt.date | dt.datetime | None

EXCEL_CELL_LIMIT = 32_767
TRUNCATION_MARKER = "… [truncated: {cut} characters]"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The error values Excel would read such text as.
ERROR_CODES = frozenset(
    (
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#PYTHON!",
    )
)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)

# XML 1.0 forbids C0 controls except tab, newline and carriage return (shown as their control
# pictures), and the non-characters U+FFFE and U+FFFF (shown as the replacement character).
ILLEGAL_XML = {code: chr(0x2400 + code) for code in (*range(0x00, 0x09), 0x0B, 0x0C)}
ILLEGAL_XML.update({code: chr(0x2400 + code) for code in range(0x0E, 0x20)})
ILLEGAL_XML.update({0xFFFE: "\ufffd", 0xFFFF: "\ufffd"})


def clean_text(text: str) -> str:
    """Text Excel can hold: illegal XML characters shown visibly, cut to the limit with a marker."""
    text = text.translate(ILLEGAL_XML)
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    # The marker is sized for the widest number it could show, so the result always fits.
    room = EXCEL_CELL_LIMIT - len(TRUNCATION_MARKER.format(cut=len(text)))
    return text[:room] + TRUNCATION_MARKER.format(cut=len(text) - room)


def clean_value(value: Any) -> CellValue:
    """A value a cell can hold: NaN/None → None, numpy → Python, text cleaned."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        # Excel has no infinity; a number cell holding "inf" corrupts the file.
        return number if math.isfinite(number) else str(number)
    if isinstance(value, pd.Timestamp):
        return _naive(value.to_pydatetime())
    if isinstance(value, dt.datetime):
        return _naive(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else _naive(pd.Timestamp(value).to_pydatetime())
    if isinstance(value, PurePath):
        return clean_text(str(value))
    if isinstance(value, list | tuple | set | frozenset):
        return clean_text("; ".join(str(item) for item in value))
    return clean_text(str(value))


def needs_text_guard(text: str) -> bool:
    """True when Excel would read this text as a formula or an error value rather than text."""
    return text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES


def cleaned(text: pa.Array) -> pa.Array:
    """`clean_text` over a column of text (large strings, null: no text): applied in Python
    where it changes something, which is rare."""
    if not _may_need_cleaning(text):
        return text
    needs = pc.or_(
        pc.match_substring_regex(text, _ILLEGAL_XML_PATTERN),
        pc.greater(pc.utf8_length(text), EXCEL_CELL_LIMIT),
    )
    where = np.flatnonzero(flags(needs))
    if not len(where):
        return text
    values = text.to_pylist()
    for index in where:
        values[index] = clean_text(values[index])
    return pa.array(values, type=text.type)


def starts_like_formula(first: np.ndarray) -> np.ndarray:
    """Which texts start with a formula trigger, given each one's first byte (0 for none,
    `arrowbytes.edges`): what a spreadsheet would evaluate, in a cell or a CSV field."""
    return np.isin(first, _FORMULA_BYTES)


def formula_like(text: pa.Array, first: np.ndarray) -> np.ndarray:
    """`needs_text_guard` over a column of clean text, given each string's first byte (0 for
    none, `arrowbytes.edges`)."""
    flagged = starts_like_formula(first)
    maybe_error = np.flatnonzero(first == ord("#"))
    if len(maybe_error):
        candidates = text.take(pa.array(maybe_error))
        flagged[maybe_error] = flags(pc.is_in(candidates, value_set=_ERROR_CODE_TEXTS))
    return flagged


_ILLEGAL_XML_PATTERN = "[" + "".join(re.escape(chr(code)) for code in ILLEGAL_XML) + "]"
# Every trigger is one ASCII character, and every error code starts with "#".
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_TRIGGERS).encode("ascii"), dtype=np.uint8)
_ERROR_CODE_TEXTS = pa.array(sorted(ERROR_CODES), pa.large_string())
# XML carries these C0 controls; the others, and U+FFFE and U+FFFF (led by the byte 0xEF, as are
# other characters), it cannot.
_XML_CONTROLS = np.frombuffer(b"\t\n\r", dtype=np.uint8)


def _may_need_cleaning(text: pa.Array) -> bool:
    """Whether any string could hold a character XML cannot carry or be over Excel's limit: a
    quick look at the bytes, so the regular expression only runs where it may find something."""
    if len(text) == 0:
        return False
    if (pc.max(pc.binary_length(text)).as_py() or 0) > EXCEL_CELL_LIMIT:
        return True
    data = np.frombuffer(joined_bytes(text), dtype=np.uint8)
    if not len(data) or (data.min() >= 0x20 and data.max() < 0xEF):
        return False  # no control byte and no 0xEF: two quick passes, no copy
    controls = data[data < 0x20]
    return bool((data == 0xEF).any()) or not np.isin(controls, _XML_CONTROLS).all()


def excel_serial(value: dt.date) -> float:
    """A date's or (naive) datetime's Excel serial number: days since 1899-12-30 (the 1900 date
    system)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    days = (moment - _EXCEL_EPOCH).days
    if 0 < days <= 60:
        days -= 1  # Excel counts 1900-02-29, a day that never was, as Lotus 1-2-3 did
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
    return days + seconds / 86_400


def _naive(value: dt.datetime) -> dt.datetime:
    """Excel has no time zones: aware datetimes are shown in UTC."""
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)
