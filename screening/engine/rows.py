"""Taking some rows of a whole column, and finding rows by id, without per-row Python."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.engine.text import arrow_text


def take_rows(series: pd.Series, rows: np.ndarray) -> pd.Series:
    """`series` at row positions `rows`, in that order, indexed 0..n-1.

    Arrow-backed text is taken a chunk at a time: Arrow's own take on a chunked column (as the
    CSV reader hands them over) joins the whole column first, ~10x slower for a few rows."""
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        arrow = pa.array(series.array)  # the column's own Arrow data, no copy
        chunked = arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])
        taken = _take_chunked(chunked, rows)
        return pd.Series(pd.array(taken, dtype=series.dtype))
    return series.iloc[rows].reset_index(drop=True)


def _take_chunked(chunked: pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
    if chunked.num_chunks == 1:
        return chunked.chunk(0).take(rows)
    starts = np.cumsum([0, *(len(chunk) for chunk in chunked.chunks)])
    chunk_of = np.searchsorted(starts, rows, side="right") - 1
    if np.any(np.diff(chunk_of) < 0):  # rows usually ascend; otherwise take them sorted
        order = np.argsort(chunk_of, kind="stable")
        return _take_chunked(chunked, rows[order]).take(np.argsort(order))
    bounds = np.searchsorted(chunk_of, np.arange(chunked.num_chunks + 1)).tolist()
    # positions within their chunk, converted to Arrow once and sliced per chunk: converting
    # per chunk cost as much as the take itself
    local = pa.array(rows - starts[chunk_of])
    pieces = [
        pc.call_function("array_take", [chunk, local.slice(start, end - start)])
        for chunk, start, end in zip(chunked.chunks, bounds[:-1], bounds[1:], strict=True)
        if start < end
    ]
    return pa.concat_arrays(pieces) if pieces else pa.array([], type=chunked.type)


def index_in(values: pd.Series, ids: pd.Series) -> np.ndarray:
    """For each value, the position of the first equal id in `ids`, or -1.

    Arrow hashes the text once per side; an object `Index.get_indexer` costs ~0.7 s a million."""
    value_set = arrow_text(ids)
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    found = pc.index_in(arrow_text(values), value_set=value_set).fill_null(-1)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.intp)


def distinct_rows(rows: np.ndarray) -> np.ndarray:
    """The distinct row positions, ascending: sorted, then neighbours compared (numpy 2.4's
    `np.unique` hashes, ~50x slower for a million rows)."""
    ordered = np.sort(rows)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered
