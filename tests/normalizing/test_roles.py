"""The role vocabulary: register spellings in four languages, groups, and unknown roles."""

from __future__ import annotations

import pandas as pd
import pytest

from screening.normalizing.roles import read_role, vocabulary
from screening.normalizing.tables import empty_raw, normalize_table
from screening.records import RecordKind

SPELLINGS = [
    ("shareholder", "shareholder"),
    ("Majority Shareholder", "shareholder"),
    ("jv_partner", "jv partner"),
    ("LLC member", "llc member"),
    ("Участник ООО", "llc member"),
    ("учредитель", "founder"),
    ("бенефициар", "beneficial owner"),
    ("конечный бенефициар", "beneficial owner"),
    ("UBO", "beneficial owner"),
    ("nominee", "nominee shareholder"),
    ("equity holder", "equity holder"),
    ("출자자", "investor"),
    ("주주", "shareholder"),
    ("股东", "shareholder"),
    ("director and shareholder", "shareholder"),
    ("board member", "director"),
    ("генеральный директор", "director"),
]


@pytest.mark.parametrize(("text", "role"), SPELLINGS, ids=[t for t, _ in SPELLINGS])
def test_spellings_read_as_their_role(text: str, role: str) -> None:
    assert read_role(text) == (role, None)


@pytest.mark.parametrize("text", ["shareholder", "участник", "бенефициар", "出资人", "founder"])
def test_stakes_are_in_the_stake_group(text: str) -> None:
    role, _ = read_role(text)
    assert role in vocabulary().roles_in(["stake"])


@pytest.mark.parametrize("text", ["director", "board member", "генеральный директор", "auditor"])
def test_officers_are_not_stakes(text: str) -> None:
    role, _ = read_role(text)
    assert role is not None and role not in vocabulary().roles_in(["stake"])


def test_an_unknown_role_is_kept_and_listed() -> None:
    given = pd.DataFrame(
        {
            "record_id": ["R1", "R2"],
            "company_id": "C1",
            "party_name": ["A", "B"],
            "role": ["curator", "участник"],
            "_file": "r.csv",
            "_line": [2, 3],
        }
    )
    raw = pd.concat([empty_raw(RecordKind.relationship), given], ignore_index=True)
    raw = raw.astype({c: object for c in raw.columns if c[0] != "_"}).fillna("")
    table = normalize_table(RecordKind.relationship, raw)
    assert table.values["role"].tolist() == ["curator", "llc member"]
    assert table.issues[["record_id", "field", "value"]].values.tolist() == [
        ["R1", "role", "curator"]
    ]
    assert "role vocabulary" in table.issues["problem"].iloc[0]
