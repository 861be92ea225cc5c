"""Country values → ISO 3166-1 alpha-2, from codes, names and common spellings in many languages.

rigour's territory data (OpenSanctions', kept in this package: `territories`) knows codes and
names in many languages. On top of it sit two small tables of what sanctions data needs decided
differently: AMBIGUOUS values, which read as no country and a data issue (a bare "Korea": rigour
reads it as the Republic of Korea, which would hide a DPRK national), and EXTRA_SPELLINGS, the
project's own decisions (DPRK and Republic of Korea spellings found in registers that rigour does
not know, the Rason zone as a place of registration). Every DPRK spelling is tested one by one in
tests/normalizing/test_countries.py.

Codes, English names and the spellings common in the registers we read are answered from tables,
exactly as rigour's name index answers them (tests hold every entry to that); the name index is
searched only when a value is none of these. Table keys are looked up folded (`fold`), so case,
spacing, typographic apostrophes and dashes and a trailing full stop do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pandas as pd

from screening.normalizing.territories import (
    lookup_by_identifier,
    lookup_territory,
    territory_names,
)

_KP_OR_KR = "ambiguous country: could be the DPRK (KP) or the Republic of Korea (KR)"

# Values that name no one country: no code, and the problem goes to the Data issues sheet.
AMBIGUOUS = {
    "korea": _KP_OR_KR,
    "корея": _KP_OR_KR,
    # Japanese 朝鮮 alone is the "Chōsen" (chōsen-seki) registry status of Koreans in Japan, a
    # record of origin from before the division, not DPRK nationality (legal-basis.md).
    "朝鮮": "ambiguous country: Japanese 朝鮮 alone is the Chōsen registry status of Koreans in "
    "Japan, not DPRK nationality: could be the DPRK (KP), the Republic of Korea (KR) or neither",
}

EXTRA_SPELLINGS = {
    # DPRK, English (World Bank, ISO-list and register styles)
    "korea dpr": "KP",
    "dpr korea": "KP",
    "dpr of korea": "KP",
    "korea (dpr)": "KP",
    "korea, dpr": "KP",
    "korea (dprk)": "KP",
    "korea, dprk": "KP",
    "korea dprk": "KP",
    "korea, dem. people's rep": "KP",  # World Bank style
    "korea dem. people's rep": "KP",
    "korea, dem. rep": "KP",  # its older form
    "korea, d.p.r": "KP",
    "korea north": "KP",
    "korea, north": "KP",
    "n. korea": "KP",
    "n korea": "KP",
    # DPRK, Russian
    "кндр": "KP",
    "корея, кндр": "KP",
    "корейская народно-демократическая республика": "KP",
    "корейская народно-демократическая республика (кндр)": "KP",
    "корея северная": "KP",
    "северная корея": "KP",
    # DPRK, Korean. 조선 is the DPRK's own short name for itself (the Republic of Korea says 한국),
    # listed among the DPRK's names in legal-basis.md: it reads as KP, not as ambiguous.
    "조선": "KP",
    "조선민주주의인민공화국": "KP",
    "북한": "KP",
    "북조선": "KP",
    # DPRK, Chinese. Simplified 朝鲜 is the Chinese short name of the DPRK; traditional/Japanese
    # 朝鮮 alone stays AMBIGUOUS (above).
    "朝鲜": "KP",
    "朝鲜民主主义人民共和国": "KP",
    "朝鮮民主主義人民共和國": "KP",
    "北韩": "KP",
    # The Rason special economic zone is DPRK territory: a company registered there is registered
    # in the DPRK (2375 OP18 covers joint ventures in the DPRK with a foreign partner).
    "rason": "KP",
    "rason sez": "KP",
    "rason special economic zone": "KP",
    "rason economic and trade zone": "KP",
    "rason (dprk)": "KP",
    "rason, dprk": "KP",
    "rajin-sonbong": "KP",
    "rajin sonbong": "KP",
    "расон": "KP",
    "расон (кндр)": "KP",
    "раджин-сонбон": "KP",
    "라선": "KP",
    "라선경제무역지대": "KP",
    "라진-선봉": "KP",
    "라진선봉": "KP",
    "羅先": "KP",
    "罗先": "KP",
    "罗先经济贸易区": "KP",
    # Other countries
    "кнр": "CN",  # Китайская Народная Республика: the usual Russian short form, unknown to rigour
    # Republic of Korea: never the DPRK (legal-basis.md)
    "korea south": "KR",
    "korea, south": "KR",
    "s. korea": "KR",
    "korea, rep": "KR",  # World Bank style
    "республика корея": "KR",
    "южная корея": "KR",
    "корея южная": "KR",
    "대한민국": "KR",
    "한국": "KR",  # the Republic of Korea's own short name (the DPRK says 조선)
    "韩国": "KR",
    "韓国": "KR",  # Japanese
    "韓國": "KR",  # traditional Chinese
}

# What rigour says for spellings common in the registers we read (keys folded as `read_country`
# folds values), so that they need no name index. Each entry is checked against it in tests.
COMMON_SPELLINGS = {
    # Russian
    "россия": "RU",
    "рф": "RU",
    "китай": "CN",
    "вьетнам": "VN",
    "киргизия": "KG",
    "кыргызстан": "KG",
    "киргизстан": "KG",
    "казахстан": "KZ",
    "таджикистан": "TJ",
    "узбекистан": "UZ",
    "монголия": "MN",
    "туркменистан": "TM",
    "туркмения": "TM",
    "беларусь": "BY",
    "украина": "UA",
    "азербайджан": "AZ",
    "армения": "AM",
    "грузия": "GE",
    "молдова": "MD",
    "молдавия": "MD",
    "турция": "TR",
    "оаэ": "AE",
    "индия": "IN",
    "пакистан": "PK",
    "афганистан": "AF",
    "иран": "IR",
    "сирия": "SY",
    "лаос": "LA",
    "камбоджа": "KH",
    "таиланд": "TH",
    "индонезия": "ID",
    "малайзия": "MY",
    "сингапур": "SG",
    "япония": "JP",
    "сша": "US",
    "германия": "DE",
    "великобритания": "GB",
    "франция": "FR",
    "италия": "IT",
    "польша": "PL",
    "чехия": "CZ",
    "литва": "LT",
    "латвия": "LV",
    "эстония": "EE",
    "финляндия": "FI",
    "израиль": "IL",
    "египет": "EG",
    "нигерия": "NG",
    "ангола": "AO",
    "танзания": "TZ",
    "уганда": "UG",
    "мьянма": "MM",
    "непал": "NP",
    "бангладеш": "BD",
    "филиппины": "PH",
    "куба": "CU",
    "венесуэла": "VE",
    "никарагуа": "NI",
    "катар": "QA",
    "кувейт": "KW",
    "оман": "OM",
    "ливия": "LY",
    "судан": "SD",
    "эфиопия": "ET",
    "объединённые арабские эмираты": "AE",
    "объединенные арабские эмираты": "AE",
    "китайская народная республика": "CN",
    "республика казахстан": "KZ",
    "республика узбекистан": "UZ",
    "российская федерация": "RU",
    # Korean
    "중국": "CN",
    "러시아": "RU",
    "베트남": "VN",
    "몽골": "MN",
    "카자흐스탄": "KZ",
    "우즈베키스탄": "UZ",
    "키르기스스탄": "KG",
    "타지키스탄": "TJ",
    "일본": "JP",
    "미국": "US",
    "라오스": "LA",
    "캄보디아": "KH",
    "태국": "TH",
    "아랍에미리트": "AE",
    "인도네시아": "ID",
    "말레이시아": "MY",
    "싱가포르": "SG",
    "미얀마": "MM",
    "쿠웨이트": "KW",
    "카타르": "QA",
    # Chinese
    "中国": "CN",
    "中华人民共和国": "CN",
    "俄罗斯": "RU",
    "越南": "VN",
    "蒙古": "MN",
    "哈萨克斯坦": "KZ",
    "乌兹别克斯坦": "UZ",
    "吉尔吉斯斯坦": "KG",
    "塔吉克斯坦": "TJ",
    "日本": "JP",
    "美国": "US",
    "老挝": "LA",
    "柬埔寨": "KH",
    "泰国": "TH",
    "阿拉伯联合酋长国": "AE",
    "缅甸": "MM",
    "马来西亚": "MY",
    "新加坡": "SG",
    "印度尼西亚": "ID",
    # Korean peninsula in Chinese and Japanese
    "北朝鮮": "KP",
    "朝鮮民主主義人民共和国": "KP",
    "北韓": "KP",
    "南韓": "KR",
    # English forms rigour's own names do not spell (ISO list style, short forms)
    "dprk": "KP",
    "d.p.r.k": "KP",
    "d.p.r. korea": "KP",
    "korea (north)": "KP",
    "korea (south)": "KR",
    "u.a.e": "AE",
    "u.s.a": "US",
    "kazakstan": "KZ",
    "kirgizia": "KG",
    "korea, republic of": "KR",
    "korea, democratic people's republic of": "KP",
    "viet nam": "VN",
    "iran, islamic republic of": "IR",
    "uae": "AE",
    "uk": "GB",
    "great britain": "GB",
    "the netherlands": "NL",
    "holland": "NL",
    "burma": "MM",
    "turkey": "TR",
    "taiwan, province of china": "TW",
    "moldova, republic of": "MD",
    "tanzania, united republic of": "TZ",
    "venezuela, bolivarian republic of": "VE",
    "bolivia, plurinational state of": "BO",
    "prc": "CN",
}

# Typographic apostrophes and dashes as typed on a keyboard
_TYPED = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark
        "\u02bc": "'",  # modifier letter apostrophe
        "\u00b4": "'",  # acute accent
        "`": "'",
        "\u2010": "-",  # hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
    }
)
_SPACES = re.compile(r"\s+")
_COMMA = re.compile(r" ?, ?")
_OPENING = re.compile(r"\( ")
_CLOSING = re.compile(r" \)")
_FULL_STOP = re.compile(r"(?<=[^\s.]) ?\.+$")


@dataclass(frozen=True)
class CountryReading:
    """What a country value says: an ISO code, or a problem."""

    code: str | None
    problem: str | None = None


def read_country(value: str) -> CountryReading:
    """Read one country value (a code, or a name in English, Russian, Korean, Chinese...)."""
    key = fold(value)
    if not key:
        return CountryReading(None)
    if key in AMBIGUOUS:
        return CountryReading(None, AMBIGUOUS[key])
    if key in EXTRA_SPELLINGS:
        return CountryReading(EXTRA_SPELLINGS[key])
    # rigour's own order: a code first, then a name (through its index only when unavoidable)
    code = lookup_by_identifier(value.strip())
    if code is not None:
        return CountryReading(code.upper())
    known = COMMON_SPELLINGS.get(key) or english_names().get(key)
    if known is not None:
        return CountryReading(known)
    code = lookup_territory(value.strip())
    if code is None:
        return CountryReading(None, "unknown country")
    return CountryReading(code.upper())


def fold(value: str) -> str:
    """The key a country value is looked up by: NFKC, casefolded, typographic apostrophes and
    dashes as typed, spaces squashed, one space after a comma and none inside parentheses, no
    trailing full stop ("Korea , Dem. People’s Rep." → "korea, dem. people's rep")."""
    key = unicodedata.normalize("NFKC", value).casefold().translate(_TYPED)
    key = _SPACES.sub(" ", key).strip()
    key = _CLOSING.sub(")", _OPENING.sub("(", _COMMA.sub(", ", key)))
    return _FULL_STOP.sub("", key).strip()


@cache
def english_names() -> dict[str, str]:
    """Each territory's English name and full name (folded) → its code, from rigour's territory
    records: a name rigour's index maps to that territory (a test checks every one)."""
    return {fold(name): code.upper() for code, names in territory_names().items() for name in names}


def normalize_countries(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole column at once: (ISO codes or NA, problem or NA). Each distinct value is read once."""
    distinct = pd.unique(values[values.ne("")])
    readings = {value: read_country(value) for value in distinct}
    codes = values.map({v: r.code for v, r in readings.items()})
    problems = values.map({v: r.problem for v, r in readings.items()})
    return codes.astype("str"), problems


def country_codes(values: list[str]) -> list[str]:
    """The ISO codes the values name, in order, without duplicates (unreadable ones left out)."""
    codes: list[str] = []
    for value in values:
        code = read_country(value).code
        if code and code not in codes:
            codes.append(code)
    return codes
