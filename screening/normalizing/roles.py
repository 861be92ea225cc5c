"""Relationship roles: register spellings in any language → the vocabulary's role names.

The vocabulary (`roles.yaml` beside this module) is the one place that says which roles are a
stake; rules ask for a group (`in_group: stake`) and never list role spellings themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

VOCABULARY = Path(__file__).with_name("roles.yaml")
_GROUP_RANK = {"stake": 0, "control": 1, "other": 2}
"""Where a text names several roles, the one whose group ranks first is its role."""


@dataclass(frozen=True)
class Vocabulary:
    groups: dict[str, str]
    """Group name → what it means."""
    group_of: dict[str, str]
    """Role name → its group."""
    role_of: dict[str, str]
    """Folded spelling → role name."""
    shown_as: dict[str, str]
    """Role name → how a reviewer reads it, where that differs ("joint-venture partner")."""

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(tuple(self.role_of))

    def roles_in(self, groups: Iterable[str]) -> list[str]:
        """The role names of these groups, in vocabulary order."""
        wanted = set(groups)
        return [role for role, group in self.group_of.items() if group in wanted]

    def shown(self, role: str) -> str:
        """How a reviewer reads a role name (a role the vocabulary does not know: as written)."""
        return self.shown_as.get(role, role)


@cache
def vocabulary() -> Vocabulary:
    """The role vocabulary, loaded once (the file ships with the package)."""
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    groups = {str(name): str(meaning) for name, meaning in data["groups"].items()}
    group_of: dict[str, str] = {}
    role_of: dict[str, str] = {}
    shown_as: dict[str, str] = {}
    for role, entry in data["roles"].items():
        if entry["group"] not in groups:
            raise ValueError(
                f"{VOCABULARY.name}: role {role!r} has unknown group {entry['group']!r}"
            )
        group_of[str(role)] = str(entry["group"])
        if "shown" in entry:
            shown_as[str(role)] = str(entry["shown"])
        for spelling in [role, *entry["spellings"]]:
            role_of.setdefault(fold_role(str(spelling)), str(role))
    return Vocabulary(groups, group_of, role_of, shown_as)


def fold_role(text: str) -> str:
    """A role as compared: any case, `_` and `-` as spaces, spaces collapsed."""
    return re.sub(r"[\s_\-]+", " ", text.casefold()).strip(" .,;:")


@cache
def _pattern(spellings: tuple[str, ...]) -> re.Pattern[str]:
    # longest first, so "board member" is read before "member"; a spelling must not be part of
    # a longer word ("partner" in "partnership" is fine, "member" in "remember" is not)
    ordered = sorted(spellings, key=len, reverse=True)
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, ordered)) + r")")


def read_role(text: str) -> tuple[str | None, str | None]:
    """The role a text names (None if none), and the problem when none."""
    words = vocabulary()
    folded = fold_role(text)
    if folded in words.role_of:
        return words.role_of[folded], None
    found = [words.role_of[match.group(0)] for match in words.pattern.finditer(folded)]
    if found:
        return min(found, key=lambda role: _GROUP_RANK[words.group_of[role]]), None
    return None, (
        f"role not in the role vocabulary ({VOCABULARY.name}): kept as written, counts as no "
        "stake; add its spelling there if it is one"
    )


def read_roles(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of role texts (distinct values, objects) → role names (the text itself where
    unknown), and the problems."""
    roles: list[str | None] = []
    problems: list[str | None] = []
    for value in values:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            roles.append(None)
            problems.append(None)
            continue
        role, problem = read_role(text)
        roles.append(role if role is not None else text)
        problems.append(problem)
    return (
        pd.Series(roles, index=values.index, dtype="str"),
        pd.Series(problems, index=values.index, dtype=object),
    )
