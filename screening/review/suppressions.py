"""Suppressions: a finding set aside until a date, for a stated reason — shown, never silent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from screening.errors import InputFileError
from screening.normalizing.values import WrittenDate
from screening.yamlfile import load_yaml, validation_problem


class Suppression(BaseModel):
    """Set aside one finding (by id), or one rule's findings on one record, until `expires`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    finding_id: str | None = Field(default=None, pattern=r"^F-[0-9a-f]{12}$")
    rule_id: str | None = None
    record_id: str | None = None
    reason: str = Field(
        min_length=10, description="Why, e.g. 'Committee exemption confirmed, ref ...'"
    )
    expires: WrittenDate = Field(
        description="After this date the finding is open again; written as the records write "
        "dates (2027-06-30, 30.06.2027)"
    )
    approved_by: str = Field(min_length=1)

    @model_validator(mode="after")
    def _target(self) -> Suppression:
        if self.finding_id is None and (self.rule_id is None or self.record_id is None):
            raise ValueError("give finding_id, or both rule_id and record_id")
        return self


class SuppressionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suppressions: list[Suppression]


@dataclass(frozen=True)
class ListedSuppression:
    """A suppression with where it is written: `file:line` of its entry."""

    suppression: Suppression
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def target(self) -> str:
        """What it names: `finding F-…` or `rule_id …, record_id …`."""
        item = self.suppression
        if item.finding_id is not None:
            return f"finding {item.finding_id}"
        return f"rule_id {item.rule_id}, record_id {item.record_id}"


def load_suppressions(path: Path) -> list[Suppression]:
    """Read a suppressions YAML file; problems point at file:line."""
    return [listed.suppression for listed in load_listed_suppressions(path)]


def load_listed_suppressions(path: Path) -> list[ListedSuppression]:
    """Read a suppressions YAML file, each entry with its line; problems point at file:line. An
    entry naming what an earlier one names (the same finding_id, or the same rule_id and
    record_id) is an error naming both lines."""
    data, lines = load_yaml(path, InputFileError)
    try:
        suppressions = SuppressionFile.model_validate(data).suppressions
    except ValidationError as error:
        message, line = validation_problem(error, data, lines)
        raise InputFileError(message, path, line) from None
    listed = [
        ListedSuppression(item, path, lines.line_of(("suppressions", number), data))
        for number, item in enumerate(suppressions)
    ]
    first: dict[str, ListedSuppression] = {}
    for item in listed:
        earlier = first.setdefault(item.target, item)
        if earlier is not item:
            raise duplicate_error(earlier, item, item.target)
    return listed


def duplicate_error(
    earlier: ListedSuppression, later: ListedSuppression, what: str
) -> InputFileError:
    """Two suppressions of the same finding(s): which one is meant?"""
    return InputFileError(
        f"suppression listed twice: {what} is set aside here and at {earlier.where}; keep one",
        later.path,
        later.line,
    )
