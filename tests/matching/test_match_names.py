"""match_names behaviour, table-driven: (record name, expected reference or None)."""

from __future__ import annotations

import pandas as pd
import pytest

from screening.lists import ListEntry, Watchlist, bundled_list
from screening.matching import COLUMNS, DEFAULT_THRESHOLD, match_names

CASES = [
    # romanization, MR vs RR and common English spellings
    ("Park Il Gyu", "KPi.062"),
    ("Lee Su Young", "KPi.052"),
    ("Jang Seong Cheol", "KPi.056"),
    ("Gang Cheol Su", "KPi.059"),
    ("Korea Ryeonbong General Corp", "KPe.002"),
    ("Korean Dangun Trading Corporation", "KPe.008"),
    # hyphens, spaces, apostrophes
    ("Ri Su-Yong", "KPi.052"),
    ("Ri Suyong", "KPi.052"),
    ("Ch'anggwang Sinyong Corporation", "KPe.001"),
    ("Yŏn Chŏng Nam", "KPi.010"),
    ("Nam Chon Gang Trading", "KPe.004"),
    # word order
    ("Su Yong Ri", "KPi.052"),
    ("PARK, Il Gyu", "KPi.062"),
    # scripts
    ("Ким Чхоль Нам", "KPi.044"),
    ("Чан Сон Чхоль", "KPi.056"),
    ("박일규", "KPi.062"),
    ("ООО Рёнбон", "KPe.002"),
    # legal forms and acronyms
    ("OOO KOMID", "KPe.001"),
    ("Kangbong Trading Co., Ltd", "KPe.043"),
    ("First Oil JV Co., Ltd.", "KPe.057"),
    ("DCB", "KPe.023"),
    # hard negatives
    ("Korea General Trading Company", None),
    ("International Trading Corporation", None),
    ("Korea Electric Power Corporation", None),
    ("Samsung Electronics Co., Ltd", None),
    ("Daedong Industrial Co., Ltd", None),
    ("Kim Chol Su", None),
    ("Han Song Chol", None),
    ("Pak Chol Nam", None),
    ("Office 40", None),
    ("Green Valley Landscaping Ltd", None),
]


@pytest.mark.parametrize(("name", "reference"), CASES, ids=[c[0] for c in CASES])
def test_case(name: str, reference: str | None) -> None:
    found = match_names(pd.Series([name]), [bundled_list()], threshold=DEFAULT_THRESHOLD)
    if reference is None:
        assert found.empty, found[["reference", "score", "alignment"]].to_dict("records")
    else:
        assert reference in set(found["reference"]), found.to_dict("records")


def test_output_shape_order_and_evidence() -> None:
    names = pd.Series(
        ["Samsung", None, "Park Il Gyu", "", "Korea Taesong Trading"], index=list("abcde")
    )
    found = match_names(names, [bundled_list()], threshold=DEFAULT_THRESHOLD)
    assert list(found.columns) == COLUMNS
    assert list(found["row"]) == ["c", "e", "e"]  # row order, then score, then entry id
    first = found.iloc[0]
    assert first["reference"] == "KPi.062"
    assert first["list_name"] == bundled_list().name
    assert first["matched_name"] == "Pak Il Kyu"
    assert first["record_name"] == "Park Il Gyu"
    assert first["alignment"] == "pak~park, il=il, kyu~gyu"
    assert first["corroboration"] == ""
    assert 0.0 <= first["score"] <= 1.0
    assert list(found.loc[found["row"] == "e", "entry_id"]) == sorted(
        found.loc[found["row"] == "e", "entry_id"]
    )


def test_empty_results_have_the_columns() -> None:
    found = match_names(pd.Series(["Nobody At All"]), [bundled_list()], threshold=0.9)
    assert found.empty and list(found.columns) == COLUMNS
    assert (
        list(match_names(pd.Series([], dtype="str"), [bundled_list()], threshold=0.9).columns)
        == COLUMNS
    )


def test_schema_restricts_candidates() -> None:
    names = pd.Series(["Kim Chol Nam Trading LLC"])
    assert not match_names(names, [bundled_list()], threshold=0.8, schema="person").empty
    assert match_names(names, [bundled_list()], threshold=0.8, schema="organization").empty


def _listed(dob: str) -> Watchlist:
    entry = ListEntry(
        entry_id="x1", reference="T.1", schema_="person", name="Ri Su Yong",
        birth_dates=[dob], nationalities=["KP"],
    )  # fmt: skip
    return Watchlist(name="test", source="test", format="native", entries=[entry])


def test_corroboration_raises_and_lowers() -> None:
    names = pd.Series(["Lee Soo Yong", "Lee Soo Yong", "Lee Soo Yong"])
    dobs = pd.to_datetime(pd.Series(["1961-02-14", "1975-01-01", None]))
    nats = pd.Series(["KP", "KR", None])
    found = match_names(
        names, [_listed("1961")], threshold=0.5, birth_dates=dobs, nationalities=nats
    ).set_index("row")
    corroboration, score = found["corroboration"], found["score"]
    assert corroboration.loc[0] == "date of birth 1961-02-14 matches; nationality KP matches"
    assert "date of birth 1975-01-01 differs" in corroboration.loc[1]
    assert "nationality KR differs" in corroboration.loc[1]
    assert corroboration.loc[2] == ""
    assert score.loc[0] >= score.loc[2] > score.loc[1]


def test_several_lists_and_duplicate_names() -> None:
    other = _listed("1961").model_copy(update={"name": "other"})
    names = pd.Series(["Ri Su Yong"] * 3)
    found = match_names(names, [bundled_list(), other], threshold=DEFAULT_THRESHOLD)
    assert len(found) == 6
    assert set(found["list_name"]) == {bundled_list().name, "other"}


def test_names_are_matched_as_stripped_and_blanks_never() -> None:
    names = pd.Series(["  Park Il Gyu ", " ", None, "Park Il Gyu", "Samsung", "Park Il Gyu  "])
    found = match_names(names, [bundled_list()], threshold=DEFAULT_THRESHOLD)
    assert list(found["row"]) == [0, 3, 5]
    assert found["score"].nunique() == 1
    assert list(found["record_name"]) == list(names[[0, 3, 5]])
