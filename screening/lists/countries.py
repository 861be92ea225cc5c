"""Country names and codes as they appear in list files, read as ISO 3166-1 alpha-2."""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import lookup_territory


@lru_cache(maxsize=4096)
def to_alpha2(value: str) -> str | None:
    """The alpha-2 code for a country name or code, or None when it names no current country."""
    territory = lookup_territory(value.strip())
    code = territory.ftm_country if territory is not None else None
    return code.upper() if code and len(code) == 2 else None


def alpha2_all(values: list[str]) -> list[str]:
    """Alpha-2 codes of the values that name a country, in order, without duplicates."""
    out: list[str] = []
    for value in values:
        code = to_alpha2(value) if value.strip() else None
        if code and code not in out:
            out.append(code)
    return out
