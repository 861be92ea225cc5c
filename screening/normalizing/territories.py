"""Territory codes and names in many languages, as rigour (OpenSanctions) reads them, from data
kept in this package (territories.json, written by scripts/vendor_territories.py from rigour's
data, MIT licence).

Why not rigour itself: it needs PyICU, which is only a source distribution (a C++ compiler, ICU
headers and minutes of compiling to install). What `countries` asks of it is small: a code or
QID → its territory, each territory's names, and a name in any language → its territory. The
last is rigour's name index: keys are names transliterated (for the scripts rigour transliterates),
casefolded, without punctuation, spaces squashed (`territory_key`).

A name reads exactly as rigour reads it when it is in ASCII, in accented Latin (rigour
transliterates Latin character by character: kept as a table), in a script rigour does not
transliterate (Han, Arabic, Devanagari...), or when it is one of rigour's names in Cyrillic,
Greek, Armenian, Georgian or Hangul in any case, spacing or punctuation (kept as written). Any
other name in those five scripts is transliterated character by character, a last resort:
rigour's own rules look at the word (Ukrainian г is h, Greek μπ is b), so such a name may go
unread where rigour reads it. scripts/vendor_territories.py reads 234,123 spellings both ways:
none reads as another territory; 805, all a name in those scripts with Latin letters in it, go
unread where rigour reads them; 26 (names in capitals rigour's rules miss) read where it reads
none.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("territories.json")

# rigour.territories.util.normalize_territory_name after its transliteration, with normality's
# squash_spaces (its character classes as they are)
_SKIP = frozenset(".()[],;:_-/ʻ'’")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u00ad\u2060-\u2064]")
_SPACES = re.compile("[\\s\u2028\u2000-\u200a\u2029\u0a00\u1680\u202f\u205f\u3000]+")


@dataclass(frozen=True)
class Territories:
    """The vendored data (see scripts/vendor_territories.py for each part)."""

    identifiers: dict[str, str]
    names: dict[str, tuple[str, str]]
    index: dict[str, str]
    written: dict[str, str]
    latin: dict[int, str]
    scripts: dict[int, str]
    hangul: list[list[str]]
    starts: list[int]
    ends: list[int]


@cache
def load() -> Territories:
    """territories.json, read once (a tenth of a second)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    ranges = data["latinizable"]
    return Territories(
        identifiers=data["identifiers"],
        names={code: (name, full) for code, (name, full) in data["territories"].items()},
        index=data["names"],
        written=data["written"],
        latin=str.maketrans(data["latin"]),
        scripts=str.maketrans({**data["latin"], **data["scripts"]}),
        hangul=data["hangul"],
        starts=[start for start, _ in ranges],
        ends=[end for _, end in ranges],
    )


def territory_names() -> dict[str, tuple[str, str]]:
    """Each territory's code (lower case, e.g. `kp`, `us-nd`) → (name, full name)."""
    return load().names


def lookup_by_identifier(identifier: str) -> str | None:
    """The territory a 2- or 3-letter code, another code or a Wikidata QID names, else None."""
    return load().identifiers.get(identifier.lower().replace("_", "-").strip())


@lru_cache(maxsize=4096)
def lookup_territory(text: str) -> str | None:
    """The territory a code or a name in any language names, else None (rigour's
    `lookup_territory`, not fuzzy)."""
    code = lookup_by_identifier(text)
    if code is not None:
        return code
    data = load()
    if text.isascii() or not _latinizable(text, data):  # rigour transliterates nothing
        return data.index.get(territory_key(text))
    latin = text.translate(data.latin)
    if latin.isascii():  # Latin: transliterated as rigour does
        return data.index.get(territory_key(latin))
    code = data.written.get(territory_key(latin))  # one of rigour's names in another script
    if code is not None:
        return code
    last_resort = _hangul(text.translate(data.scripts), data.hangul)
    return data.index.get(territory_key(last_resort)) if last_resort.isascii() else None


def _hangul(text: str, jamo: list[list[str]]) -> str:
    """Each Hangul syllable romanized as rigour romanizes it alone."""
    initials, vowels, finals = jamo
    return "".join(
        initials[(cp := ord(char) - 0xAC00) // 588] + vowels[cp % 588 // 28] + finals[cp % 28]
        if "\uac00" <= char <= "\ud7a3"
        else char
        for char in text
    )


def territory_key(text: str) -> str:
    """A name as rigour's index keys it, once transliterated: NFKC, casefolded, punctuation
    dropped or made a space, spaces squashed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = []
    for char in text:
        if char in _SKIP:
            continue
        if not char.isalnum() and not unicodedata.category(char).startswith("M"):
            kept.append(" ")
        else:
            kept.append(char)
    return _SPACES.sub(" ", _INVISIBLE.sub("", "".join(kept))).strip(" ")


def _latinizable(text: str, data: Territories) -> bool:
    """Whether every character is one rigour transliterates or one of no script."""
    for char in text:
        at = bisect.bisect_right(data.starts, ord(char)) - 1
        if at < 0 or ord(char) >= data.ends[at]:
            return False
    return True
