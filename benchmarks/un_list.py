"""A synthetic UN Security Council consolidated list (XML) of any size, for scale benchmarks.

    python benchmarks/un_list.py --entries 10000 --out /tmp/consolidated.xml [--seed 1718]

The file has the shape of the public ``consolidated.xml`` (root ``CONSOLIDATED_LIST`` with
``INDIVIDUALS`` and ``ENTITIES``): reference numbers per programme (``KPi.033``, ``QDe.004``...),
``UN_LIST_TYPE``, ``LISTED_ON``, ``COMMENTS1``, nationalities, good and low-quality aliases, dates
of birth (exact, year only, or a range of years), addresses and documents. About a fifth of the
entries are DPRK (Korean names in McCune-Reischauer spelling, ``benchmarks/names.py``'s pools),
the rest spread over the other sanctions programmes with Arabic, Latin-American, African and
Central Asian style names. About 70% of entries are individuals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from names import GENERIC, SURNAMES, SYLLABLES, WORDS  # noqa: E402


@dataclass(frozen=True)
class Programme:
    """One UN sanctions regime as the consolidated list names it."""

    list_type: str  # UN_LIST_TYPE
    prefix: str  # reference number prefix: KP -> KPi.001 / KPe.001
    share: float
    nationalities: tuple[str, ...]
    style: str  # name style: korean, arabic, latin, african


PROGRAMMES = (
    Programme("DPRK", "KP", 0.20, ("Democratic People's Republic of Korea",), "korean"),
    Programme(
        "Al-Qaida", "QD", 0.30, ("Iraq", "Syrian Arab Republic", "Yemen", "Saudi Arabia"), "arabic"
    ),
    Programme("Taliban", "TA", 0.10, ("Afghanistan", "Pakistan"), "arabic"),
    Programme("Iraq", "IQ", 0.08, ("Iraq",), "arabic"),
    Programme("Libya", "LY", 0.06, ("Libya",), "arabic"),
    Programme("Somalia", "SO", 0.06, ("Somalia", "Kenya"), "african"),
    Programme("DRC", "CD", 0.06, ("Democratic Republic of the Congo", "Rwanda"), "african"),
    Programme("South Sudan", "SS", 0.03, ("South Sudan",), "african"),
    Programme("Sudan", "SD", 0.03, ("Sudan",), "african"),
    Programme("CAR", "CF", 0.03, ("Central African Republic",), "african"),
    Programme("Yemen", "YE", 0.02, ("Yemen",), "arabic"),
    Programme("Haiti", "HT", 0.02, ("Haiti",), "latin"),
    Programme("Mali", "ML", 0.01, ("Mali",), "african"),
)

ARABIC_GIVEN = (
    "Abd al-Rahman", "Abu Bakr", "Ahmad", "Ali", "Hamza", "Hasan", "Ibrahim", "Khalid", "Mahmud",
    "Muhammad", "Mustafa", "Nasir", "Omar", "Said", "Salim", "Tariq", "Walid", "Yusuf", "Zayd",
)  # fmt: skip
ARABIC_FAMILY = (
    "al-Baghdadi", "al-Hashimi", "al-Masri", "al-Qahtani", "al-Tikriti", "al-Zawahiri", "Haqqani",
    "Hamdan", "Jaber", "Mansour", "Nasrallah", "Rahimi", "Saleh", "Shafiq", "Zaidan", "Akhund",
    "Muttaqi", "Baradar", "Karimi", "Mohammadi",
)  # fmt: skip
AFRICAN_GIVEN = (
    "Abdirahman", "Bosco", "Callixte", "Faustin", "Gaston", "Innocent", "Jean-Pierre", "Laurent",
    "Mohamed", "Moussa", "Paul", "Sylvestre", "Yusuf", "Ahmed", "Ousmane", "Nouredine",
)  # fmt: skip
AFRICAN_FAMILY = (
    "Ntaganda", "Mudacumura", "Kakwavu", "Lumbala", "Mbarushimana", "Nkunda", "Aweys", "Godane",
    "Abdullahi", "Kony", "Mahamat", "Diallo", "Koné", "Traoré", "Garang", "Malong", "Kiir",
)  # fmt: skip
LATIN_GIVEN = ("Jimmy", "Jean", "Vitel'homme", "Johnson", "Renel", "Wilson", "Ezechiel", "Gabriel")
LATIN_FAMILY = ("Cherizier", "André", "Innocent", "Destin", "Joseph", "Pierre", "Alexandre", "Noël")
ORG_NOUNS = (
    "Brigade", "Battalion", "Front", "Movement", "Foundation", "Charity", "Exchange", "Bank",
    "Shipping", "Trading", "Holding", "Petroleum", "Mining", "Army", "Group",
)  # fmt: skip
ORG_PLACES = (
    "Mosul", "Idlib", "Kandahar", "Benghazi", "Kismayo", "Goma", "Bangui", "Juba", "Darfur",
    "Port-au-Prince", "Gao", "Aden", "Quetta", "Tripoli", "Kivu",
)  # fmt: skip
DPRK_ORG_FORMS = ("Trading Corporation", "General Corporation", "Company", "Bank", "Group")
ALIAS_QUALITIES = (("Good", 0.45), ("a.k.a.", 0.35), ("Low", 0.2))
SCHEMA_ATTRS = (
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:noNamespaceSchemaLocation="https://scsanctions.un.org/resources/xml/en/consolidated.xsd"'
)


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return str(options[int(rng.integers(len(options)))])


def _korean_person(rng: np.random.Generator) -> tuple[str, ...]:
    """Surname and a two-syllable given name, upper-case as the UN list writes them."""
    given = f"{_pick(rng, SYLLABLES)} {_pick(rng, SYLLABLES)}"
    return _pick(rng, SURNAMES).upper(), given.upper()


def _person_parts(rng: np.random.Generator, style: str) -> tuple[str, ...]:
    """FIRST_NAME, SECOND_NAME[, THIRD_NAME] of an individual in the programme's name style."""
    if style == "korean":
        return _korean_person(rng)
    if style == "arabic":
        return (
            _pick(rng, ARABIC_GIVEN).upper(),
            _pick(rng, ARABIC_GIVEN).upper(),
            _pick(rng, ARABIC_FAMILY).upper(),
        )
    if style == "african":
        return _pick(rng, AFRICAN_GIVEN).upper(), _pick(rng, AFRICAN_FAMILY).upper()
    return _pick(rng, LATIN_GIVEN).upper(), _pick(rng, LATIN_FAMILY).upper()


def _entity_name(rng: np.random.Generator, style: str) -> str:
    if style == "korean":
        word = _pick(rng, WORDS) + _pick(rng, SYLLABLES)
        return f"KOREA {word.upper()} {_pick(rng, DPRK_ORG_FORMS).upper()}"
    return f"{_pick(rng, ORG_PLACES)} {_pick(rng, ORG_NOUNS)} {_pick(rng, GENERIC)}".upper()


def _alias(rng: np.random.Generator, name: str, style: str, person: bool) -> str:
    """A variant of the name: reordered, re-spelled, or another name of the same style."""
    choice = rng.random()
    if choice < 0.4:
        parts = name.split()
        return " ".join(parts[1:] + parts[:1])
    if choice < 0.7:
        swaps = (("CH", "TCH"), ("YO", "YEO"), ("AL-", "EL "), ("U", "OU"), ("K", "G"))
        old, new = swaps[int(rng.integers(len(swaps)))]
        if old in name:
            return name.replace(old, new, 1)
    if person:
        return " ".join(_person_parts(rng, style))
    return _entity_name(rng, style)


def _element(tag: str, value: str | None) -> str:
    return f"<{tag}>{escape(value)}</{tag}>" if value else f"<{tag}/>"


def _comment(programme: Programme, data_id: int) -> str:
    return _element("COMMENTS1", f"Synthetic entry {data_id} of the {programme.list_type} regime.")


def _date_of_birth(rng: np.random.Generator) -> str:
    """EXACT date, year only, or BETWEEN two years (a range of at most four years)."""
    year = int(rng.integers(1940, 2000))
    kind = rng.random()
    if kind < 0.6:
        day = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(365)))
        body = _element("TYPE_OF_DATE", "EXACT") + _element("DATE", day.isoformat())
    elif kind < 0.9:
        body = _element("TYPE_OF_DATE", "EXACT") + _element("YEAR", str(year))
    else:
        to_year = str(year + int(rng.integers(1, 5)))
        body = (
            _element("TYPE_OF_DATE", "BETWEEN")
            + _element("FROM_YEAR", str(year))
            + _element("TO_YEAR", to_year)
        )
    return f"<INDIVIDUAL_DATE_OF_BIRTH>{body}</INDIVIDUAL_DATE_OF_BIRTH>"


def _aliases(rng: np.random.Generator, name: str, style: str, person: bool, tag: str) -> str:
    count = int(rng.choice([0, 1, 2, 3, 5], p=[0.3, 0.3, 0.2, 0.15, 0.05]))
    qualities = [quality for quality, _ in ALIAS_QUALITIES]
    shares = [share for _, share in ALIAS_QUALITIES]
    out = []
    for _ in range(count):
        quality = str(qualities[int(rng.choice(len(qualities), p=shares))])
        alias = _alias(rng, name, style, person)
        out.append(f"<{tag}>{_element('QUALITY', quality)}{_element('ALIAS_NAME', alias)}</{tag}>")
    return "".join(out)


def _listed_on(rng: np.random.Generator) -> str:
    return (dt.date(2001, 1, 1) + dt.timedelta(days=int(rng.integers(9000)))).isoformat()


def individual(rng: np.random.Generator, programme: Programme, number: int, data_id: int) -> str:
    """One <INDIVIDUAL> element."""
    parts = _person_parts(rng, programme.style)
    tags = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME")
    names = "".join(_element(tag, part) for tag, part in zip(tags, parts, strict=False))
    nationality = _pick(rng, programme.nationalities)
    dobs = "".join(_date_of_birth(rng) for _ in range(1 if rng.random() < 0.8 else 2))
    passport = "".join(str(d) for d in rng.integers(0, 10, 9))
    return (
        f"<INDIVIDUAL>{_element('DATAID', str(data_id))}{_element('VERSIONNUM', '1')}{names}"
        f"{_element('UN_LIST_TYPE', programme.list_type)}"
        f"{_element('REFERENCE_NUMBER', f'{programme.prefix}i.{number:03d}')}"
        f"{_element('LISTED_ON', _listed_on(rng))}"
        f"{_comment(programme, data_id)}"
        f"<DESIGNATION>{_element('VALUE', 'Official')}</DESIGNATION>"
        f"<NATIONALITY>{_element('VALUE', nationality)}</NATIONALITY>"
        f"<LIST_TYPE>{_element('VALUE', 'UN List')}</LIST_TYPE><LAST_DAY_UPDATED/>"
        f"{_aliases(rng, ' '.join(parts), programme.style, True, 'INDIVIDUAL_ALIAS')}"
        f"<INDIVIDUAL_ADDRESS>{_element('COUNTRY', nationality)}</INDIVIDUAL_ADDRESS>{dobs}"
        f"<INDIVIDUAL_PLACE_OF_BIRTH>{_element('COUNTRY', nationality)}"
        f"</INDIVIDUAL_PLACE_OF_BIRTH><INDIVIDUAL_DOCUMENT>"
        f"{_element('TYPE_OF_DOCUMENT', 'Passport')}{_element('NUMBER', passport)}"
        f"</INDIVIDUAL_DOCUMENT><SORT_KEY/><SORT_KEY_LAST_MOD/></INDIVIDUAL>"
    )


def entity(rng: np.random.Generator, programme: Programme, number: int, data_id: int) -> str:
    """One <ENTITY> element."""
    name = _entity_name(rng, programme.style)
    country = _pick(rng, programme.nationalities)
    return (
        f"<ENTITY>{_element('DATAID', str(data_id))}{_element('VERSIONNUM', '1')}"
        f"{_element('FIRST_NAME', name)}{_element('UN_LIST_TYPE', programme.list_type)}"
        f"{_element('REFERENCE_NUMBER', f'{programme.prefix}e.{number:03d}')}"
        f"{_element('LISTED_ON', _listed_on(rng))}"
        f"{_comment(programme, data_id)}"
        f"<LIST_TYPE>{_element('VALUE', 'UN List')}</LIST_TYPE><LAST_DAY_UPDATED/>"
        f"{_aliases(rng, name, programme.style, False, 'ENTITY_ALIAS')}"
        f"<ENTITY_ADDRESS>{_element('CITY', 'Unknown')}{_element('COUNTRY', country)}"
        f"</ENTITY_ADDRESS><SORT_KEY/><SORT_KEY_LAST_MOD/></ENTITY>"
    )


def consolidated_list(entries: int, seed: int = 1718) -> str:
    """The XML text of a consolidated list with `entries` entries (about 70% individuals)."""
    rng = np.random.default_rng(seed)
    shares = np.asarray([p.share for p in PROGRAMMES])
    chosen = rng.choice(len(PROGRAMMES), size=entries, p=shares / shares.sum())
    people = rng.random(entries) < 0.7
    counters: dict[tuple[int, bool], int] = {}
    individuals: list[str] = []
    entities: list[str] = []
    for i, (index, person) in enumerate(zip(chosen.tolist(), people.tolist(), strict=True)):
        number = counters[(index, person)] = counters.get((index, person), 0) + 1
        make, into = (individual, individuals) if person else (entity, entities)
        into.append(make(rng, PROGRAMMES[index], number, 6_900_000 + i))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<CONSOLIDATED_LIST {SCHEMA_ATTRS} dateGenerated="2026-11-20T00:00:00.0Z">\n'
        "<INDIVIDUALS>\n" + "\n".join(individuals) + "\n</INDIVIDUALS>\n"
        "<ENTITIES>\n" + "\n".join(entities) + "\n</ENTITIES>\n</CONSOLIDATED_LIST>\n"
    )


def write_list(path: Path, entries: int, seed: int = 1718) -> Path:
    """Write a generated consolidated list to `path` (UTF-8) and return the path."""
    path.write_text(consolidated_list(entries, seed), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="number of entries")
    parser.add_argument("--out", type=Path, required=True, help="output XML file")
    parser.add_argument("--seed", type=int, default=1718, help="random seed (default 1718)")
    args = parser.parse_args(argv)
    write_list(args.out, args.entries, args.seed)
    print(f"wrote {args.entries:,} entries to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
