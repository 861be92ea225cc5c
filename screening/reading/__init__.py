"""Reading record files: CSV or Parquet bytes → a table of raw strings per record kind, plus
rejected rows.

A CSV's bytes become UTF-8 in `encodings`, UTF-8 becomes cells in `splitting`; a Parquet file's
values become the same cells in `parquet`. Here the header decides the record kind and each row
lands in the table or on the rejected list.

Every data row of a file ends in exactly one of two places: the raw table (with its file and line)
or the rejected table (with file, line, reason and the raw text). Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening import parallel
from screening.errors import InputFileError
from screening.reading.cutting import CsvPiece
from screening.reading.encodings import decode
from screening.reading.headers import (
    NO_MAP,
    ColumnMap,
    canonical_header,
    refuse_look_alikes,
    refuse_near_kind,
)
from screening.reading.parquet import FORMAT as PARQUET
from screening.reading.parquet import Piece, is_parquet, parquet_cells
from screening.reading.splitting import (
    BLANK,
    TEXT,
    TRIMMED,
    Cells,
    detect_delimiter,
    first_line,
    shifted,
    split,
    text_column,
)
from screening.records import RecordKind, Schema, schema_for
from screening.rows import REJECTED_COLUMNS

__all__ = [
    "FILE_COLUMN",
    "NO_MAP",
    "ColumnMap",
    "LINE_COLUMN",
    "TEXT",
    "TRIMMED",
    "RawTable",
    "canonical_header",
    "decode",
    "detect_kind",
    "read_records",
    "duplicate_reasons",
    "merged",
    "read_csv_piece",
    "read_parquet_piece",
    "reject_duplicate_ids",
    "reject_rows",
    "text_column",
]

CSV = "CSV"
FILE_COLUMN = "_file"
LINE_COLUMN = "_line"

MAX_COLUMNS = 1_000
"""Records exports have tens of columns; every column costs time in every stage, so a header of
thousands (not a records file) is refused before its rows are split."""


@dataclass
class RawTable:
    """The rows of one file that could be split into fields, as stripped strings ('' = empty).

    `frame` holds the file's columns and any missing schema column as `str` (Arrow) columns, the
    file path (`_file`, object: one shared string) and the line each row starts on (`_line`).
    Its `attrs[TRIMMED]` says its cells were stripped of BLANK, a superset of whitespace."""

    path: Path
    kind: RecordKind
    sha256: str
    frame: pd.DataFrame
    rejected: pd.DataFrame
    extra_columns: list[str]
    encoding: str = "utf-8"  # a CSV's; "" for Parquet
    delimiter: str = ","  # a CSV's, and what a rejected row's cells are joined by
    format: str = CSV
    header: list[str] = field(default_factory=list)  # the file's own columns, in its order
    lines: int = 0  # after the header, counted from the file's bytes
    blank_lines: int = 0  # of those, lines in no row: blank, or rows with every cell empty
    spans: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    """Lines covered by each row that covers more than one, by the line it starts on."""
    mapped: dict[str, str] = field(default_factory=dict)
    """Columns the user's mapping gave a header of the file: column → the header as written."""

    @property
    def rows(self) -> int:
        return len(self.frame) + len(self.rejected)

    @property
    def screened_lines(self) -> int:
        return self._lines_of(self.frame[LINE_COLUMN])

    @property
    def rejected_lines(self) -> int:
        return self._lines_of(self.rejected["line"])

    def _lines_of(self, starts: pd.Series) -> int:
        """How many lines the rows starting on these lines cover."""
        if self.spans.empty:
            return len(starts)
        extra = self.spans.reindex(starts.to_numpy(dtype=np.int64)).fillna(1) - 1
        return len(starts) + int(extra.sum())


def detect_kind(columns: list[str], path: Path, line: int = 1) -> RecordKind:
    """The one record kind whose required columns the header carries."""
    fits = [kind for kind in RecordKind if set(schema_for(kind).required) <= set(columns)]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        wanted = "; ".join(
            f"{kind.value} needs {', '.join(schema_for(kind).required)}" for kind in RecordKind
        )
        raise InputFileError(
            f"header fits no record kind ({wanted}); found columns: {', '.join(columns)}",
            path,
            line,
        )
    raise InputFileError(
        f"header fits more than one record kind ({', '.join(k.value for k in fits)}); "
        "split the file or rename the columns",
        path,
        line,
    )


def read_records(path: Path, encoding: str | None = None, columns: ColumnMap = NO_MAP) -> RawTable:
    """Read one file of records, CSV or Parquet (told by its bytes, not its name); a CSV's
    encoding and delimiter are detected. The kind is detected, the headers read through the
    user's mapping, and a header that looks like a column refused."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None
    # hashlib and pyarrow's parser both let go of the GIL: the digest costs no time of its own
    digest = parallel.start(partial(_sha256, data))
    split = _cells(data, path, encoding)
    sha256 = digest.result()
    del data  # the file's bytes: its cells are all that is needed from here on
    return _table(path, split, columns, sha256)


def read_parquet_piece(path: Path, piece: Piece, columns: ColumnMap = NO_MAP) -> RawTable:
    """Read a piece of a Parquet file (`parquet.pieces`), its lines the file's; the file's
    SHA-256 is left blank, for `merged` to set once the pieces are joined, and a record_id
    repeated for `reject_duplicate_ids` to reject over every piece."""
    split = _parquet_split(parquet_cells(path, MAX_COLUMNS, piece=piece))
    return _table(path, split, columns, sha256="", whole=False)


def read_csv_piece(path: Path, piece: CsvPiece, columns: ColumnMap = NO_MAP) -> RawTable:
    """Read a piece of a CSV file (`cutting.csv_pieces`) under the file's header, its lines the
    file's; the rest as `read_parquet_piece`."""
    try:
        with path.open("rb") as file:
            header = file.read(piece.header)
            file.seek(piece.start)
            body = file.read(piece.stop - piece.start)
    except OSError as error:
        raise _unreadable(path, error) from None
    split = _cells(header + body, path, None)
    cells = shifted(split.cells, piece.first_line - 2)  # the piece's first line is its line 2
    return _table(path, split._replace(cells=cells), columns, sha256="", whole=False)


def merged(pieces: Sequence[RawTable]) -> RawTable:
    """The pieces of one file (in order) as the file's table, with the file's SHA-256 (read
    from the file, a block at a time)."""
    first = pieces[0]
    rejected = [piece.rejected for piece in pieces if len(piece.rejected)]
    try:
        with first.path.open("rb") as file:
            sha256 = hashlib.file_digest(file, "sha256").hexdigest()
    except OSError as error:
        raise _unreadable(first.path, error) from None
    return replace(
        first,
        sha256=sha256,
        frame=pd.concat([piece.frame for piece in pieces], ignore_index=True),
        rejected=pd.concat(rejected, ignore_index=True) if rejected else first.rejected,
        lines=sum(piece.lines for piece in pieces),
        blank_lines=sum(piece.blank_lines for piece in pieces),
        spans=pd.concat([piece.spans for piece in pieces]) if len(pieces) > 1 else first.spans,
    )


def _table(
    path: Path, split: _Split, columns: ColumnMap, sha256: str, whole: bool = True
) -> RawTable:
    """The file's cells as its table: kind detected, headers read through the mapping, rows
    without a required value and, in a `whole` file, rows reusing a record_id rejected (a
    piece's are rejected over every piece, with the first row of all: `reject_duplicate_ids`)."""
    cells, delimiter = split.cells, split.delimiter
    header = columns.apply([canonical_header(name) for name in cells.header])
    where = (path, cells.header_line)
    _check_header(header, *where)
    try:
        kind = detect_kind(header, *where)
    except InputFileError:
        refuse_near_kind(cells.header, header, where)
        raise
    refuse_look_alikes(cells.header, header, schema_for(kind), columns, where)
    frame, rejected = _tabulate(cells, header, schema_for(kind), path, delimiter)
    known = set(schema_for(kind).columns)
    table = RawTable(
        path=path,
        kind=kind,
        sha256=sha256,
        frame=frame,
        rejected=rejected,
        extra_columns=[name for name in header if name not in known],
        encoding=split.encoding,
        delimiter=delimiter,
        format=split.form,
        header=header,
        lines=cells.line_count - cells.header_line,
        blank_lines=cells.blank_lines,
        spans=_spans(cells),
        mapped={
            new: written.strip()
            for written, new in zip(cells.header, header, strict=True)
            if canonical_header(written) != new
        },
    )
    return reject_duplicate_ids([table])[0] if whole else table


def _spans(cells: Cells) -> pd.Series:
    """Lines covered by each row (kept or rejected) that covers more than one."""
    starts = np.concatenate([cells.lines, [row.line for row in cells.rejected]])
    stops = np.concatenate([cells.ends, [row.last for row in cells.rejected]])
    longer = stops > starts
    covered = (stops[longer] - starts[longer] + 1).astype(np.int64)
    return pd.Series(covered, index=starts[longer].astype(np.int64), dtype="int64")


def _unreadable(path: Path, error: OSError) -> InputFileError:
    return InputFileError(f"cannot read file: {error.strerror or error}", path)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Split(NamedTuple):
    """A file split into cells, with the encoding it was read in ("" for Parquet, whose text is
    UTF-8 by its format), its delimiter (what a rejected row's cells are joined by) and its
    format."""

    cells: Cells
    encoding: str
    delimiter: str
    form: str


def _parquet_split(cells: Cells) -> _Split:
    return _Split(cells, "", ",", PARQUET)


def _cells(data: bytes, path: Path, encoding: str | None) -> _Split:
    """The file split into cells (see `_Split`)."""
    if is_parquet(data):
        return _parquet_split(parquet_cells(path, MAX_COLUMNS, data))
    decoded = decode(data, path, encoding)
    try:
        header = first_line(decoded)
        delimiter = detect_delimiter(header)
        _check_width(header, delimiter, path)
        cells = split(decoded, delimiter)
    except csv.Error as error:
        raise InputFileError(f"cannot split CSV: {error}", path) from None
    if cells is None:
        raise InputFileError("file is empty: no header row", path)
    return _Split(cells, decoded.encoding, delimiter, CSV)


def _check_width(header: str, delimiter: str, path: Path) -> None:
    """Refuse a header of more than `MAX_COLUMNS` columns before any row is split."""
    width = len(next(csv.reader(io.StringIO(header, newline=""), delimiter=delimiter), []))
    if width > MAX_COLUMNS:
        raise InputFileError(
            f"the header has {width:,} columns, more than the {MAX_COLUMNS:,} a records file "
            "may have: is this a records export?",
            path,
        )


def reject_duplicate_ids(tables: list[RawTable]) -> list[RawTable]:
    """Rows reusing a record_id an earlier row of the same kind has (in file order) → rejected.

    Findings, review decisions and references between records (a worker's employer_id) all key
    on record_id, so a second record under the same id would merge with the first; the first is
    screened, the later ones are rejected with the line of the first.
    """
    result = list(tables)
    for kind in RecordKind:
        chosen = [index for index, table in enumerate(tables) if table.kind is kind]
        reasons = duplicate_reasons([tables[index].frame for index in chosen])
        for place, why in reasons.items():
            result[chosen[place]] = reject_rows(tables[chosen[place]], why)
    return result


def duplicate_reasons(frames: list[pd.DataFrame]) -> dict[int, pd.Series]:
    """For frames of one kind's rows in file order (`record_id`, `_file`, `_line` are read), the
    rows reusing an earlier row's record_id: per frame (by its place in the list), the reason
    of each such row, indexed like the frame. Frames without one are left out."""
    if not _any_repeated([frame["record_id"] for frame in frames]):
        return {}
    ids = pd.concat(
        [frame[["record_id", FILE_COLUMN, LINE_COLUMN]] for frame in frames],
        keys=range(len(frames)),
        names=["table", "row"],
    )
    later = ids["record_id"].duplicated(keep="first")
    first = ids[~later].drop_duplicates("record_id").set_index("record_id")
    found = first.reindex(ids.loc[later, "record_id"])
    same_file = found[FILE_COLUMN].to_numpy() == ids.loc[later, FILE_COLUMN].to_numpy()
    where = np.where(
        same_file,
        "line " + found[LINE_COLUMN].astype(str),
        found[FILE_COLUMN] + " line " + found[LINE_COLUMN].astype(str),
    )
    reasons = pd.Series(
        "duplicate record_id " + ids.loc[later, "record_id"].map(repr) + ", first on " + where,
        index=ids.index[later],
    )
    places = reasons.index.get_level_values("table")
    return {int(place): reasons.xs(place, level="table") for place in places.unique()}


def _any_repeated(columns: list[pd.Series]) -> bool:
    """Whether a value occurs twice across the columns, in file order.

    Exports usually list ids in ascending order, which rules out a repeat at the cost of one
    comparison per row; only otherwise are the ids hashed."""
    if not columns:
        return False
    ids = pd.concat(columns, ignore_index=True)
    if ids.dtype == TEXT and len(ids) > 1:
        arrow = pa.chunked_array(ids)
        if pc.all(pc.greater(arrow.slice(1), arrow.slice(0, len(arrow) - 1))).as_py():
            return False
    return bool(ids.duplicated().any())


def reject_rows(table: RawTable, reasons: pd.Series) -> RawTable:
    """The table with the rows named by `reasons` (by index) moved to its rejected rows."""
    frame = table.frame
    moved = _rejections(frame.loc[reasons.index], reasons, table.header, table.delimiter)
    parts = [part for part in (table.rejected, moved) if len(part)]
    rejected = pd.concat(parts, ignore_index=True).sort_values("line", kind="stable")
    kept = frame.drop(index=reasons.index).reset_index(drop=True)
    return replace(table, frame=kept, rejected=rejected.reset_index(drop=True))


def _check_header(header: list[str], path: Path, line: int) -> None:
    seen: set[str] = set()
    for name in header:
        if not name:
            raise InputFileError("header has an empty column name", path, line)
        if name in seen:
            raise InputFileError(f"header names column {name!r} twice", path, line)
        seen.add(name)


def _tabulate(
    cells: Cells, header: list[str], schema: Schema, path: Path, delimiter: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = cells.frame.set_axis(header, axis=1)
    frame.attrs[TRIMMED] = True  # both splitters strip BLANK from every cell
    absent = [column for column in schema.columns if column not in frame.columns]
    if absent:
        empty = pd.Series("", index=frame.index, dtype=TEXT)  # one column's memory for them all
        for column in absent:
            frame[column] = empty
    frame[FILE_COLUMN] = pd.Series(str(path), index=frame.index, dtype=object)
    frame[LINE_COLUMN] = pd.Series(cells.lines, dtype="int64", index=frame.index)
    frame, repeated = _reject_repeated_header(frame, cells, header, delimiter)
    frame, missing = _reject_missing_required(frame, schema, header, delimiter)
    ragged = pd.DataFrame(
        [(str(path), row.line, row.reason, row.raw) for row in cells.rejected],
        columns=REJECTED_COLUMNS,
    )
    parts = [part for part in (ragged, repeated, missing) if len(part)]
    if not parts:
        return frame.reset_index(drop=True), pd.DataFrame(columns=REJECTED_COLUMNS)
    rejected = pd.concat(parts, ignore_index=True).astype({"line": "int64"})
    return frame.reset_index(drop=True), rejected.sort_values("line", kind="stable")


def _reject_repeated_header(
    frame: pd.DataFrame, cells: Cells, header: list[str], delimiter: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows that repeat the header (files joined end to end) → rejected, not read as a record
    whose record_id is "record_id"."""
    names = [cell.strip(BLANK) for cell in cells.header]
    same = frame[header[0]].eq(names[0]).to_numpy(dtype=bool, copy=True)
    for column, name in zip(header[1:], names[1:], strict=True):
        if not same.any():
            return frame, pd.DataFrame(columns=REJECTED_COLUMNS)
        same &= frame[column].eq(name).to_numpy(dtype=bool)
    if not same.any():
        return frame, pd.DataFrame(columns=REJECTED_COLUMNS)
    reason = f"repeats the header (line {cells.header_line}): files joined together?"
    return frame[~same], _rejections(frame[same], reason, header, delimiter)


def _reject_missing_required(
    frame: pd.DataFrame, schema: Schema, header: list[str], delimiter: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows without a value in a required column → rejected, naming the columns; column-wise."""
    empty = {name: frame[name].eq("").to_numpy(dtype=bool) for name in schema.required}
    bad = np.logical_or.reduce(list(empty.values()))
    if not bad.any():
        return frame, pd.DataFrame(columns=REJECTED_COLUMNS)
    nothing = pa.scalar(None, type=pa.large_string())
    names = [
        pc.if_else(pa.array(flags[bad]), _text(name), nothing) for name, flags in empty.items()
    ]
    listed = pc.binary_join_element_wise(*names, _text(", "), null_handling="skip")
    reasons = pc.binary_join_element_wise(_text("missing required value: "), listed, _text(""))
    shown = text_column(reasons, frame.index[bad])
    return frame[~bad], _rejections(frame[bad], shown, header, delimiter)


def _rejections(
    rows: pd.DataFrame, reasons: pd.Series | str, header: list[str], delimiter: str
) -> pd.DataFrame:
    """Rows of a file's table as rejected rows: their file, line and reason, and their cells in
    the file's column order joined by its delimiter again (column-wise, in Arrow)."""
    cells = [pa.array(rows[name].array, type=pa.large_string()) for name in header]
    raw = pc.binary_join_element_wise(*cells, _text(delimiter))
    return pd.DataFrame(
        {
            "file": rows[FILE_COLUMN],
            "line": rows[LINE_COLUMN],
            "reason": reasons,
            "raw": text_column(raw, rows.index),
        }
    )


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, type=pa.large_string())
