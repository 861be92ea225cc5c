"""The cited corpus: the registry of source articles in seeds/ and verbatim quote checks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError
from rapidfuzz import fuzz

from screening.errors import RuleFileError
from screening.rulespec.conditions import _Spec
from screening.yamlfile import load_yaml, validation_problem

REGISTRY_FILE = "sources.yaml"
_WHITESPACE = re.compile(r"\s+")


class Source(_Spec):
    """One source article of the corpus."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    file: str
    title: str
    publisher: str
    date: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the text allows")
    url: str | None = None
    notes: str | None = None

    @property
    def cited_as(self) -> str:
        """How a finding names the source after its passage: publisher and date, "TIME, 2018"
        (the Sources sheet has its title, file and address)."""
        return f"{self.publisher}, {self.date}"


class Registry(_Spec):
    sources: list[Source]
    as_of: dt.date | None = None


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace, so a quote matches across line breaks and indentation."""
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Corpus:
    """The registered sources with their text."""

    directory: Path
    sources: dict[str, Source]
    texts: dict[str, str]

    def contains(self, source_id: str, quote: str) -> bool:
        """Whether the quote occurs verbatim (whitespace-normalized) in the source."""
        return normalize_space(quote) in self.texts[source_id]

    def closest_passage(self, source_id: str, quote: str) -> str:
        """The passage of the source closest to a quote that is not in it verbatim (a word
        changed, typographic quotes typed straight), as long as the quote."""
        wanted, text = normalize_space(quote), self.texts[source_id]
        found = fuzz.partial_ratio_alignment(wanted, text)
        if found is None:
            return ""
        return text[found.dest_start : found.dest_end]


def load_corpus(directory: Path) -> Corpus:
    """Read seeds/sources.yaml and the text of every source it lists."""
    path = directory / REGISTRY_FILE
    if not path.is_file():
        raise RuleFileError("source registry not found", path)
    data, lines = load_yaml(path)
    try:
        registry = Registry.model_validate(data)
    except ValidationError as error:
        message, line = validation_problem(error, data, lines)
        raise RuleFileError(message, path, line) from None
    texts: dict[str, str] = {}
    for index, source in enumerate(registry.sources):
        file = directory / source.file
        if not file.is_file():
            line = lines.line_of(("sources", index, "file"), data)
            raise RuleFileError(f"source file {source.file} not found", path, line)
        texts[source.id] = normalize_space(file.read_text(encoding="utf-8"))
    return Corpus(directory, {s.id: s for s in registry.sources}, texts)
