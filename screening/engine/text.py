"""Text columns built with Arrow compute kernels, a whole rule's findings per call.

pandas' string operators run the same kernels, but each call costs ~0.3 ms of overhead on this
machine, and a rule's explanation and evidence text take dozens of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.arrowbytes import fixed_width_text

Text: TypeAlias = "pa.Array | pa.ChunkedArray"
"""A column of text (Arrow large strings), nulls for missing values."""


def arrow_text(series: pd.Series) -> Text:
    """A column as Arrow text, as `series.astype("str")` shows it (no copy when it is already)."""
    if not (isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"):
        series = series.astype("str")
    arrow = pa.array(series.array)
    return arrow if arrow.type == pa.large_string() else arrow.cast(pa.large_string())


def text_series(text: Text) -> pd.Series:
    """Arrow text as a pandas text column (`str` dtype), indexed 0..n-1."""
    return pd.Series(pd.array(text, dtype="str"))


def joined(parts: Sequence[str | Text], length: int, separator: str = "") -> Text:
    """The parts side by side, row by row, with `separator` between; plain strings repeat on
    every row. Missing in any part gives missing."""
    if all(isinstance(part, str) for part in parts):
        return _repeat(separator.join(parts), length)
    values = [_literal(part) if isinstance(part, str) else part for part in parts]
    return pc.binary_join_element_wise(*values, _literal(separator))


def repeated(value: str, length: int) -> pd.Series:
    """`value` on every one of `length` rows, as a text column.

    pandas broadcasts a plain string with a take per column, ~1 ms for a rule's findings."""
    return text_series(joined([value], length))


def replaced(text: Text, value: str, by: str) -> Text:
    """`text` with every `value` replaced by `by`."""
    return pc.if_else(pc.equal(text, _literal(value)), _literal(by), text)


def unless_empty(value: Text, text: Text) -> Text:
    """`text`, or the empty string where `value` is empty."""
    return pc.if_else(pc.equal(value, _literal("")), _literal(""), text)


GIVEN_AS = (" (given as “", "”)")
"""What follows a value shown otherwise than the file wrote it, around what the file wrote."""


def given_as(shown: str, written: str) -> str:
    """`shown (given as “written”)`."""
    return f"{shown}{GIVEN_AS[0]}{written}{GIVEN_AS[1]}"


def with_given(text: Text, shown: Text, given: Text) -> Text:
    """`text`, followed by ` (given as “…”)` where the file said something (`given`) other than
    the value as shown."""
    differs = pc.and_(pc.not_equal(given, _literal("")), pc.not_equal(given, shown))
    if not pc.any(differs).as_py():  # the usual case: the value is shown as the file gave it
        return text
    return pc.if_else(differs, joined([text, GIVEN_AS[0], given, GIVEN_AS[1]], len(text)), text)


def _repeat(value: str, length: int) -> pa.Array:
    """`value` on every one of `length` rows, built from its bytes: `pa.repeat` of a text
    scalar appends row by row (~75 ms for a 400-byte rule citation on 130,000 findings)."""
    data = value.encode()
    return fixed_width_text(data * length, len(data), length)


def _literal(value: str) -> pa.Scalar:
    return pa.scalar(value, type=pa.large_string())
