"""Sanctions list models: the single source of truth for an entry, whatever its file."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Alias(BaseModel):
    """Another name of a listed party, with the list's quality mark (a.k.a., f.k.a., Good...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    quality: str | None = None


class ListEntry(BaseModel):
    """One designated person or organization."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    entry_id: str = Field(description="unique within the list")
    reference: str = Field(description="the list's reference number, e.g. KPe.001")
    schema_: Literal["person", "organization"] = Field(alias="schema")
    name: str
    aliases: list[Alias] = []
    listed_on: dt.date | None = None
    birth_dates: list[str] = Field(
        default=[], description="ISO dates, may be year or year-month only"
    )
    nationalities: list[str] = Field(default=[], description="ISO 3166-1 alpha-2, upper-case")
    programmes: list[str] = []
    remarks: str | None = None

    @property
    def schema(self) -> Literal["person", "organization"]:  # type: ignore[override]
        """Whether the entry is a person or an organization."""
        return self.schema_

    @field_validator("entry_id", "reference", "name")
    @classmethod
    def _stripped_non_empty(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("nationalities")
    @classmethod
    def _alpha2(cls, values: list[str]) -> list[str]:
        out = [v.strip().upper() for v in values]
        for v in out:
            if len(v) != 2 or not v.isalpha():
                raise ValueError(f"not an ISO 3166-1 alpha-2 code: {v!r}")
        return out

    @field_validator("birth_dates")
    @classmethod
    def _iso_partial(cls, values: list[str]) -> list[str]:
        for v in values:
            parts = v.split("-")
            if not (
                1 <= len(parts) <= 3 and len(parts[0]) == 4 and all(p.isdigit() for p in parts)
            ):
                raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {v!r}")
        return values

    def names(self) -> list[tuple[str, str | None]]:
        """The primary name and every alias, as (name, quality) pairs, primary first."""
        return [(self.name, None), *((a.name, a.quality) for a in self.aliases)]


class Watchlist(BaseModel):
    """A loaded sanctions list."""

    model_config = ConfigDict(extra="forbid")

    name: str
    source: str
    as_of: dt.date | None = None
    format: str
    entries: list[ListEntry]


def content_digest(item: ListEntry | Watchlist) -> str:
    """SHA-256 of an entry or a list as loaded: the same content always gives the same digest."""
    return hashlib.sha256(item.model_dump_json().encode()).hexdigest()
