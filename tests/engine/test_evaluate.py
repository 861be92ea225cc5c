"""The engine on the scenario data: review order, and no dependence on how Arrow chunks columns."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from screening import parallel
from screening.assemble import records_table, sort_findings
from screening.display import display
from screening.engine import names
from screening.engine.context import Context
from screening.findings import RULE_TEXT_COLUMNS, find
from screening.lists import bundled_list
from screening.matching.matcher import ListNames, list_names
from screening.normalizing.tables import RecordTable, normalize_table
from screening.reading import read_records, reject_duplicate_ids
from screening.records import RecordKind, percent_fields
from screening.resources import rules_dir, seeds_dir
from screening.rulespec.rule import Severity
from screening.rulespec.rulebook import Rulebook, load_rulebook
from screening.rulespec.sources import load_corpus

DATA = Path(__file__).parent.parent / "data" / "scenario"
AS_OF = pd.Timestamp("2026-11-23")


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return load_rulebook(rules_dir(), load_corpus(seeds_dir()))


@pytest.fixture(scope="module")
def tables() -> dict[RecordKind, RecordTable]:
    paths = [DATA / f"{name}.csv" for name in ("workers", "companies", "relationships")]
    raws = reject_duplicate_ids([read_records(path) for path in paths])
    return {raw.kind: normalize_table(raw.kind, raw.frame, AS_OF) for raw in raws}


def _findings(rulebook: Rulebook, tables: dict[RecordKind, RecordTable]) -> pd.DataFrame:
    context = Context(tables=tables, as_of=AS_OF, watchlists=[bundled_list()])
    return find(rulebook.rules, context)


def _rechunked(frame: pd.DataFrame, size: int) -> pd.DataFrame:
    """The frame with every Arrow text column cut into chunks of `size` rows."""
    frame = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
            whole = pa.chunked_array(pa.array(column.array)).combine_chunks()
            pieces = [whole.slice(start, size) for start in range(0, len(whole), size)]
            arrow = pa.chunked_array(pieces, type=whole.type)
            frame[name] = pd.Series(pd.array(arrow, dtype=column.dtype), index=frame.index)
    return frame


def test_findings_come_out_in_review_order(
    rulebook: Rulebook, tables: dict[RecordKind, RecordTable]
) -> None:
    findings = _findings(rulebook, tables)
    assert len(findings) > 10
    resorted = sort_findings(findings)
    pd.testing.assert_frame_equal(findings.drop(columns="row"), resorted)


def test_what_a_rule_says_is_held_once_per_rule(
    rulebook: Rulebook, tables: dict[RecordKind, RecordTable]
) -> None:
    """Each finding shows its rule's title, legal basis, quoted sources and hash: held as one
    category per rule, not copied into every finding (0.55 GB of a 10M screen's findings)."""
    findings = _findings(rulebook, tables)
    rules = {loaded.rule.id: loaded for loaded in rulebook.rules}
    fired = [rules[rule_id] for rule_id in findings["rule_id"]]
    expected = {
        "rule_title": [loaded.rule.title for loaded in fired],
        "legal_basis": [loaded.rule.legal_basis.citation for loaded in fired],
        "sources": [loaded.cited for loaded in fired],
        "rule_sha": [loaded.sha256[:16] for loaded in fired],
    }
    assert set(expected) == set(RULE_TEXT_COLUMNS)
    assert findings["rule_id"].nunique() > 5
    for name in RULE_TEXT_COLUMNS:
        column = findings[name]
        assert isinstance(column.dtype, pd.CategoricalDtype), name
        # the texts the findings show, each once, in text order (not the order rules ran in)
        assert list(column.cat.categories) == sorted(set(expected[name])), name
        assert column.astype(str).tolist() == expected[name], name


def test_chunking_of_the_columns_changes_nothing(
    rulebook: Rulebook, tables: dict[RecordKind, RecordTable]
) -> None:
    chunked = {
        kind: RecordTable(kind, _rechunked(t.values, 3), _rechunked(t.raw, 4), t.issues)
        for kind, t in tables.items()
    }
    expected = _findings(rulebook, tables)
    pd.testing.assert_frame_equal(_findings(rulebook, chunked), expected)
    pd.testing.assert_frame_equal(records_table(chunked, expected), records_table(tables, expected))


def test_details_join_the_given_values(tables: dict[RecordKind, RecordTable]) -> None:
    table = tables[RecordKind.worker]
    records = records_table({RecordKind.worker: table}, _no_findings())
    named = [name for name in table.raw.columns if not name.startswith("_") and name != "record_id"]
    expected = [
        "; ".join(f"{name}: {value}" for name, value in row.items() if not pd.isna(value) and value)
        for _, row in table.raw[named].iterrows()
    ]
    assert records["details"].tolist() == expected


def _no_findings() -> pd.DataFrame:
    return pd.DataFrame({"record_type": pd.Series(dtype=object), "row": pd.Series(dtype=int)})


def test_sort_findings_sorts_what_is_out_of_order(
    rulebook: Rulebook, tables: dict[RecordKind, RecordTable]
) -> None:
    findings = _findings(rulebook, tables)
    shuffled = findings.sample(frac=1, random_state=0).reset_index(drop=True)
    pd.testing.assert_frame_equal(sort_findings(shuffled), sort_findings(findings))
    # a missing record id sorts last within its rule, as pandas sorts it
    first = findings.index[findings["rule_id"].eq(findings["rule_id"].shift(-1))][0]
    missing = findings.assign(record_id=findings["record_id"].where(findings.index != first))
    rank = findings["severity"].map({s.value: -s.rank for s in Severity})
    expected = missing.assign(_rank=rank).sort_values(
        ["_rank", "rule_id", "record_type", "record_id", "finding_id"], kind="stable"
    )
    assert sort_findings(missing)["finding_id"].tolist() == expected["finding_id"].tolist()
    assert expected["finding_id"].tolist() != findings["finding_id"].tolist()


def test_evidence_shows_numbers_and_dates_as_display_does(
    rulebook: Rulebook, tables: dict[RecordKind, RecordTable]
) -> None:
    findings = _findings(rulebook, tables)
    checked = 0
    for kind, table in tables.items():
        values = table.values
        typed = [
            name
            for name in values.columns
            if pd.api.types.is_float_dtype(values[name])
            or pd.api.types.is_datetime64_dtype(values[name])
        ]
        mine = findings[findings["record_type"] == kind.value]
        for name in typed:
            percent = name in percent_fields()  # a share: 40%
            shown = display(values[name], percent).to_numpy()[mine["row"].to_numpy()]
            pattern = rf"(?:^|; ){name}: ([^;]*?)(?: \(given as “[^”]*”\))?(?:;|$)"
            cited = mine["evidence"].str.extract(pattern)[0]
            cites = cited.notna().to_numpy()
            assert cited[cites].tolist() == list(shown[cites])
            checked += int(cites.sum())
    assert checked > 10


@pytest.mark.parametrize(
    ("related", "key"),
    [("relationships", RecordKind.relationship), ("workers", RecordKind.worker)],
)
def test_per_company_evidence_lists_the_related_records_in_id_order(
    rulebook: Rulebook, tables: dict[RecordKind, RecordTable], related: str, key: RecordKind
) -> None:
    findings = _findings(rulebook, tables)
    link = "company_id" if key is RecordKind.relationship else "employer_id"
    related_rows = tables[key].values
    pattern = rf"{related}\.count: (\d+); {related}\.ids: ([^;]*); {related}\.names: "
    cited = findings.loc[findings["record_type"] == "company", "evidence"].str.extract(pattern)
    cited = cited.dropna()
    companies = findings.loc[cited.index, "record_id"]
    assert len(cited) > 2 and cited[0].astype(int).max() > 1  # some company lists several
    for (count, ids), company in zip(cited.itertuples(index=False), companies, strict=True):
        listed = ids.split(", ")
        owned = related_rows.loc[related_rows[link] == company, "record_id"].tolist()
        assert len(listed) == int(count)
        assert listed == sorted(record for record in owned if record in listed)  # by id


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_the_number_of_threads_changes_nothing(
    rulebook: Rulebook,
    tables: dict[RecordKind, RecordTable],
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
) -> None:
    expected = _findings(rulebook, tables)
    paths = [DATA / f"{name}.csv" for name in ("workers", "companies", "relationships")]
    raws = reject_duplicate_ids([read_records(path) for path in paths])
    monkeypatch.setattr(parallel, "WORKERS", workers)
    threaded = {raw.kind: normalize_table(raw.kind, raw.frame, AS_OF) for raw in raws}
    for kind, table in tables.items():
        pd.testing.assert_frame_equal(threaded[kind].values, table.values)
        pd.testing.assert_frame_equal(threaded[kind].issues, table.issues)
    pd.testing.assert_frame_equal(_findings(rulebook, threaded), expected)


def test_names_prepared_beforehand_change_nothing(
    rulebook: Rulebook, tables: dict[RecordKind, RecordTable]
) -> None:
    """`screen` encodes the lists' names while it reads the records; a context that encodes them
    on first use finds the same."""
    watchlists = [bundled_list()]
    every = list_names(watchlists, None)
    names: dict[str | None, ListNames] = {
        schema: list_names(watchlists, schema, every) for schema in ("person", "organization")
    }
    prepared = Context(
        tables=tables, as_of=AS_OF, watchlists=watchlists, prepared_names={None: every, **names}
    )
    found = find(rulebook.rules, prepared)
    assert found["rule_id"].str.contains("designated").any()
    pd.testing.assert_frame_equal(found, _findings(rulebook, tables))


def test_each_name_match_runs_once_beside_the_rules(
    rulebook: Rulebook, tables: dict[RecordKind, RecordTable], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules' `listed` conditions are found before the rules run and matched beside them
    on the runner's lane: none is left for the rules to match themselves."""
    matched: list[tuple[object, ...]] = []
    original = names.best_matches

    def recorded(context: Context, *key: object) -> pd.DataFrame:
        matched.append((*key, threading.current_thread() is threading.main_thread()))
        return original(context, *key)  # type: ignore[arg-type]

    monkeypatch.setattr(names, "best_matches", recorded)
    with parallel.running():
        found = _findings(rulebook, tables)
    assert {kind for kind, *_ in matched} == set(RecordKind)
    assert len(matched) == len(set(matched))
    assert not any(on_main_thread for *_, on_main_thread in matched)
    monkeypatch.undo()
    pd.testing.assert_frame_equal(found, _findings(rulebook, tables))


def test_a_failing_name_match_fails_the_evaluation(
    rulebook: Rulebook, tables: dict[RecordKind, RecordTable], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> pd.DataFrame:
        raise RuntimeError("matcher broke")

    monkeypatch.setattr(names, "best_matches", broken)
    with pytest.raises(RuntimeError, match="matcher broke"):
        _findings(rulebook, tables)
