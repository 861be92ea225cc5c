"""A kind's raw string table → typed columns, with one data issue per value that did not read.

Text columns of the typed table share the raw table's Arrow buffers where normalizing changes no
value (the usual case), so a million records are held once, not twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.arrowbytes import (
    ARROW_WHITESPACE,
    EdgeBytes,
    blank_edge_suspects,
    empty_as_null,
)
from screening.normalizing.countries import normalize_countries
from screening.normalizing.decisions import apply_decisions, read_statuses
from screening.normalizing.fingerprints import fingerprints
from screening.normalizing.identifiers import look_alike_ids
from screening.normalizing.roles import read_roles
from screening.normalizing.values import (
    flag_fractions_of_one,
    parse_dates,
    parse_numbers,
    parse_percentages,
    plain_dates,
    plain_numbers,
    share_problems,
)
from screening.parallel import each
from screening.reading import FILE_COLUMN, LINE_COLUMN, TEXT, TRIMMED, text_column
from screening.records import Column, RecordKind, Schema, ValueType, schema_for
from screening.rows import DATA_ISSUE_COLUMNS

# Dates of things that have happened by the time a record is screened; a later one is an error in
# the data (an expiry or an end date may well lie ahead, so those are not checked).
PAST_EVENT_DATES = frozenset({"date_of_birth", "permit_issued", "contract_signed", "incorporated"})
# Typed as themselves: normalizing text is stripping it, and empty becomes missing.
_PLAIN_TEXT = frozenset({ValueType.text, ValueType.identifier})
# Mostly a different value on every record: fingerprints hash these cell by cell.
_DISTINCT = frozenset({ValueType.identifier})
# What stripping a value removes (Arrow's utf8_trim_whitespace) shows at its edges as these bytes.
_WHITESPACE_EDGES = EdgeBytes.of(ARROW_WHITESPACE)


@dataclass
class RecordTable:
    """All records of one kind: typed values, the raw strings they came from, and value problems."""

    kind: RecordKind
    values: pd.DataFrame
    raw: pd.DataFrame
    issues: pd.DataFrame

    @property
    def schema(self) -> Schema:
        return schema_for(self.kind)

    def __len__(self) -> int:
        return len(self.values)

    @cached_property
    def fingerprints(self) -> pd.Series:
        """Every record's fingerprint (`record_fingerprints`), computed once per table."""
        return record_fingerprints(self.kind, self.raw).set_axis(self.values.index)


def record_fingerprints(kind: RecordKind, raw: pd.DataFrame) -> pd.Series:
    """Each record's fingerprint (`fingerprints`, version `FINGERPRINT_VERSION`) of its values
    as given (not its file or line): a changed record gets a new one, a moved one keeps it. A
    record's own values decide it, so the rows of a finding can be hashed without the rest of
    the table; the result is indexed 0..n-1."""
    columns = [str(c) for c in raw.columns if not str(c).startswith("_")]
    schema = schema_for(kind)
    ids = {name for name, column in schema.columns.items() if column.type in _DISTINCT}
    return fingerprints(_as_given(raw[columns]), ids)


def empty_raw(kind: RecordKind) -> pd.DataFrame:
    """A raw table with the kind's columns and no rows."""
    columns = [*schema_for(kind).columns, FILE_COLUMN, LINE_COLUMN]
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


def normalize_table(
    kind: RecordKind,
    raw: pd.DataFrame,
    as_of: pd.Timestamp | None = None,
    look_alike: pd.Series | None = None,
) -> RecordTable:
    """Type every column of the kind's schema; extra columns stay text.

    With `as_of`, a date of a past event (birth, permit issued...) after it is a data issue; the
    value is kept. `look_alike`: the rows' look-alike record_id problems (`look_alike_ids`,
    indexed 0..n-1), where they were found over more records than `raw` holds (a partition).
    """
    raw = _as_given(raw.reset_index(drop=True))
    schema = schema_for(kind)
    stripped = bool(raw.attrs.get(TRIMMED, False))
    names = [str(label) for label in raw.columns]
    normalized = each(
        lambda name: _normalized(schema.columns.get(name), name, raw[name], stripped), names
    )
    typed = {name: column for name, (column, _) in zip(names, normalized, strict=True)}
    problems = {  # by field: the rows with a problem, and what it is
        name: problem
        for name, (_, problem) in zip(names, normalized, strict=True)
        if problem is not None
    }
    values = pd.DataFrame(typed, copy=False)
    if look_alike is None:
        look_alike = look_alike_ids(raw["record_id"], raw[FILE_COLUMN], raw[LINE_COLUMN])
    if not look_alike.empty:
        problems["record_id"] = look_alike
    apply_decisions(kind, values, raw, problems)
    _flag_fractions_of_one(schema, values, raw, problems)
    if as_of is not None:
        _flag_future(values, problems, as_of)
    return RecordTable(kind, values, raw, _issues(kind, raw, problems))


def combined_columns(kind: RecordKind, headers: Iterable[Iterable[str]]) -> list[str]:
    """The columns of the kind's rows from files with these headers: the schema's first (with
    `_file` and `_line`), then the files' other columns as they come."""
    leading = list(empty_raw(kind).columns)
    extra = [name for header in headers for name in header if name not in leading]
    return leading + list(dict.fromkeys(extra))


def combined_raw(
    kind: RecordKind, frames: list[pd.DataFrame], columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The kind's rows from every file, in `combined_columns` (or in `columns`, those of more
    files than these: a partition's); an extra column a file lacks is '' on its rows. One file's
    frame is used as it is."""
    if not frames:
        return empty_raw(kind)
    combined = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    order = list(columns or combined_columns(kind, (frame.columns for frame in frames)))
    absent = [name for name in order if name not in combined.columns]
    if absent:
        empty = pd.Series("", index=combined.index, dtype=TEXT)
        combined = combined.assign(**dict.fromkeys(absent, empty))
    combined = combined[order]
    extra = order[len(empty_raw(kind).columns) :]
    gaps = [name for name in extra if combined[name].hasnans]
    return combined.fillna(dict.fromkeys(gaps, "")) if gaps else combined


def _as_given(raw: pd.DataFrame) -> pd.DataFrame:
    """Every value column as `str` with '' for empty, as the reader gives them (a frame built
    elsewhere, e.g. by rule tests, may hold objects or NaN); `_file` and `_line` as they are."""
    converted = {
        str(name): column.fillna("").astype(TEXT)
        for name, column in raw.items()
        if not str(name).startswith("_") and (column.dtype != TEXT or column.hasnans)
    }
    return raw.assign(**converted) if converted else raw


def _normalized(
    column: Column | None, name: str, given: pd.Series, stripped: bool
) -> tuple[pd.Series, pd.Series | None]:
    """A column typed as the schema says (text if it says nothing), and the problems of the rows
    that have one (or None). `stripped`: the reader stripped every value already."""
    if name.startswith("_"):
        return given, None
    if column is None or column.type in _PLAIN_TEXT:
        return _text(given, stripped), None
    if column.type is ValueType.number:
        numbers = _plain_first(column, given, *plain_numbers(pa.chunked_array(given)))
        return _shares(*numbers) if column.percent else numbers
    if column.type is ValueType.date:
        return _plain_first(column, given, *plain_dates(pa.chunked_array(given)))
    return _per_distinct(column, given)


def _shares(numbers: pd.Series, problems: pd.Series | None) -> tuple[pd.Series, pd.Series | None]:
    """A percentage column with the shares over 100% or below 0% unknown and listed (those read
    whole-column, as plain numbers, are not checked on the way)."""
    beyond = share_problems(numbers)
    if beyond.empty:
        return numbers, problems
    numbers[beyond.index] = np.nan
    if problems is None:
        return numbers, beyond
    return numbers, pd.concat([problems, beyond]).sort_index()


def _plain_first(
    column: Column, text: pd.Series, plain: np.ndarray, parsed: np.ndarray
) -> tuple[pd.Series, pd.Series | None]:
    """The column with the values read for the whole column at once (`parsed` where `plain`),
    and the others, a few, read value by distinct value."""
    rest = np.flatnonzero(~plain)
    if len(rest):
        others, problems = _per_distinct(column, text.iloc[rest])
        parsed[rest] = others.to_numpy()
    else:
        problems = None
    return pd.Series(parsed, index=text.index), problems


def _per_distinct(column: Column, text: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    """Normalize each distinct value once and spread the results back over the column.

    Registers repeat values heavily (a few thousand distinct dates or countries in a million
    rows), so this turns the per-column work into per-distinct-value work.
    """
    codes, distinct = pd.factorize(text)
    values, problems = _normalize_column(column, pd.Series(distinct, dtype=object))
    spread = values.take(codes).set_axis(text.index)
    if problems is None:
        return spread, None
    return spread, _rows_with_problems(problems, codes, text.index)


def _rows_with_problems(problems: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The problem of each row that has one, from those of the distinct values (most rows have
    none: a column-long Series of NA would cost 8 bytes a row for nothing)."""
    rows = np.flatnonzero(problems.notna().to_numpy()[codes])
    return pd.Series(problems.to_numpy()[codes[rows]], index=index[rows], dtype=object)


def _normalize_column(column: Column, text: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    value_type, choices = column.type, column.choices
    if value_type is ValueType.date:
        return parse_dates(text)
    if value_type is ValueType.number:
        return parse_percentages(text) if column.percent else parse_numbers(text)
    if value_type is ValueType.country:
        return normalize_countries(text)
    if value_type is ValueType.decision:
        return read_statuses(text)
    if value_type is ValueType.role:
        return read_roles(text)
    if value_type is ValueType.choice:
        folded = text.str.strip().str.casefold()
        known = folded.isin(choices)
        problem = pd.Series(pd.NA, index=text.index, dtype=object)
        problem[folded.ne("") & ~known] = f"not one of: {', '.join(choices)}"
        return _text(folded.where(known, "")), problem
    return _text(text), None


def _flag_fractions_of_one(
    schema: Schema, values: pd.DataFrame, raw: pd.DataFrame, problems: dict[str, pd.Series]
) -> None:
    """Shares that may be fractions of one written as decimals (`flag_fractions_of_one`):
    unknown, and listed."""
    for name, column in schema.columns.items():
        if not column.percent or name not in values.columns:
            continue
        flagged = flag_fractions_of_one(values[name], raw[name], raw[FILE_COLUMN])
        if flagged.empty:
            continue
        values.loc[flagged.index, name] = np.nan
        problem = problems.get(name, pd.Series(dtype=object))
        problems[name] = pd.concat([problem, flagged]).sort_index()


def _flag_future(values: pd.DataFrame, problems: dict[str, pd.Series], as_of: pd.Timestamp) -> None:
    # in the columns' order: a set's follows the process's string hashing, and the issues'
    # order would change from run to run
    for name in [name for name in values.columns if name in PAST_EVENT_DATES]:
        later = values[name].gt(as_of).fillna(False).astype(bool)
        if later.any():
            problem = problems.get(name, pd.Series(dtype=object))
            new = values.index[later & ~values.index.isin(problem.index)]
            reason = f"date after the as-of date {as_of:%Y-%m-%d} (value kept)"
            flagged = pd.Series(reason, index=new, dtype=object)
            problems[name] = pd.concat([problem, flagged]).sort_index()


def _text(text: pd.Series, stripped: bool = False) -> pd.Series:
    """Stripped text, NaN for empty; the given column's buffers when stripping changes nothing,
    as for text the reader stripped (`stripped`: it strips a superset of whitespace)."""
    given = pa.chunked_array(text.astype(TEXT))
    if not stripped and _strip_changes(given):
        given = pc.utf8_trim_whitespace(given)
    # only a validity bitmap is added to each chunk: the text is shared
    return text_column(empty_as_null(given), text.index)


def _strip_changes(text: pa.ChunkedArray) -> bool:
    """Whether stripping whitespace changes any value. Only the values that may start or end with
    whitespace (`blank_edge_suspects`) can change, and those are few (the reader strips cells
    already), so only they are stripped. Text in other scripts (Cyrillic, CJK...) is no suspect."""
    for chunk in text.chunks:
        positions = blank_edge_suspects(chunk, _WHITESPACE_EDGES)
        if not len(positions):
            continue
        suspects = chunk if 2 * len(positions) > len(chunk) else chunk.take(pa.array(positions))
        stripped = pc.utf8_trim_whitespace(suspects)
        # stripping only removes, so as long means unchanged
        if pc.sum(pc.binary_length(stripped)) != pc.sum(pc.binary_length(suspects)):
            return True
    return False


def _issues(kind: RecordKind, raw: pd.DataFrame, problems: dict[str, pd.Series]) -> pd.DataFrame:
    parts = []
    for name, problem in problems.items():
        if problem.empty:
            continue
        given = raw.loc[
            problem.index, list(dict.fromkeys(["record_id", FILE_COLUMN, LINE_COLUMN, name]))
        ]
        parts.append(
            pd.DataFrame(
                {
                    "record_id": given["record_id"],
                    "record_type": kind.value,
                    "file": given[FILE_COLUMN],
                    "line": given[LINE_COLUMN],
                    "field": name,
                    "value": given[name],
                    "problem": problem,
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=DATA_ISSUE_COLUMNS)
    return pd.concat(parts).sort_index(kind="stable").reset_index(drop=True)
