"""Finding ids: the SHA-1 of `rule|type|record|entry`, the same whether made one at a time or
for a whole rule at once, missing values included."""

from __future__ import annotations

import hashlib

import pyarrow as pa

from screening.findings import finding_id, finding_ids


def _expected(rule: str, kind: str, record: object, entry: object) -> str:
    return "F-" + hashlib.sha1(f"{rule}|{kind}|{record}|{entry}".encode()).hexdigest()[:12]


def test_whole_rule_as_one_at_a_time() -> None:
    records = ["W1", "Wü-2", "", None, "W|5", "x" * 300]
    entries = ["", "KPi.001", "—", "", None, "KPe.002"]
    found = finding_ids(
        "rule-a",
        "worker",
        pa.chunked_array([records[:2], records[2:]], type=pa.large_string()),
        pa.array(entries, type=pa.large_string()),
    )
    expected = [_expected("rule-a", "worker", r, e) for r, e in zip(records, entries, strict=True)]
    assert found.to_pylist() == expected
    assert finding_id("rule-a", "worker", "W1", "") == expected[0]


def test_no_findings() -> None:
    empty = pa.array([], type=pa.large_string())
    assert finding_ids("rule-a", "worker", empty, empty).to_pylist() == []
