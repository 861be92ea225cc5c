"""Decisions on findings and the append-only decision store (JSON lines, one decision a line)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from screening.errors import InputFileError

DECISIONS = ("open", "confirmed", "false positive", "escalated")
DEFAULT_DECISION = "open"
STORE_NAME = "decisions.jsonl"
"""The store's file name; by default it sits next to the reports."""

DecisionValue = Literal["open", "confirmed", "false positive", "escalated"]


class Fingerprint(BaseModel):
    """What a decision was made on: the record's screened values, the rule file, the list entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_sha: str
    rule_sha: str
    entry_sha: str = ""


class Decision(BaseModel):
    """One reviewer's decision on one finding, as imported from a reviewed report."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    finding_id: str = Field(pattern=r"^F-[0-9a-f]{12}$")
    decision: DecisionValue
    reviewer: str
    comment: str = ""
    decided_on: dt.date
    fingerprint: Fingerprint
    evidence: str = Field(description="The evidence the reviewer saw")
    report: str = Field(description="Path of the report the decision was imported from")
    report_sha256: str
    imported_at: dt.datetime


def load_store(path: Path) -> dict[str, Decision]:
    """The latest decision per finding id (later lines win); an absent store is empty."""
    if not path.exists():
        return {}
    latest: dict[str, Decision] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(f"cannot read decision store: {error}", path) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            decision = Decision.model_validate_json(line)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(step) for step in first["loc"])
            raise InputFileError(
                f"invalid decision ({where}: {first['msg']})", path, number
            ) from None
        latest[decision.finding_id] = decision
    return latest


def append_to_store(path: Path, decisions: Iterable[Decision]) -> int:
    """Append decisions to the store in one write; returns how many were written."""
    lines = [decision.model_dump_json() + "\n" for decision in decisions]
    if not lines:
        return 0
    if not path.parent.is_dir():
        raise InputFileError("the decision store's folder does not exist", path.parent)
    try:
        with path.open("a", encoding="utf-8") as store:
            store.write("".join(lines))
    except OSError as error:
        raise InputFileError(f"cannot write decision store: {error.strerror}", path) from None
    return len(lines)
