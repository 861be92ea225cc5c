"""The review cycle's bookkeeping: evidence read back as fields, an import that stores a decision
once, and suppressions that match nothing or are listed twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from screening.review.decisions import Decision, Fingerprint, append_to_store, load_store
from screening.review.evidence import FieldChange, field_changes, parse_items
from tests.conftest import fails, run_cli, sheet_rows

OP17 = "unscr2375-op17-work-authorization"
WORKERS = (
    "record_id,full_name,nationality,permit_number,permit_issued,employment_start\n"
    "W1,Kim Chol Jin,KP,WP-1,2023-03-14,2023-03-20\n"
    "W2,Pak Song Chol,KP,WP-2,2022-11-02,2022-11-07\n"
)
SUPPRESSION = (
    "  - {target}\n"
    "    reason: Committee exemption confirmed, ref 1718C/2023/EX-11\n"
    "    expires: 2027-06-30\n"
    "    approved_by: C. Officer\n"
)


# --- evidence read back as fields -------------------------------------------------------------


def test_an_item_starts_only_where_a_key_follows() -> None:
    evidence = (
        "workers.count: 2; workers.ids: W-1, W-2; workers.names: Ri Kyong Hui; Lee Myong Suk; "
        "employer.finding.unscr2375-op18-x: yes; name: Sakhalin; as_of: 2026-11-01"
    )
    assert parse_items(evidence) == {
        "workers.count": "2",
        "workers.ids": "W-1, W-2",
        "workers.names": "Ri Kyong Hui; Lee Myong Suk",
        "employer.finding.unscr2375-op18-x": "yes",
        "name": "Sakhalin",
        "as_of": "2026-11-01",
    }


def test_the_as_of_date_is_never_a_change_and_a_missing_value_reads_empty() -> None:
    before = "as_of: 2026-11-01; permit_issued: 2023-03-14; contract_signed: —; role: loader"
    after = "as_of: 2026-12-01; permit_issued: 2023-04-02; role: loader"
    assert field_changes(before, after) == [
        FieldChange("permit_issued", "2023-03-14", "2023-04-02")
    ]
    assert field_changes(before, before.replace("2026-11-01", "2027-01-01")) == []
    assert str(field_changes("a: 1", "a: 2")[0]) == "a: 1 → 2"
    assert field_changes("a: 1", "a: 1; b: x")[0].sentence == "b changed — → x"


# --- an import stores a decision once ---------------------------------------------------------


def _decision(**changes: object) -> Decision:
    values: dict[str, object] = {
        "finding_id": "F-0123456789ab",
        "decision": "confirmed",
        "reviewer": "A. Reviewer",
        "comment": "",
        "decided_on": "2026-11-30",
        "fingerprint": Fingerprint(record_sha="r" * 16, rule_sha="s" * 64),
        "evidence": "permit_issued: 2023-03-14",
        "report": "month1.xlsx",
        "report_sha256": "0" * 64,
        "imported_at": dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        **changes,
    }
    return Decision.model_validate(values)


def test_an_import_writes_only_what_the_store_does_not_hold(tmp_path: Path) -> None:
    store = tmp_path / "decisions.jsonl"
    first = append_to_store(store, [_decision()])
    assert (first.new, first.updated, first.unchanged) == (1, 0, 0)
    # the same decision from another report, imported later: unchanged, not written
    same = _decision(report="month2.xlsx", imported_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    again = append_to_store(store, [same])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert len(store.read_text().splitlines()) == 1
    # an undated decision (the import's day stands in) matches whatever date was stored
    undated = append_to_store(
        store, [_decision(decided_on="2027-01-01")], undated={"F-0123456789ab"}
    )
    assert (undated.new, undated.updated, undated.unchanged) == (0, 0, 1)
    # another reviewer, comment, date, decision or fingerprint supersedes it
    for change in (
        {"reviewer": "B. Analyst"},
        {"comment": "checked"},
        {"decided_on": "2026-12-02"},
        {"decision": "escalated"},
        {"fingerprint": Fingerprint(record_sha="t" * 16, rule_sha="s" * 64)},
    ):
        updated = append_to_store(store, [_decision(**change)])
        assert (updated.new, updated.updated, updated.unchanged) == (0, 1, 0), change
    assert len(store.read_text().splitlines()) == 6
    assert load_store(store)["F-0123456789ab"].fingerprint.record_sha == "t" * 16


# --- suppressions that match nothing, or are listed twice ---------------------------------------


@pytest.fixture
def workers(tmp_path: Path) -> Path:
    path = tmp_path / "workers.csv"
    path.write_text(WORKERS, encoding="utf-8")
    return path


def _run(runner: CliRunner, workers: Path, suppressions: Path) -> Result:
    out = workers.with_name("report.xlsx")
    return run_cli(
        runner,
        "run",
        workers,
        "--as-of",
        "2026-11-23",
        "--out",
        out,
        "--suppressions",
        suppressions,
    )


def test_each_suppression_matching_no_finding_is_a_warning_with_its_line(
    runner: CliRunner, workers: Path
) -> None:
    path = workers.with_name("suppressions.yaml")
    path.write_text(
        "suppressions:\n"
        + SUPPRESSION.format(target=f"rule_id: {OP17}\n    record_id: W1")  # line 2: matches
        + SUPPRESSION.format(target="rule_id: unscr2375-op71-typo\n    record_id: W1")  # 7
        + SUPPRESSION.format(target=f"rule_id: {OP17}\n    record_id: W9")  # 12
        + SUPPRESSION.format(target="finding_id: F-0123456789ab"),  # 17
        encoding="utf-8",
    )
    result = _run(runner, workers, path)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {path}:7: suppression of rule_id unscr2375-op71-typo, record_id W1 matches no "
        "finding: no rule unscr2375-op71-typo is loaded",
        f"warning: {path}:12: suppression of rule_id {OP17}, record_id W9 matches no finding: "
        "no record W9 in the input",
        f"warning: {path}:17: suppression of finding F-0123456789ab matches no finding: "
        "no finding F-0123456789ab in this screen",
    ]
    suppressed = [r for r in sheet_rows(workers.with_name("report.xlsx"), "Findings")]
    assert [(r["record_id"], r["rule_id"]) for r in suppressed if r["suppressed_until"]] == [
        ("W1", OP17)
    ]


def test_a_suppression_listed_twice_is_an_error_naming_both_lines(
    runner: CliRunner, workers: Path
) -> None:
    path = workers.with_name("suppressions.yaml")
    target = f"rule_id: {OP17}\n    record_id: W1"
    path.write_text(
        "suppressions:\n"
        + SUPPRESSION.format(target=target)
        + SUPPRESSION.format(target="rule_id: other\n    record_id: W2")
        + SUPPRESSION.format(target=target),
        encoding="utf-8",
    )
    fails(_run(runner, workers, path), f"{path}:12: suppression listed twice", f"{path}:2;")


def test_a_finding_suppressed_by_id_and_by_rule_and_record_is_an_error(
    runner: CliRunner, workers: Path
) -> None:
    first = workers.with_name("first.xlsx")
    result = run_cli(runner, "run", workers, "--as-of", "2026-11-23", "--out", first)
    assert result.exit_code == 0, result.output
    [finding] = [
        r["finding_id"]
        for r in sheet_rows(first, "Findings")
        if (r["record_id"], r["rule_id"]) == ("W2", OP17)
    ]
    path = workers.with_name("suppressions.yaml")
    path.write_text(
        "suppressions:\n"
        + SUPPRESSION.format(target=f"finding_id: {finding}")
        + SUPPRESSION.format(target=f"rule_id: {OP17}\n    record_id: W2"),
        encoding="utf-8",
    )
    fails(
        _run(runner, workers, path),
        f"{path}:6: suppression listed twice: finding {finding}",
        f"{path}:2;",
    )
