"""Record fingerprints and finding ids are the project's own functions, pinned by golden values.

Every stored review decision carries both: if either changed (a library upgrade, a refactor),
every decision would silently reopen or attach to another finding. The expected values here are
computed by an implementation of the written definition (`screening.normalizing.fingerprints`'
docstring, `findings.finding_id`), written from that text and SipHash's reference, not from the
code under test; the literal golden values were computed by it once and must never change.
"""

from __future__ import annotations

import hashlib
import struct

import pandas as pd
import pytest

from screening.errors import ScreeningError
from screening.findings import finding_id
from screening.normalizing import fingerprints as module
from screening.normalizing.fingerprints import (
    ADDED_COLUMNS,
    FINGERPRINT_VERSION,
    GOLDEN,
    check_fingerprints,
    fingerprints,
)
from screening.reading import TEXT
from screening.records import RecordKind, schema_for
from screening.review.apply import carry_decisions
from screening.review.decisions import Decision

_MASK = (1 << 64) - 1


def _rotl(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (64 - bits))) & _MASK


def siphash24(key: bytes, data: bytes) -> int:
    """SipHash-2-4 as its paper defines it (Aumasson and Bernstein, 2012)."""
    k0, k1 = struct.unpack("<QQ", key)
    v: list[int] = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D]
    v += [k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def rounds(count: int) -> None:
        for _ in range(count):
            v[0] = (v[0] + v[1]) & _MASK
            v[1] = _rotl(v[1], 13) ^ v[0]
            v[0] = _rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & _MASK
            v[3] = _rotl(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & _MASK
            v[3] = _rotl(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & _MASK
            v[1] = _rotl(v[1], 17) ^ v[2]
            v[2] = _rotl(v[2], 32)

    whole = len(data) // 8 * 8
    for start in range(0, whole, 8):
        (word,) = struct.unpack_from("<Q", data, start)
        v[3] ^= word
        rounds(2)
        v[0] ^= word
    last = (len(data) & 0xFF) << 56
    for position, octet in enumerate(data[whole:]):
        last |= octet << (8 * position)
    v[3] ^= last
    rounds(2)
    v[0] ^= last
    v[2] ^= 0xFF
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def _cell(text: str) -> int:
    value = siphash24(b"0123456789123456", text.encode("utf-8"))
    value ^= value >> 30
    value = (value * 0xBF58476D1CE4E5B9) & _MASK
    value ^= value >> 27
    value = (value * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def reference(values: dict[str, str]) -> str:
    """Version 1 of a record's fingerprint, from its columns as given."""
    if not any(values.get(name) for name in ADDED_COLUMNS):
        values = {name: text for name, text in values.items() if name not in ADDED_COLUMNS}
    names = sorted(values)
    accumulated, multiplier = 0x345678, 1000003
    for position, name in enumerate(names):
        accumulated = ((accumulated ^ _cell(values[name])) * multiplier) & _MASK
        multiplier = (multiplier + 82520 + 2 * (len(names) - position)) & _MASK
    return f"{(accumulated + 97531) & _MASK:016x}"


def test_siphash_matches_the_papers_test_vector() -> None:
    # Appendix A of the SipHash paper: key 00..0f, message 00..0e
    assert siphash24(bytes(range(16)), bytes(range(15))) == 0xA129CA6149BE45E5


RECORDS = [
    {"record_id": "W1", "full_name": "Kim Chol", "nationality": "KP", "notes": ""},
    {"record_id": "W2", "full_name": "Ким Чоль", "nationality": "КНДР", "notes": "x"},
    {"record_id": "W\x1b3", "full_name": "\ufffePak " * 3, "nationality": "", "notes": "y"},
    {"record_id": "W4", "full_name": "O", "nationality": "KP", "residence_status": "student"},
]


@pytest.mark.parametrize("values", RECORDS, ids=["plain", "cyrillic", "control", "added"])
def test_fingerprints_follow_the_written_definition(values: dict[str, str]) -> None:
    given = pd.DataFrame({name: [text] for name, text in values.items()}, dtype=TEXT)
    assert fingerprints(given, {"record_id"}).tolist() == [reference(values)]


def test_golden_values_are_version_one() -> None:
    assert FINGERPRINT_VERSION == 1
    for values, expected in GOLDEN:
        assert reference(values) == expected


def test_the_stored_fingerprints_of_test_tables_are_version_one() -> None:
    """`tests/normalizing/test_tables.py` checks a schema table gives these; here they are
    recomputed from the definition: every worker column, and the extra column `notes`, empty
    where not given."""
    given = [
        {"record_id": "W1", "full_name": "Kim Chol", "nationality": "KP"},
        {"record_id": "W2", "full_name": "Ким Чоль", "nationality": "КНДР", "notes": "x"},
        {"record_id": "W3", "full_name": "\x1cPak\x1f", "notes": "y", "monthly_income": "lots"},
    ]
    given[0] |= {"date_of_birth": "1980-01-02", "monthly_income": "1 200,50", "notes": ""}
    given[2] |= {"date_of_birth": "02.01.1980"}
    empty = dict.fromkeys(schema_for(RecordKind.worker).columns, "")
    found = [reference(empty | values) for values in given]
    assert found == STORED_IN_TEST_TABLES


STORED_IN_TEST_TABLES = ["4a70f027d236add7", "d49ed5190970e75d", "00df0abe1fa9f000"]


def test_a_column_added_later_changes_only_the_records_that_give_it() -> None:
    plain = {"record_id": "W1", "full_name": "Kim", "committee_decision": ""}
    decided = {**plain, "committee_decision": "approved"}
    given = pd.DataFrame([plain, decided], dtype=TEXT)
    found = fingerprints(given, {"record_id"}).tolist()
    assert found == [reference(plain), reference(decided)]
    assert found[0] == reference({"record_id": "W1", "full_name": "Kim"})


def test_a_changed_hash_library_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    check_fingerprints.cache_clear()
    monkeypatch.setattr(module, "GOLDEN", (({"record_id": "W-1"}, "0000000000000000"),))
    with pytest.raises(ScreeningError, match="every stored review decision would reopen"):
        check_fingerprints()
    check_fingerprints.cache_clear()


FINDING_IDS = [
    ("unscr2375-op17-work-authorization", "worker", "W-1", ""),
    ("unscr1718-op8d-designated-party", "company", "C-9", "KPe.050"),
    ("x", "worker", "R-00\u200b1\x1b\ufffe", ""),
]


@pytest.mark.parametrize("parts", FINDING_IDS, ids=["no entry", "entry", "control"])
def test_finding_ids_are_sha1_of_rule_type_record_and_entry(
    parts: tuple[str, str, str, str],
) -> None:
    message = "|".join(parts).encode("utf-8")
    assert finding_id(*parts) == "F-" + hashlib.sha1(message).hexdigest()[:12]


def test_finding_id_golden_value() -> None:
    assert finding_id("unscr1718-op8d-designated-party", "company", "C-9", "KPe.050") == (
        "F-2891f10549f9"
    )


def _decision(**fingerprint: object) -> Decision:
    return Decision.model_validate(
        {
            "finding_id": "F-2891f10549f9",
            "decision": "confirmed",
            "reviewer": "an analyst",
            "decided_on": "2026-11-02",
            "fingerprint": {"record_sha": "4a70f027d236add7", "rule_sha": "r1", **fingerprint},
            "evidence": "nationality: KP",
            "report": "month-1.xlsx",
            "report_sha256": "0" * 64,
            "imported_at": "2026-11-03T09:00:00+00:00",
        }
    )


def _finding() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "finding_id": ["F-2891f10549f9"],
            "record_sha": ["4a70f027d236add7"],
            "rule_sha": ["r1"],
            "entry_sha": [""],
            "decided_on": [""],
        }
    )


def test_a_stored_decision_without_a_version_is_version_one_and_carries() -> None:
    decision = _decision()
    assert decision.fingerprint.version == 1
    [row] = carry_decisions(_finding(), {decision.finding_id: decision})[0].to_dict("records")
    assert row["decision"] == "confirmed"


def test_a_decision_under_another_fingerprint_version_is_reopened_saying_why() -> None:
    decision = _decision(version=FINGERPRINT_VERSION + 1)
    [row] = carry_decisions(_finding(), {decision.finding_id: decision})[0].to_dict("records")
    assert row["decision"] == "open"
    assert (
        f"record fingerprint version {FINGERPRINT_VERSION + 1} cannot be compared"
        in (row["review_note"])
    )
