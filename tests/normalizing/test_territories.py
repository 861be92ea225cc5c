"""The territory data kept in the package reads codes and names as rigour 2.6.1 read them: the
expected codes below are what rigour's `lookup_territory` answered (frozen, so that the tests
need no rigour); scripts/vendor_territories.py checks 234,123 spellings against rigour itself."""

from __future__ import annotations

import pytest

from screening.normalizing.territories import (
    load,
    lookup_by_identifier,
    lookup_territory,
    territory_key,
    territory_names,
)

RIGOUR_READS = [
    # ASCII and accented Latin: keyed exactly as rigour keys them
    ("Deutschland", "DE"),
    ("Allemagne", "DE"),
    ("Alemania", "DE"),
    ("España", "ES"),
    ("ESPAÑA", "ES"),
    ("Türkiye", "TR"),
    ("Côte d'Ivoire", "CI"),
    ("Côte d\u2019Ivoire", "CI"),
    ("São Tomé and Príncipe", "ST"),
    ("México", "MX"),
    ("Österreich", "AT"),
    ("Việt Nam", "VN"),
    ("Rossiya", "RU"),
    ("Norvegiya", "NO"),
    ("Kanada", "CA"),
    ("Ukraina", "UA"),
    ("Moskva", "RU-MOW"),
    ("Tehran", "IR"),  # places inside a territory name it
    ("Pyongyang", "KP"),
    # Cyrillic, Greek, Armenian, Georgian, Hangul: rigour's names as written, in any case
    ("Россия", "RU"),
    ("РОССИЯ", "RU"),
    ("Норвегия", "NO"),
    ("норвегия", "NO"),
    ("Німеччина", "DE"),
    ("Украина", "UA"),
    ("Україна", "UA"),
    ("Беларусь", "BY"),
    ("Қазақстан", "KZ"),
    ("Нагорный Карабах", "AZ-NK"),
    ("Aнгола", "AO"),  # a Latin A in a Cyrillic name
    ("Ελλάδα", "GR"),
    ("ΕΛΛΆΔΑ", "GR"),
    ("Κύπρος", "CY"),
    ("Հայաստան", "AM"),
    ("საქართველო", "GE"),
    ("노르웨이", "NO"),
    ("일본", "JP"),
    ("대한민국", "KR"),
    # scripts rigour does not transliterate: keyed as written
    ("中华人民共和国", "CN"),
    ("日本国", "JP"),
    ("ロシア", "RU"),
    ("المملكة العربية السعودية", "SA"),
    ("ایران", "IR"),
    ("भारत", "IN"),
    ("ประเทศไทย", "TH"),
    # what rigour does not read either
    ("Монгол Улс", None),
    ("中國", None),
    ("مصر", None),
    ("Vladivostok", None),
    ("Hanguk", None),
    ("Respublika Kazakhstan", None),
    ("Narnia", None),
    ("...", None),
]


@pytest.mark.parametrize(("name", "code"), RIGOUR_READS)
def test_each_name_reads_as_rigour_read_it(name: str, code: str | None) -> None:
    found = lookup_territory(name)
    assert (found.upper() if found else None) == code


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("KP", "kp"),
        ("prk", "kp"),
        (" RUS ", "ru"),
        ("us_nd", "us-nd"),
        ("Q423", "kp"),
        ("XX", None),
    ],
)
def test_identifiers(identifier: str, code: str | None) -> None:
    assert lookup_by_identifier(identifier) == code


def test_territory_names() -> None:
    names = territory_names()
    assert names["kp"] == ("North Korea", "Democratic People's Republic of Korea")
    assert len(names) > 600


def test_every_kept_key_is_a_key() -> None:
    """Keying a key again changes nothing: the keys kept are keyed as `territory_key` keys."""
    data = load()
    differing = [key for key in [*data.index, *data.written] if territory_key(key) != key]
    assert differing == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # no transliteration here: `lookup_territory` transliterates first where rigour does
        ("  São-Tomé  (and) Príncipe. ", "sãotomé and príncipe"),
        ("Côte d\u2019Ivoire", "côte divoire"),
        ("Korea, Republic of", "korea republic of"),
        ("Bosnia & Herzegovina", "bosnia herzegovina"),
        ("ＲＵＳＳＩＡ", "russia"),
        ("中华 人民\u3000共和国", "中华 人民 共和国"),
    ],
)
def test_territory_key(text: str, key: str) -> None:
    assert territory_key(text) == key
