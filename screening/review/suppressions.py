"""Suppressions: a finding set aside until a date, for a stated reason — shown, never silent."""

from __future__ import annotations

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


def load_suppressions(path: Path) -> list[Suppression]:
    """Read a suppressions YAML file; problems point at file:line."""
    data, lines = load_yaml(path, InputFileError)
    try:
        return SuppressionFile.model_validate(data).suppressions
    except ValidationError as error:
        message, line = validation_problem(error, data, lines)
        raise InputFileError(message, path, line) from None
