"""The rows of the report's tables: one pydantic model per sheet, the single source of truth for
its columns (their names are a public interface: users' scripts read them) and what each means.

The sheets are written from DataFrames for speed; these models give the column order, the
documentation, and the JSON Schema of a row, and tests validate sample rows against them. Every
stage takes a table's columns from the constants at the end of this module, never from a list of
its own: adding a column is adding a field here (and rendering it, if it needs more than text).

A report goes out and comes back (`review import`, `--baseline`), possibly written by an older or
a newer version. So reading one back needs only the columns marked `required_on_import` (what a
finding is matched by, and the reviewer's decision); any other known column may be absent (it
reads as blank), and a column this version does not know is ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, Field, JsonValue

DecisionValue = Literal["open", "confirmed", "false positive", "escalated"]
"""What a reviewer may write in a finding's `decision` cell."""
DECISIONS: tuple[str, ...] = get_args(DecisionValue)
DEFAULT_DECISION = "open"


def _required_on_import(**extra: JsonValue) -> dict[str, JsonValue]:
    """A column a report must still have to be read back (`review import`, `--baseline`)."""
    return {"required_on_import": True, **extra}


def _written_by(who: str, *, required_on_import: bool = False) -> dict[str, JsonValue]:
    """Who fills a Findings column: "reviewer" (in the workbook; the screen carries it from the
    decision store), or "review" (the screen, from the decision store and suppressions). Columns
    with neither are the screen's own findings."""
    extra: dict[str, JsonValue] = {"written_by": who}
    return _required_on_import(**extra) if required_on_import else extra


class FindingRow(BaseModel):
    """Findings: one rule that fired on one record, with everything a reviewer needs.

    In the order a reviewer reads them: which record and rule (kept in view), what was found,
    the decision, then the evidence and the law; the columns that identify and fingerprint the
    finding last (the report groups and folds the technical ones away)."""

    record_id: str = Field(json_schema_extra=_required_on_import())
    name: str | None = Field(description="The record's name")
    rule_id: str = Field(json_schema_extra=_required_on_import())
    severity: str = Field(description="violation, indicator or review")
    explanation: str = Field(description="The rule's sentence, filled with the evidence")
    decision: str = Field(
        description="open, confirmed, false positive or escalated",
        json_schema_extra=_written_by("reviewer", required_on_import=True),
    )
    reviewer: str | None = Field(
        default=None, json_schema_extra=_written_by("reviewer", required_on_import=True)
    )
    comment: str | None = Field(default=None, json_schema_extra=_written_by("reviewer"))
    decided_on: dt.date | None = Field(
        default=None,
        description="Blank on import: the day of the import",
        json_schema_extra=_written_by("reviewer"),
    )
    review_note: str | None = Field(
        default=None,
        description="Decision carried, re-review (what changed), suppression",
        json_schema_extra=_written_by("review"),
    )
    suppressed_until: str | None = Field(default=None, json_schema_extra=_written_by("review"))
    evidence: str = Field(
        description="field: value pairs the rule looked at (kept with a decision, compared with "
        "the baseline's)",
        json_schema_extra=_required_on_import(),
    )
    rule_title: str
    legal_basis: str = Field(description="e.g. UNSCR 2375 (2017) OP17")
    sources: str = Field(
        description="Quoted passages of the source articles, each with its publisher and date"
    )
    record_type: str = Field(
        description="worker, company or relationship", json_schema_extra=_required_on_import()
    )
    finding_id: str = Field(
        description="Stable id from rule, record and matched list entry",
        json_schema_extra=_required_on_import(),
    )
    file: str
    line: int
    list_reference: str | None = Field(
        default=None,
        description="Matched list entry, if any (part of the finding id)",
        json_schema_extra=_required_on_import(),
    )
    record_sha: str = Field(
        description="Fingerprint of the record's values", json_schema_extra=_required_on_import()
    )
    rule_sha: str = Field(
        description="Fingerprint of the rule file", json_schema_extra=_required_on_import()
    )
    entry_sha: str | None = Field(
        default=None,
        description="Fingerprint of the list entry",
        json_schema_extra=_required_on_import(),
    )


class ChangeRow(BaseModel):
    """Changes: a finding new, gone or changed since the baseline report."""

    change: str = Field(
        description="new, gone, or changed (in both reports; its record, rule file or matched "
        "list entry changed)"
    )
    finding_id: str
    rule_id: str
    record_type: str
    record_id: str
    name: str | None = None
    why: str = Field(
        description="What changed: record new/removed/changed, rule new/removed/changed, list "
        "entry changed, as-of date; each changed field as `field: before → after`"
    )
    changed_fields: str | None = Field(
        default=None, description="The names of the changed fields, comma-separated"
    )
    before: str | None = None
    after: str | None = None


class RecordRow(BaseModel):
    """Records: every screened record."""

    record_id: str
    record_type: str
    file: str
    line: int
    name: str | None
    status: str = Field(description="flagged or clear")
    findings: int
    details: str = Field(description="Every given value of the record, extra columns included")
    record_sha: str


class RecordCountRow(BaseModel):
    """Records, summarised (large screens): counts per file, record type and status."""

    file: str
    record_type: str
    status: str
    records: int
    findings: int


class RejectedRow(BaseModel):
    """Rejected: an input row that could not be screened."""

    file: str
    line: int
    reason: str
    raw: str


class DataIssueRow(BaseModel):
    """Data issues: a value that could not be read; the record is kept, the value is unknown."""

    record_id: str
    field: str
    value: str
    problem: str
    record_type: str
    file: str
    line: int


class RuleRow(BaseModel):
    """Rules: every rule applied, explained as `screening rules show` explains it."""

    rule_id: str
    title: str
    severity: str
    applies_to: str
    description: str = Field(description="What the rule finds and why")
    legal_basis: str
    provision: str = Field(description="What the provision requires, in a sentence or two")
    conditions: str = Field(description="When the rule fires, in words, one clause per line")
    exceptions: str = Field(description="What clears a record, one per line")
    file: str
    sha256: str


class SourceRow(BaseModel):
    """Sources: every cited passage, by the rule citing it (a finding's `sources` cell links to
    its rule's first)."""

    rule_id: str
    publisher: str
    title: str
    date: str = Field(description="As precise as the article allows: YYYY, YYYY-MM or YYYY-MM-DD")
    quote: str = Field(description="The passage, verbatim")
    url: str = Field(description="Where the article is published, or why no address is given")
    notes: str | None = Field(default=None, description="How the title, publisher or date was read")
    source_id: str
    file: str = Field(description="The article's text in the bundled corpus (seeds/)")


def columns(model: type[BaseModel]) -> tuple[str, ...]:
    """A sheet's columns, in order."""
    return tuple(model.model_fields)


def required_on_import(model: type[BaseModel]) -> tuple[str, ...]:
    """The columns (in sheet order) a report read back must have: the rest may be absent."""
    return tuple(name for name in columns(model) if _extra(model, name).get("required_on_import"))


def _columns_written_by(model: type[BaseModel], *who: str) -> tuple[str, ...]:
    return tuple(name for name in columns(model) if _extra(model, name).get("written_by") in who)


def _extra(model: type[BaseModel], name: str) -> dict[str, JsonValue]:
    extra = model.model_fields[name].json_schema_extra
    return extra if isinstance(extra, dict) else {}


FINDING_COLUMNS = columns(FindingRow)
"""Findings, as the report writes them."""
FINDING_REQUIRED_ON_IMPORT = required_on_import(FindingRow)
"""What a Findings sheet read back must have: a finding's id and what it is made of (checked
on import), the fingerprints and evidence a decision is kept with, and the decision and reviewer.
Any other column may be absent and reads as blank."""
REVIEWER_COLUMNS = _columns_written_by(FindingRow, "reviewer")
"""The Findings columns a reviewer fills in: decision, reviewer, comment, decided_on."""
REVIEW_COLUMNS = _columns_written_by(FindingRow, "reviewer", "review")
"""The Findings columns the screen's review step fills (decisions carried, suppressions)."""
FOUND_COLUMNS = tuple(name for name in FINDING_COLUMNS if name not in REVIEW_COLUMNS)
"""A finding as the screen finds it, before any review."""
CHANGE_COLUMNS = columns(ChangeRow)
RECORD_COLUMNS = columns(RecordRow)
RECORD_COUNT_COLUMNS = columns(RecordCountRow)
REJECTED_COLUMNS = columns(RejectedRow)
DATA_ISSUE_COLUMNS = columns(DataIssueRow)
RULE_COLUMNS = columns(RuleRow)
SOURCE_COLUMNS = columns(SourceRow)
