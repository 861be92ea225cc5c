"""Word lists for name normalization: legal forms, generic words, Korean romanization variants.

Kept as data, apart from the code that applies them, so that a reviewer can check them at a glance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def _words(text: str) -> list[str]:
    return text.split()


# Legal-form words and abbreviations (after transliteration to Latin, lower case, no punctuation).
# They say nothing about who a party is, so they are dropped before scoring.
LEGAL_FORMS = frozenset(
    _words(
        """
        ab ag aktsionernoe ao as bhd bv chp cie cjsc co companies company corp corporation
        corporations eirl et fzc fzco fze gmbh inc
        incorporated ip jsc kg kk limited llc llp lp ltd ltda nv oao obshchestvo ogranichennoy
        ohg ojsc ooo otkrutoe otvetstvennostyu oy pao pjsc plc pp pte pty publichnoe sa sarl sas
        sdn spa srl sti tic tov ug ve zakrutoe zao
        """
    )
)

# Words too common to identify a party: they never make a match on their own and weigh little.
GENERIC = frozenset(
    _words(
        """
        agency art associated association bank banking branch building bureau central chemical
        chemicals chongsa choson chosun commerce commercial committee
        construction cooperation credit democratic department
        development division dprk economic economics electric electronics energy enterprise
        enterprises export exports external finance financial firm first foreign general global
        group hoesa holding holdings import imports industrial industries industry international
        intl investment joint joson jv korea korean koryo kp logistics machine machinery marine
        metal metals mine mining muyok national new north office oil operation operations
        overseas people peoples petroleum power prk products project projects representative
        republic sangsa service services shipping sinyong state steel studio technical
        technologies technology trade traders trading united venture world
        """
    )
)

# Russian generic words as their English equivalents, so Корея Рёнбон weighs like Korea Ryonbong.
TRANSLATIONS: dict[str, str] = {
    **dict.fromkeys(_words("korean koreya koreyskaya koreyskiy koreyskoe koreyskaa"), "korea"),
    **dict.fromkeys(_words("torgovaya torgovuy torgovoe"), "trading"),
    **dict.fromkeys(_words("korporatsiya"), "corporation"),
    **dict.fromkeys(_words("kompaniya"), "company"),
    **dict.fromkeys(_words("gruppa"), "group"),
    **dict.fromkeys(_words("generalnaya"), "general"),
    **dict.fromkeys(_words("mezhdunarodnaya"), "international"),
    **dict.fromkeys(_words("kndr"), "dprk"),
    **dict.fromkeys(_words("sovmestnoe"), "joint"),
    **dict.fromkeys(_words("predpriyatie"), "venture"),
    **dict.fromkeys(_words("vneshnetorgovuy external"), "foreign"),
    **dict.fromkeys(_words("industrial"), "industry"),
    **dict.fromkeys(_words("sciences"), "science"),
    **dict.fromkeys(_words("forces"), "force"),
    **dict.fromkeys(_words("united"), "associated"),
}

# Function words dropped everywhere.
STOPWORDS = frozenset(_words("and de des du et for i la le no nr of s the und van von"))

# Korean surnames written many ways: each variant -> one spelling (applied to whole tokens).
SURNAMES: dict[str, str] = {
    **dict.fromkeys(_words("lee li yi rhee rhie rhi ree rii"), "ri"),
    **dict.fromkeys(_words("park bak bag pag bahk paek"), "pak"),
    **dict.fromkeys(_words("gim kimm"), "kim"),
    **dict.fromkeys(_words("choi choe chwe choy chey"), "choe"),
    **dict.fromkeys(_words("yoon youn yun"), "yun"),
    **dict.fromkeys(_words("lim rim im"), "rim"),
    **dict.fromkeys(_words("ryu yu yoo lyu"), "ryu"),
}

# Romanization spellings of the same Korean sound (McCune-Reischauer vs Revised Romanization, and
# common English spellings), applied in order inside tokens: eo/o, eu/u, oo/u, ee/i, ou/o, j/ch,
# g/k, d/t, b/p, l/r, and the final -ng that Russian transliteration writes as -n.
SOUND_RULES: tuple[tuple[str, str], ...] = (
    (r"eo", "o"),
    (r"eu", "u"),
    (r"oo", "u"),
    (r"ee", "i"),
    (r"ou", "o"),
    (r"tch", "ch"),
    (r"j", "ch"),
    (r"sh", "s"),
    (r"kh", "h"),
    (r"ai", "ae"),
    (r"ye", "yo"),
    (
        r"ng(?=[^aeiouwy]|$)",
        "n",
    ),  # syllable-final ng (Russian -н); Tan-gun and Sin-gwang keep the g
    (r"g", "k"),
    (r"d", "t"),
    (r"b", "p"),
    (r"l", "r"),
    (
        r"^r([yi])",
        r"\1",
    ),  # North Korean initial r/l before i/y is dropped in the South: Ri/I, Ryon/Yon
)

# Cyrillic as Russian transliterates Korean names (Kontsevich): Чхоль -> chol, Ён -> yon, Гю -> gyu.
# ICU/normality's generic Cyrillic tables give "Col'" and "En" here, losing the syllables.
CYRILLIC: dict[str, str] = {
    "чх": "ch", "тх": "t", "кх": "k", "пх": "p", "чж": "j", "дж": "j", "кв": "kw", "гв": "gw",
    "хв": "hw",
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "u", "ь": "", "э": "ae", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye",
    "ў": "u", "ґ": "g",
}  # fmt: skip


def _load_words() -> dict[str, Any]:
    """`words.yaml` beside this module: abbreviations, transcriptions, Korean and Chinese business
    words, branch words and places, kept as data an analyst can extend."""
    with (Path(__file__).parent / "words.yaml").open(encoding="utf-8") as file:
        loaded: dict[str, Any] = yaml.safe_load(file)
    return loaded


_WORDS = _load_words()

ABBREVIATIONS: dict[str, str] = {
    str(short).casefold(): str(word)
    for section in ("abbreviations", "romanized")
    for short, word in _WORDS[section].items()
}
"""Abbreviations and short forms (Trdg, Devt, Corp.), and Korean business words as romanized
(Muyok, Unhaeng) -> the English words they stand for."""

TRANSCRIPTIONS: dict[str, str] = {
    str(spelled).casefold(): str(word) for spelled, word in _WORDS["transcriptions"].items()
}
"""English words as Russian registries transcribe them (трейдинг) or translate them (страховая)
-> the English word; a key ending in `*` is a stem, standing for the word with any ending."""

KOREAN_WORDS: dict[str, str] = {str(k): str(v) for k, v in _WORDS["korean"].items()}
"""Korean business words in Hangul -> English."""

CHINESE_WORDS: dict[str, str] = {str(k): str(v) for k, v in _WORDS["chinese"].items()}
"""Chinese business words (simplified and traditional) -> English."""

COUNTRY_WORDS = frozenset({"korea", "koryo"})
"""Business words that also begin people's names (조선희: Cho Son Hui): they alone never make a
name read as a company's."""

BRANCH_WORDS: tuple[str, ...] = tuple(str(word).casefold() for word in _WORDS["branch_words"])
"""Words that make a name a branch, office or subsidiary of another."""

PARENT_BODIES: tuple[str, ...] = tuple(str(body).casefold() for body in _WORDS["parent_bodies"])
"""Bodies a designated department or unit belongs to: the name is also read without them."""
PLACES: tuple[str, ...] = tuple(dict.fromkeys(str(place).casefold() for place in _WORDS["places"]))
"""Places a branch is named after, taken off with the branch words."""

BUSINESS: dict[str, int] = {
    str(word): bit for bit, words in enumerate(_WORDS["business"].values()) for word in words
}
"""Business words -> their line of business (a bit number): names in no common line differ.
Every business word is a generic word too."""
