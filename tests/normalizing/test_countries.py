"""Country spellings: every DPRK spelling reads as KP, the Republic of Korea never does."""

from __future__ import annotations

import pandas as pd
import pytest

from screening.normalizing.countries import normalize_countries, read_country

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
    assert read_country("Narnia").problem == "unknown country"


def test_whole_column_at_once() -> None:
    codes, problems = normalize_countries(pd.Series(["КНДР", "", "Korea", "KR"]))
    assert codes.tolist()[0] == "KP" and codes.tolist()[3] == "KR"
    assert codes.isna().tolist() == [False, True, True, False]
    assert problems.notna().tolist() == [False, False, True, False]
