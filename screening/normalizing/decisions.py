"""1718 Committee decisions: a status, a reference, a date and what the decision covers.

An exemption is a fact, not any text in a column: only an approval that covers the record clears a
violation. Registers write decisions as words in several languages, or in one older free-text
column (`committee_exemption`); both are read here into the same columns, a distinct value at a
time, and what cannot be read is a data issue (status `unclear`), never an approval.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from screening.records import IDENTITY_FIELDS, RecordKind

APPROVED = "approved"
APPROVED_ELSEWHERE = "approved for another record"
REFUSED = "refused"
PENDING = "pending"
NOT_APPLIED = "not applied"
UNCLEAR = "unclear"
STATUSES = (APPROVED, REFUSED, PENDING, NOT_APPLIED)
"""What a register may write in `committee_decision` (in these or equivalent words)."""
DECISION_VALUES = (*STATUSES, APPROVED_ELSEWHERE, UNCLEAR)
"""What the normalized `committee_decision` column holds: a rule compares with these."""

# Checked in this order: a refusal or a pending request often mentions approval ("approval
# refused", "approval requested"), and "no" must not read as an approval.
_STATUS_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        REFUSED,
        re.compile(
            r"refus|denied|deni[ae]l|reject|declin|not\s+approved|not\s+granted|disapprov"
            r"|отказ|отклон|не\s+одобр|не\s+разреш|거부|거절|拒绝|驳回"
        ),
    ),
    (
        PENDING,
        re.compile(
            r"pending|request|applied|application|submitted|under\s+review|awaiting|in\s+process"
            r"|на\s+рассмотрени|подан|запрос|ожида|заявк|심사|신청|审查|申请|待定"
        ),
    ),
    (
        APPROVED,
        re.compile(
            r"approv|grant|exempt|authori[sz]|одобр|разреш|согласова|исключени|승인|면제|批准|豁免"
        ),
    ),
)
_NOT_APPLIED = re.compile(
    r"(?:no|none|nil|n/?a|not\s+applied|not\s+applicable|no\s+exemption|no\s+approval"
    r"|нет|не\s+подава\w*|не\s+применимо|отсутству\w*|без\s+\w+|없음|无|-+|—|0)\.?"
)
_REFERENCE = re.compile(r"(?:1718\s*C|S/AC\.49)[/\-][\w./\-]*\w", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DOTTED_DATE = re.compile(r"(\d{2})[./](\d{2})[./](\d{4})")


@dataclass(frozen=True)
class Reading:
    """What one decision text says; `problem` when it could not be read."""

    status: str
    reference: str | None = None
    decided_on: dt.date | None = None
    problem: str | None = None


def read_status(text: str) -> Reading:
    """A `committee_decision` value: the status its words give (unclear: a problem)."""
    status = _status_in(_fold(text))
    return Reading(status) if status else Reading(UNCLEAR, problem=_unclear(text))


def read_exemption_text(text: str) -> Reading:
    """The older free-text column: status words, a Committee reference and a date.

    The column was documented as the reference of a recorded exemption or approval, so a
    reference with no status words reads as an approval; text with neither is unclear."""
    reference_match = _REFERENCE.search(text)
    reference = reference_match.group(0) if reference_match else None
    decided_on = _date_in(text)
    folded = _fold(text)
    status = _status_in(folded.replace(reference.casefold(), " ").strip() if reference else folded)
    if status is not None:
        return Reading(status, reference, decided_on)
    if reference is not None:
        return Reading(APPROVED, reference, decided_on)
    return Reading(UNCLEAR, None, decided_on, _unclear(text))


def _status_in(folded: str) -> str | None:
    """The status the words of a folded text give, if any."""
    if _NOT_APPLIED.fullmatch(folded):
        return NOT_APPLIED
    return next((status for status, words in _STATUS_WORDS if words.search(folded)), None)


def read_statuses(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of decision words (distinct values, objects) → statuses, and the problems."""
    readings = [read_status(str(value)) if _given(value) else None for value in values]
    statuses = [reading.status if reading else None for reading in readings]
    problems = [reading.problem if reading else None for reading in readings]
    return (
        pd.Series(statuses, index=values.index, dtype="str"),
        pd.Series(problems, index=values.index, dtype=object),
    )


def exemption_readings(values: pd.Series) -> pd.DataFrame:
    """The older column's distinct values (objects) read: status, reference, decided_on,
    problem, indexed like `values`."""
    readings = [read_exemption_text(str(value)) for value in values]
    return pd.DataFrame(
        {
            "status": [reading.status for reading in readings],
            "reference": [reading.reference for reading in readings],
            "decided_on": pd.Series(
                [reading.decided_on for reading in readings], index=values.index, dtype=object
            ).astype("datetime64[ns]"),
            "problem": [reading.problem for reading in readings],
        },
        index=values.index,
    )


def apply_decisions(
    kind: RecordKind, values: pd.DataFrame, raw: pd.DataFrame, problems: dict[str, pd.Series]
) -> None:
    """Read the older `committee_exemption` column into the decision columns where those are
    empty, and mark approvals whose `committee_covers` names another record. `values`: the
    typed table, changed in place; `problems`: by field, as `normalize_table` collects them."""
    if not set(values.columns) >= _DECISION_COLUMNS:  # a table built without the schema's columns
        return
    legacy = values["committee_exemption"]
    if legacy.notna().any():
        _read_legacy(values, legacy, problems)
    covers = values["committee_covers"]
    if not covers.notna().any():  # the usual case: nothing to check, not even the statuses
        return
    decision = values["committee_decision"]
    approved = decision.eq(APPROVED).fillna(False).to_numpy(dtype=bool)
    if approved.any():
        identities = [values[name] for name in IDENTITY_FIELDS[kind]]
        elsewhere = approved & ~covered(covers, identities)
        if elsewhere.any():
            values["committee_decision"] = decision.mask(elsewhere, APPROVED_ELSEWHERE)


_DECISION_COLUMNS = {
    "committee_exemption",
    "committee_decision",
    "committee_reference",
    "committee_decided_on",
    "committee_covers",
}


def _read_legacy(values: pd.DataFrame, legacy: pd.Series, problems: dict[str, pd.Series]) -> None:
    codes, distinct = pd.factorize(legacy)
    readings = exemption_readings(pd.Series(distinct, dtype=object))
    given = codes >= 0
    for column, part in (
        ("committee_decision", "status"),
        ("committee_reference", "reference"),
        ("committee_decided_on", "decided_on"),
    ):
        current = values[column]
        rows = np.flatnonzero(given & current.isna().to_numpy())
        if len(rows):  # usually a few rows of many: set those, leave the column's memory be
            filled = current.copy()
            filled.iloc[rows] = readings[part].astype(current.dtype).to_numpy()[codes[rows]]
            values[column] = filled
    unreadable = readings["problem"].notna().to_numpy()
    if unreadable.any():
        rows = np.flatnonzero(given & unreadable[np.maximum(codes, 0)])
        found = pd.Series(readings["problem"].to_numpy()[codes[rows]], index=values.index[rows])
        earlier = problems.get("committee_exemption")
        problems["committee_exemption"] = (
            found if earlier is None else pd.concat([earlier, found]).sort_index()
        )


def covered(covers: pd.Series, identities: list[pd.Series]) -> np.ndarray:
    """For each row, whether its `covers` text (items separated by ';') names the record itself
    by one of its `identities` (record id, name, document number); an empty `covers` does.

    Items and identities are compared folded (case, spacing), a whole item to a whole value."""
    result = np.ones(len(covers), dtype=bool)
    given = np.flatnonzero(covers.notna().to_numpy())
    if not len(given):
        return result
    items = covers.iloc[given].reset_index(drop=True).str.split(";").explode()
    items = _folded_text(items)
    hit = np.zeros(len(items), dtype=bool)
    for identity in identities:
        own = _folded_text(identity.iloc[given].reset_index(drop=True))
        hit |= items.to_numpy(dtype=object) == own.reindex(items.index).to_numpy(dtype=object)
    named = pd.Series(hit, index=items.index).groupby(level=0).any()
    result[given] = named.reindex(range(len(given)), fill_value=False).to_numpy()
    return result


def named_in(values: pd.Series, texts: pd.Series) -> np.ndarray:
    """Whether each value is one of the items (separated by ';') of its row's text, compared
    folded; never where either is missing."""
    given = values.notna().to_numpy() & texts.notna().to_numpy()
    return covered(texts, [values]) & given


def _folded_text(values: pd.Series) -> pd.Series:
    return values.astype("str").str.casefold().str.replace(r"\s+", " ", regex=True).str.strip()


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip().strip(".!")


def _given(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _unclear(text: str) -> str:
    return (
        f"committee decision not readable ({text.strip()[:80]!r}): read as unclear, which "
        "clears nothing (write approved, refused, pending or not applied, with the reference)"
    )


def _date_in(text: str) -> dt.date | None:
    try:
        if match := _ISO_DATE.search(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DOTTED_DATE.search(text):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None
