"""Human-readable evidence for a match: token alignment and date-of-birth / nationality corroboration."""

from __future__ import annotations

import datetime as dt

from rapidfuzz import fuzz

from screening.matching.normalize import DROPPED, clean_one, token_class, token_key

DOB_AGREES, DOB_DIFFERS = 0.05, -0.10
NATIONALITY_AGREES, NATIONALITY_DIFFERS = 0.02, -0.05
MAX_BOOST = DOB_AGREES + NATIONALITY_AGREES


def _tokens(name: str) -> list[str]:
    return [t for t in clean_one(name).split() if token_class(t) != DROPPED]


def alignment(entry_name: str, record_name: str) -> str:
    """Which entry token met which record token: "pak~park, il=il, kyu~gyu, +trading, -corp"."""
    entry, record = _tokens(entry_name), _tokens(record_name)
    r_keys = [token_key(t) for t in record]
    used: set[int] = set()
    parts: list[str] = []
    i = 0
    while i < len(entry):
        key = token_key(entry[i])
        nxt = token_key(entry[i + 1]) if i + 1 < len(entry) else None
        joined = next((j for j, k in enumerate(r_keys) if j not in used and nxt and k == key + nxt), None)
        if joined is not None:  # Su Yong written Suyong
            used.add(joined)
            parts.append(f"{entry[i]} {entry[i + 1]}~{record[joined]}")
            i += 2
            continue
        best, best_sim = None, 0.0
        for j, k in enumerate(r_keys):
            sim = fuzz.ratio(key, k) / 100 if j not in used else 0.0
            if sim > best_sim:
                best, best_sim = j, sim
        if best is not None and best_sim >= 0.6:
            used.add(best)
            parts.append(f"{entry[i]}{'=' if entry[i] == record[best] else '~'}{record[best]}")
        else:
            parts.append(f"-{entry[i]}")
        i += 1
    parts.extend(f"+{t}" for j, t in enumerate(record) if j not in used)
    return ", ".join(parts)


def corroborate(
    birth_date: dt.date | None, nationality: str | None, entry_dobs: list[str], entry_nats: list[str]
) -> tuple[float, str]:
    """Score adjustment and explanation from date of birth and nationality, when both sides have them."""
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
            notes.append(f"nationality {nationality} matches")
        else:
            delta += NATIONALITY_DIFFERS
            notes.append(f"nationality {nationality} differs (listed {', '.join(entry_nats)})")
    return delta, "; ".join(notes)
