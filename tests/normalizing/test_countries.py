"""Country spellings: every DPRK spelling reads as KP, the Republic of Korea never does, a bare
"Korea" and Japanese 朝鮮 are data issues; the tables that spare the name index (rigour's, kept
in the package: screening/normalizing/territories.py) say what it says.

The spelling cases are a table: one case per spelling, with a readable id.
"""

from __future__ import annotations

import pandas as pd
import pytest

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
from screening.normalizing.territories import lookup_territory


def case(spelling: str, code: str | None, name: str) -> object:
    """One spelling and the code it must read as (None: ambiguous, a data issue)."""
    return pytest.param(spelling, code, id=name)


DPRK = [
    # English: codes, names, World Bank / ISO-list / register styles
    case("KP", "KP", "en-iso2"),
    case("PRK", "KP", "en-iso3"),
    case("DPRK", "KP", "en-dprk"),
    case("North Korea", "KP", "en-north-korea"),
    case("Democratic People's Republic of Korea", "KP", "en-full-name"),
    case("Korea, Democratic People's Republic of", "KP", "en-iso-list-style"),
    case("Korea, Dem. People's Rep.", "KP", "en-world-bank"),
    case("Korea, Dem. People\u2019s Rep.", "KP", "en-world-bank-typographic-apostrophe"),
    case("Korea (DPRK)", "KP", "en-korea-paren-dprk"),
    case("Korea DPR", "KP", "en-korea-dpr"),
    case("DPR Korea", "KP", "en-dpr-korea"),
    # Russian
    case("Корейская Народно-Демократическая Республика (КНДР)", "KP", "ru-full-name-with-kndr"),
    case("Корейская Народно-Демократическая Республика", "KP", "ru-full-name"),
    case("КНДР", "KP", "ru-kndr"),
    case("Северная Корея", "KP", "ru-north-korea"),
    # Korean
    case("북조선", "KP", "ko-bukjoseon"),
    case("북한", "KP", "ko-bukhan"),
    case("조선민주주의인민공화국", "KP", "ko-full-name"),
    case("조선", "KP", "ko-joseon-dprk-own-short-name"),
    # Chinese and Japanese
    case("北朝鮮", "KP", "ja-kitachosen"),
    case("朝鲜民主主义人民共和国", "KP", "zh-hans-full-name"),
    case("朝鮮民主主義人民共和国", "KP", "ja-full-name"),
    case("朝鲜", "KP", "zh-hans-chaoxian-short-name"),
]
RASON = [
    case("Rason", "KP", "rason"),
    case("Rason SEZ", "KP", "rason-sez"),
    case("Rason Economic and Trade Zone", "KP", "rason-economic-and-trade-zone"),
    case("Rajin-Sonbong", "KP", "rajin-sonbong"),
    case("Rason (DPRK)", "KP", "rason-paren-dprk"),
    case("Расон", "KP", "rason-ru"),
    case("Раджин-Сонбон", "KP", "rajin-sonbong-ru"),
    case("라선", "KP", "rason-ko"),
    case("羅先", "KP", "rason-zh-hant"),
    case("罗先", "KP", "rason-zh-hans"),
]
# The same spellings as typed in real registers: folding (case, spaces, punctuation) finds them
FOLDED = [
    case(" kp ", "KP", "fold-code-lowercase-spaces"),
    case("north korea", "KP", "fold-lowercase"),
    case("NORTH  KOREA", "KP", "fold-uppercase-double-space"),
    case("Korea, Dem. People's Rep", "KP", "fold-world-bank-no-full-stop"),
    case("korea ,  dem.  people's rep.", "KP", "fold-world-bank-spaces-around-comma"),
    case("Korea, Dem. People\u2018s Rep.", "KP", "fold-left-quote-as-apostrophe"),
    case("Korea ( DPRK )", "KP", "fold-spaces-inside-parentheses"),
    case("Korea DPR.", "KP", "fold-trailing-full-stop"),
    case("D.P.R.K.", "KP", "fold-dotted-dprk"),
    case("Korea, Democratic People\u2019s Republic of", "KP", "fold-iso-list-typographic"),
    case("Корейская Народно\u2013Демократическая Республика", "KP", "fold-ru-en-dash"),
    case("кндр", "KP", "fold-ru-lowercase"),
    case("Rajin\u2013Sonbong", "KP", "fold-rajin-sonbong-en-dash"),
    case("RASON SEZ", "KP", "fold-rason-uppercase"),
    case("朝鲜民主主义人民共和国 ", "KP", "fold-zh-trailing-space"),
    case("ＤＰＲＫ", "KP", "fold-fullwidth-latin"),
]
ROK = [
    case("KR", "KR", "rok-iso2"),
    case("KOR", "KR", "rok-iso3"),
    case("South Korea", "KR", "rok-south-korea"),
    case("Republic of Korea", "KR", "rok-full-name"),
    case("Korea, Republic of", "KR", "rok-iso-list-style"),
    case("Korea, Rep.", "KR", "rok-world-bank"),
    case("Республика Корея", "KR", "rok-ru-full-name"),
    case("Южная Корея", "KR", "rok-ru-south-korea"),
    case("대한민국", "KR", "rok-ko-daehanminguk"),
    case("한국", "KR", "rok-ko-hanguk"),
    case("韓国", "KR", "rok-ja-kankoku"),
    case("韩国", "KR", "rok-zh-hans"),
]
AMBIGUOUS_CASES = [
    case("Korea", None, "ambiguous-korea"),
    case("KOREA", None, "ambiguous-korea-uppercase"),
    case("Korea.", None, "ambiguous-korea-full-stop"),
    case("Корея", None, "ambiguous-korea-ru"),
    case("朝鮮", None, "ambiguous-ja-chosen-registry-status"),
]
CASES = DPRK + RASON + FOLDED + ROK + AMBIGUOUS_CASES


@pytest.mark.parametrize(("spelling", "code"), CASES)
def test_each_spelling_reads_as_its_code(spelling: str, code: str | None) -> None:
    reading = read_country(spelling)
    assert reading.code == code
    if code is None:
        assert reading.problem is not None and reading.problem.startswith("ambiguous country")
    else:
        assert reading.problem is None


@pytest.mark.parametrize(("spelling", "code"), CASES)
def test_each_spelling_in_a_column_and_its_data_issue(spelling: str, code: str | None) -> None:
    codes, problems = normalize_countries(pd.Series(["RU", spelling, ""]))
    assert codes.tolist()[0] == "RU" and codes.isna().tolist()[2]
    if code is None:
        assert codes.isna().tolist()[1]
        assert str(problems.tolist()[1]).startswith("ambiguous country")
    else:
        assert codes.tolist()[1] == code and problems.isna().tolist()[1]


@pytest.mark.parametrize(("spelling", "code"), CASES)
def test_each_spelling_needs_no_name_index(
    spelling: str, code: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(text: str) -> None:
        raise AssertionError(f"{text!r} went to the name index")

    monkeypatch.setattr(countries, "lookup_territory", refuse)
    assert read_country(spelling).code == code


def test_chosen_problem_says_why() -> None:
    problem = read_country("朝鮮").problem
    assert problem is not None and "Chōsen" in problem and "not DPRK nationality" in problem


@pytest.mark.parametrize("key", sorted({**AMBIGUOUS, **EXTRA_SPELLINGS}))
def test_each_table_key_is_folded(key: str) -> None:
    assert fold(key) == key


def test_tables_do_not_overlap() -> None:
    assert not set(AMBIGUOUS) & set(EXTRA_SPELLINGS)
    assert not set(COMMON_SPELLINGS) & (set(AMBIGUOUS) | set(EXTRA_SPELLINGS))


def test_no_korean_peninsula_spelling_is_read_both_ways() -> None:
    kp = {key for key, code in {**COMMON_SPELLINGS, **EXTRA_SPELLINGS}.items() if code == "KP"}
    kr = {key for key, code in {**COMMON_SPELLINGS, **EXTRA_SPELLINGS}.items() if code == "KR"}
    assert kp and kr and not kp & kr


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("  North   Korea ", "north korea"),
        ("Korea , Dem. People\u2019s Rep.", "korea, dem. people's rep"),
        ("Korea,DPR", "korea, dpr"),
        ("Korea ( DPRK )", "korea (dprk)"),
        ("D.P.R.K.", "d.p.r.k"),
        ("Korea .", "korea"),
        ("...", "..."),
        ("Rajin\u2014Sonbong", "rajin-sonbong"),
        ("", ""),
    ],
)
def test_fold(value: str, key: str) -> None:
    assert fold(value) == key


def test_other_countries_in_english_and_russian() -> None:
    assert read_country("Россия").code == "RU"
    assert read_country("Russian Federation").code == "RU"
    assert read_country("Узбекистан").code == "UZ"
    assert read_country("КНР").code == "CN"
    assert read_country("Narnia").problem == "unknown country"
    assert read_country("...").problem == "unknown country"


def test_whole_column_at_once() -> None:
    codes, problems = normalize_countries(pd.Series(["КНДР", "", "Korea", "KR"]))
    assert codes.tolist()[0] == "KP" and codes.tolist()[3] == "KR"
    assert codes.isna().tolist() == [False, True, True, False]
    assert problems.notna().tolist() == [False, False, True, False]


@pytest.mark.parametrize(("key", "code"), sorted(COMMON_SPELLINGS.items()))
def test_each_common_spelling_reads_as_rigour_reads_it(key: str, code: str) -> None:
    found = lookup_territory(key)
    assert found is not None and found.upper() == code
    assert fold(key) == key and key not in AMBIGUOUS and key not in EXTRA_SPELLINGS


def test_each_english_name_reads_as_rigour_reads_it() -> None:
    differing = {
        key: (code, found.upper() if found else None)
        for key, code in english_names().items()
        if (found := lookup_territory(key)) is None or found.upper() != code
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
        raise AssertionError(f"{text!r} went to the name index")

    monkeypatch.setattr(countries, "lookup_territory", refuse)
    assert read_country(spelling) == expected and expected.code is not None


@pytest.mark.parametrize(("spelling", "code"), [("Норвегия", "NO"), ("Deutschland", "DE")])
def test_what_no_table_knows_goes_to_rigour(spelling: str, code: str) -> None:
    assert fold(spelling) not in COMMON_SPELLINGS and fold(spelling) not in english_names()
    assert read_country(spelling).code == code
