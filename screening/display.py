"""How values are shown to a reviewer: ISO dates, plain numbers, percentages with their sign
(40%, 33.3333%), a dash for missing."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MISSING = "—"
# Whole numbers up to 2**53 are exact in a float and shown without a decimal point; beyond that
# (and infinities) a float is shown as Python writes it, e.g. 1e+20.
_EXACT_WHOLE = 2.0**53
# A percentage is shown to four decimals at most (a third: 33.3333%).
_PERCENT_DECIMALS = 4


def display(values: pd.Series, percent: bool = False) -> pd.Series:
    """Whole column as text for evidence and explanations; `percent`: numbers are percentages."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return _display_text(values)
    if pd.api.types.is_datetime64_any_dtype(values):
        shown = values.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_bool_dtype(values):
        shown = values.map({True: "yes", False: "no"})
    elif pd.api.types.is_float_dtype(values):
        if percent:
            values = values.round(_PERCENT_DECIMALS)
        whole = values.notna() & values.eq(values.round()) & values.abs().le(_EXACT_WHOLE)
        shown = values.astype("str")
        shown[whole] = values[whole].astype("int64").astype("str")
        if percent:
            shown = shown + "%"
    else:
        shown = values.astype("str")
    result: pd.Series = shown.where(values.notna(), MISSING).astype("str")
    return result


def _display_text(values: pd.Series) -> pd.Series:
    """Text as it is, missing as the dash: one Arrow kernel, where pandas' `where` and `astype`
    cost ~1 ms a column."""
    filled = pc.fill_null(pa.array(values.array), MISSING)
    return pd.Series(pd.array(filled, dtype="str"), index=values.index, name=values.name)
