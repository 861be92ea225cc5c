"""Accuracy on the labelled evaluation set against the bundled list (not a timing test)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from screening.lists import bundled_list
from screening.matching import DEFAULT_THRESHOLD, match_names

PAIRS = Path(__file__).parent.parent / "data" / "name_pairs.csv"


def test_recall_and_false_positive_rate() -> None:
    pairs = pd.read_csv(PAIRS, keep_default_na=False, dtype=str)
    assert len(pairs) >= 300
    assert set(pairs["expected"]) == {"match", "no_match"}
    found = match_names(pairs["record_name"], [bundled_list()], threshold=DEFAULT_THRESHOLD)
    refs = found.groupby("row")["reference"].agg(set)
    matched = [ref in refs.get(i, set()) for i, ref in enumerate(pairs["list_reference"])]
    any_match = [i in refs.index for i in range(len(pairs))]
    positive = pairs["expected"] == "match"
    recall = pd.Series(matched)[positive.to_numpy()].mean()
    fpr = pd.Series(any_match)[(~positive).to_numpy()].mean()
    assert recall >= 0.95, recall
    assert fpr <= 0.03, fpr


def test_every_reference_in_the_set_is_listed() -> None:
    pairs = pd.read_csv(PAIRS, keep_default_na=False, dtype=str)
    listed = {e.reference for e in bundled_list().entries}
    assert set(pairs.loc[pairs["expected"] == "match", "list_reference"]) <= listed
