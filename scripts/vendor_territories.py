"""Write screening/normalizing/territories.json from rigour's territory data (run once per rigour
upgrade; the package itself never imports rigour).

    python -m venv /tmp/rigour && /tmp/rigour/bin/pip install rigour==2.6.1
    /tmp/rigour/bin/python scripts/vendor_territories.py

rigour (OpenSanctions, MIT licence) knows territory codes and names in many languages. Installing
it needs PyICU, which is only a source distribution (a C++ compiler, ICU headers and about 2.5
minutes of compiling), so the few things `screening.normalizing.countries` asks of it are kept
here as data, in a venv of its own (rigour's PyICU and the project's pyicu-wheels both install the
`icu` module, so the two should not share a venv):

- `identifiers`: each code, alpha-3 code, other code and Wikidata QID → its territory
  (`rigour.territories.lookup_by_identifier`);
- `territories`: each territory's name and full name (`get_territories`);
- `names`: rigour's name index, key → territory, exactly as `lookup_territory` builds it;
- `written`: rigour's names in Cyrillic, Greek, Armenian, Georgian and Hangul, keyed as written
  (their Latin letters and punctuation made ASCII as below, no other transliteration) → what
  rigour reads each as: rigour transliterates these scripts by language-aware rules (Ukrainian г
  is h, Greek μπ is b) before keying;
- `latin`: rigour's ASCII for each Latin-script (or script-neutral) character: its
  transliteration of these is character by character, so accented Latin is keyed exactly;
- `scripts`, `hangul`: the same for the other characters it transliterates and for Hangul
  syllables (initial, vowel, final), a last resort for a name in those scripts that is none of
  rigour's names (a Latin look-alike letter in a Cyrillic name);
- `latinizable`: the code point ranges rigour transliterates (or that are of no script).

Then every name in rigour's data in five spellings (as written, upper case, lower case, title
case, spaced and with a full stop), each accented name with an accent dropped, each ASCII name
with letters accented, each Cyrillic name with a Latin look-alike letter, and random accented
strings are read both ways: the script stops if any reads as another territory than rigour
reads it, and counts those read where rigour reads none and those not read where rigour reads
one. With rigour 2.6.1, of 234,123 spellings: none read differently; 26 read where rigour reads
none (Armenian and Church Slavonic names in capitals, which rigour's rules miss); 805 not read,
all mixed-script variants (a Cyrillic, Greek, Armenian, Georgian or Hangul name with Latin
letters in it) that rigour's word-level rules still key right.
"""

from __future__ import annotations

import importlib.metadata
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

from rigour._core import codepoint_script, maybe_ascii, should_ascii
from rigour.territories import get_territories
from rigour.territories import lookup_territory as rigour_lookup
from rigour.territories.lookup import (
    _get_identifier_map,
    _get_territory_names,
    _load_territory_names,
)
from rigour.territories.util import normalize_territory_name

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screening" / "normalizing" / "territories.json"
sys.path.insert(0, str(ROOT))


def latinizable_ranges() -> list[list[int]]:
    """[start, end) ranges of the code points rigour transliterates (or that are script-neutral)."""
    ranges: list[list[int]] = []
    start = None
    for cp in range(0x110000):
        admitted = not 0xD800 <= cp <= 0xDFFF and should_ascii(chr(cp))
        if admitted and start is None:
            start = cp
        elif not admitted and start is not None:
            ranges.append([start, cp])
            start = None
    if start is not None:
        ranges.append([start, 0x110000])
    return ranges


def latin_table() -> dict[str, str]:
    """rigour's ASCII for each non-ASCII Latin, Common or Inherited character it transliterates."""
    return _ascii_table(lambda cp: codepoint_script(cp) in _LATIN_LIKE)


def script_table() -> dict[str, str]:
    """rigour's ASCII for each other character it transliterates (Cyrillic, Greek, Armenian,
    Georgian...), character by character: rigour's own rules look at the word (Ukrainian г is h,
    Greek μπ is b), so this is only a last resort."""
    return _ascii_table(
        lambda cp: not 0xAC00 <= cp <= 0xD7A3 and codepoint_script(cp) not in _LATIN_LIKE
    )


_LATIN_LIKE = ("Latin", "Common", "Inherited")


def _ascii_table(chosen: Callable[[int], bool]) -> dict[str, str]:
    """rigour's ASCII for each chosen character (no surrogates) that it transliterates."""
    table = {}
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp <= 0xDFFF or not chosen(cp):
            continue
        char = chr(cp)
        if not should_ascii(char):
            continue
        ascii_ = maybe_ascii(char)
        if ascii_ != char and ascii_.isascii():
            table[char] = ascii_
    return table


def hangul_jamo() -> list[list[str]]:
    """rigour's romanization of each Hangul syllable's initial, vowel and final (a syllable's is
    theirs joined; checked for all 11,172)."""
    initials = [maybe_ascii(chr(0xAC00 + i * 588))[:-1] for i in range(19)]  # with vowel a
    vowels = [maybe_ascii(chr(0xAC00 + 11 * 588 + v * 28)) for v in range(21)]  # silent ㅇ
    finals = [maybe_ascii(chr(0xAC00 + 11 * 588 + t))[1:] for t in range(28)]  # ㅇ + a + final
    for cp in range(0xAC00, 0xD7A4):
        i, v, t = (cp - 0xAC00) // 588, (cp - 0xAC00) % 588 // 28, (cp - 0xAC00) % 28
        assert initials[i] + vowels[v] + finals[t] == maybe_ascii(chr(cp)), chr(cp)
    return [initials, vowels, finals]


def raw_names() -> list[str]:
    names: list[str] = []
    for _territory, strongs, weaks, places in _load_territory_names():
        names += strongs + weaks + places
    return names


def main() -> None:
    from screening.normalizing.territories import territory_key

    names_index = {key: t.code for key, t in _get_territory_names().items()}
    latin = latin_table()
    to_latin = str.maketrans(latin)
    written: dict[str, str] = {}
    clashes: dict[str, set[str]] = {}
    for name in raw_names():
        # ASCII, other scripts and accented Latin are keyed as rigour keys them: not needed here
        if not should_ascii(name) or name.translate(to_latin).isascii():
            continue
        code = names_index.get(normalize_territory_name(name))
        if code is None:
            continue
        key = territory_key(name.translate(to_latin))
        if written.setdefault(key, code) != code:
            clashes.setdefault(key, {written[key]}).add(code)
    for key in clashes:  # spellings two territories' names share as written: read neither
        del written[key]
    data = {
        "about": (
            f"Generated by scripts/vendor_territories.py from rigour "
            f"{importlib.metadata.version('rigour')} (OpenSanctions, MIT licence): territory "
            "codes, names and rigour's name index. Do not edit by hand."
        ),
        "identifiers": {key: t.code for key, t in sorted(_get_identifier_map().items())},
        "territories": {t.code: [t.name, t.full_name] for t in get_territories()},
        "names": dict(sorted(names_index.items())),
        "written": dict(sorted(written.items())),
        "latin": latin,
        "scripts": script_table(),
        "hangul": hangul_jamo(),
        "latinizable": latinizable_ranges(),
    }
    text = json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n"
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(text.encode()):,} bytes; {len(clashes)} clashes")
    check()


def spellings(name: str) -> list[str]:
    return [name, name.upper(), name.lower(), name.title(), f" {name.replace(' ', '  ')}."]


def check() -> dict[str, list[tuple[str, str | None, str | None]]]:
    """Every name in rigour's data, in five spellings, and random accented Latin names: read as
    rigour reads them, or the script stops."""
    import screening.normalizing.territories as territories

    territories.load.cache_clear()
    territories.lookup_territory.cache_clear()
    rng = random.Random(17)
    table = {chr(cp): ascii_ for cp, ascii_ in territories.load().latin.items()}
    accented: dict[str, list[str]] = {}  # e -> é, è, ê...
    for char, ascii_ in table.items():
        if len(ascii_) == 1 and ascii_.isalpha():
            accented.setdefault(ascii_, []).append(char)
    letters = list(table) + list("abcdefghijklmnopqrstuvwxyz   -'.")
    queries = [spelling for name in raw_names() for spelling in spellings(name)]
    queries += [
        "".join(rng.choice(letters) for _ in range(rng.randint(3, 12))) for _ in range(20_000)
    ]
    for name in raw_names():
        # accented names with one accent dropped; ASCII names with two letters accented
        accents = sorted(c for c in set(name) if not c.isascii())
        queries += [name.replace(c, maybe_ascii(c), 1) for c in accents][:3]
        if name.isascii():
            for _ in range(2):
                chars = list(name)
                for at in rng.sample(range(len(chars)), min(2, len(chars))):
                    chars[at] = rng.choice(accented.get(chars[at], [chars[at]]))
                queries.append("".join(chars))
    homoglyphs = str.maketrans("аеорсухкмтнвАЕОРСХКМТНВ", "aeopcyxkmthbAEOPCXKMTHB")
    for name in raw_names():  # Cyrillic names with a Latin look-alike letter or two
        if not name.isascii() and name.translate(homoglyphs) != name:
            chars = list(name)
            for at in rng.sample(range(len(chars)), min(2, len(chars))):
                chars[at] = chars[at].translate(homoglyphs)
            queries.append("".join(chars))
    kinds: dict[str, list[tuple[str, str | None, str | None]]] = {
        "more": [],
        "less": [],
        "other": [],
    }
    for query in queries:
        found = rigour_lookup(query.strip())
        theirs = found.code if found else None
        ours = territories.lookup_territory(query.strip())
        if theirs != ours:
            kind = "more" if theirs is None else "less" if ours is None else "other"
            kinds[kind].append((query, theirs, ours))
    print(
        f"{len(queries):,} spellings: read as rigour reads them but {len(kinds['more'])} "
        f"read where rigour reads none, {len(kinds['less'])} not read where rigour reads one, "
        f"{len(kinds['other'])} read differently"
    )
    for kind, differing in kinds.items():
        for query, theirs, ours in differing[:15]:
            print(f"  {kind}: {query!r}: rigour {theirs}, vendored {ours}")
    if kinds["other"]:
        raise SystemExit(1)
    return kinds


if __name__ == "__main__":
    main()
