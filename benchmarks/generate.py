"""Synthetic screening data: workers, companies and relationships with realistic shares.

Usage::

    python benchmarks/generate.py --workers 1000000 --companies 100000 \
        --relationships 200000 --out /tmp/bench [--seed 0]

writes ``workers.csv``, ``companies.csv`` and ``relationships.csv`` (UTF-8, with the canonical
column names of ``screening/records.py``). Benchmarks can import :func:`generate` instead and
get DataFrames.

What the data looks like (shares are of the rows generated):

- about 3% of workers are DPRK nationals, with the nationality written in a dozen ways (KP, PRK,
  КНДР, 조선민주주의인민공화국, ...); about 1% are Republic of Korea nationals, a few in a thousand
  carry a bare, ambiguous "Korea"; the rest are Russian, Central Asian, Chinese and Vietnamese;
- about 20% of names are in Cyrillic, Korean names mix McCune-Reischauer and Revised Romanization
  spellings (Pak / Park, Chol / Cheol, Ri / Lee);
- DPRK nationals hold work, student, tourist, business and official visas; permits are dated
  2010-2025, dates are ISO or DD.MM.YYYY;
- DPRK workers cluster at a few "hub" employers in construction, warehousing, seafood and garments;
- about 2.5% of relationship parties are DPRK persons or organizations, many of them trading
  companies; a few workers, companies and parties carry (variants of) UN 1718 designated names;
- a few values in ten thousand are bad on purpose (``31/02/2020``, ``unknown``, ``lots``).

Everything is vectorized with numpy: the only Python loops run over small lookup tables (nationality
groups, sectors), never over rows. The same seed always gives the same files.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

Strings = np.ndarray  # a numpy unicode ("<U") array
Mask = np.ndarray  # a numpy bool array

WORKER_COLUMNS = (
    "record_id",
    "full_name",
    "nationality",
    "date_of_birth",
    "passport_number",
    "visa_type",
    "permit_number",
    "permit_issued",
    "permit_expires",
    "contract_signed",
    "employer_id",
    "employer_name",
    "employment_start",
    "employment_end",
    "monthly_income",
    "currency",
    "work_country",
    "work_site",
    "role",
    "committee_exemption",
)
COMPANY_COLUMNS = (
    "record_id",
    "name",
    "country",
    "registration_number",
    "incorporated",
    "dissolved",
    "sector",
    "committee_exemption",
)
RELATIONSHIP_COLUMNS = (
    "record_id",
    "company_id",
    "party_name",
    "party_type",
    "party_country",
    "role",
    "share_pct",
    "start_date",
    "end_date",
)

BAD_DATES = ("31/02/2020", "unknown", "2019-13-01", "00.00.0000", "н/д")
BAD_NUMBERS = ("lots", "n/a", "по договору", "-")
LATEST_DATE = "2026-10-31"  # no generated event lies after this day

# ---------------------------------------------------------------------------------------------
# Lookup tables
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePool:
    """Surnames and given names of one naming tradition, in Latin and in Cyrillic script."""

    surnames: tuple[str, ...]
    given: tuple[str, ...]
    surnames_cyr: tuple[str, ...]
    given_cyr: tuple[str, ...]
    gendered: bool = False  # surnames take "-a" with a female given name (Ivanov / Ivanova)


KOREAN = NamePool(
    surnames=(
        "Kim",
        "Ri",
        "Lee",
        "Pak",
        "Park",
        "Choe",
        "Choi",
        "Jong",
        "Kang",
        "Jo",
        "Han",
        "Ryu",
        "O",
        "Hong",
        "Yun",
        "Kwon",
        "Jon",
        "Rim",
    ),
    given=(
        "Chol Jin",
        "Cheol-jin",
        "Myong Chol",
        "Myeong-cheol",
        "Yong Ho",
        "Kwang Hyok",
        "Gwang-hyeok",
        "Un Hyang",
        "Kyong Hui",
        "Gyeong-hui",
        "Hyang Mi",
        "Il Nam",
        "Song Il",
        "Chol Min",
        "Kyong Il",
        "Yong Su",
        "Chol Guk",
        "Kwang Song",
        "Min Jun",
        "Ji-hoon",
        "Seung-min",
        "Yu-na",
        "Hyok",
        "Jong Hun",
        "Sol Hui",
    ),
    surnames_cyr=(
        "Ким",
        "Ри",
        "Ли",
        "Пак",
        "Чхве",
        "Чон",
        "Кан",
        "Чо",
        "Хан",
        "Рю",
        "О",
        "Хон",
        "Юн",
        "Квон",
        "Рим",
    ),
    given_cyr=(
        "Чоль Ун",
        "Чхоль Джин",
        "Мён Чхоль",
        "Ён Хо",
        "Гван Хёк",
        "Ын Хян",
        "Гён Хи",
        "Хян Ми",
        "Ир Нам",
        "Сон Ир",
        "Чхоль Мин",
        "Ён Су",
        "Ен Су",
        "Гван Сон",
        "Хёк",
    ),
)
RUSSIAN = NamePool(
    surnames=(
        "Ivanov",
        "Smirnov",
        "Kuznetsov",
        "Popov",
        "Vasiliev",
        "Petrov",
        "Sokolov",
        "Mikhailov",
        "Novikov",
        "Fedorov",
        "Morozov",
        "Volkov",
        "Alekseev",
        "Lebedev",
        "Semenov",
        "Egorov",
        "Pavlov",
        "Kozlov",
    ),
    given=(
        "Aleksei Ivanovich",
        "Dmitry Sergeevich",
        "Sergei Petrovich",
        "Andrei Viktorovich",
        "Nikolai Pavlovich",
        "Pavel Olegovich",
        "Kirill Andreevich",
        "Artem Igorevich",
        "Olga Nikolaevna",
        "Irina Sergeevna",
        "Elena Vladimirovna",
        "Natalia Ivanovna",
    ),
    surnames_cyr=(
        "Иванов",
        "Смирнов",
        "Кузнецов",
        "Попов",
        "Васильев",
        "Петров",
        "Соколов",
        "Михайлов",
        "Новиков",
        "Фёдоров",
        "Морозов",
        "Волков",
        "Алексеев",
        "Лебедев",
        "Семёнов",
        "Егоров",
        "Павлов",
        "Козлов",
    ),
    given_cyr=(
        "Алексей Иванович",
        "Дмитрий Сергеевич",
        "Сергей Петрович",
        "Андрей Викторович",
        "Николай Павлович",
        "Павел Олегович",
        "Кирилл Андреевич",
        "Артём Игоревич",
        "Ольга Николаевна",
        "Ирина Сергеевна",
        "Елена Владимировна",
    ),
    gendered=True,
)
CENTRAL_ASIAN = NamePool(
    surnames=(
        "Karimov",
        "Abdullaev",
        "Tursunov",
        "Rakhimov",
        "Nurmatov",
        "Yusupov",
        "Rashidov",
        "Safarov",
        "Khodjaev",
        "Mirzoev",
        "Sharipov",
        "Ergashev",
        "Aliev",
        "Umarov",
    ),
    given=(
        "Jasur",
        "Bakhodir",
        "Sherzod",
        "Rustam",
        "Farrukh",
        "Dilshod",
        "Anvar",
        "Bobur",
        "Ulugbek",
        "Firdavs",
        "Dilnoza",
        "Gulnora",
        "Malika",
        "Nodira",
    ),
    surnames_cyr=(
        "Каримов",
        "Абдуллаев",
        "Турсунов",
        "Рахимов",
        "Нурматов",
        "Юсупов",
        "Рашидов",
        "Сафаров",
        "Ходжаев",
        "Мирзоев",
        "Шарипов",
        "Эргашев",
        "Алиев",
    ),
    given_cyr=(
        "Жасур",
        "Баходир",
        "Шерзод",
        "Рустам",
        "Фаррух",
        "Дилшод",
        "Анвар",
        "Бобур",
        "Улугбек",
        "Фирдавс",
        "Дилноза",
        "Малика",
    ),
    gendered=True,
)
CHINESE = NamePool(
    surnames=("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Sun"),
    given=("Wei", "Fang", "Lei", "Min", "Jie", "Jing", "Tao", "Qiang", "Yan", "Hui", "Xiaoming"),
    surnames_cyr=("Ван", "Ли", "Чжан", "Лю", "Чэнь", "Ян", "Хуан", "Чжао", "У", "Чжоу", "Сунь"),
    given_cyr=("Вэй", "Фан", "Лэй", "Минь", "Цзе", "Цзин", "Тао", "Цян", "Янь", "Хуэй"),
)
VIETNAMESE = NamePool(
    surnames=("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui"),
    given=("Van Hung", "Thi Lan", "Minh Tuan", "Duc Anh", "Thi Huong", "Van Nam", "Quang Huy"),
    surnames_cyr=("Нгуен", "Чан", "Ле", "Фам", "Хоанг", "Ву", "Данг", "Буй"),
    given_cyr=("Ван Хунг", "Тхи Лан", "Минь Туан", "Дык Ань", "Тхи Хыонг", "Ван Нам"),
)


@dataclass(frozen=True)
class Nationality:
    """A group of workers: canonical country code, share of rows, spellings, names and visas."""

    code: str
    share: float
    spellings: tuple[str, ...]
    names: NamePool
    cyrillic_share: float
    visas: tuple[tuple[str, float], ...]  # (visa category, probability); empty: a local national


DPRK_SPELLINGS = (
    "KP",
    "PRK",
    "DPRK",
    "North Korea",
    "Democratic People's Republic of Korea",
    "Korea DPR",
    "Korea, Democratic People's Republic of",
    "КНДР",
    "Северная Корея",
    "조선민주주의인민공화국",
    "朝鲜",
)
ROK_SPELLINGS = (
    "KR",
    "KOR",
    "South Korea",
    "Republic of Korea",
    "Korea, Republic of",
    "Республика Корея",
    "Южная Корея",
    "대한민국",
)
FOREIGN_VISAS = (("work", 0.7), ("business", 0.1), ("student", 0.1), ("tourist", 0.1))
MIGRANT_VISAS = (("patent", 0.7), ("work", 0.2), ("student", 0.1))
DPRK_VISAS = (
    ("work", 0.5),
    ("student", 0.3),
    ("tourist", 0.05),
    ("business", 0.1),
    ("official", 0.05),
)

NATIONALITIES = (
    Nationality("KP", 0.03, DPRK_SPELLINGS, KOREAN, 0.45, DPRK_VISAS),
    Nationality("KR", 0.01, ROK_SPELLINGS, KOREAN, 0.15, FOREIGN_VISAS),
    Nationality("??", 0.002, ("Korea", "Корея"), KOREAN, 0.3, FOREIGN_VISAS),
    Nationality(
        "RU", 0.40, ("RU", "RUS", "Russia", "Russian Federation", "Россия", "РФ"), RUSSIAN, 0.30, ()
    ),
    Nationality("UZ", 0.17, ("UZ", "Uzbekistan", "Узбекистан"), CENTRAL_ASIAN, 0.2, MIGRANT_VISAS),
    Nationality("TJ", 0.10, ("TJ", "Tajikistan", "Таджикистан"), CENTRAL_ASIAN, 0.2, MIGRANT_VISAS),
    Nationality("KG", 0.07, ("KG", "Kyrgyzstan", "Киргизия"), CENTRAL_ASIAN, 0.2, MIGRANT_VISAS),
    Nationality("CN", 0.12, ("CN", "China", "Китай", "中国"), CHINESE, 0.1, FOREIGN_VISAS),
    Nationality("VN", 0.038, ("VN", "Vietnam", "Вьетнам"), VIETNAMESE, 0.1, FOREIGN_VISAS),
    Nationality("", 0.01, ("",), RUSSIAN, 0.3, ()),  # nationality left empty
)

VISA_SPELLINGS: dict[str, tuple[str, ...]] = {
    "work": ("work", "рабочая", "Work"),
    "patent": ("patent", "патент"),
    "student": ("student", "учебная", "study"),
    "tourist": ("tourist", "туристическая"),
    "business": ("business", "деловая"),
    "official": ("official", "служебная"),
}
PERMIT_VISAS = ("work", "patent", "official")

# Designated names of the UN 1718 list (legal-basis.md), with spelling variants.
DESIGNATED_PEOPLE = (
    "Ri Su Yong",
    "Ри Су Ён",
    "Pak Il-Gyu",
    "Pak Il Kyu",
    "Пак Ир Гю",
    "Jang Song Chol",
    "Kang Chol Su",
    "Yon Chong Nam",
    "Yo'n Cho'ng Nam",
    "Kim Chol Nam",
    "Jang Sung Nam",
)
DESIGNATED_ENTITIES = (
    "KOMID",
    "Korea Mining Development Trading Corp.",
    "Changgwang Sinyong Corporation",
    "Korea Ryonbong General Corporation",
    "Korea Ryonbong General Corp",
    "Mansudae Overseas Project Group of Companies",
    "Mansudae Overseas Project Group",
    "Korea Daesong Trading Company",
    "Green Pine Associated Corporation",
    "Office 39",
    "Bureau 39",
    "Korea Heungjin Trading Company",
    "Namchongang Trading Corporation",
    "Korea Kwangsong Trading Corporation",
    "Korea Tangun Trading Corporation",
)

# DPRK organizations (invented, not on any list): many are trading companies taking stakes.
DPRK_ORG_STEMS = (
    "Pyoljin",
    "Sonbong",
    "Haeyang",
    "Jangsu",
    "Moranbong",
    "Sinhung",
    "Rungra",
    "Kumsong",
    "Chongbong",
    "Sambong",
    "Myongsong",
    "Okryu",
    "Pothong",
    "Mirae",
)
DPRK_ORG_STEMS_CYR = (
    "Пёльджин",
    "Сонбон",
    "Хэян",
    "Чансу",
    "Моранбон",
    "Синхын",
    "Рынна",
    "Кымсон",
    "Чхонбон",
    "Самбон",
    "Мёнсон",
    "Онню",
    "Потхон",
    "Мирэ",
)
DPRK_ORG_PATTERNS = (
    "Korea {} Trading Corporation",
    "{} General Trading Company",
    "Korea {} Joint Venture Company",
    "Korea {} Corporation",
    "{} Trading Company (Room 39)",
    "Choson {} Trading Company",
)
DPRK_ORG_PATTERNS_CYR = ("Торговая компания «{}»", "Внешнеторговая корпорация «{}»")


@dataclass(frozen=True)
class Sector:
    """A company sector: its spellings, share of companies and the jobs its workers do."""

    spellings: tuple[str, ...]
    share: float
    word: str
    word_cyr: str
    roles: tuple[str, ...]
    dprk_hub: bool = False  # DPRK workers cluster at employers of this sector


SECTORS = (
    Sector(
        ("construction", "строительство"),
        0.18,
        "Stroy",
        "Строй",
        (
            "concrete worker",
            "welder",
            "mason",
            "plasterer",
            "бетонщик",
            "монтажник",
            "разнорабочий",
        ),
        dprk_hub=True,
    ),
    Sector(
        ("warehousing and logistics", "логистика и складирование"),
        0.12,
        "Logistics",
        "Логистик",
        ("order picker", "loader", "packer", "forklift driver", "комплектовщик", "грузчик"),
        dprk_hub=True,
    ),
    Sector(
        ("seafood processing",),
        0.05,
        "Sea Products",
        "Морепродукт",
        ("fish cutter", "fish processor", "обработчик рыбы"),
        dprk_hub=True,
    ),
    Sector(
        ("garment manufacturing",),
        0.07,
        "Textile",
        "Текстиль",
        ("seamstress", "cutter", "швея"),
        dprk_hub=True,
    ),
    Sector(("agriculture",), 0.08, "Agro", "Агро", ("farm worker", "greenhouse worker", "агроном")),
    Sector(("forestry",), 0.04, "Timber", "Лес", ("logger", "sawmill operator", "вальщик леса")),
    Sector(("wholesale trade",), 0.12, "Trade", "Торг", ("sales manager", "driver", "водитель")),
    Sector(("IT services",), 0.06, "Soft", "Софт", ("developer", "QA engineer", "программист")),
    Sector(("hospitality",), 0.06, "Hotel", "Отель", ("cook", "cleaner", "повар", "горничная")),
    Sector(("restaurants",), 0.05, "Food", "Фуд", ("cook", "waiter", "официант")),
    Sector(("mining",), 0.03, "Mining", "Горнодобыча", ("miner", "driller", "горнорабочий")),
    Sector(("shipping",), 0.04, "Shipping", "Шиппинг", ("agent", "crane operator", "стропальщик")),
    Sector(("fishing",), 0.03, "Fisheries", "Рыбпром", ("deckhand", "матрос-обработчик")),
    Sector(
        ("manufacturing",), 0.07, "Industries", "Завод", ("machine operator", "оператор станка")
    ),
)
ATTACHE_ROLES = ("safety oversight attaché", "инспектор по технике безопасности")


@dataclass(frozen=True)
class CompanyCountry:
    """Where companies are registered: share, spellings, currency, cities, registration digits."""

    code: str
    share: float
    spellings: tuple[str, ...]
    currency: str
    cities: tuple[str, ...]
    registration_digits: int
    income_range: tuple[int, int]


COMPANY_COUNTRIES = (
    CompanyCountry(
        "RU",
        0.55,
        ("RU", "Russia", "Russian Federation", "Россия"),
        "RUB",
        (
            "Vladivostok",
            "Khabarovsk",
            "Elektrostal, Moscow Oblast",
            "Moscow",
            "Saint Petersburg",
            "Novosibirsk",
            "Nakhodka",
            "Ussuriysk",
            "Yuzhno-Sakhalinsk",
            "Владивосток",
            "Хабаровск",
            "Москва",
        ),
        13,
        (35_000, 250_000),
    ),
    CompanyCountry(
        "CN",
        0.25,
        ("CN", "China", "КНР"),
        "CNY",
        ("Dandong", "Shenyang", "Hunchun", "Yanji", "Dalian"),
        18,
        (2_500, 20_000),
    ),
    CompanyCountry(
        "AE",
        0.03,
        ("AE", "United Arab Emirates"),
        "AED",
        ("Dubai", "Abu Dhabi", "Sharjah"),
        7,
        (1_500, 15_000),
    ),
    CompanyCountry(
        "UZ",
        0.05,
        ("UZ", "Uzbekistan"),
        "UZS",
        ("Tashkent", "Samarkand"),
        9,
        (2_000_000, 9_000_000),
    ),
    CompanyCountry(
        "KZ", 0.04, ("KZ", "Kazakhstan"), "KZT", ("Almaty", "Astana"), 12, (150_000, 900_000)
    ),
    CompanyCountry(
        "MN", 0.02, ("MN", "Mongolia"), "MNT", ("Ulaanbaatar",), 7, (900_000, 3_000_000)
    ),
    CompanyCountry(
        "KR",
        0.02,
        ("KR", "South Korea", "Республика Корея"),
        "KRW",
        ("Busan", "Seoul"),
        10,
        (2_500_000, 6_000_000),
    ),
    CompanyCountry(
        "VN",
        0.03,
        ("VN", "Vietnam"),
        "VND",
        ("Hanoi", "Ho Chi Minh City"),
        10,
        (8_000_000, 25_000_000),
    ),
    CompanyCountry(
        "KP", 0.01, DPRK_SPELLINGS, "KPW", ("Pyongyang", "Rason", "Sinuiju"), 8, (5_000, 50_000)
    ),
)
COMPANY_STEMS = (
    "Vostok",
    "Primorye",
    "Amur",
    "Baikal",
    "Sever",
    "Ural",
    "Sibir",
    "Volga",
    "Neva",
    "Taiga",
    "Okean",
    "Zarya",
    "Rassvet",
    "Almaz",
    "Granit",
    "Kedr",
    "Sokol",
    "Vega",
    "Orion",
    "Meridian",
    "Golden Horn",
    "Jinhai",
    "Hengtai",
    "Huaxin",
    "Silk Road",
    "Al Noor",
    "Tumen",
    "Khasan",
    "Steppe",
    "Altai",
)
COMPANY_STEMS_CYR = (
    "Восток",
    "Приморье",
    "Амур",
    "Байкал",
    "Север",
    "Урал",
    "Сибирь",
    "Волга",
    "Нева",
    "Тайга",
    "Океан",
    "Заря",
    "Рассвет",
    "Алмаз",
    "Гранит",
    "Кедр",
)
COMPANY_SUFFIXES = ("", "-Invest", " Alliance", " Group", "-Service", " Plus", " Holding", "-M")

RELATIONSHIP_ROLES = (
    ("owner", 0.12),
    ("shareholder", 0.38),
    ("beneficial_owner", 0.12),
    ("jv_partner", 0.13),
    ("director", 0.25),
)

# ---------------------------------------------------------------------------------------------
# Vectorized building blocks
# ---------------------------------------------------------------------------------------------


def _ids(prefix: str, n: int, width: int, start: int = 0) -> Strings:
    """Record ids ``PREFIX-000001`` .. (after `start`) built from digit arithmetic, without a
    loop per row."""
    numbers = np.arange(start + 1, start + n + 1, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = ((numbers[:, None] // powers) % 10 + ord("0")).astype(np.uint8)
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    raw = np.empty((n, len(head) + width), dtype=np.uint8)
    raw[:, : len(head)] = head
    raw[:, len(head) :] = digits
    return raw.view(f"S{raw.shape[1]}").ravel().astype(str)


def _pick(
    rng: np.random.Generator, values: Sequence[str], n: int, p: Sequence[float] | None = None
) -> Strings:
    """``n`` values drawn from ``values`` (uniformly, or with probabilities ``p``)."""
    weights = None if p is None else np.asarray(p, dtype=float) / np.sum(p)
    return np.asarray(values, dtype=str)[rng.choice(len(values), size=n, p=weights)]


def _join(*parts: Strings | str) -> Strings:
    """Element-wise string concatenation of arrays and constants."""
    result = parts[0]
    for part in parts[1:]:
        result = np.strings.add(result, part)
    return np.asarray(result)


def _digits(rng: np.random.Generator, n: int, count: int) -> Strings:
    """Random numbers of exactly ``count`` digits (no leading zero), as strings."""
    count = min(count, 18)
    return rng.integers(10 ** (count - 1), 10**count, size=n, dtype=np.int64).astype(str)


def _days(start: str, end: str) -> tuple[np.datetime64, int]:
    first = np.datetime64(start, "D")
    return first, int((np.datetime64(end, "D") - first).astype(int))


def _random_dates(rng: np.random.Generator, n: int, start: str, end: str) -> np.ndarray:
    """Uniform dates between ``start`` and ``end`` (inclusive), as ``datetime64[D]``."""
    first, span = _days(start, end)
    return first + rng.integers(0, span + 1, size=n).astype("timedelta64[D]")


def _shift(dates: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Dates moved by a number of days, never later than :data:`LATEST_DATE`."""
    shifted: np.ndarray = np.minimum(
        dates + days.astype("timedelta64[D]"), np.datetime64(LATEST_DATE, "D")
    )
    return shifted


def _date_parts(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day numbers of ``datetime64[D]`` dates (integer arithmetic only)."""
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _format_dates(
    rng: np.random.Generator, dates: np.ndarray, dotted_share: float, bad_share: float = 0.0
) -> Strings:
    """Dates as ISO text, a share of them as DD.MM.YYYY, a few replaced by unreadable values.

    The text is assembled as ASCII bytes from digit arithmetic: much faster than formatting.
    """
    year, month, day = _date_parts(dates)
    digit = ord("0")
    y = [(year // 10**k) % 10 + digit for k in (3, 2, 1, 0)]
    m = [month // 10 + digit, month % 10 + digit]
    d = [day // 10 + digit, day % 10 + digit]
    dash, dot = np.full(len(dates), ord("-")), np.full(len(dates), ord("."))
    iso = np.stack([*y, dash, *m, dash, *d], axis=1).astype(np.uint8)
    dotted = np.stack([*d, dot, *m, dot, *y], axis=1).astype(np.uint8)
    use_dotted = (rng.random(len(dates)) < dotted_share)[:, None]
    text = np.where(use_dotted, dotted, iso).view("S10").ravel().astype("<U10")
    return _spoil(rng, text, BAD_DATES, bad_share)


def _spoil(rng: np.random.Generator, values: Strings, bad: Sequence[str], share: float) -> Strings:
    """Replace a small share of values with deliberately bad ones."""
    if share <= 0:
        return values
    hit = rng.random(len(values)) < share
    values = values.astype(f"<U{max(values.dtype.itemsize // 4, max(map(len, bad)))}")
    values[hit] = _pick(rng, bad, int(hit.sum()))
    return values


def _category(rng: np.random.Generator, n: int, shares: Sequence[float]) -> np.ndarray:
    """An index into a table of categories for each of ``n`` rows, drawn with the given shares."""
    weights = np.asarray(shares, dtype=float)
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def _person(
    rng: np.random.Generator,
    surnames: Sequence[str],
    given: Sequence[str],
    n: int,
    gendered: bool,
    feminine: str,
) -> Strings:
    """ "Surname Given" names; gendered surnames agree with a female given name."""
    surname, first = _pick(rng, surnames, n), _pick(rng, given, n)
    if gendered:
        female = np.strings.endswith(first, feminine)
        surname = np.where(female, _join(surname, feminine), surname)
    return _join(surname, " ", first)


def _names(rng: np.random.Generator, pool: NamePool, n: int, cyrillic_share: float) -> Strings:
    """Person names "Surname Given" from a pool, a share of them in Cyrillic."""
    latin = _person(rng, pool.surnames, pool.given, n, pool.gendered, "a")
    cyrillic = _person(rng, pool.surnames_cyr, pool.given_cyr, n, pool.gendered, "а")
    return np.where(rng.random(n) < cyrillic_share, cyrillic, latin)


def _sprinkle(
    rng: np.random.Generator, values: Strings, replacements: Sequence[str], share: float
) -> tuple[Strings, Mask]:
    """Replace a small share of values (at least one when there are rows) with ``replacements``."""
    hit = rng.random(len(values)) < share
    if len(values) and not hit.any():
        hit[rng.integers(len(values))] = True
    width = max(values.dtype.itemsize // 4, max(map(len, replacements)))
    values = values.astype(f"<U{width}")
    values[hit] = _pick(rng, replacements, int(hit.sum()))
    return values, hit


def _table(columns: dict[str, tuple[Strings, Mask | None]]) -> pd.DataFrame:
    """A DataFrame of Arrow-backed strings; masked cells are missing (empty in the CSV)."""
    arrays = {
        name: pa.array(
            values, mask=None if missing is None or not missing.any() else missing, type=pa.string()
        )
        for name, (values, missing) in columns.items()
    }
    frame: pd.DataFrame = pa.table(arrays).to_pandas()
    return frame


def _empty(values: Strings) -> Mask:
    empty: Mask = values == ""
    return empty


# ---------------------------------------------------------------------------------------------
# Companies
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Companies:
    """Generated companies plus the hidden facts workers and relationships are built from."""

    frame: pd.DataFrame
    names: Strings
    country: np.ndarray  # index into COMPANY_COUNTRIES
    sector: np.ndarray  # index into SECTORS


def _company_names(rng: np.random.Generator, country: np.ndarray, sector: np.ndarray) -> Strings:
    n = len(country)
    word = np.asarray([s.word for s in SECTORS])[sector]
    word_cyr = np.asarray([s.word_cyr for s in SECTORS])[sector]
    latin = _join(_pick(rng, COMPANY_STEMS, n), _pick(rng, COMPANY_SUFFIXES, n), " ", word)
    legal = np.where(
        np.asarray([c.code for c in COMPANY_COUNTRIES])[country] == "CN", " Co., Ltd.", " LLC"
    )
    latin = _join(latin, legal)
    cyrillic = _join("ООО «", _pick(rng, COMPANY_STEMS_CYR, n), word_cyr, "»")
    is_ru = np.asarray([c.code == "RU" for c in COMPANY_COUNTRIES])[country]
    names = np.where(is_ru & (rng.random(n) < 0.3), cyrillic, latin)
    is_kp = np.asarray([c.code == "KP" for c in COMPANY_COUNTRIES])[country]
    names = np.where(is_kp, _dprk_org_names(rng, n), names)
    designated, _ = _sprinkle(rng, names, DESIGNATED_ENTITIES, 1 / 20_000)
    return designated


def _dprk_org_names(rng: np.random.Generator, n: int) -> Strings:
    """Invented DPRK organization names, many of them trading companies (Latin or Cyrillic)."""
    stem = np.asarray(DPRK_ORG_STEMS)[rng.integers(len(DPRK_ORG_STEMS), size=n)]
    pattern = rng.integers(len(DPRK_ORG_PATTERNS), size=n)
    latin = np.full(n, "", dtype="<U80")
    for i, template in enumerate(DPRK_ORG_PATTERNS):
        head, tail = template.split("{}")
        rows = pattern == i
        latin[rows] = _join(head, stem[rows], tail)
    pattern_cyr = _pick(rng, [p.split("{}")[0] for p in DPRK_ORG_PATTERNS_CYR], n)
    stem_cyr = np.asarray(DPRK_ORG_STEMS_CYR)[rng.integers(len(DPRK_ORG_STEMS_CYR), size=n)]
    cyrillic = _join(pattern_cyr, stem_cyr, "»")
    return np.where(rng.random(n) < 0.2, cyrillic, latin)


def _spelled(
    rng: np.random.Generator, index: np.ndarray, spellings: Sequence[Sequence[str]]
) -> Strings:
    """For each row, one spelling of its category (``spellings[index]``), chosen at random."""
    width = max(len(s) for group in spellings for s in group)
    out = np.full(len(index), "", dtype=f"<U{width}")
    for i, group in enumerate(spellings):
        rows = index == i
        out[rows] = _pick(rng, group, int(rows.sum()))
    return out


def generate_companies(rng: np.random.Generator, n: int) -> Companies:
    """Companies from Russian, Chinese and other registers; a few are DPRK or designated."""
    country = _category(rng, n, [c.share for c in COMPANY_COUNTRIES])
    sector = _category(rng, n, [s.share for s in SECTORS])
    names = _company_names(rng, country, sector)
    digits = np.asarray([c.registration_digits for c in COMPANY_COUNTRIES])[country]
    registration = np.where(digits > 9, _digits(rng, n, 13), _digits(rng, n, 9))
    registration = np.where(digits == 18, _join("91", _digits(rng, n, 16)), registration)
    incorporated = _random_dates(rng, n, "1992-01-01", "2025-12-31")
    dissolved = _shift(incorporated, rng.integers(365, 6000, size=n))
    exemption = _join("1718C/JV/", _digits(rng, n, 4), "/", _digits(rng, n, 3))
    frame = _table(
        {
            "record_id": (_ids("C-", n, 6), None),
            "name": (names, None),
            "country": (_spelled(rng, country, [c.spellings for c in COMPANY_COUNTRIES]), None),
            "registration_number": (registration, rng.random(n) < 0.03),
            "incorporated": (_format_dates(rng, incorporated, 0.2, 0.0005), rng.random(n) < 0.02),
            "dissolved": (_format_dates(rng, dissolved, 0.2), rng.random(n) >= 0.06),
            "sector": (_spelled(rng, sector, [s.spellings for s in SECTORS]), rng.random(n) < 0.02),
            "committee_exemption": (exemption, rng.random(n) >= 0.001),
        }
    )
    return Companies(frame=frame, names=names, country=country, sector=sector)


# ---------------------------------------------------------------------------------------------
# Workers
# ---------------------------------------------------------------------------------------------


def _employers(rng: np.random.Generator, is_dprk: Mask, companies: Companies) -> np.ndarray:
    """Employer index per worker (-1: none). DPRK workers cluster at a few hub employers."""
    n, m = len(is_dprk), len(companies.names)
    if m == 0:
        return np.full(n, -1)
    popularity = rng.pareto(1.5, size=m) + 1
    employer = rng.choice(m, size=n, p=popularity / popularity.sum())
    hub_sector = np.asarray([s.dprk_hub for s in SECTORS])[companies.sector]
    hubs = np.flatnonzero(hub_sector)[: max(1, m // 50)]
    if len(hubs):
        to_hub = is_dprk & (rng.random(n) < 0.7)
        employer[to_hub] = rng.choice(hubs, size=int(to_hub.sum()))
    employer[rng.random(n) < 0.07] = -1
    return employer


def _visas(rng: np.random.Generator, group: np.ndarray) -> Strings:
    """A visa category per worker according to their nationality group ("" for locals)."""
    categories = np.full(len(group), "", dtype="<U10")
    for i, nationality in enumerate(NATIONALITIES):
        rows = group == i
        if nationality.visas and rows.any():
            names, shares = zip(*nationality.visas, strict=True)
            categories[rows] = np.asarray(names)[_category(rng, int(rows.sum()), shares)]
    return categories


def _roles(rng: np.random.Generator, sector: np.ndarray, is_dprk: Mask) -> Strings:
    """A job title per worker from their employer's sector (-1: no employer)."""
    roles = np.full(len(sector), "", dtype="<U40")
    for i, spec in enumerate((*SECTORS, Sector(("",), 0, "", "", ("day labourer", "driver")))):
        rows = sector == (i if i < len(SECTORS) else -1)
        roles[rows] = _pick(rng, spec.roles, int(rows.sum()))
    attache = is_dprk & (rng.random(len(sector)) < 0.003)
    roles[attache] = _pick(rng, ATTACHE_ROLES, int(attache.sum()))
    return roles


def _income(
    rng: np.random.Generator, country: np.ndarray, is_dprk: Mask
) -> tuple[Strings, Strings]:
    """Monthly income and currency per worker, by the country they work in."""
    low = np.asarray([c.income_range[0] for c in COMPANY_COUNTRIES])[country]
    high = np.asarray([c.income_range[1] for c in COMPANY_COUNTRIES])[country]
    amount = (low + rng.random(len(country)) * (high - low)).round(-2).astype(np.int64)
    currency = np.asarray([c.currency for c in COMPANY_COUNTRIES])[country]
    in_usd = is_dprk & (rng.random(len(country)) < 0.1)
    amount = np.where(in_usd, rng.integers(6, 16, size=len(country)) * 100, amount)
    currency = np.where(in_usd, "USD", currency)
    text = amount.astype(str)
    text = np.where(rng.random(len(text)) < 0.1, _join(text, ".00"), text)
    return _spoil(rng, text, BAD_NUMBERS, 0.0005), currency


def _permit_numbers(rng: np.random.Generator, country: np.ndarray, year: Strings) -> Strings:
    """Russian-style "25 №2204581" permits in Russia, "CN-WP-2023-04417" style elsewhere."""
    n = len(country)
    russian = _join(
        _pick(rng, ("25", "27", "50", "54", "65", "77", "78"), n), " №", _digits(rng, n, 7)
    )
    code = np.asarray([c.code for c in COMPANY_COUNTRIES])[country]
    other = _join(code, "-WP-", year, "-", _digits(rng, n, 5))
    return np.where(code == "RU", russian, other)


def generate_workers(rng: np.random.Generator, n: int, companies: Companies) -> pd.DataFrame:
    """Worker records (HR / migration / payroll style) employed by the given companies."""
    group = _category(rng, n, [g.share for g in NATIONALITIES])
    is_dprk = group == 0
    names = np.full(n, "", dtype="<U60")
    for i, origin in enumerate(NATIONALITIES):
        rows = group == i
        names[rows] = _names(rng, origin.names, int(rows.sum()), origin.cyrillic_share)
    names, designated = _sprinkle(rng, names, DESIGNATED_PEOPLE, 1 / 50_000)
    group[designated] = 0
    is_dprk = group == 0
    nationality = _spelled(rng, group, [g.spellings for g in NATIONALITIES])

    employer = _employers(rng, is_dprk, companies)
    has_employer = employer >= 0
    safe = np.where(has_employer, employer, 0)
    russia = next(i for i, c in enumerate(COMPANY_COUNTRIES) if c.code == "RU")
    work_country = np.where(
        has_employer, companies.country[safe] if len(companies.names) else russia, russia
    )
    sector = np.where(has_employer, companies.sector[safe] if len(companies.names) else -1, -1)

    visa = _visas(rng, group)
    has_permit = np.isin(visa, PERMIT_VISAS) & (rng.random(n) < 0.95)
    issued = _random_dates(rng, n, "2010-01-01", "2025-12-31")
    expires = _shift(issued, rng.choice([364, 729], size=n))
    contract = _shift(issued, -rng.integers(3, 90, size=n))
    start = np.where(
        has_permit,
        _shift(issued, rng.integers(0, 30, size=n)),
        _random_dates(rng, n, "2005-01-01", "2026-06-30"),
    )
    end = _shift(start, rng.integers(30, 3650, size=n))
    income, currency = _income(rng, work_country, is_dprk)
    dotted = 0.25
    no_income = (rng.random(n) < 0.08) | (is_dprk & ~has_employer & (rng.random(n) < 0.8))
    employer_ids = (
        companies.frame["record_id"].to_numpy(dtype=str)[safe]
        if len(companies.names)
        else np.full(n, "")
    )
    employer_names = companies.names[safe] if len(companies.names) else np.full(n, "")
    cities = np.full(n, "", dtype="<U40")
    for i, spec in enumerate(COMPANY_COUNTRIES):
        rows = work_country == i
        cities[rows] = _pick(rng, spec.cities, int(rows.sum()))
    exemption = _join("1718C/EX/", _digits(rng, n, 4), "/", _digits(rng, n, 3))

    return _table(
        {
            "record_id": (_ids("W-", n, 7), None),
            "full_name": (names, None),
            "nationality": (nationality, _empty(nationality)),
            "date_of_birth": (
                _format_dates(
                    rng, _random_dates(rng, n, "1960-01-01", "2006-12-31"), dotted, 0.0005
                ),
                rng.random(n) < 0.02,
            ),
            "passport_number": (_digits(rng, n, 9), rng.random(n) < 0.05),
            "visa_type": (_spelled(rng, _visa_index(visa), _visa_spelling_table()), visa == ""),
            "permit_number": (
                _permit_numbers(rng, work_country, _date_parts(issued)[0].astype(str)),
                ~has_permit,
            ),
            "permit_issued": (_format_dates(rng, issued, dotted, 0.0005), ~has_permit),
            "permit_expires": (_format_dates(rng, expires, dotted), ~has_permit),
            "contract_signed": (
                _format_dates(rng, contract, dotted),
                ~has_permit | (rng.random(n) < 0.3),
            ),
            "employer_id": (employer_ids, ~has_employer),
            "employer_name": (employer_names, ~has_employer | (rng.random(n) < 0.1)),
            "employment_start": (_format_dates(rng, start, dotted, 0.0005), ~has_employer),
            "employment_end": (
                _format_dates(rng, end, dotted),
                ~has_employer | (rng.random(n) < 0.55),
            ),
            "monthly_income": (income, no_income),
            "currency": (currency, no_income),
            "work_country": (np.asarray([c.code for c in COMPANY_COUNTRIES])[work_country], None),
            "work_site": (cities, rng.random(n) < 0.1),
            "role": (_roles(rng, sector, is_dprk), rng.random(n) < 0.05),
            "committee_exemption": (exemption, ~(is_dprk & (rng.random(n) < 0.005))),
        }
    )


def _visa_spelling_table() -> list[tuple[str, ...]]:
    return [("",), *VISA_SPELLINGS.values()]


def _visa_index(visa: Strings) -> np.ndarray:
    """Row index into :func:`_visa_spelling_table` (0: no visa)."""
    index = np.zeros(len(visa), dtype=np.int64)
    for i, category in enumerate(VISA_SPELLINGS, start=1):
        index[visa == category] = i
    return index


# ---------------------------------------------------------------------------------------------
# Relationships
# ---------------------------------------------------------------------------------------------

PARTY_GROUPS = (("KP", 0.025), ("KR", 0.01), ("??", 0.001), ("same", 0.7), ("other", 0.264))


def generate_relationships(rng: np.random.Generator, n: int, companies: Companies) -> pd.DataFrame:
    """Ownership, control and JV links; about 2.5% to DPRK parties, often trading companies."""
    m = max(len(companies.names), 1)
    company = rng.integers(m, size=n)
    is_person = rng.random(n) < 0.55
    party_group = _category(rng, n, [share for _, share in PARTY_GROUPS])
    is_dprk, is_rok, is_ambiguous = party_group == 0, party_group == 1, party_group == 2
    own_country = companies.country[company] if len(companies.names) else np.zeros(n, int)
    country = np.where(
        party_group == 4, _category(rng, n, [c.share for c in COMPANY_COUNTRIES]), own_country
    )
    kp = next(i for i, c in enumerate(COMPANY_COUNTRIES) if c.code == "KP")
    kr = next(i for i, c in enumerate(COMPANY_COUNTRIES) if c.code == "KR")
    country = np.where(is_dprk, kp, np.where(is_rok, kr, country))
    country_text = _spelled(rng, country, [c.spellings for c in COMPANY_COUNTRIES])
    country_text = np.where(is_ambiguous, "Korea", country_text)

    name = _party_names(rng, country, is_person, is_dprk | is_rok | is_ambiguous)
    name, designated = _sprinkle(rng, name, DESIGNATED_ENTITIES + DESIGNATED_PEOPLE, 1 / 5_000)
    country_text = np.where(designated & ~is_dprk, _pick(rng, DPRK_SPELLINGS, n), country_text)
    is_person = np.where(designated, np.isin(name, DESIGNATED_PEOPLE), is_person)

    role = np.asarray([r for r, _ in RELATIONSHIP_ROLES])[
        _category(rng, n, [s for _, s in RELATIONSHIP_ROLES])
    ]
    role = np.where(is_dprk & ~is_person & (rng.random(n) < 0.5), "jv_partner", role)
    share = (rng.random(n) * 99 + 1).round(2).astype(str)
    start = _random_dates(rng, n, "1995-01-01", "2025-12-31")
    end = _shift(start, rng.integers(30, 5000, size=n))
    company_ids = (
        companies.frame["record_id"].to_numpy(dtype=str)[company]
        if len(companies.names)
        else _ids("C-", n, 6)
    )
    return _table(
        {
            "record_id": (_ids("R-", n, 7), None),
            "company_id": (company_ids, None),
            "party_name": (name, None),
            "party_type": (np.where(is_person, "person", "organization"), rng.random(n) < 0.02),
            "party_country": (country_text, rng.random(n) < 0.03),
            "role": (role, None),
            "share_pct": (_spoil(rng, share, ("half", "51%?"), 0.0002), role == "director"),
            "start_date": (_format_dates(rng, start, 0.15, 0.0005), rng.random(n) < 0.02),
            "end_date": (_format_dates(rng, end, 0.15), rng.random(n) >= 0.35),
        }
    )


def _party_names(
    rng: np.random.Generator, country: np.ndarray, is_person: Mask, korean: Mask
) -> Strings:
    """Person names by the party's country; organization names like company names."""
    n = len(country)
    code = np.asarray([c.code for c in COMPANY_COUNTRIES])[country]
    pools = {
        "RU": RUSSIAN,
        "KZ": CENTRAL_ASIAN,
        "UZ": CENTRAL_ASIAN,
        "CN": CHINESE,
        "VN": VIETNAMESE,
        "KP": KOREAN,
        "KR": KOREAN,
    }
    people = _names(rng, RUSSIAN, n, 0.3)
    for pool_code, pool in pools.items():
        rows = code == pool_code
        people[rows] = _names(rng, pool, int(rows.sum()), 0.3)
    people = np.where(korean, _names(rng, KOREAN, n, 0.3), people)
    sector = _category(rng, n, [s.share for s in SECTORS])
    organizations = _company_names(rng, country, sector)
    organizations = np.where(code == "KP", _dprk_org_names(rng, n), organizations)
    return np.where(is_person, people, organizations)


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def generate(
    workers: int, companies: int, relationships: int, seed: int = 0
) -> dict[str, pd.DataFrame]:
    """Generate the three record kinds; keys ``workers``, ``companies``, ``relationships``.

    Every column is a string column with the canonical names of ``screening/records.py``; missing
    values are NA. The same arguments always give the same data.
    """
    rng = np.random.default_rng(seed)
    company_data = generate_companies(rng, companies)
    return {
        "workers": generate_workers(rng, workers, company_data),
        "companies": company_data.frame,
        "relationships": generate_relationships(rng, relationships, company_data),
    }


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write one table as UTF-8 CSV (Arrow's writer: strings quoted, missing values empty)."""
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    pa_csv.write_csv(table, path)


def write_split(
    out: Path, workers: int, companies: int, relationships: int, chunk: int, seed: int = 0
) -> None:
    """Write the three kinds with the workers in files of `chunk` rows (``workers-00.csv``...),
    generated one file at a time: a register of ten million workers never in memory at once.
    Worker ids run on across the files; each file's workers have their own random stream."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    company_data = generate_companies(rng, companies)
    write_csv(company_data.frame, out / "companies.csv")
    write_csv(generate_relationships(rng, relationships, company_data), out / "relationships.csv")
    for number, start in enumerate(range(0, workers, chunk)):
        count = min(chunk, workers - start)
        frame = generate_workers(np.random.default_rng([seed, number]), count, company_data)
        frame["record_id"] = _ids("W-", count, 8, start)
        write_csv(frame, out / f"workers-{number:02d}.csv")


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, required=True, help="number of worker rows")
    parser.add_argument("--companies", type=int, required=True, help="number of company rows")
    parser.add_argument(
        "--relationships", type=int, required=True, help="number of relationship rows"
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--chunk", type=int, help="write the workers in files of this many rows, one at a time"
    )
    args = parser.parse_args(argv)
    if min(args.workers, args.companies, args.relationships) < 0:
        parser.error("row counts must not be negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: generate and write the three CSV files."""
    args = _parse_args(argv)
    started = time.perf_counter()
    if args.chunk:
        write_split(
            args.out, args.workers, args.companies, args.relationships, args.chunk, args.seed
        )
        print(f"wrote {args.workers:,} workers to {args.out}", file=sys.stderr)
        return 0
    frames = generate(args.workers, args.companies, args.relationships, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for kind, frame in frames.items():
        write_csv(frame, args.out / f"{kind}.csv")
    elapsed = time.perf_counter() - started
    counts = ", ".join(f"{len(frame):,} {kind}" for kind, frame in frames.items())
    print(f"wrote {counts} to {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
