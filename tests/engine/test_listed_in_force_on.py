"""`listed: {in_force_on: FIELD}`: a name match counts only for entries listed by the record's date.

Through the public engine (compile, evaluate) with a small list whose listing dates are known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from screening.engine import names
from screening.engine.compile import compile_condition
from screening.engine.context import Context
from screening.findings import find
from screening.lists.models import ListEntry, Watchlist
from screening.normalizing.tables import RecordTable, empty_raw, normalize_table
from screening.reading import FILE_COLUMN, LINE_COLUMN
from screening.records import RecordKind
from screening.resources import rules_dir, seeds_dir
from screening.rulespec.conditions import AllCondition, FieldCondition
from screening.rulespec.rulebook import LoadedRule, load_rule
from screening.rulespec.sources import load_corpus

AS_OF = pd.Timestamp("2026-01-01")
LISTED = dt.date(2017, 8, 5)
KUMSAN = "Example Kumsan Trading Corporation"
WATCHLIST = Watchlist(
    name="test list",
    source="test",
    format="native",
    entries=[
        ListEntry.model_validate(entry)
        for entry in [
            {"entry_id": "E-1", "reference": "KPe.901", "schema": "organization",
             "name": KUMSAN, "listed_on": LISTED},
            {"entry_id": "E-2", "reference": "KPe.902", "schema": "organization",
             "name": "Example Undated Trading Corporation"},
            # the same name as E-1, listed earlier: the best match when E-1 does not count yet
            {"entry_id": "E-3", "reference": "KPe.903", "schema": "organization",
             "name": KUMSAN, "listed_on": dt.date(2010, 1, 5)},
            {"entry_id": "E-4", "reference": "KPi.901", "schema": "person",
             "name": "Test Su Yong", "listed_on": LISTED},
            {"entry_id": "E-5", "reference": "KPe.904", "schema": "organization",
             "name": "Example Pugang Trading Corporation", "listed_on": dt.date(2020, 3, 1)},
        ]
    ],
)  # fmt: skip


def _tables(kind: RecordKind, rows: Sequence[dict[str, str]]) -> dict[RecordKind, RecordTable]:
    tables = {}
    for each in RecordKind:
        raw = empty_raw(each)
        if each is kind:
            written = pd.DataFrame(list(rows))
            raw = pd.concat([raw, written], ignore_index=True).fillna("")
            raw[FILE_COLUMN], raw[LINE_COLUMN] = "test.csv", np.arange(2, len(rows) + 2)
        raw = raw.astype({c: object for c in raw.columns if c != LINE_COLUMN})
        tables[each] = normalize_table(each, raw)
    return tables


def _links(*ends: str, party: str = KUMSAN) -> list[dict[str, str]]:
    return [
        {"record_id": f"R{i}", "company_id": "C1", "party_name": party, "end_date": end}
        for i, end in enumerate(ends, start=1)
    ]


def _listed(**options: object) -> FieldCondition:
    return FieldCondition.model_validate({"field": "party_name", "listed": options})


def _evaluated(
    condition: FieldCondition, rows: Sequence[dict[str, str]]
) -> tuple[np.ndarray, dict[str, list[object]]]:
    context = Context(_tables(RecordKind.relationship, rows), AS_OF, [WATCHLIST])
    result = compile_condition(condition, RecordKind.relationship)(context)
    mask = result.mask.to_numpy(dtype=bool)
    at = np.arange(len(rows))
    evidence = {key: values(at).tolist() for key, values in result.evidence.items()}
    return mask, evidence


def test_an_entry_counts_from_its_listing_date() -> None:
    # ended the day before the listing, on the listing day, after it, not ended, unreadable
    rows = _links("2017-08-04", "2017-08-05", "2019-01-01", "", "soon", party="Test Su Yong")
    mask, evidence = _evaluated(_listed(in_force_on="end_date"), rows)
    assert mask.tolist() == [False, True, True, True, True]
    assert evidence["list.reference"][1:] == ["KPi.901"] * 4
    assert pd.Series(evidence["list.reference"][:1]).isna().all()


def test_without_the_option_every_entry_counts() -> None:
    mask, evidence = _evaluated(_listed(), _links("2001-01-01", party="Test Su Yong"))
    assert mask.tolist() == [True]
    assert evidence["list.listed_on"] == [pd.Timestamp(LISTED)]


def test_an_entry_without_a_listing_date_always_counts() -> None:
    rows = _links("1990-01-01", "", party="Example Undated Trading Corporation")
    mask, evidence = _evaluated(_listed(in_force_on="end_date"), rows)
    assert mask.tolist() == [True, True]
    assert evidence["list.reference"] == ["KPe.902", "KPe.902"]
    assert pd.Series(evidence["list.listed_on"]).isna().all()


def test_the_best_entry_is_chosen_among_those_in_force() -> None:
    # E-1 and E-3 carry the same name; E-1 wins a tie (entry order) unless it is not yet listed
    rows = _links("2015-06-30", "2017-08-05", "", "2009-12-31")
    mask, evidence = _evaluated(_listed(in_force_on="end_date"), rows)
    assert mask.tolist() == [True, True, True, False]
    assert evidence["list.reference"][:3] == ["KPe.903", "KPe.901", "KPe.901"]
    assert evidence["list.listed_on"][:3] == [
        pd.Timestamp("2010-01-05"),
        pd.Timestamp(LISTED),
        pd.Timestamp(LISTED),
    ]
    assert evidence["end_date"][0] == pd.Timestamp("2015-06-30")


def test_not_in_force_shows_the_match_that_is_not_yet_listed() -> None:
    """The review's shape: a match, but none in force. The explanation shows the match that holds
    (a negated match has none to show), whichever comes first."""
    listed = {"field": "party_name", "listed": {}}
    not_in_force = {"not": {"field": "party_name", "listed": {"in_force_on": "end_date"}}}
    rows = _links("2020-02-29", "2020-03-01", party="Example Pugang Trading Corporation")
    for parts in ([listed, not_in_force], [not_in_force, listed]):
        condition = AllCondition.model_validate({"all": parts})
        context = Context(_tables(RecordKind.relationship, rows), AS_OF, [WATCHLIST])
        result = compile_condition(condition, RecordKind.relationship)(context)
        assert result.mask.tolist() == [True, False]
        at = np.array([0])
        assert result.evidence["list.reference"](at).tolist() == ["KPe.904"]
        assert result.evidence["list.listed_on"](at).tolist() == [pd.Timestamp("2020-03-01")]
        assert result.entry_sha is not None and result.entry_sha(at).notna().all()


def _rule(name: str) -> LoadedRule:
    return load_rule(rules_dir() / f"{name}.yaml", load_corpus(seeds_dir()))


@pytest.mark.parametrize(
    ("end", "violation", "review"),
    [("2017-08-04", False, True), ("2017-08-05", True, False), ("", True, False)],
    ids=["ended the day before the listing", "ended on the listing date", "no end date"],
)
def test_party_rule_and_review_split_at_the_listing_date(
    end: str, violation: bool, review: bool
) -> None:
    rules = [
        _rule("unscr1718-op8d-designated-party"),
        _rule("review-unscr1718-op8d-stake-ended-before-listing"),
    ]
    rows = [{"record_id": "R1", "company_id": "C1", "party_name": "Test Su Yong",
             "party_country": "KP", "role": "shareholder", "end_date": end}]  # fmt: skip
    context = Context(_tables(RecordKind.relationship, rows), AS_OF, [WATCHLIST])
    findings = find(rules, context)
    fired = set(findings["rule_id"])
    assert ("unscr1718-op8d-designated-party" in fired) is violation
    assert ("review-unscr1718-op8d-stake-ended-before-listing" in fired) is review
    (explanation,) = findings["explanation"]
    assert "listed on 2017-08-05" in explanation
    assert "list.listed_on: 2017-08-05" in findings["evidence"].iloc[0]


@pytest.mark.parametrize(
    ("end", "expected"),
    [("2017-08-04", False), ("2017-08-05", True), ("", True)],
    ids=["ended the day before the listing", "ended on the listing date", "still employed"],
)
def test_worker_rule_counts_from_the_listing_date(end: str, expected: bool) -> None:
    rows = [{"record_id": "W1", "full_name": "Test Su Yong", "nationality": "KP",
             "employment_start": "2015-01-01", "employment_end": end}]  # fmt: skip
    context = Context(_tables(RecordKind.worker, rows), AS_OF, [WATCHLIST])
    findings = find([_rule("unscr1718-op8d-designated-worker")], context)
    assert (len(findings) == 1) is expected
    if expected:
        assert "listed on 2017-08-05" in findings["explanation"].iloc[0]


def test_names_are_matched_once_for_every_in_force_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """`listed: {}` and `listed: {in_force_on: end_date}` choose from the same matches."""
    calls: list[tuple[object, ...]] = []
    original = names.all_matches

    def counted(context: Context, *key: object) -> pd.DataFrame:
        calls.append(key)
        return original(context, *key)  # type: ignore[arg-type]

    monkeypatch.setattr(names, "all_matches", counted)
    rules = [
        _rule("unscr1718-op8d-designated-party"),
        _rule("review-unscr1718-op8d-stake-ended-before-listing"),
    ]
    context = Context(_tables(RecordKind.relationship, _links("2017-08-04")), AS_OF, [WATCHLIST])
    find(rules, context)
    assert calls == [(RecordKind.relationship, "party_name", None, None)]
