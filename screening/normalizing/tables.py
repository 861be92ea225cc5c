"""A kind's raw string table → typed columns, with one data issue per value that did not read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from screening.normalizing.countries import normalize_countries
from screening.normalizing.values import parse_dates, parse_numbers
from screening.reading import FILE_COLUMN, LINE_COLUMN
from screening.records import RecordKind, Schema, ValueType, schema_for
from screening.report.rows import DataIssueRow, columns

DATA_ISSUE_COLUMNS = list(columns(DataIssueRow))
# Dates of things that have happened by the time a record is screened; a later one is an error in
# the data (an expiry or an end date may well lie ahead, so those are not checked).
PAST_EVENT_DATES = frozenset({"date_of_birth", "permit_issued", "contract_signed", "incorporated"})


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
        """A hash of each record's values as given (not its file or line): a changed record
        gets a new fingerprint, a moved one keeps it. Deterministic across runs.

        Computed once per table (every rule's findings take theirs from it); `categorize`
        hashes each distinct value once, with the same result as hashing every cell."""
        columns = sorted(c for c in self.raw.columns if not c.startswith("_"))
        given = self.raw[columns].fillna("").astype(str)
        hashed = pd.util.hash_pandas_object(given, index=False, categorize=True)
        return hashed.map("{:016x}".format).set_axis(self.values.index)


def empty_raw(kind: RecordKind) -> pd.DataFrame:
    """A raw table with the kind's columns and no rows."""
    columns = [*schema_for(kind).columns, FILE_COLUMN, LINE_COLUMN]
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


def normalize_table(
    kind: RecordKind, raw: pd.DataFrame, as_of: pd.Timestamp | None = None
) -> RecordTable:
    """Type every column of the kind's schema; extra columns stay text.

    With `as_of`, a date of a past event (birth, permit issued...) after it is a data issue; the
    value is kept.
    """
    raw = raw.reset_index(drop=True)
    schema = schema_for(kind)
    values = raw.copy()
    problems: dict[str, pd.Series] = {}
    for name, column in schema.columns.items():
        text = raw[name].fillna("").astype(str)
        values[name], problem = _per_distinct(column.type, column.choices, text)
        if problem is not None:
            problems[name] = problem
    if as_of is not None:
        _flag_future(values, problems, as_of)
    for name in values.columns:
        if name not in schema.columns and not name.startswith("_"):
            values[name] = _text(raw[name].fillna("").astype(str))
    return RecordTable(kind, values, raw, _issues(kind, raw, problems))


def _per_distinct(
    value_type: ValueType, choices: tuple[str, ...], text: pd.Series
) -> tuple[pd.Series, pd.Series | None]:
    """Normalize each distinct value once and spread the results back over the column.

    Registers repeat values heavily (a few thousand distinct dates or countries in a million
    rows), so this turns the per-column work into per-distinct-value work.
    """
    codes, distinct = pd.factorize(text)
    values, problems = _normalize_column(value_type, choices, pd.Series(distinct, dtype=object))
    spread = values.take(codes).set_axis(text.index)
    if problems is None:
        return spread, None
    return spread, problems.take(codes).set_axis(text.index)


def _normalize_column(
    value_type: ValueType, choices: tuple[str, ...], text: pd.Series
) -> tuple[pd.Series, pd.Series | None]:
    if value_type is ValueType.date:
        return parse_dates(text)
    if value_type is ValueType.number:
        return parse_numbers(text)
    if value_type is ValueType.country:
        return normalize_countries(text)
    if value_type is ValueType.choice:
        folded = text.str.strip().str.casefold()
        known = folded.isin(choices)
        problem = pd.Series(pd.NA, index=text.index, dtype=object)
        problem[folded.ne("") & ~known] = f"not one of: {', '.join(choices)}"
        return _text(folded.where(known, "")), problem
    return _text(text), None


def _flag_future(values: pd.DataFrame, problems: dict[str, pd.Series], as_of: pd.Timestamp) -> None:
    for name in PAST_EVENT_DATES & set(values.columns):
        later = values[name].gt(as_of).fillna(False).astype(bool)
        if later.any():
            problem = problems.get(name, pd.Series(pd.NA, index=values.index, dtype=object))
            problems[name] = problem.mask(
                later & problem.isna(), f"date after the as-of date {as_of:%Y-%m-%d} (value kept)"
            )


def _text(text: pd.Series) -> pd.Series:
    stripped = text.astype("str").str.strip()
    return stripped.where(stripped.ne(""))


def _issues(kind: RecordKind, raw: pd.DataFrame, problems: dict[str, pd.Series]) -> pd.DataFrame:
    parts = []
    for name, problem in problems.items():
        bad = problem.notna()
        if not bad.any():
            continue
        parts.append(
            pd.DataFrame(
                {
                    "record_id": raw.loc[bad, "record_id"],
                    "record_type": kind.value,
                    "file": raw.loc[bad, FILE_COLUMN],
                    "line": raw.loc[bad, LINE_COLUMN],
                    "field": name,
                    "value": raw.loc[bad, name],
                    "problem": problem[bad],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=DATA_ISSUE_COLUMNS)
    return pd.concat(parts).sort_index(kind="stable").reset_index(drop=True)
