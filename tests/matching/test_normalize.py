"""Normalization: transliteration and romanization keys, table-driven."""

from __future__ import annotations

import pandas as pd
import pytest

from screening.matching.normalize import (
    DISTINCT,
    DROPPED,
    GENERIC_WORD,
    clean,
    token_class,
    token_key,
)

SAME_KEY = [
    ("pak", "park"), ("pak", "bak"), ("ri", "lee"), ("ri", "li"), ("ri", "yi"), ("kim", "gim"),
    ("chol", "cheol"), ("chong", "jong"), ("chong", "jeong"), ("kyu", "gyu"), ("su", "soo"),
    ("yong", "young"), ("ryonbong", "yonbong"), ("taedong", "daedong"), ("tangun", "dangun"),
    ("kumsan", "geumsan"), ("choe", "choi"), ("song", "son"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b"), SAME_KEY, ids=[f"{a}={b}" for a, b in SAME_KEY])
def test_romanization_variants_share_a_key(a: str, b: str) -> None:
    assert token_key(a) == token_key(b)


@pytest.mark.parametrize(("a", "b"), [("kim", "pak"), ("han", "jang"), ("kumsan", "kwangsong")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert token_key(a) != token_key(b)


CLEAN = [
    ("Ким Чхоль Нам", "kim chol nam"),
    ("Ли Су Ён", "li su yon"),
    ("Пак Ир Гю", "pak ir gyu"),
    ("김철남", "gim cheol nam"),
    ("Ch'o'ngsong", "chongsong"),
    ("Yŏn Chŏng Nam", "yon chong nam"),
    ("Ri Su-Yong", "ri su yong"),
    ("ООО «Рёнбон»", "ooo ryonbon"),
    ("First Oil JV Co., Ltd.", "first oil joint venture company ltd"),
]


@pytest.mark.parametrize(("raw", "cleaned"), CLEAN, ids=[c[0] for c in CLEAN])
def test_clean(raw: str, cleaned: str) -> None:
    assert clean(pd.Series([raw], dtype="str")).iloc[0] == cleaned


@pytest.mark.parametrize(
    ("token", "kind"),
    [("ooo", DROPPED), ("llc", DROPPED), ("of", DROPPED), ("trading", GENERIC_WORD),
     ("korea", GENERIC_WORD), ("koreya", GENERIC_WORD), ("shinyong", GENERIC_WORD),
     ("kumsan", DISTINCT), ("komid", DISTINCT)],
)  # fmt: skip
def test_token_classes(token: str, kind: int) -> None:
    assert token_class(token) == kind
