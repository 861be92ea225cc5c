"""Human-readable evidence for a match: token alignment, date of birth and nationality."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from rapidfuzz import fuzz

from screening.matching.normalize import DROPPED, token_class, token_key

DOB_AGREES, DOB_DIFFERS = 0.05, -0.10
NATIONALITY_AGREES, NATIONALITY_DIFFERS = 0.02, -0.05
MAX_BOOST = DOB_AGREES + NATIONALITY_AGREES


@lru_cache(maxsize=65536)
def _tokens(cleaned: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Tokens that count and their keys."""
    tokens = tuple(t for t in cleaned.split() if token_class(t) != DROPPED)
    return tokens, tuple(token_key(t) for t in tokens)


def alignment(entry_name: str, record_name: str) -> str:
    """Which entry token met which record token, given cleaned names: "pak~park, il=il, kyu~gyu"."""
    (entry, e_keys), (record, r_keys) = _tokens(entry_name), _tokens(record_name)
    free = list(range(len(record)))  # record tokens not yet aligned, in order
    parts: list[str] = []
    i = 0
    while i < len(entry):
        key = e_keys[i]
        if i + 1 < len(entry):
            two = key + e_keys[i + 1]
            joined = next((j for j in free if r_keys[j] == two), None)
            if joined is not None:  # Su Yong written Suyong
                free.remove(joined)
                parts.append(f"{entry[i]} {entry[i + 1]}~{record[joined]}")
                i += 2
                continue
        best = next((j for j in free if r_keys[j] == key), None)  # the common case, and cheap
        if best is None and free:
            sims = [fuzz.ratio(key, r_keys[j]) for j in free]
            top = max(range(len(free)), key=sims.__getitem__)
            best = free[top] if sims[top] >= 60 else None
        if best is None:
            parts.append(f"-{entry[i]}")
        else:
            free.remove(best)
            parts.append(f"{entry[i]}{'=' if entry[i] == record[best] else '~'}{record[best]}")
        i += 1
    parts.extend(f"+{record[j]}" for j in free)
    return ", ".join(parts)


def corroborate(
    birth_date: dt.date | None,
    nationality: str | None,
    entry_dobs: list[str],
    entry_nats: list[str],
    country_word: str = "nationality",
) -> tuple[float, str]:
    """Score change and explanation from date of birth and nationality known on both sides."""
    delta, notes = 0.0, []
    if birth_date is not None and entry_dobs:
        full = birth_date.isoformat()
        if any(full.startswith(d) for d in entry_dobs):
            delta += DOB_AGREES
            notes.append(f"date of birth {full} matches")
        else:
            delta += DOB_DIFFERS
            notes.append(f"date of birth {full} differs (listed {', '.join(entry_dobs)})")
    if nationality and entry_nats:
        if nationality in entry_nats:
            delta += NATIONALITY_AGREES
            notes.append(f"{country_word} {nationality} matches")
        else:
            delta += NATIONALITY_DIFFERS
            notes.append(f"{country_word} {nationality} differs (listed {', '.join(entry_nats)})")
    return delta, "; ".join(notes)
