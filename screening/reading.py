"""Reading record files: CSV bytes → a table of raw strings per record kind, plus rejected rows.

Every data row of a file ends in exactly one of two places: the raw table (with its file and line)
or the rejected table (with file, line, reason and the raw text). Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from screening.errors import InputFileError
from screening.records import RecordKind, Schema, schema_for

FILE_COLUMN = "_file"
LINE_COLUMN = "_line"
REJECTED_COLUMNS = ["file", "line", "reason", "raw"]

_HEADER_SEPARATORS = re.compile(r"[\s\-./]+")


@dataclass
class RawTable:
    """The rows of one file that could be split into fields, as stripped strings ('' = empty)."""

    path: Path
    kind: RecordKind
    sha256: str
    frame: pd.DataFrame
    rejected: pd.DataFrame
    extra_columns: list[str]

    @property
    def rows(self) -> int:
        return len(self.frame) + len(self.rejected)


def canonical_header(name: str) -> str:
    """`Full Name`, `full-name` and ` FULL_NAME ` all name the column `full_name`."""
    return _HEADER_SEPARATORS.sub("_", name.strip().casefold()).strip("_")


def detect_kind(columns: list[str], path: Path) -> RecordKind:
    """The one record kind whose required columns the header carries."""
    fits = [kind for kind in RecordKind if set(schema_for(kind).required) <= set(columns)]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        wanted = "; ".join(
            f"{kind.value} needs {', '.join(schema_for(kind).required)}" for kind in RecordKind
        )
        raise InputFileError(
            f"header fits no record kind ({wanted}); found columns: {', '.join(columns)}", path, 1
        )
    raise InputFileError(
        f"header fits more than one record kind ({', '.join(k.value for k in fits)}); "
        "split the file or rename the columns",
        path,
        1,
    )


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """Text of a records file: UTF-8 (with or without BOM) unless an encoding is given."""
    try:
        return data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"not valid {encoding or 'UTF-8'} text (byte {error.start}); "
            "give the file's encoding with --encoding, e.g. --encoding cp1251",
            path,
        ) from None
    except LookupError:
        raise InputFileError(f"unknown encoding {encoding!r}", path) from None


def read_records(path: Path, encoding: str | None = None) -> RawTable:
    """Read one CSV file of records; its kind is detected from the header."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputFileError(f"cannot read file: {error.strerror or error}", path) from None
    text = decode(data, path, encoding)
    rows, lines = _split(text, path)
    if not rows:
        raise InputFileError("file is empty: no header row", path)
    header = [canonical_header(name) for name in rows[0]]
    _check_header(header, path)
    kind = detect_kind(header, path)
    frame, rejected = _tabulate(rows[1:], lines[1:], header, schema_for(kind), path)
    known = set(schema_for(kind).columns)
    return RawTable(
        path=path,
        kind=kind,
        sha256=hashlib.sha256(data).hexdigest(),
        frame=frame,
        rejected=rejected,
        extra_columns=[name for name in header if name not in known],
    )


def _split(text: str, path: Path) -> tuple[list[list[str]], list[int]]:
    """CSV rows with the file line each starts on; blank lines are not rows."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:65536], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=False)
    rows: list[list[str]] = []
    lines: list[int] = []
    next_line = 1
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(next_line)
            next_line = reader.line_num + 1
    except csv.Error as error:
        raise InputFileError(f"cannot split CSV: {error}", path, reader.line_num) from None
    return rows, lines


def _check_header(header: list[str], path: Path) -> None:
    seen: set[str] = set()
    for name in header:
        if not name:
            raise InputFileError("header has an empty column name", path, 1)
        if name in seen:
            raise InputFileError(f"header names column {name!r} twice", path, 1)
        seen.add(name)


def _tabulate(
    rows: list[list[str]], lines: list[int], header: list[str], schema: Schema, path: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    width = len(header)
    kept: list[list[str]] = []
    kept_lines: list[int] = []
    rejected: list[tuple[str, int, str, str]] = []
    for row, line in zip(rows, lines, strict=True):
        if len(row) != width:
            reason = f"has {len(row)} fields, the header has {width}"
            rejected.append((str(path), line, reason, ",".join(row)))
            continue
        kept.append([cell.strip() for cell in row])
        kept_lines.append(line)
    frame = pd.DataFrame(kept, columns=header, dtype=object)
    for column in schema.columns:
        if column not in frame.columns:
            frame[column] = ""
    frame[FILE_COLUMN] = str(path)
    frame[LINE_COLUMN] = pd.Series(kept_lines, dtype="int64")
    frame, missing = _reject_missing_required(frame, schema)
    rejected_frame = pd.concat(
        [pd.DataFrame(rejected, columns=REJECTED_COLUMNS), missing], ignore_index=True
    )
    return frame.reset_index(drop=True), rejected_frame.sort_values("line", kind="stable")


def _reject_missing_required(frame: pd.DataFrame, schema: Schema) -> tuple[pd.DataFrame, pd.DataFrame]:
    empty = pd.DataFrame({name: frame[name].eq("") for name in schema.required})
    bad = empty.any(axis=1)
    if not bad.any():
        return frame, pd.DataFrame(columns=REJECTED_COLUMNS)
    reasons = empty[bad].apply(
        lambda flags: "missing required value: " + ", ".join(flags.index[flags]), axis=1
    )
    data_columns = [c for c in frame.columns if not c.startswith("_")]
    raw = frame.loc[bad, data_columns].agg(",".join, axis=1)
    missing = pd.DataFrame(
        {
            "file": frame.loc[bad, FILE_COLUMN],
            "line": frame.loc[bad, LINE_COLUMN],
            "reason": reasons,
            "raw": raw,
        }
    )
    return frame[~bad], missing
