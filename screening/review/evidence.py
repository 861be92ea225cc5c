"""Evidence and record details read back as fields, to say which fields changed and how.

A finding's evidence (and a record's details on the Records sheet) is written as
`key: value; key: value`, a key being a column name or a dotted path (`company.name`,
`list.reference`, `workers.ids`). A value may itself hold "; " (a list of names), so an item
starts only where "; " is followed by something that reads as a key and ": ". The as-of date is
the run's context, not evidence of the record: an `as_of` item is never a change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from screening.display import MISSING

CONTEXT_KEYS = frozenset({"as_of"})
"""Evidence items that describe the run, not the record: never counted as a change."""

_ITEM = re.compile(r"; (?=[a-z][a-z0-9_.-]*: )")
_KEY = re.compile(r"[a-z][a-z0-9_.-]*")


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs between two evidence (or details) texts."""

    field: str
    before: str
    after: str

    def __str__(self) -> str:
        """`field: before → after`"""
        return f"{self.field}: {self.before} → {self.after}"

    @property
    def sentence(self) -> str:
        """`field changed before → after`"""
        return f"{self.field} changed {self.before} → {self.after}"


def parse_items(text: str) -> dict[str, str]:
    """The `key: value` items of an evidence or details text, by key (the first of a repeated
    key wins); text before the first key, if any, is not an item."""
    items: dict[str, str] = {}
    for part in _ITEM.split(text.strip()):
        key, separator, value = part.partition(": ")
        if separator and _KEY.fullmatch(key):
            items.setdefault(key, value.strip())
    return items


def field_changes(before: str, after: str) -> list[FieldChange]:
    """The fields whose values differ between two texts, in the order the later text shows them
    (then those only the earlier one shows); a field one side lacks reads as empty. `as_of`, the
    run's date, is never a change."""
    then, now = parse_items(before), parse_items(after)
    keys = [*now, *(key for key in then if key not in now)]
    return [
        FieldChange(key, then.get(key, MISSING), now.get(key, MISSING))
        for key in keys
        if key not in CONTEXT_KEYS and _value(then, key) != _value(now, key)
    ]


def _value(items: Mapping[str, str], key: str) -> str:
    value = items.get(key, "")
    return "" if value == MISSING else value


def describe(changes: list[FieldChange]) -> str:
    """`field: before → after; field: before → after`"""
    return "; ".join(str(change) for change in changes)


@dataclass(frozen=True)
class RecordDetails:
    """Records' details (every given value, `field: value; …`, as the Records sheet shows them):
    then, by fingerprint, from a baseline report; now, by (record_type, record_id), this screen's.
    They name a changed field the evidence does not show."""

    then: Mapping[str, str]
    now: Mapping[tuple[str, str], str]

    def changes(self, record: tuple[str, str], sha_then: str) -> list[FieldChange]:
        """The fields of `record` that changed since it had the fingerprint `sha_then` (none when
        the details of either side are unknown)."""
        before, after = self.then.get(sha_then, ""), self.now.get(record, "")
        return field_changes(before, after) if before and after else []
