"""Parquet bytes → the same cells a CSV gives: every value as stripped text, each row with a line.

A register too large for CSV is often handed over as Parquet. Its rows are read as the CSV they
could have been exported as: the column names are the header (line 1) and row `n` (from 0) is
"line" `n + 2`, so a Parquet file converted from a one-line-per-row CSV keeps the CSV's line
numbers. Typed values are written as the text normalizing reads: dates as ISO dates, time
stamps as ISO date-times, whole floats without a decimal point, nulls as empty cells.

A Parquet file comes from outside like a CSV. Its footer says how many rows and values it holds,
and compression lets a small file stand for far more: it is read only while the text it decodes
to stays within a budget proportional to its size (`MAX_EXPANSION`), checked from the footer and
from each column's dictionary before anything is decoded. Nested values, and bytes that are not
UTF-8, refuse the file with its column's name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from screening.errors import InputFileError
from screening.reading.splitting import Cells, all_empty, text_column, trimmed

FORMAT = "Parquet"
MAGIC = b"PAR1"
MAX_EXPANSION = 100
"""A Parquet file may decode to at most this many times its size in text (plus `SLACK`): columnar
compression reaches 5-20x on registers; a file decoding to far more is a decompression bomb."""
SLACK = 256 << 20
_OFFSET_BYTES = 8  # each decoded cell's offset in a large_string column
_PANDAS_INDEX = re.compile(r"__index_level_\d+__")


def is_parquet(data: bytes) -> bool:
    """Whether the bytes are a Parquet file: `PAR1` at both ends."""
    return len(data) >= 2 * len(MAGIC) and data.startswith(MAGIC) and data.endswith(MAGIC)


def is_parquet_file(path: Path) -> bool:
    """Whether the file is a Parquet file, from its first and last bytes alone."""
    try:
        with path.open("rb") as file:
            head = file.read(len(MAGIC))
            if file.seek(0, os.SEEK_END) < 2 * len(MAGIC):
                return False  # its first and last bytes overlap: too short for both magics
            file.seek(-len(MAGIC), os.SEEK_END)
            return is_parquet(head + file.read(len(MAGIC)))
    except OSError:
        return False  # reading the file will say what is wrong with it


@dataclass(frozen=True)
class Piece:
    """Consecutive row groups of a Parquet file, read as one table: its first row's place in
    the file (its lines follow from it), its rows and its compressed bytes."""

    row_groups: tuple[int, ...]
    first_row: int
    rows: int
    size: int


def pieces(path: Path, target_bytes: int) -> list[Piece]:
    """The file's row groups in pieces of about `target_bytes` uncompressed (a row group is
    never cut), read from its footer alone. Compressed bytes would say little of what a piece
    holds once read: registers compress 5-10x."""
    try:
        metadata = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError, ValueError) as error:
        raise InputFileError(f"cannot read Parquet file: {error}", path) from None
    found: list[Piece] = []
    groups: list[int] = []
    first = rows = size = held = 0
    for number in range(metadata.num_row_groups):
        group = metadata.row_group(number)
        if groups and held + group.total_byte_size > target_bytes:
            found.append(Piece(tuple(groups), first, rows, size))
            groups, first, rows, size, held = [], first + rows, 0, 0, 0
        groups.append(number)
        rows, held = rows + group.num_rows, held + group.total_byte_size
        size += sum(group.column(i).total_compressed_size for i in range(group.num_columns))
    found.append(Piece(tuple(groups), first, rows, size))
    return found


def parquet_cells(
    path: Path, max_columns: int, data: bytes | None = None, piece: Piece | None = None
) -> Cells:
    """The file's rows (or a piece's) as cells, blank rows counted but left out, like a CSV's;
    read from `data`, the file's bytes, or else from the file, memory-mapped."""
    source = _opened(path, data)
    names = _column_names(source.schema_arrow, path, max_columns)
    if piece is None:
        size = len(data) if data is not None else path.stat().st_size
        groups = tuple(range(source.metadata.num_row_groups))
        piece = Piece(groups, 0, source.metadata.num_rows, size)
    budget = Budget(path, piece.size)
    budget.spend(piece.rows * len(names) * _OFFSET_BYTES)
    columns = [_text(source, name, path, budget, piece.row_groups) for name in names]
    rows = piece.rows
    blank = all_empty(columns, rows)
    kept = np.flatnonzero(~blank)
    frame = pd.DataFrame(
        {
            index: text_column(column if not blank.any() else column.take(kept))
            for index, column in enumerate(columns)
        }
    )
    lines = kept.astype(np.int64) + piece.first_row + 2
    return Cells(
        header=names,
        header_line=1,
        frame=frame,
        lines=lines,
        ends=lines,
        line_count=rows + 1,
        blank_lines=int(blank.sum()),
    )


class Budget:
    """The decoded text a file may still grow to before it is refused as a decompression bomb."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.left = MAX_EXPANSION * size + SLACK

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise InputFileError(
                f"this Parquet file decodes to more than {MAX_EXPANSION} times its size; "
                "refused as a possible decompression bomb",
                self.path,
            )


def _opened(path: Path, data: bytes | None) -> pq.ParquetFile:
    """The file, its text columns read as dictionaries (their decoded size is known up front)."""

    def source() -> pa.NativeFile:
        return pa.BufferReader(data) if data is not None else pa.memory_map(str(path))

    try:
        schema = pq.ParquetFile(source()).schema_arrow
        textual = [field.name for field in schema if _is_textual(field.type)]
        return pq.ParquetFile(source(), read_dictionary=textual)
    except (pa.ArrowException, OSError, ValueError) as error:
        raise InputFileError(f"cannot read Parquet file: {error}", path) from None


def _is_textual(kind: pa.DataType) -> bool:
    return any(
        test(kind)
        for test in (
            pa.types.is_string,
            pa.types.is_large_string,
            pa.types.is_binary,
            pa.types.is_large_binary,
        )
    )


def _column_names(schema: pa.Schema, path: Path, max_columns: int) -> list[str]:
    """The columns to read: all but the index pandas may have stored, none nested."""
    names = [name for name in schema.names if not _PANDAS_INDEX.fullmatch(name)]
    if len(names) > max_columns:
        raise InputFileError(
            f"the file has {len(names):,} columns, more than the {max_columns:,} a records file "
            "may have: is this a records export?",
            path,
        )
    for name in names:
        kind = schema.field(name).type
        if pa.types.is_nested(kind):
            raise InputFileError(
                f"column {name!r} holds nested values ({kind}); a records file has one value "
                "per cell",
                path,
            )
    return names


def _text(
    source: pq.ParquetFile, name: str, path: Path, budget: Budget, groups: tuple[int, ...]
) -> pa.ChunkedArray:
    """One column of the row groups as stripped text, '' for null, in one chunk; its decoded
    size spent first."""
    try:
        column = source.read_row_groups(groups, columns=[name]).column(0)
    except (pa.ArrowException, OSError, ValueError) as error:
        raise InputFileError(f"cannot read Parquet column {name!r}: {error}", path) from None
    if pa.types.is_dictionary(column.type):
        budget.spend(_decoded_bytes(column))
        column = pa.chunked_array(
            [_looked_up(chunk, name, path) for chunk in column.chunks],
            type=pa.large_string(),
        )
    return trimmed(_as_text(column).fill_null(""))


def _decoded_bytes(column: pa.ChunkedArray) -> int:
    """The bytes of text a dictionary column becomes once every index is looked up."""
    total = 0
    for chunk in column.chunks:
        lengths = pc.binary_length(chunk.dictionary).fill_null(0)
        total += pc.sum(lengths.take(chunk.indices)).as_py() or 0  # a null index: no text
    return int(total)


def _looked_up(chunk: pa.DictionaryArray, name: str, path: Path) -> pa.Array:
    """A dictionary chunk's values as text; the dictionary alone is checked to be UTF-8 (Parquet
    readers trust a file's string columns to be, and a bad one would fail far downstream)."""
    values = chunk.dictionary.cast(pa.large_binary())
    try:
        words = values.cast(pa.large_string())
    except pa.ArrowInvalid:
        raise InputFileError(f"column {name!r} holds bytes that are not UTF-8 text", path) from None
    return words.take(chunk.indices)


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Typed values written as the text a CSV export would hold (see the module's docstring)."""
    if pa.types.is_floating(column.type):
        column = _whole_floats_as_integers(column)
    return column.cast(pa.large_string())


def _whole_floats_as_integers(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A float column with only whole values (how pandas stores integers with gaps) as integers,
    so 40.0 reads "40", not "40.0" or "4e+01"."""
    finite = pc.is_finite(column)
    whole = pc.equal(pc.floor(column), column)
    small = pc.less_equal(pc.abs(column), 2.0**53)
    if not pc.all(pc.and_(pc.and_(finite, whole), small)).as_py():
        return column
    return column.cast(pa.int64())
