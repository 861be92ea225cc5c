"""Visa types: how a worker's `visa_type`, in any language, is shown to a reviewer.

The vocabulary (`visas.yaml` beside this module) names each type and how it is shown ("student
visa"); rules test the text as written, so this changes what a reviewer reads, never what a rule
finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

VOCABULARY = Path(__file__).with_name("visas.yaml")


@dataclass(frozen=True)
class Visas:
    shown_as: dict[str, str]
    """Type → how a reviewer reads it ("student visa")."""
    type_of: dict[str, str]
    """Folded spelling → type."""
    pattern: re.Pattern[str]
    """Any spelling at the start of a word, longest first."""


@cache
def visa_vocabulary() -> Visas:
    """The visa vocabulary, loaded once (the file ships with the package)."""
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    shown_as: dict[str, str] = {}
    type_of: dict[str, str] = {}
    for name, entry in data["types"].items():
        shown_as[str(name)] = str(entry["shown"])
        for spelling in [name, *entry["spellings"]]:
            type_of.setdefault(fold_visa(str(spelling)), str(name))
    ordered = sorted(type_of, key=len, reverse=True)
    pattern = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, ordered)) + ")")
    return Visas(shown_as, type_of, pattern)


def fold_visa(text: str) -> str:
    """A visa text as compared: any case, `_` and `-` as spaces, spaces collapsed."""
    return re.sub(r"[\s_\-]+", " ", text.casefold()).strip(" .,;:")


def read_visa(text: str) -> str | None:
    """The type a visa text names: the first spelling found at the start of a word; None when
    the text names none."""
    words = visa_vocabulary()
    found = words.pattern.search(fold_visa(text))
    return None if found is None else words.type_of[found.group(0)]
