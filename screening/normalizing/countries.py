"""Country values → ISO 3166-1 alpha-2, from codes, names and common spellings in many languages.

rigour (OpenSanctions' territory data) knows codes and names in many languages. On top of it sits a
small table of what sanctions data needs decided differently: a bare "Korea" is ambiguous (rigour
reads it as the Republic of Korea, which would hide a DPRK national), and a few DPRK spellings found
in registers that rigour does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from rigour.territories import lookup_territory

AMBIGUOUS = {
    "korea": "ambiguous country: could be the DPRK (KP) or the Republic of Korea (KR)",
    "корея": "ambiguous country: could be the DPRK (KP) or the Republic of Korea (KR)",
    "한국": "ambiguous country: could be the DPRK (KP) or the Republic of Korea (KR)",
    "조선": "ambiguous country: could be the DPRK (KP) or the Republic of Korea (KR)",
}

EXTRA_SPELLINGS = {
    "korea dpr": "KP",
    "dpr korea": "KP",
    "dpr of korea": "KP",
    "korea (dpr)": "KP",
    "korea, dpr": "KP",
    "korea north": "KP",
    "korea, north": "KP",
    "n. korea": "KP",
    "n korea": "KP",
    "кндр": "KP",
    "корея, кндр": "KP",
    "корейская народно-демократическая республика": "KP",
    "корея северная": "KP",
    "северная корея": "KP",
    "북한": "KP",
    "조선민주주의인민공화국": "KP",
    "朝鲜": "KP",
    "korea south": "KR",
    "korea, south": "KR",
    "s. korea": "KR",
    "республика корея": "KR",
    "южная корея": "KR",
    "корея южная": "KR",
    "대한민국": "KR",
    "韩国": "KR",
}

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CountryReading:
    """What a country value says: an ISO code, or a problem."""

    code: str | None
    problem: str | None = None


def read_country(value: str) -> CountryReading:
    """Read one country value (a code, or a name in English, Russian, Korean, Chinese...)."""
    key = _SPACES.sub(" ", value.strip().casefold())
    if not key:
        return CountryReading(None)
    if key in AMBIGUOUS:
        return CountryReading(None, AMBIGUOUS[key])
    if key in EXTRA_SPELLINGS:
        return CountryReading(EXTRA_SPELLINGS[key])
    territory = lookup_territory(value.strip())
    if territory is None:
        return CountryReading(None, "unknown country")
    return CountryReading(territory.code.upper())


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
