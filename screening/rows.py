"""The rows of the report's tables: one pydantic model per sheet, the single source of truth for
its columns (their names are a public interface: users' scripts read them) and what each means.

The sheets are written from DataFrames for speed; these models give the column order, the
documentation, and the JSON Schema of a row, and tests validate sample rows against them.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

DECISIONS = ("open", "confirmed", "false positive", "escalated")
"""What a reviewer may write in a finding's `decision` cell."""
DEFAULT_DECISION = "open"


class FindingRow(BaseModel):
    """Findings: one rule that fired on one record, with everything a reviewer needs."""

    finding_id: str = Field(description="Stable id from rule, record and matched list entry")
    record_id: str
    record_type: str = Field(description="worker, company or relationship")
    name: str | None = Field(description="The record's name")
    rule_id: str
    rule_title: str
    severity: str = Field(description="violation, indicator or review")
    legal_basis: str = Field(description="e.g. UNSCR 2375 (2017) OP17")
    explanation: str = Field(description="The rule's sentence, filled with the evidence")
    evidence: str = Field(description="field: value pairs the rule looked at")
    sources: str = Field(description="Quoted passages of the source articles")
    decision: str = Field(description="open, confirmed, false positive or escalated")
    reviewer: str | None = None
    comment: str | None = None
    decided_on: dt.date | None = None
    file: str
    line: int
    review_note: str | None = Field(
        default=None, description="Decision carried, re-review (what changed), suppression"
    )
    suppressed_until: str | None = None
    list_reference: str | None = Field(default=None, description="Matched list entry, if any")
    record_sha: str = Field(description="Fingerprint of the record's values")
    rule_sha: str = Field(description="Fingerprint of the rule file")
    entry_sha: str | None = Field(default=None, description="Fingerprint of the list entry")


class ChangeRow(BaseModel):
    """Changes: a finding new, gone or changed since the baseline report."""

    change: str = Field(description="new, gone or evidence changed")
    finding_id: str
    rule_id: str
    record_type: str
    record_id: str
    name: str | None = None
    why: str = Field(description="record new/removed/changed, rule new/removed/changed, ...")
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
    """Rules: every rule applied."""

    rule_id: str
    title: str
    severity: str
    applies_to: str
    legal_basis: str
    file: str
    sha256: str


class SourceRow(BaseModel):
    """Sources: every cited passage."""

    source_id: str
    title: str
    publisher: str
    date: str
    file: str
    quote: str
    url: str | None = None
    rule_id: str


def columns(model: type[BaseModel]) -> tuple[str, ...]:
    """A sheet's columns, in order."""
    return tuple(model.model_fields)
