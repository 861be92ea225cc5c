"""The visa vocabulary: how a worker's `visa_type`, in any language, is shown to a reviewer."""

from __future__ import annotations

import pytest

from screening.normalizing.roles import vocabulary
from screening.normalizing.visas import read_visa, visa_vocabulary

SPELLINGS = [
    ("учебная", "student"),
    ("Учебная виза", "student"),
    ("студенческая", "student"),
    ("образовательная", "student"),
    ("Student", "student"),
    ("study visa", "student"),
    ("educational", "student"),
    ("туристическая", "tourist"),
    ("Tourist", "tourist"),
    ("деловая", "business"),
    ("бизнес", "business"),
    ("business", "business"),
    ("рабочая", "work"),
    ("патент", "patent"),
    ("work", "work"),
    ("временное убежище", "temporary asylum"),
    ("refugee", "refugee"),
    ("вид на жительство", "residence permit"),
]


@pytest.mark.parametrize(("text", "kind"), SPELLINGS, ids=[t for t, _ in SPELLINGS])
def test_spellings_read_as_their_type(text: str, kind: str) -> None:
    assert read_visa(text) == kind


def test_a_text_it_does_not_know_is_none() -> None:
    assert read_visa("Z-3 category") is None
    assert read_visa("homework") is None  # a spelling starts a word, it is not found inside one


def test_every_type_is_shown_in_words() -> None:
    words = visa_vocabulary()
    assert words.shown_as["student"] == "student visa"
    assert set(words.type_of.values()) == set(words.shown_as)


def test_a_role_is_shown_by_its_display_name_where_it_has_one() -> None:
    assert vocabulary().shown("jv partner") == "joint-venture partner"
    assert vocabulary().shown("llc member") == "LLC member"
    assert vocabulary().shown("shareholder") == "shareholder"
    assert vocabulary().shown("curator") == "curator"  # not in the vocabulary: as written
