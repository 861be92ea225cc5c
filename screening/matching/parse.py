"""Name parsing: the other names a written name holds, for list entries and records alike.

Sanctions lists and registries pack several names into one: `KOREA RYONBONG GENERAL CORPORATION
(KOREA YONBONG)`, `Hunjin Trading Co. a.k.a. Korea Heungjin`, `Tanchon Commercial Bank, Beijing
Representative Office`, `KOMID Pyongyang Branch`, `朝鲜丹川商业银行`. Each is matched as written
and as each name it holds: the part in parentheses and the part outside them, each side of
`a.k.a.`, `f.k.a.`, `formerly` or `/`, an acronym standing among ordinary words, the parent of a
branch or office, and Chinese characters read with their Korean sound.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import hanja
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.matching.normalize import DISTINCT, token_class
from screening.matching.vocabulary import BRANCH_WORDS, PARENT_BODIES, PLACES


def _any(patterns: Iterable[str]) -> str:
    """A pattern for any of these: ASCII ones as whole words, the others as they stand (Chinese
    has no spaces, and RE2's \b knows ASCII words only)."""
    listed = list(patterns)
    ascii_words = [pattern for pattern in listed if pattern.isascii()]
    others = [pattern for pattern in listed if not pattern.isascii()]
    bounded = [r"\b(?:" + "|".join(ascii_words) + r")\b"] if ascii_words else []
    return "|".join(bounded + others)


_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ALIAS_WORDS = (
    r"a\.?\s?k\.?\s?a",
    r"f\.?\s?k\.?\s?a",
    "also known as",
    "formerly known as",
    "formerly",
    "previously",
    r"d\.?\s?b\.?\s?a",
    "ранее",
    "также",
)
_ALIAS_MARKERS = re.compile(
    r"\s*(?:\b(?:" + "|".join(_ALIAS_WORDS) + r")\b\.?:?|;|\s/\s)\s*", re.IGNORECASE
)
_BRACKETED = re.compile(r"[(\[（【]([^()\[\]（）【】]*)[)\]）】]")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
_HAN = re.compile(f"[{_HAN_CHARS}]")
_BRANCH = re.compile(_any(map(re.escape, BRANCH_WORDS)), re.IGNORECASE)
_PLACE = re.compile(
    _any(
        [
            r"(?:in\s+)?(?:" + "|".join(re.escape(p) for p in PLACES if p.isascii()) + ")",
            # "в г. Москве": in the city of Moscow
            r"(?:в\s+(?:г\.\s*)?)?(?:"
            + "|".join(re.escape(p) for p in PLACES if not p.isascii())
            + ")",
        ]
    ),
    re.IGNORECASE,
)
_PARENT_BODY = re.compile(
    _any(re.escape(body).replace("'", "'?") for body in PARENT_BODIES), re.IGNORECASE
)
_EMPTY_BRACKETS = re.compile(r"[(\[（【]\s*[)\]）】]")
_SEPARATED = re.compile(r"\s*[,\-–—]\s[^,\-–—]*$")
_OF = re.compile(r"^\s*(?:of|in)\b", re.IGNORECASE)
_EDGES = re.compile(r"^[\s,.;:\-–]+|[\s,.;:\-–]+$")
# Which names may hold other names: only these are parsed, the rest pass unchanged (searched by
# Arrow, over the whole column at once).
_MAY_HOLD = f"[(\\[（【;/]|[{_HAN_CHARS}]|" + _any(
    [*_ALIAS_WORDS, *map(re.escape, BRANCH_WORDS), *map(re.escape, PARENT_BODIES)]
)


@dataclass(frozen=True)
class Variant:
    """One name a written name holds, and how it was found (empty: the name as written)."""

    text: str
    how: str = ""


@lru_cache(maxsize=65536)
def variants(name: str) -> tuple[Variant, ...]:
    """The name as written, then every other name it holds (each once). Cached: a company's
    name comes again as a party's, and the lists' names every screen."""
    found = [Variant(name)]
    for part, how in _alias_parts(name):
        found.append(Variant(part, how))
    for variant in list(found):
        parent = _parent(variant.text)
        if parent:
            found.append(Variant(parent, _joined(variant.how, "branch or office of")))
    for variant in list(found):
        own = _own_name(variant.text)
        if own:
            found.append(Variant(own, _joined(variant.how, "without the body it belongs to")))
    found.extend(_acronyms(name))
    for variant in list(found):
        if _HAN.search(variant.text):
            korean = hanja.translate(variant.text, "substitution")
            found.append(Variant(korean, _joined(variant.how, "Chinese characters read in Korean")))
    unique: dict[str, Variant] = {}
    for variant in found:
        text = _EDGES.sub("", variant.text)
        if text and text.casefold() not in unique:
            unique[text.casefold()] = Variant(text, variant.how)
    return tuple(unique.values())


def name_variants(names: pd.Series) -> pd.DataFrame:
    """Every variant of every name: columns `source` (position in `names`), `text`, `how`.

    Names that cannot hold another (most of them) are found with one vectorized search and pass
    through as they are; only the others are parsed one by one."""
    text = names.astype("str")
    arrow = pa.array(text.array, type=pa.large_string())
    holds = pc.match_substring_regex(arrow, _MAY_HOLD, ignore_case=True).to_numpy(
        zero_copy_only=False
    )
    holds = holds | _has_acronym(text)
    plain = np.flatnonzero(~holds)
    parts = [pd.DataFrame({"source": plain, "text": text.to_numpy()[plain], "how": ""})]
    rows = [
        (int(position), variant.text, variant.how)
        for position in np.flatnonzero(holds)
        for variant in variants(str(text.iat[int(position)]))
    ]
    if rows:
        parts.append(pd.DataFrame(rows, columns=["source", "text", "how"]))
    every = pd.concat(parts, ignore_index=True).sort_values("source", kind="stable")
    return every.reset_index(drop=True)


def _has_acronym(text: pd.Series) -> np.ndarray:
    """Names with a lower-case letter and a word of capitals: an acronym among ordinary words."""
    mixed = text.str.contains("[a-z]", regex=True) & text.str.contains(
        r"\b[A-Z][A-Z0-9]{1,7}\b", regex=True
    )
    return mixed.to_numpy(dtype=bool)


def _alias_parts(name: str) -> list[tuple[str, str]]:
    """The names on each side of `a.k.a.`, `/` and the like, and in and out of brackets."""
    parts: list[tuple[str, str]] = []
    pieces = [piece for piece in _ALIAS_MARKERS.split(name) if piece and piece.strip()]
    if len(pieces) > 1:
        parts.extend((piece, "one of the names it gives") for piece in pieces)
    for piece in [name, *(piece for piece, _ in parts)]:
        inner = _BRACKETED.findall(piece)
        if inner:
            outside = _BRACKETED.sub(" ", piece)
            parts.append((outside, "without the part in brackets"))
            parts.extend(
                (text, "the part in brackets")
                for text in inner
                if text.strip() and not _names_a_branch_only(text)
            )
    return parts


def _parent(name: str) -> str:
    """The name without its branch or office words and the place before them; '' when it names
    no branch, or nothing is left."""
    if not _BRANCH.search(name):
        return ""
    # "…, Beijing Office", "… - Iran Office": the branch is what follows the last separator
    tail = _SEPARATED.search(name)
    if tail and _BRANCH.search(tail.group(0)):
        name = name[: tail.start()]
    text = _PLACE.sub(" ", _BRANCH.sub(" ", name))
    text = _OF.sub(" ", _EMPTY_BRACKETS.sub(" ", text))
    text = re.sub(r"\s+", " ", text)
    text = _EDGES.sub("", text)
    return text if len(re.sub(r"\W", "", text)) >= 3 else ""


def _own_name(name: str) -> str:
    """The name without the party or army it belongs to (`조선로동당 군수공업부` -> `군수공업부`);
    '' when it names none, or nothing of its own is left."""
    if not _PARENT_BODY.search(name):
        return ""
    text = _EDGES.sub("", re.sub(r"\s+", " ", _OF.sub(" ", _PARENT_BODY.sub(" ", name))))
    text = re.sub(r"\s+(?:of|of the)\s*$", "", text, flags=re.IGNORECASE)
    return text if len(re.sub(r"\W", "", text)) >= 2 else ""


def _names_a_branch_only(text: str) -> bool:
    """`Dandong Office`, `Beijing Branch`, `Hong Kong`: a branch's place or kind, no name of
    its own."""
    if not _EDGES.sub("", _PLACE.sub(" ", text)).strip():
        return True
    branchy = bool(_BRANCH.search(text))
    return branchy and not _parent(text)


def _acronyms(name: str) -> list[Variant]:
    """Acronyms of four letters or more written among ordinary words (`KOMID Trading Office`),
    each alone; shorter ones (DCB) stand for too many names."""
    if not re.search("[a-z]", name):
        return []
    return [
        Variant(word, "the acronym in it")
        for word in _ACRONYM.findall(name)
        # legal forms and generic words (LLC, DPRK) say nothing of who a company is
        if token_class(word.lower()) == DISTINCT and sum(c.isalpha() for c in word) >= 4
    ]


def _joined(first: str, second: str) -> str:
    return f"{first}, {second}" if first else second
