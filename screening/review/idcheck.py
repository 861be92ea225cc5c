"""Whether a row's finding id is that row's, whatever the report did to the row's text.

A finding id hashes the rule, the record type, the record id and the matched list entry as they
were read (`findings.finding_id`), and an edited id would carry a decision to another finding, so
import recomputes it. But the report cannot always show a text as it was (`report.cells`): a
control character is shown as its control picture (U+2400 block), U+FFFE and U+FFFF as U+FFFD, and
text over Excel's cell limit is cut and ends in a marker. So the id is checked against every text
that the report would show as the row does: each control picture may stand for itself or its
control character, each U+FFFD for itself, U+FFFE or U+FFFF. A cut text has lost its end and
cannot be checked, and neither can one with too many such characters: that row's id is taken as
given. It still names this record: a decision is carried only while the record's fingerprint
(`record_sha`, on the same row) matches the finding's (`apply.py`).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

import pyarrow as pa

from screening.findings import finding_ids
from screening.report.cells import EXCEL_CELL_LIMIT, ILLEGAL_XML, TRUNCATION_MARKER

MAX_READINGS = 4_096
"""Texts a row's record id and list entry could have been, tried at most: twelve characters that
each stand for one of two, more than a real id holds, and a bound on the hashing one row can ask."""


def _stands_for() -> dict[str, tuple[str, ...]]:
    """What each character the report shows in place of others may have been."""
    originals: dict[str, tuple[str, ...]] = {}
    for code, shown in ILLEGAL_XML.items():
        originals[shown] = (*originals.get(shown, (shown,)), chr(code))
    return originals


_STANDS_FOR = _stands_for()
_ID_SHAPE = re.compile(r"F-[0-9a-f]{12}")
_CUT = re.compile(re.escape(TRUNCATION_MARKER).replace(re.escape("{cut}"), "([0-9]+)") + r"\Z")


class ShownFinding(NamedTuple):
    """A row's finding id and the texts it is made of, as the row shows them (untrimmed)."""

    given: str
    rule_id: str
    record_type: str
    record_id: str
    entry: str


def finding_id_problems(rows: Sequence[ShownFinding]) -> list[str | None]:
    """What is wrong with each row's finding id, or None: the id is the row's, or cannot be
    checked. Hashed a rule and record type at a time, as the screen does."""
    problems: list[str | None] = [None] * len(rows)
    by_rule: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_rule[row.rule_id, row.record_type].append(index)
    for (rule_id, record_type), indices in by_rule.items():
        expected = _ids(
            rule_id,
            record_type,
            [rows[index].record_id for index in indices],
            [rows[index].entry for index in indices],
        )
        for index, wanted in zip(indices, expected, strict=True):
            if rows[index].given != wanted:
                problems[index] = _problem(rows[index], wanted)
    return problems


def _problem(row: ShownFinding, expected: str) -> str | None:
    records, entries = _readings(row.record_id), _readings(row.entry)
    if records is None or entries is None or len(records) * len(entries) > MAX_READINGS:
        if _ID_SHAPE.fullmatch(row.given):
            return None
        return f"finding_id {row.given!r} is not a finding id (F- and 12 hexadecimal digits)"
    wrong = f"finding_id {row.given!r} does not belong to this rule and record"
    if len(records) * len(entries) == 1:
        return f"{wrong} (expected {expected})"
    pairs = list(itertools.product(records, entries))
    readings = _ids(
        row.rule_id,
        row.record_type,
        [record for record, _ in pairs],
        [entry for _, entry in pairs],
    )
    return None if row.given in readings else wrong


def _ids(rule_id: str, record_type: str, records: list[str], entries: list[str]) -> list[str]:
    ids = finding_ids(
        rule_id,
        record_type,
        pa.array(records, type=pa.large_string()),
        pa.array(entries, type=pa.large_string()),
    )
    return [str(value) for value in ids.to_pylist()]


def _readings(shown: str) -> list[str] | None:
    """Every text the report would show as `shown`; None when that cannot be told (cut) or there
    are more than `MAX_READINGS`."""
    if _was_cut(shown):
        return None
    choices = [_STANDS_FOR.get(character, (character,)) for character in shown]
    count = 1
    for options in choices:
        count *= len(options)
        if count > MAX_READINGS:
            return None
    if count == 1:
        return [shown]
    return ["".join(reading) for reading in itertools.product(*choices)]


def _was_cut(shown: str) -> bool:
    """Whether `report.cells.clean_text` cut this text: it ends in the marker, sized as that
    function sizes it for the length the text had."""
    match = _CUT.search(shown)
    if match is None:
        return False
    kept, cut = match.start(), int(match.group(1))
    original = kept + cut
    widest = len(TRUNCATION_MARKER.format(cut=original))
    return original > EXCEL_CELL_LIMIT and kept == EXCEL_CELL_LIMIT - widest
