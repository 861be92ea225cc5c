"""The rule file: one YAML file per rule, named by its id."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import Field

from screening.records import RecordKind
from screening.rulespec.conditions import Condition, _Spec

TestValue = str | int | float | bool | dt.date | None


class Severity(StrEnum):
    """How serious a finding is; `--fail-on` compares by rank."""

    violation = "violation"
    indicator = "indicator"
    review = "review"

    @property
    def rank(self) -> int:
        return {"violation": 3, "indicator": 2, "review": 1}[self.value]


class LegalBasis(_Spec):
    instrument: str = Field(description="e.g. UNSCR 2375 (2017)")
    paragraph: str = Field(description="e.g. OP17")
    adopted: dt.date
    summary: str = Field(description="What the provision requires, in a sentence or two")
    notes: str | None = Field(default=None, description="Caveats, e.g. an unverified number")

    @property
    def citation(self) -> str:
        return f"{self.instrument} {self.paragraph}"


class Citation(_Spec):
    source: str = Field(description="Source id from seeds/sources.yaml")
    quote: str = Field(min_length=10, description="Passage quoted verbatim from the source")


class RuleTest(_Spec):
    """An example the rule must (or must not) flag, with the records around it."""

    name: str
    expect: Literal["match", "no_match"]
    as_of: dt.date | None = Field(default=None, description="Defaults to the rule tests' date")
    record: dict[str, TestValue] = Field(description="The record the rule is judged on")
    workers: list[dict[str, TestValue]] = Field(default_factory=list)
    companies: list[dict[str, TestValue]] = Field(default_factory=list)
    relationships: list[dict[str, TestValue]] = Field(default_factory=list)


class Rule(_Spec):
    """One screening rule: what it checks, why, where the pattern is documented, and examples."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,80}$")
    title: str
    description: str
    applies_to: RecordKind
    severity: Severity
    legal_basis: LegalBasis
    exceptions: list[str] = Field(
        default_factory=list, description="Exceptions the rule honours, in words (for the docs)"
    )
    sources: list[Citation] = Field(min_length=1)
    when: Condition
    explain: str = Field(
        description=(
            "One sentence for the reviewer; placeholders {field}, {field|words shown when "
            "missing}, {count|plural:noun} (1 company, 2 companies)"
        )
    )
    tests: list[RuleTest] = Field(min_length=2)
