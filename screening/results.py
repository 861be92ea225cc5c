"""What a screen produced, as the report shows it: the inputs, the lists and every table.

`pipeline.screen` fills a `ScreenResult`; the report writes it, sheet by sheet, and never
re-derives anything. Kept apart from the pipeline so that the report depends on what a screen
gives, not on how it runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

RecordsListing = Literal["full", "summary", "auto"]
FULL_LISTING_LIMIT = 100_000
"""With `records="auto"`, screens up to this many records list every record on the Records sheet;
larger ones count them by file, kind and status: a sheet of millions of rows is no list a
reviewer reads, and the listing would cost more than the screen."""


@dataclass(frozen=True)
class InputSummary:
    """One input file of a run: what it was, and where each of its rows went."""

    path: Path
    kind: str
    sha256: str
    rows: int
    screened: int
    rejected: int
    format: str = ""
    encoding: str = ""
    """A CSV's encoding and delimiter; empty for a Parquet file, whose text is UTF-8 by format."""
    delimiter: str = ""
    lines: int = 0
    """Lines after the header, counted from the file's bytes, not from the parser's rows."""
    screened_lines: int = 0
    rejected_lines: int = 0
    blank_lines: int = 0
    recognised: tuple[str, ...] = ()
    """The file's headers that name a column of its kind (after the user's mapping)."""
    extra_columns: tuple[str, ...] = ()
    """The file's other headers: kept, and shown with each record, but read by no rule."""
    absent_tested: tuple[str, ...] = ()
    """Columns rules test that the file does not have: read as not recorded on its records."""

    @property
    def lines_balance(self) -> str:
        """`lines = in screened rows + in rejected rows + blank`, with ≠ if they do not add up."""
        parts = (self.screened_lines, self.rejected_lines, self.blank_lines)
        return balance(self.lines, parts)


@dataclass(frozen=True)
class ListSummary:
    """One sanctions list used by a run."""

    name: str
    source: str
    as_of: dt.date | None
    entries: int
    sha256: str


@dataclass(frozen=True)
class DecisionCounts:
    """What happened to the decision store's decisions on this screen's findings."""

    carried: int = 0
    """Findings whose earlier decision was carried (what it was made on is unchanged)."""
    reopened: int = 0
    """Findings decided earlier whose decision was not carried, because the record, the rule
    file or the matched list entry changed since: open again, `review_note` says what changed."""
    undecided: int = 0
    """Findings never decided (no decision in the store): open."""


@dataclass(frozen=True)
class ChangeCounts:
    """The Changes sheet's rows by kind (see `ChangeRow.change`)."""

    new: int = 0
    """Findings not in the baseline report."""
    gone: int = 0
    """Findings of the baseline report not in this screen."""
    changed: int = 0
    """Findings in both whose record, rule file or matched list entry changed."""


@dataclass(frozen=True)
class UnmatchedSuppression:
    """A suppression that set aside no finding of this screen (a typo'd id, a record not in the
    input, a rule that did not fire)."""

    file: str
    line: int
    target: str
    """What the suppression names: `finding F-…` or `rule_id …, record_id …`."""
    problem: str
    """Why it matched nothing, e.g. "no rule 'x' is loaded", "no record W-9 in the input"."""

    def __str__(self) -> str:
        """`file:line: suppression of <target> matches no finding: <problem>`"""
        return (
            f"{self.file}:{self.line}: suppression of {self.target} matches no finding: "
            f"{self.problem}"
        )


@dataclass
class ScreenResult:
    """Everything a screen produced; each DataFrame is one sheet of the report, its columns
    those of the sheet's row model in `screening.rows` (findings: `FindingRow`, records:
    `RecordRow`, record_counts: `RecordCountRow`, rejected: `RejectedRow`, data_issues:
    `DataIssueRow`, rules: `RuleRow`, sources: `SourceRow`, changes: `ChangeRow`)."""

    as_of: dt.date
    started: dt.datetime
    duration_s: float
    command: str
    tool_version: str
    rules_dir: Path
    rules_hash: str
    inputs: list[InputSummary]
    lists: list[ListSummary]
    findings: pd.DataFrame
    """Its rule's title, legal basis, sources and hash are categories: each held once per rule
    (`findings.RULE_TEXT_COLUMNS`)."""
    records: pd.DataFrame
    rejected: pd.DataFrame
    data_issues: pd.DataFrame
    rules: pd.DataFrame
    sources: pd.DataFrame
    record_counts: pd.DataFrame
    """The records counted by file, record type and status, with their findings
    (`RecordCountRow`): the Records sheet when it counts them."""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Seconds each stage took; "lists" runs beside "read" and "normalize", not after them."""
    changes: pd.DataFrame | None = None
    """Findings new, gone or changed since `--baseline` (None when no baseline was given)."""
    review_files: dict[str, str] = field(default_factory=dict)
    """Decision store, suppressions and baseline used, for the Run sheet."""
    tables: str = ""
    """Where every row of the tables was written as files (`--tables`), and in which format."""
    engine: str = "pandas"
    """What screened the records: "pandas" (this process), or "dask" and its partitions."""
    records_listing: Literal["full", "summary"] = "full"
    """Whether the Records sheet lists every record or counts them (see ScreenRequest.records)."""
    every_record: bool = True
    """Whether `records` holds every screened record. A Dask screen leaves it empty when nothing
    needs the records' rows: the Records sheet counts them, and no baseline, suppressions or
    `--tables` ask for them (`ScreenRequest.every_record`)."""
    decision_counts: DecisionCounts = field(default_factory=DecisionCounts)
    """Decisions carried, findings reopened and findings never decided (decision store applied;
    all findings undecided when there is no store)."""
    change_counts: ChangeCounts | None = None
    """The Changes sheet's rows by kind (None when no baseline was given)."""
    unmatched_suppressions: list[UnmatchedSuppression] = field(default_factory=list)
    """Suppressions (of `--suppressions`) that matched no finding, in file order."""

    @property
    def input_rows(self) -> int:
        return sum(item.rows for item in self.inputs)

    @property
    def screened_rows(self) -> int:
        return sum(item.screened for item in self.inputs)

    @property
    def rejected_rows(self) -> int:
        return sum(item.rejected for item in self.inputs)

    @property
    def rows_balance(self) -> str:
        """`input rows = screened + rejected`, over every input file."""
        return balance(self.input_rows, [self.screened_rows, self.rejected_rows])

    @property
    def line_counts(self) -> tuple[int, int, int, int]:
        """Every input file's lines after its header, then those in screened rows, in rejected
        rows, and blank: the last three add up to the first."""
        return (
            sum(item.lines for item in self.inputs),
            sum(item.screened_lines for item in self.inputs),
            sum(item.rejected_lines for item in self.inputs),
            sum(item.blank_lines for item in self.inputs),
        )

    @property
    def lines_balance(self) -> str:
        """`lines = in screened rows + in rejected rows + blank`, over every input file."""
        total, *parts = self.line_counts
        return balance(total, parts)


def balance(
    total: int, parts: Sequence[int], names: Sequence[str] = (), total_name: str = ""
) -> str:
    """`total = a + b + …`, each number followed by its name when given ("1000 input rows =
    999 screened + 1 rejected"); "≠" makes a broken invariant impossible to miss rather than
    printing a false equation."""
    relation = "=" if total == sum(parts) else "≠"
    shown = [f"{part} {name}" for part, name in zip(parts, names, strict=True)] if names else parts
    head = f"{total} {total_name}" if total_name else str(total)
    return f"{head} {relation} " + " + ".join(str(part) for part in shown)
