"""match_names on arbitrary text: never fails, scores in range, output deterministic."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.lists import bundled_list
from screening.matching import COLUMNS, match_names

NAMES = st.lists(
    st.one_of(
        st.none(),
        st.text(max_size=40),
        st.sampled_from(["Ri Su Yong", "Пак Ир Гю", "KOMID", "박일규", "Korea Trading LLC"]),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(NAMES, st.floats(min_value=0.5, max_value=1.0))
def test_any_names(names: list[str | None], threshold: float) -> None:
    series = pd.Series(names, dtype=object)
    found = match_names(series, [bundled_list()], threshold=threshold)
    assert list(found.columns) == COLUMNS
    assert ((found["score"] >= threshold) & (found["score"] <= 1.0)).all()
    assert set(found["row"]) <= set(series.index)
    again = match_names(series, [bundled_list()], threshold=threshold)
    pd.testing.assert_frame_equal(found, again)
