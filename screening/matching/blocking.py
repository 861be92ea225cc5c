"""Blocking: an inverted index of distinctive token keys, so each name meets only a few candidates.

Keys of a name: its distinctive token keys; each adjacent pair and triple of them written together
(Su Yong / Suyong, Nam Chon Gang / Namchongang); pairs with u read as o (Chol / Chul); a vowel-free
skeleton of long tokens; and, for names made only of generic words (Foreign Trade Bank), those
words (only such list names are indexed under them). Keys shared by too many list names are dropped
from the index: they cannot tell candidates apart (pairs still can).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from screening.matching.normalize import MAX_TOKENS, Names, one_letter_less

_VOWELS = re.compile("[aeiouwy]")
SKELETON_MIN = 5
WRITTEN_MIN = 7
"""Distinctive words this long are also indexed as written, with every one-letter deletion."""
MAX_KEY_SHARE = 0.01  # keys on more than 1% of list names (and more than MIN_CAP) are not indexed
MIN_CAP = 50

Keys = tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]


@lru_cache(maxsize=262144)
def skeleton(key: str) -> str:
    """Consonant skeleton of a key: kimchor and kimchur both give kmchr."""
    return "~" + _VOWELS.sub("", key)


def name_keys(names: Names, generic_keys: npt.NDArray[np.bool_]) -> Keys:
    """(row, key) pairs for every name; generic-word keys only for rows flagged in generic_keys."""
    rows: list[npt.NDArray[np.intp]] = []
    keys: list[npt.NDArray[np.object_]] = []
    d = names.distinct
    key_len = np.fromiter((len(k) for k in names.vocab), dtype=np.intp, count=len(names.vocab))
    for i in range(MAX_TOKENS):
        valid = np.flatnonzero(d[:, i] >= 0)
        if len(valid) == 0:
            break
        single = names.vocab[d[valid, i]]
        rows.append(valid)
        keys.append(single)
        if i + 1 < MAX_TOKENS:
            both = valid[d[valid, i + 1] >= 0]
            pair = names.vocab[d[both, i]] + names.vocab[d[both, i + 1]]
            rows.extend([both, both])
            keys.extend([pair, _folded(pair)])
        if i + 2 < MAX_TOKENS:  # Nam Chon Gang / Namchongang, Man Su Dae / Mansudae
            three = both[d[both, i + 2] >= 0]
            triple = (
                names.vocab[d[three, i]]
                + names.vocab[d[three, i + 1]]
                + names.vocab[d[three, i + 2]]
            )
            rows.append(three)
            keys.append(triple)
        long = valid[key_len[d[valid, i]] >= SKELETON_MIN]
        rows.append(long)
        keys.append(_skeletons(names.vocab[d[long, i]]))
        # a one-letter typo, doubling or swap (Tanchn, Kwangsno) shares a one-letter deletion
        typo_rows, typo_keys = _deletions(long, names.vocab[d[long, i]])
        rows.append(typo_rows)
        keys.append(typo_keys)
    # the words as written too: keys can widen a typo (Namchongnag keys two edits away)
    w = names.written
    word_len = np.fromiter((len(k) for k in names.words), dtype=np.intp, count=len(names.words))
    for i in range(MAX_TOKENS if len(names.words) else 0):
        long = np.flatnonzero((w[:, i] >= 0) & (word_len[np.maximum(w[:, i], 0)] >= WRITTEN_MIN))
        if len(long) == 0:
            continue
        written = names.words[w[long, i]]
        typo_rows, typo_keys = _deletions(long, written)
        rows.extend([long, typo_rows])
        keys.extend(["w" + written, "w" + typo_keys])
    g = names.generic
    for i in range(MAX_TOKENS):
        valid = np.flatnonzero(generic_keys & (g[:, i] >= 0))
        if len(valid) == 0:
            break
        rows.append(valid)
        keys.append("g:" + names.vocab[g[valid, i]])
    if not rows:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=object)
    return np.concatenate(rows), np.concatenate(keys)


def _folded(keys: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Pairs with u read as o (Chul / Chol): cheaper than a skeleton, and far fewer collisions."""
    codes, uniques = pd.factorize(keys)
    return np.array(["~" + k.replace("u", "o") for k in uniques], dtype=object)[codes]


def _deletions(
    rows: npt.NDArray[np.intp], keys: npt.NDArray[np.object_]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """Each key with one letter left out (`one_letter_less`), per distinct key. They are indexed
    unmarked, beside the keys themselves, so that one side's deletion meets the other side's key
    (Ryonbongg, Ryonbong)."""
    codes, uniques = pd.factorize(keys)
    variants = [one_letter_less(str(key)) for key in uniques]
    counts = np.fromiter(map(len, variants), dtype=np.intp, count=len(variants))
    flat = np.array([key for found in variants for key in found], dtype=object)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts
    per_row = counts[codes]
    take = np.repeat(starts[codes], per_row) + (
        np.arange(per_row.sum()) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    )
    return np.repeat(rows, per_row), flat[take] if len(flat) else flat


def _skeletons(keys: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    codes, uniques = pd.factorize(keys)
    return np.array([skeleton(k) for k in uniques], dtype=object)[codes]


@dataclass(frozen=True)
class AliasIndex:
    """The inverted index of list names: each indexed key's postings (alias rows), sorted by key.

    Built once per screen: every record kind is looked up in the same index."""

    keys: pd.Index
    """The distinct keys of list names, in order of first appearance (postings refer to them)."""
    post_key: npt.NDArray[np.int64]
    post_alias: npt.NDArray[np.int64]
    aliases: int


def index_aliases(aliases: Names) -> AliasIndex:
    """Index list names under their keys, dropping keys too common to tell names apart."""
    a_rows, a_keys = name_keys(aliases, aliases.n_distinct == 0)
    a_codes, uniques = pd.factorize(a_keys)
    # one posting per (key, alias), then drop keys too common to discriminate
    postings = _unique_pairs(a_codes, a_rows, len(aliases))
    df = np.bincount(postings[:, 0], minlength=1) if len(postings) else np.zeros(1, dtype=np.intp)
    cap = max(MIN_CAP, int(MAX_KEY_SHARE * len(aliases)))
    postings = postings[df[postings[:, 0]] <= cap]
    return AliasIndex(pd.Index(uniques), postings[:, 0], postings[:, 1], len(aliases))


def candidates(
    records: Names, index: AliasIndex
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Unique (record row, alias row) pairs that share at least one indexed key."""
    r_rows, r_keys = name_keys(records, np.ones(len(records), dtype=bool))
    # record keys are only looked up: most are in no list name, so they are never stored
    r_codes = index.keys.get_indexer(pd.Index(r_keys, dtype=object, copy=False))
    r_rows, r_codes = r_rows[r_codes >= 0], r_codes[r_codes >= 0]
    post_key, post_alias = index.post_key, index.post_alias
    # CSR join of record keys against the sorted postings
    left = np.searchsorted(post_key, r_codes, side="left")
    right = np.searchsorted(post_key, r_codes, side="right")
    counts = right - left
    hit = counts > 0
    rec = np.repeat(r_rows[hit], counts[hit])
    starts = np.repeat(left[hit], counts[hit])
    offsets = np.arange(len(rec)) - np.repeat(np.cumsum(counts[hit]) - counts[hit], counts[hit])
    ali = post_alias[starts + offsets]
    width = index.aliases
    pairs = pd.unique(rec.astype(np.int64) * width + ali.astype(np.int64))
    return (pairs // width).astype(np.intp), (pairs % width).astype(np.intp)


def _unique_pairs(
    keys: npt.NDArray[np.intp], rows: npt.NDArray[np.intp], n_rows: int
) -> npt.NDArray[np.int64]:
    """The distinct (key, row) pairs sorted by key then row, as a two-column array: packed
    into one integer each, which sorts far faster than `np.unique(..., axis=0)` on pairs."""
    if not len(keys):
        return np.empty((0, 2), dtype=np.int64)
    width = max(n_rows, 1)
    # sorted, then neighbours compared: numpy 2.4's `np.unique` hashes, ~50x slower here
    packed = np.sort(keys.astype(np.int64) * width + rows.astype(np.int64))
    packed = packed[np.r_[True, packed[1:] != packed[:-1]]]
    return np.stack([packed // width, packed % width], axis=1)
