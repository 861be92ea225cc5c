"""Score candidate pairs 0..1, vectorized over all pairs with rapidfuzz's compiled `cpdist`.

Distinctive tokens decide the score; generic words only nudge it:

    score = sim_distinct * (0.75 + 0.25 * sim_generic)
            (0.5 + 0.5 * sim_generic for weak names such as "Office 39";
             a flat 0.95, or 0.7 if weak, when only one side has generic words)

sim_distinct compares token by token (length-weighted; a syllable below TOKEN_FLOOR or with another
initial counts as a miss, so Kim/Pak Chol Nam stay apart) when both names have as many distinctive
tokens, and the names written together otherwise (Su Yong / Suyong); in the given order and with
the first or last token moved round (surname first or last). Names made only of generic words
must match as a whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from screening.matching.normalize import MAX_TOKENS, Names, distinct_words, token_key
from screening.matching.vocabulary import BUSINESS

TOKEN_FLOOR = 0.6
TYPO_LENGTH = 6
TYPO_FLOOR = 0.7
"""Pairs scoring at least this are checked for a typo in their written words."""
ONE_TYPO = 0.92
"""How alike two keys of `TYPO_LENGTH` letters or more are when one edit apart (a swap is one)."""
WEAK_LENGTH = 4
GENERIC_WHOLE = 0.75
OTHER_BUSINESS = 0.8
SPLIT_GAP = 0.85
"""Per word beyond one that two names differ in count, when written together they still differ
(Ri Chong Song / Chongsong)."""
"""What a pair is worth when both names say their business and they share none."""
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]
Scorer = Callable[..., float]


def _ratio(
    a: npt.NDArray[np.object_], b: npt.NDArray[np.object_], scorer: Scorer = fuzz.ratio
) -> Floats:
    if len(a) == 0:
        return np.zeros(0)
    out = process.cpdist(list(a), list(b), scorer=scorer, workers=-1, dtype=np.float32)
    return np.asarray(out, dtype=np.float64) / 100.0


def _joined(
    names: Names, matrix: npt.NDArray[np.int32], rows: Ints, sep: str
) -> npt.NDArray[np.object_]:
    out = np.full(len(rows), "", dtype=object)
    for i in range(MAX_TOKENS):
        codes = matrix[rows, i]
        valid = codes >= 0
        if not valid.any():
            break
        part = np.where(valid, names.vocab[np.maximum(codes, 0)], "")
        glue = np.where(valid & (out != ""), sep, "")
        out = out + glue + part
    return out


def _rotated(
    matrix: npt.NDArray[np.int32],
    n: npt.NDArray[np.int8],
    rows: Ints,
    shift: int,
    width: int = MAX_TOKENS,
) -> npt.NDArray[np.int32]:
    """First `width` token codes of rows rotated by shift (1: first goes last, -1: last first)."""
    if shift == 0:
        head: npt.NDArray[np.int32] = matrix[rows, :width]
        return head
    counts = np.maximum(n[rows], 1).astype(np.int16)[:, None]
    columns = np.arange(width, dtype=np.int16)[None, :]
    rotated: npt.NDArray[np.int32] = matrix[rows[:, None], (columns + shift) % counts]
    rotated[columns >= counts] = -1
    return rotated


def _fold(keys: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    return np.array([k.replace("u", "o") for k in keys], dtype=object)


class _TokenSims:
    """Similarity of two token keys, computed once per distinct pair of keys."""

    def __init__(self, vocab: npt.NDArray[np.object_]):
        self.vocab = vocab
        self.lengths = np.fromiter((len(v) for v in vocab), dtype=np.float64, count=len(vocab))

    def __call__(self, a: npt.NDArray[np.int32], b: npt.NDArray[np.int32]) -> Floats:
        pair = a.astype(np.int64) * len(self.vocab) + b
        inverse, uniq = pd.factorize(pair)  # hashing: far cheaper than np.unique's sort
        left, right = self.vocab[uniq // len(self.vocab)], self.vocab[uniq % len(self.vocab)]
        sims = _ratio(left, right)
        # English spellings write the MR o-with-breve as u (Chul, Sung): a near miss, not a miss
        folded = 0.95 * _ratio(_fold(left), _fold(right))
        sims = np.maximum(sims, folded)
        # a letter doubled, dropped or two swapped in a long word (Hyoksni, Tanchonn) is that
        # word mistyped; one letter for another is not (Daesang is another name than Daesong)
        long = np.flatnonzero(
            (self.lengths[uniq // len(self.vocab)] >= TYPO_LENGTH)
            & (self.lengths[uniq % len(self.vocab)] >= TYPO_LENGTH)
        )
        if len(long):
            edits = np.asarray(
                process.cpdist(list(left[long]), list(right[long]), scorer=OSA.distance, workers=-1)
            )
            typo = long[(edits == 1) & _not_substituted(left[long], right[long])]
            sims[typo] = np.maximum(sims[typo], ONE_TYPO)
        # the key already folds romanization variants of initial consonants; a different initial
        # is a different syllable (Han / Jang, Kim / Pak)
        first = np.fromiter((x[:1] == y[:1] for x, y in zip(left, right, strict=True)), dtype=bool)
        sims[~first | (sims < TOKEN_FLOOR)] = 0.0
        return sims[inverse]


def _mistyped(records: Names, aliases: Names, r: Ints, a: Ints, score: Floats) -> Ints:
    """The pairs scored below `ONE_TYPO` whose distinctive words, as written, are one typo
    apart (`typed_alike`): the keys can widen a typo (Ryobbong / Ryonbong key as yoppon / yonpon),
    so the written words are compared. Each distinct pair of written words once; only those one
    edit apart (found in C, all at once) are looked at letter by letter."""
    near = np.flatnonzero((score >= TYPO_FLOOR) & (score < ONE_TYPO))
    if not len(near):
        return near
    met_r, at_r = np.unique(r[near], return_inverse=True)
    met_a, at_a = np.unique(a[near], return_inverse=True)
    written_r = np.array([_distinct_part(str(t)) for t in records.text[met_r]], dtype=object)
    written_a = np.array([_distinct_part(str(t)) for t in aliases.text[met_a]], dtype=object)
    pair = at_r.reshape(-1).astype(np.int64) * len(met_a) + at_a.reshape(-1)
    inverse, unique = pd.factorize(pair)
    left, right = written_r[unique // len(met_a)], written_a[unique % len(met_a)]
    long_l = np.fromiter(map(len, left), dtype=np.int64, count=len(left))
    long_r = np.fromiter(map(len, right), dtype=np.int64, count=len(right))
    maybe = np.flatnonzero(
        (np.minimum(long_l, long_r) >= TYPO_LENGTH) & (np.abs(long_l - long_r) <= 1)
    )
    typed = np.zeros(len(unique), dtype=bool)
    if len(maybe):
        edits = np.asarray(
            process.cpdist(list(left[maybe]), list(right[maybe]), scorer=OSA.distance, workers=-1)
        )
        one = maybe[edits == 1]
        typed[one] = [
            typed_alike(str(x), str(y)) for x, y in zip(left[one], right[one], strict=True)
        ]
    mistyped: Ints = near[typed[inverse]]
    return mistyped


def _distinct_part(text: str) -> str:
    return "".join(distinct_words(text.split()))


_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = frozenset(
    pair
    for row in _KEYBOARD
    for left, right in zip(row, row[1:], strict=False)
    for pair in ((left, right), (right, left))
)


def typed_alike(first: str, second: str) -> bool:
    """Whether two words of `TYPO_LENGTH` letters or more are one typo apart: a letter more or
    less, two neighbours swapped, or a letter struck for its neighbour on the keyboard (Ryobbong
    for Ryonbong). A vowel for another is not a typo but another name (Daesang, Daesong)."""
    if min(len(first), len(second)) < TYPO_LENGTH or OSA.distance(first, second) != 1:
        return False
    if len(first) != len(second):
        return True
    differ = [i for i, (x, y) in enumerate(zip(first, second, strict=True)) if x != y]
    return len(differ) == 2 or (first[differ[0]], second[differ[0]]) in _NEIGHBOURS


def _not_substituted(
    left: npt.NDArray[np.object_], right: npt.NDArray[np.object_]
) -> npt.NDArray[np.bool_]:
    """Whether two words one edit apart differ by a letter more or less, or two letters
    swapped (the same letters), rather than one letter for another."""
    return np.fromiter(
        (len(x) != len(y) or sorted(x) == sorted(y) for x, y in zip(left, right, strict=True)),
        dtype=bool,
        count=len(left),
    )


def _aligned_mean(
    records: Names, aliases: Names, r: Ints, a: Ints, sims: _TokenSims, shifts: tuple[int, ...]
) -> Floats:
    """Best over the shifts of the length-weighted mean similarity of position-aligned tokens."""
    width = int(aliases.n_distinct[a].max(initial=0))
    # every (shift, position) pair of token codes, scored in one call
    rotated = [_rotated(records.distinct, records.n_distinct, r, s, width) for s in shifts]
    r_all = np.stack(rotated)  # (shifts, pairs, width)
    a_all = np.broadcast_to(aliases.distinct[a][:, :width], r_all.shape)
    valid = (r_all >= 0) & (a_all >= 0)
    sim = np.zeros(r_all.shape)
    sim[valid] = sims(r_all[valid], a_all[valid])
    weight = np.where(valid, (sims.lengths[a_all] + sims.lengths[r_all]) / 2, 0.0)
    total, norm = (sim * weight).sum(axis=2), weight.sum(axis=2)
    means = np.divide(total, norm, out=np.zeros_like(total), where=norm > 0)
    best: Floats = means.max(axis=0)
    return best


def _tokenwise(records: Names, aliases: Names, r: Ints, a: Ints, sims: _TokenSims) -> Floats:
    """Token by token in the given order, then (where that is not already perfect) rotated."""
    if len(r) == 0:
        return np.zeros(0)
    best = _aligned_mean(records, aliases, r, a, sims, (0,))
    again = np.flatnonzero((best < 0.999) & (aliases.n_distinct[a] > 1))
    if len(again):
        rotated = _aligned_mean(records, aliases, r[again], a[again], sims, (1, -1))
        best[again] = np.maximum(best[again], rotated)
    return best


def _concatenated(records: Names, r: Ints, a: Ints, texts: AliasTexts) -> Floats:
    """The names written together, the record's in the given order and rotated either way."""
    target = texts.distinct[a]
    met, r_met = np.unique(r, return_inverse=True)  # each record name written out once
    best = np.zeros(len(r))
    for shift in (0, 1, -1):
        rotated = _rotated(records.distinct, records.n_distinct, met, shift)
        source = _joined(records, rotated, np.arange(len(met)), "")[r_met.reshape(-1)]
        best = np.maximum(best, _ratio(source, target) * _length_penalty(source, target))
    return best


def _length_penalty(left: npt.NDArray[np.object_], right: npt.NDArray[np.object_]) -> Floats:
    """Names written together that differ in length by more than a letter are different names
    (Ri Chong Song / Chongsong, Kim Jindallae / Jindallae), however much of one the other holds:
    each further letter costs a tenth."""
    lengths = np.fromiter((len(x) - len(y) for x, y in zip(left, right, strict=True)), np.int64)
    penalty: Floats = np.clip(1.0 - 0.1 * np.maximum(np.abs(lengths) - 1, 0), 0.0, 1.0)
    return penalty


@dataclass(frozen=True)
class AliasTexts:
    """What scoring needs of the list names as text, built once per list (`alias_texts`): the
    same for every record kind, whatever vocabulary the codes are in."""

    generic: npt.NDArray[np.object_]
    """Each name's generic words, joined by spaces."""
    generic_distinct: npt.NDArray[np.str_]
    generic_codes: Ints
    """`generic` as its sorted distinct values and each name's position among them."""
    distinct: npt.NDArray[np.object_]
    """Each name's distinctive tokens written together."""
    weak: npt.NDArray[np.bool_]
    """Whether the distinctive part is short or numeric (Office 39)."""

    def take(self, rows: Ints) -> AliasTexts:
        """The texts of some names (`generic_distinct` stays: a superset changes no score)."""
        return AliasTexts(
            self.generic[rows],
            self.generic_distinct,
            self.generic_codes[rows],
            self.distinct[rows],
            self.weak[rows],
        )


def alias_texts(aliases: Names) -> AliasTexts:
    """The `AliasTexts` of the list names `aliases`."""
    every = np.arange(len(aliases))
    generic = _joined(aliases, aliases.generic, every, " ")
    distinct, codes = np.unique(generic.astype(str), return_inverse=True)
    joined = _joined(aliases, aliases.distinct, every, "")
    weak = np.fromiter((len(s) < WEAK_LENGTH or s.isdigit() for s in joined), dtype=bool)
    return AliasTexts(generic, distinct, codes.reshape(-1), joined, weak)


def _pairwise(
    left: npt.NDArray[np.object_],
    right: npt.NDArray[np.str_],
    right_codes: Ints,
    r: Ints,
    a: Ints,
    scorer: Scorer,
) -> Floats:
    """scorer(left[r], right[right_codes[a]]) for each pair, computed once per distinct pair of
    strings (`right`: distinct and sorted)."""
    lu, lc = np.unique(left.astype(str), return_inverse=True)
    ru, rc = right, right_codes
    pair = lc.reshape(-1)[r].astype(np.int64) * len(ru) + rc[a]
    inverse, uniq = pd.factorize(pair)
    return _ratio(lu[uniq // len(ru)].astype(object), ru[uniq % len(ru)].astype(object), scorer)[
        inverse
    ]


def score_pairs(
    records: Names, aliases: Names, r: Ints, a: Ints, texts: AliasTexts | None = None
) -> Floats:
    """Score each (record name, alias) pair; both Names must share one vocabulary. `texts`:
    `alias_texts(aliases)`, when the caller has it already."""
    texts = alias_texts(aliases) if texts is None else texts
    sims = _TokenSims(aliases.vocab)
    nr, na = records.n_distinct[r], aliases.n_distinct[a]
    score = np.zeros(len(r))
    same = (nr == na) & (na > 0)
    score[same] = _tokenwise(records, aliases, r[same], a[same], sims)
    other = (nr != na) & (na > 0) & (nr > 0)
    joined = _concatenated(records, r[other], a[other], texts)
    # written together they differ, and by two words or more: not one name split another way
    gap = np.abs(nr[other].astype(np.int64) - na[other])
    joined *= np.where((gap >= 2) & (joined < 0.999), SPLIT_GAP ** (gap - 1), 1.0)
    score[other] = joined
    # generic words of the record names met, only: most names meet no list name
    met, r_met = np.unique(r, return_inverse=True)
    g_rec_names = _joined(records, records.generic, met, " ")
    g_rec, g_ali = g_rec_names[r_met], texts.generic[a]
    # generic words: a subset (Kumsan Trading / Korea Kumsan Trading Corp) agrees; absent on one
    # side says little; on both sides and different (Daedong Credit Bank / Daedong Industrial)
    # weakens
    sim_g = _pairwise(
        g_rec_names, texts.generic_distinct, texts.generic_codes, r_met, a, fuzz.token_set_ratio
    )
    one_sided = (g_rec == "") ^ (g_ali == "")
    sim_g[(g_rec == "") | (g_ali == "")] = 1.0
    # a short or numeric distinctive part (Office 39) needs its generic words to agree as well
    weak = texts.weak[a]
    factor = np.where(weak, 0.5 + 0.5 * sim_g, 0.75 + 0.25 * sim_g)
    factor[one_sided] = np.where(weak[one_sided], 0.7, 0.95)
    score[_mistyped(records, aliases, r, a, score)] = ONE_TYPO
    score *= factor
    # both say what business they are in, and share none (Daedong Electric / Daedong Credit Bank)
    lines = _lines_of_business(aliases.vocab)
    line_r = _lines(records, met, lines)[r_met]
    listed, a_met = np.unique(a, return_inverse=True)
    line_a = _lines(aliases, listed, lines)[a_met.reshape(-1)]
    apart = (line_r != 0) & (line_a != 0) & ((line_r & line_a) == 0)
    score[apart] *= OTHER_BUSINESS
    # a name made only of generic words matches only a name made only of generic words, as a whole:
    # every word of the listed name present, and not buried in many others
    generic_only = np.flatnonzero((na == 0) & (nr == 0))
    whole = _ratio(g_rec[generic_only], g_ali[generic_only])
    covered = _covers(records, aliases, r[generic_only], a[generic_only])
    score[generic_only] = np.where(
        (whole >= GENERIC_WHOLE) & covered, 0.95 * sim_g[generic_only], 0.0
    )
    return np.round(score, 3)


def _lines_of_business(vocab: npt.NDArray[np.object_]) -> npt.NDArray[np.uint64]:
    """Each vocabulary key's lines of business as a bit mask (0: says nothing of business)."""
    bits = {token_key(word): np.uint64(1) << np.uint64(bit) for word, bit in BUSINESS.items()}
    return np.fromiter((bits.get(key, 0) for key in vocab), dtype=np.uint64, count=len(vocab))


def _lines(names: Names, rows: Ints, lines: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The lines of business each name's generic words name, as one bit mask per name."""
    codes = names.generic[rows]
    masks = np.where(codes >= 0, lines[np.maximum(codes, 0)], np.uint64(0))
    return np.bitwise_or.reduce(masks, axis=1) if len(rows) else np.zeros(0, dtype=np.uint64)


def _covers(records: Names, aliases: Names, r: Ints, a: Ints) -> npt.NDArray[np.bool_]:
    """Whether every generic word of the list name is among the record name's."""
    listed, given = aliases.generic[a], records.generic[r]
    found = (listed[:, :, None] == given[:, None, :]).any(axis=2) | (listed < 0)
    every: npt.NDArray[np.bool_] = found.all(axis=1)
    return every
