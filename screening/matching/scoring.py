"""Score candidate pairs 0..1, vectorized over all pairs with rapidfuzz's compiled `cpdist`.

Distinctive tokens decide the score; generic words only nudge it:

    score = sim_distinct * (0.9 + 0.1 * sim_generic)      (0.5 + 0.5 * ... for weak names like "Office 39")

sim_distinct compares token by token (length-weighted, a syllable below TOKEN_FLOOR counts as a miss,
so Kim/Pak Chol Nam stay apart) when both names have as many distinctive tokens, and the names
written together otherwise (Su Yong / Suyong); both in the given order and with the first or last
token moved round (surname first or last). Names made only of generic words must match as a whole.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from screening.matching.normalize import MAX_TOKENS, Names

TOKEN_FLOOR = 0.6
WEAK_LENGTH = 4
GENERIC_WHOLE = 0.75
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


def _joined(names: Names, matrix: npt.NDArray[np.int32], rows: Ints, sep: str) -> npt.NDArray[np.object_]:
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


def _rotated(matrix: npt.NDArray[np.int32], n: npt.NDArray[np.int8], rows: Ints, shift: int) -> npt.NDArray[np.int32]:
    """Token codes of rows with tokens rotated by shift (1: first token last, -1: last token first)."""
    counts = np.maximum(n[rows].astype(np.intp), 1)
    pos = (np.arange(MAX_TOKENS)[None, :] + shift) % counts[:, None]
    rotated = np.take_along_axis(matrix[rows], pos, axis=1)
    rotated[np.arange(MAX_TOKENS)[None, :] >= counts[:, None]] = -1
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
        uniq, inverse = np.unique(pair, return_inverse=True)
        left, right = self.vocab[uniq // len(self.vocab)], self.vocab[uniq % len(self.vocab)]
        sims = _ratio(left, right)
        # English spellings write the MR o-with-breve as u (Chul, Sung): a near miss, not a miss
        folded = 0.95 * _ratio(_fold(left), _fold(right))
        sims = np.maximum(sims, folded)
        # the key already folds romanization variants of initial consonants; a different initial
        # is a different syllable (Han / Jang, Kim / Pak)
        first = np.fromiter((x[:1] == y[:1] for x, y in zip(left, right, strict=True)), dtype=bool)
        sims[~first | (sims < TOKEN_FLOOR)] = 0.0
        return sims[inverse]


def _tokenwise(records: Names, aliases: Names, r: Ints, a: Ints, sims: _TokenSims) -> Floats:
    best = np.zeros(len(r))
    a_codes = aliases.distinct[a]
    for shift in (0, 1, -1):
        r_codes = _rotated(records.distinct, records.n_distinct, r, shift)
        total = np.zeros(len(r))
        weight = np.zeros(len(r))
        for i in range(MAX_TOKENS):
            valid = (a_codes[:, i] >= 0) & (r_codes[:, i] >= 0)
            if not valid.any():
                break
            w = (sims.lengths[a_codes[valid, i]] + sims.lengths[r_codes[valid, i]]) / 2
            total[valid] += w * sims(r_codes[valid, i], a_codes[valid, i])
            weight[valid] += w
        best = np.maximum(best, np.divide(total, weight, out=np.zeros(len(r)), where=weight > 0))
    return best


def _concatenated(records: Names, aliases: Names, r: Ints, a: Ints) -> Floats:
    target = _joined(aliases, aliases.distinct, a, "")
    best = np.zeros(len(r))
    for shift in (0, 1, -1):
        rotated = _rotated(records.distinct, records.n_distinct, r, shift)
        rows = np.arange(len(r))
        source = _joined(records, rotated, rows, "")
        best = np.maximum(best, _ratio(source, target))
    return best


def score_pairs(records: Names, aliases: Names, r: Ints, a: Ints) -> Floats:
    """Score each (record name, alias) pair; both Names must share one vocabulary."""
    sims = _TokenSims(aliases.vocab)
    nr, na = records.n_distinct[r], aliases.n_distinct[a]
    score = np.zeros(len(r))
    same = (nr == na) & (na > 0)
    score[same] = _tokenwise(records, aliases, r[same], a[same], sims)
    other = (nr != na) & (na > 0) & (nr > 0)
    score[other] = _concatenated(records, aliases, r[other], a[other])
    g_rec = _joined(records, records.generic, r, " ")
    g_ali = _joined(aliases, aliases.generic, a, " ")
    # generic words: a subset (Kumsan Trading / Korea Kumsan Trading Corp) agrees; absent on one side
    # says little; present on both sides and different (Daedong Credit Bank / Daedong Industrial) weakens
    sim_g = _ratio(g_rec, g_ali, fuzz.token_set_ratio)
    one_sided = (g_rec == "") ^ (g_ali == "")
    sim_g[(g_rec == "") | (g_ali == "")] = 1.0
    # a short or numeric distinctive part (Office 39) needs its generic words to agree as well
    d_len = _joined(aliases, aliases.distinct, a, "")
    weak = np.fromiter((len(s) < WEAK_LENGTH or s.isdigit() for s in d_len), dtype=bool, count=len(a))
    weak &= aliases.n_generic[a] > 0
    factor = np.where(weak, 0.5 + 0.5 * sim_g, 0.75 + 0.25 * sim_g)
    factor[one_sided] = np.where(weak[one_sided], 0.7, 0.95)
    score *= factor
    # a name made only of generic words matches only a name made only of generic words, as a whole:
    # every word of the listed name present, and not buried in many others
    generic_only = np.flatnonzero((na == 0) & (nr == 0))
    whole = _ratio(g_rec[generic_only], g_ali[generic_only])
    score[generic_only] = np.where(whole >= GENERIC_WHOLE, 0.95 * sim_g[generic_only], 0.0)
    return np.round(score, 3)
