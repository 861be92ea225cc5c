"""Name normalization: transliterate to Latin, fold case and punctuation, classify and key tokens.

Latin-script names (the vast majority) go through vectorized Arrow string kernels; only names with
non-ASCII letters take the per-name Python path (NFKC, Cyrillic table, Hangul per syllable, ICU).
Tokens are then classified and keyed once per distinct token, not once per name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import OSA

from screening.matching.vocabulary import (
    ABBREVIATIONS,
    BUSINESS,
    CHINESE_WORDS,
    COUNTRY_WORDS,
    CYRILLIC,
    GENERIC,
    KOREAN_WORDS,
    LEGAL_FORMS,
    SOUND_RULES,
    STOPWORDS,
    SURNAMES,
    TRANSCRIPTIONS,
    TRANSLATIONS,
)
from screening.normalizing.transliteration import ascii_text

MAX_TOKENS = 8
_CYRILLIC_RE = re.compile("|".join(sorted(CYRILLIC, key=len, reverse=True)))
# Russian writes a word-initial ye as е and, often, yo (ё) as е too: Ен = Ён = Yon
_CYRILLIC_INITIAL_E = re.compile(r"\b[её]")
_HANGUL_RE = re.compile("[\uac00-\ud7a3]+")
_STEMS = sorted((w[:-1] for w in TRANSCRIPTIONS if w.endswith("*")), key=len, reverse=True)
_TRANSCRIBED = re.compile(
    r"\b(?:"
    + "|".join(
        re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w)
        for w in sorted(TRANSCRIPTIONS, key=len, reverse=True)
    )
    + r")\b"
)
_TRAILING_KO = re.compile(r"\s+ко\.?(?=\s*(?:ltd\.?)?\s*$)")
_ORG_WORDS = {**KOREAN_WORDS, **CHINESE_WORDS}
_ORG_WORDS_RE = re.compile("|".join(sorted(_ORG_WORDS, key=len, reverse=True)))
_ABBREVIATED = r"\b(?:" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + r")\b"
_ABBREVIATED_RE = re.compile(_ABBREVIATED)
_SOUND_RES = [(re.compile(pattern), repl) for pattern, repl in SOUND_RULES]

# Token classes
DISTINCT, GENERIC_WORD, DROPPED = 0, 1, 2


def _hangul_word(match: re.Match[str]) -> str:
    # Korean names are written without spaces; each syllable is a romanized token of its own.
    return " " + " ".join(ascii_text(syllable) for syllable in match.group(0)) + " "


@lru_cache(maxsize=65536)
def latinize(name: str) -> str:
    """One name in lower-case ASCII: NFKC, casefold, Korean-aware Cyrillic, Hangul, then ICU."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text, transcribed = _TRANSCRIBED.subn(_in_english_word, text)
    if transcribed:  # a company's name: its last word Ко is the legal form Co., not a syllable
        text = _TRAILING_KO.sub(" co ", text)
    text = _in_english(text)
    text = _CYRILLIC_INITIAL_E.sub("yo", text)
    text = _CYRILLIC_RE.sub(lambda m: CYRILLIC[m.group(0)], text)
    text = _HANGUL_RE.sub(_hangul_word, text)
    if not text.isascii():
        text = ascii_text(text)
    return text.lower()


def _in_english_word(match: re.Match[str]) -> str:
    """The English word a transcribed or translated Russian word stands for."""
    word = match.group(0)
    english = TRANSCRIPTIONS.get(word)
    if english is None:
        stem = next(stem for stem in _STEMS if word.startswith(stem))
        english = TRANSCRIPTIONS[stem + "*"]
    return f" {english} "


def _in_english(text: str) -> str:
    """Korean and Chinese business words in English (은행, 银行 -> bank), when the name has one
    that is not also a person's name (조선희 is Cho Son Hui, not Korea Hui)."""
    found = _ORG_WORDS_RE.findall(text)
    if not any(_ORG_WORDS[word] not in COUNTRY_WORDS for word in found):
        return text
    return _ORG_WORDS_RE.sub(lambda m: f" {_ORG_WORDS[m.group(0)]} ", text)


def _written_out(text: pd.Series) -> pd.Series:
    """Abbreviations written out (Trdg -> trading, Corp -> corporation): found with one
    vectorized search, replaced in the few names that have one."""
    has = text.str.contains(_ABBREVIATED, regex=True).to_numpy(dtype=bool)
    return _rewritten(text, has, lambda value: _ABBREVIATED_RE.sub(_abbreviated, value))


def _abbreviated(match: re.Match[str]) -> str:
    return ABBREVIATIONS[match.group(0)]


def _rewritten(text: pd.Series, chosen: np.ndarray, rewrite: Callable[[str], str]) -> pd.Series:
    """`text` with the names `chosen` (a mask: few, found by a vectorized search) rewritten one
    by one; the column itself when none is chosen."""
    if not chosen.any():
        return text
    text = text.copy()
    text[chosen] = [rewrite(str(value)) for value in text[chosen]]
    return text


def clean(names: pd.Series) -> pd.Series:
    """Names as space-separated lower-case ASCII tokens (vectorized; non-ASCII via latinize)."""
    text = names.astype("str").str.lower()
    foreign = ~text.str.isascii()
    if foreign.any():
        text = text.copy()
        text[foreign] = pd.Series(
            [latinize(n) for n in names[foreign].astype(str)],
            index=text.index[foreign],
            dtype="str",
        )
    # apostrophes and breves mark MR aspiration/vowels (Ch'o'ngsong): drop them, never split on them
    text = text.str.replace(r"['`\u2018\u2019\u02bc\u02bb\u0060]", "", regex=True)
    text = text.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    # abbreviations that stand for generic words must weigh as those words
    return _completed(_written_out(text))


CUT_LENGTH = 28
"""Names this long (cleaned) may have been cut at a field's width, as payment messages cut them at
35 characters: a last word that begins a common word (`… BANKING CORPO`) is read as that word."""


def _completed(text: pd.Series) -> pd.Series:
    """Long names whose last word is the start of a common word, with that word written out."""
    long = (text.str.len() >= CUT_LENGTH).to_numpy(dtype=bool)
    return _rewritten(text, long, _complete_last)


def _complete_last(name: str) -> str:
    head, _, last = name.rpartition(" ")
    if not head or len(last) < 3 or last in _KNOWN:
        return name
    word = _STARTS.get(last)
    return f"{head} {word}" if word else name


@lru_cache(maxsize=262144)
def token_key(token: str) -> str:
    """The romanization-insensitive key of one token (Pak/Park/Bak -> pak, Cheol/Chol -> chor)."""
    token = spelled(token)
    token = TRANSLATIONS.get(token, token)
    token = SURNAMES.get(token, token)
    for pattern, repl in _SOUND_RES:
        token = pattern.sub(repl, token)
    return token


@lru_cache(maxsize=262144)
def token_class(token: str) -> int:
    """DISTINCT, GENERIC_WORD or DROPPED (legal forms and function words)."""
    token = spelled(token)
    if TRANSLATIONS.get(token, token) in LEGAL_FORMS or token in STOPWORDS:
        return DROPPED
    # by key, so that spellings of a generic word (Shinyong / Sinyong) are generic too
    return GENERIC_WORD if token_key(token) in _GENERIC_KEYS else DISTINCT


@lru_cache(maxsize=262144)
def one_letter_less(word: str) -> tuple[str, ...]:
    """The word with one letter left out, at each position (each spelling once): two spellings
    one edit apart always share one of these, or one is the other's (a symmetric deletion
    neighbourhood, used to find typos without comparing every pair)."""
    return tuple(dict.fromkeys(word[:i] + word[i + 1 :] for i in range(len(word))))


def _common_words() -> dict[str, str | None]:
    """Each common word (generic, business, legal form) and every spelling one letter shorter,
    -> that word (None where two words share it: no guess)."""
    words = {w for w in GENERIC | LEGAL_FORMS | set(BUSINESS) if len(w) >= TYPO_MIN and w.isalpha()}
    found: dict[str, str | None] = {}
    for word in sorted(words):
        for spelling in (word, *one_letter_less(word)):
            found[spelling] = word if found.get(spelling, word) == word else None
    return found


TYPO_MIN = 5
"""Common words this long or longer are read through one typo (Tradign, Corporatoin, Koera)."""
_ROMANIZED = frozenset(
    ["chongsa", "choson", "chosun", "hoesa", "joson", "korea", "korean", "koryo", "muyok"]
    + ["sangsa", "sinyong"]
)
"""Common words that are romanized Korean, near which names of people and places lie."""
_COMMON = _common_words()


def _beginnings() -> dict[str, str]:
    """Each start (three letters or more) of a common word -> the shortest common word it starts
    (corpo -> corporation)."""
    starts: dict[str, str] = {}
    for word in sorted(GENERIC | LEGAL_FORMS | set(BUSINESS), key=lambda w: (len(w), w)):
        for end in range(3, len(word)):
            starts.setdefault(word[:end], word)
    return starts


_STARTS = _beginnings()
_KNOWN = frozenset(
    GENERIC | LEGAL_FORMS | STOPWORDS | set(BUSINESS) | set(TRANSLATIONS) | set(SURNAMES)
)


@lru_cache(maxsize=262144)
def spelled(token: str) -> str:
    """The common word a token misspells by one letter (added, dropped, swapped or, in a word of
    seven letters or more, changed), else the token. Names (Daesong, Kumsan) are never read so:
    only the common words of company names are corrected, to keep their weight."""
    if len(token) < TYPO_MIN or token in _KNOWN or not token.isalpha():
        return token
    candidates = {_COMMON.get(part) for part in (token, *one_letter_less(token))}
    candidates.discard(None)
    if len(candidates) != 1:
        return token
    word = str(candidates.pop())
    substituted = len(word) == len(token) and sorted(word) != sorted(token)
    if substituted and (len(word) < 7 or word in _ROMANIZED):
        return token  # one letter for another: perhaps a name (Sinyang is not Sinyong)
    return word if OSA.distance(token, word) <= 1 else token


_GENERIC_KEYS = frozenset(token_key(t) for t in GENERIC | set(TRANSLATIONS) | set(BUSINESS))


def distinct_words(words: Iterable[str]) -> list[str]:
    """The words (lower case) that tell a name apart: not generic, not a legal form."""
    return [word for word in words if token_class(word) == DISTINCT]


@dataclass
class Names:
    """Normalized names as fixed-width token-code matrices over a shared key vocabulary."""

    text: npt.NDArray[np.object_]  # cleaned names (for explanations)
    vocab: npt.NDArray[np.object_]  # token keys, sorted
    distinct: npt.NDArray[
        np.int32
    ]  # (n, MAX_TOKENS) key codes of distinctive tokens, in order, -1 pad
    n_distinct: npt.NDArray[np.int8]
    generic: npt.NDArray[np.int32]  # (n, MAX_TOKENS) key codes of generic tokens, sorted, -1 pad
    n_generic: npt.NDArray[np.int8]
    written: npt.NDArray[np.int32]  # (n, MAX_TOKENS) `words` codes of the distinctive tokens
    words: npt.NDArray[np.object_]  # the distinctive tokens as written (cleaned), not keyed

    def __len__(self) -> int:
        return len(self.n_distinct)


def take(names: Names, rows: slice | npt.NDArray[np.intp]) -> Names:
    """Some rows of a Names (the vocabulary stays shared)."""
    return Names(
        names.text[rows],
        names.vocab,
        names.distinct[rows],
        names.n_distinct[rows],
        names.generic[rows],
        names.n_generic[rows],
        names.written[rows],
        names.words,
    )


def shared_vocabulary(first: Names, second: Names) -> tuple[Names, Names]:
    """Both Names over one vocabulary, the sorted union of theirs: what encoding them together
    gives, without encoding either again (list names are encoded once per screen)."""
    vocab = np.unique(np.concatenate([first.vocab, second.vocab]))
    return _recoded(first, vocab), _recoded(second, vocab)


def _recoded(names: Names, vocab: npt.NDArray[np.object_]) -> Names:
    """`names` over `vocab`, a sorted superset of its own (codes keep their order)."""
    # the extra last slot maps the -1 padding to itself
    codes = np.append(np.searchsorted(vocab, names.vocab), -1).astype(np.int32)
    return Names(
        names.text,
        vocab,
        codes[names.distinct],
        names.n_distinct,
        codes[names.generic],
        names.n_generic,
        names.written,
        names.words,
    )


def encode(names: pd.Series) -> Names:
    """Normalize names (one per element, no NA) into token-code matrices."""
    cleaned = clean(names).reset_index(drop=True)
    tokens = cleaned.str.split().explode()
    tokens = tokens[tokens.notna() & (tokens != "")]
    name_idx = tokens.index.to_numpy()
    raw_codes, raw_uniques = pd.factorize(tokens.astype(str).to_numpy())
    classes = np.array([token_class(t) for t in raw_uniques], dtype=np.int8)
    keys = [token_key(t) for t in raw_uniques]
    key_codes, vocab = pd.factorize(np.array(keys, dtype=object), sort=True)
    codes = key_codes[raw_codes].astype(np.int32)
    cls = classes[raw_codes]
    n = len(cleaned)
    distinct, n_distinct = _matrix(name_idx[cls == DISTINCT], codes[cls == DISTINCT], n)
    generic, n_generic = _matrix(name_idx[cls == GENERIC_WORD], codes[cls == GENERIC_WORD], n)
    generic = np.sort(np.where(generic < 0, np.iinfo(np.int32).max, generic), axis=1)
    generic[generic == np.iinfo(np.int32).max] = -1
    written, _ = _matrix(name_idx[cls == DISTINCT], raw_codes[cls == DISTINCT].astype(np.int32), n)
    text = cleaned.to_numpy(dtype=object)
    words = np.asarray(raw_uniques, dtype=object)
    vocab = np.asarray(vocab, dtype=object)
    return Names(text, vocab, distinct, n_distinct, generic, n_generic, written, words)


def _matrix(
    rows: npt.NDArray[np.intp], codes: npt.NDArray[np.int32], n: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int8]]:
    """Scatter (row, code) pairs, in row order, into an (n, MAX_TOKENS) matrix, extras dropped."""
    out = np.full((n, MAX_TOKENS), -1, dtype=np.int32)
    if len(rows) == 0:
        return out, np.zeros(n, dtype=np.int8)
    starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    lengths = np.diff(np.r_[starts, len(rows)])
    position = np.arange(len(rows)) - np.repeat(starts, lengths)
    keep = position < MAX_TOKENS
    out[rows[keep], position[keep]] = codes[keep]
    counts = np.bincount(rows, minlength=n)
    return out, np.minimum(counts, MAX_TOKENS).astype(np.int8)
