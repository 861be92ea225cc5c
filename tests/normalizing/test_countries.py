"""Country spellings: every DPRK spelling reads as KP, the Republic of Korea never does; the
tables that spare rigour's name index say what rigour says."""

from __future__ import annotations

import pandas as pd
import pytest
from rigour.territories import lookup_territory

from screening.normalizing import countries
from screening.normalizing.countries import (
    AMBIGUOUS,
    COMMON_SPELLINGS,
    EXTRA_SPELLINGS,
    english_names,
    fold,
    normalize_countries,
    read_country,
)

DPRK = [
    "KP",
    "PRK",
    "DPRK",
    "North Korea",
    "Democratic People's Republic of Korea",
    "Korea DPR",
    "Korea, Democratic People's Republic of",
    "КНДР",
    "Северная Корея",
    "조선민주주의인민공화국",
    "朝鲜",
    " kp ",
    "north korea",
]
ROK = [
    "KR",
    "KOR",
    "South Korea",
    "Republic of Korea",
    "Korea, Republic of",
    "Республика Корея",
    "Южная Корея",
    "대한민국",
]


@pytest.mark.parametrize("spelling", DPRK)
def test_dprk_spellings_read_as_kp(spelling: str) -> None:
    assert read_country(spelling).code == "KP"


@pytest.mark.parametrize("spelling", ROK)
def test_republic_of_korea_never_reads_as_kp(spelling: str) -> None:
    assert read_country(spelling).code == "KR"


@pytest.mark.parametrize("spelling", ["Korea", "KOREA", "Корея"])
def test_bare_korea_is_ambiguous(spelling: str) -> None:
    reading = read_country(spelling)
    assert reading.code is None
    assert reading.problem is not None and "ambiguous" in reading.problem


def test_other_countries_in_english_and_russian() -> None:
    assert read_country("Россия").code == "RU"
    assert read_country("Russian Federation").code == "RU"
    assert read_country("Узбекистан").code == "UZ"
    assert read_country("КНР").code == "CN"
    assert read_country("Narnia").problem == "unknown country"


def test_whole_column_at_once() -> None:
    codes, problems = normalize_countries(pd.Series(["КНДР", "", "Korea", "KR"]))
    assert codes.tolist()[0] == "KP" and codes.tolist()[3] == "KR"
    assert codes.isna().tolist() == [False, True, True, False]
    assert problems.notna().tolist() == [False, False, True, False]


@pytest.mark.parametrize(("key", "code"), sorted(COMMON_SPELLINGS.items()))
def test_each_common_spelling_reads_as_rigour_reads_it(key: str, code: str) -> None:
    territory = lookup_territory(key)
    assert territory is not None and territory.code.upper() == code
    assert fold(key) == key and key not in AMBIGUOUS and key not in EXTRA_SPELLINGS


def test_each_english_name_reads_as_rigour_reads_it() -> None:
    differing = {
        key: (code, territory.code.upper() if territory else None)
        for key, code in english_names().items()
        if (territory := lookup_territory(key)) is None or territory.code.upper() != code
    }
    assert differing == {}


@pytest.mark.parametrize(
    "spelling", ["RUS", "cn", "Kyrgyzstan", "Китай", "중국", "中国", "DPRK", "Korea, Republic of"]
)
def test_codes_and_common_spellings_need_no_name_index(
    spelling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = read_country(spelling)

    def refuse(text: str) -> None:
        raise AssertionError(f"{text!r} went to rigour's name index")

    monkeypatch.setattr(countries, "lookup_territory", refuse)
    assert read_country(spelling) == expected and expected.code is not None


@pytest.mark.parametrize(("spelling", "code"), [("Норвегия", "NO"), ("Deutschland", "DE")])
def test_what_no_table_knows_goes_to_rigour(spelling: str, code: str) -> None:
    assert fold(spelling) not in COMMON_SPELLINGS and fold(spelling) not in english_names()
    assert read_country(spelling).code == code
