"""Committee decisions read as facts: status words, the older free-text column, and coverage."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from screening.normalizing.decisions import read_exemption_text, read_status
from screening.normalizing.tables import empty_raw, normalize_table
from screening.records import RecordKind

STATUS_WORDS = [
    ("approved", "approved"),
    ("Approval granted", "approved"),
    ("одобрено", "approved"),
    ("refused", "refused"),
    ("Request denied", "refused"),
    ("отказано", "refused"),
    ("not approved", "refused"),
    ("pending", "pending"),
    ("на рассмотрении", "pending"),
    ("application submitted", "pending"),
    ("no", "not applied"),
    ("нет", "not applied"),
    ("N/A", "not applied"),
    ("-", "not applied"),
    ("not applied", "not applied"),
    ("yes", "unclear"),
    ("see file", "unclear"),
]


@pytest.mark.parametrize(("text", "status"), STATUS_WORDS, ids=[t for t, _ in STATUS_WORDS])
def test_decision_words(text: str, status: str) -> None:
    reading = read_status(text)
    assert reading.status == status
    assert (reading.problem is not None) == (status == "unclear")


OLD_COLUMN = [
    ("1718C/EX/2018/011", "approved", "1718C/EX/2018/011", None),
    ("1718 Committee approval 1718C/JV/2018/004", "approved", "1718C/JV/2018/004", None),
    ("no", "not applied", None, None),
    ("нет", "not applied", None, None),
    ("pending since 2023-01-02", "pending", None, dt.date(2023, 1, 2)),
    ("refused 01.03.2024", "refused", None, dt.date(2024, 3, 1)),
    (
        "request 1718C/EX/2024/7 refused 2024-03-01",
        "refused",
        "1718C/EX/2024/7",
        dt.date(2024, 3, 1),
    ),
    ("ok?", "unclear", None, None),
]


@pytest.mark.parametrize(("text", "status", "reference", "date"), OLD_COLUMN)
def test_older_exemption_column(
    text: str, status: str, reference: str | None, date: dt.date | None
) -> None:
    reading = read_exemption_text(text)
    assert (reading.status, reading.reference, reading.decided_on) == (status, reference, date)


def _workers(rows: list[dict[str, str]]) -> pd.DataFrame:
    given = pd.DataFrame(rows).assign(_file="workers.csv", _line=range(2, 2 + len(rows)))
    frame = pd.concat([empty_raw(RecordKind.worker), given], ignore_index=True)
    text = [name for name in frame.columns if name[0] != "_"]
    return frame.astype(dict.fromkeys(text, object)).fillna("")


def test_the_older_column_fills_the_decision_columns_and_lists_unreadable_text() -> None:
    table = normalize_table(
        RecordKind.worker,
        _workers(
            [
                {"record_id": "W1", "full_name": "A", "committee_exemption": "1718C/EX/2018/011"},
                {"record_id": "W2", "full_name": "B", "committee_exemption": "yes"},
                {
                    "record_id": "W3",
                    "full_name": "C",
                    "committee_exemption": "approved",
                    "committee_decision": "refused",
                },
            ]
        ),
    )
    values = table.values
    assert values["committee_decision"].tolist() == ["approved", "unclear", "refused"]
    assert values["committee_reference"].iloc[0] == "1718C/EX/2018/011"
    issues = table.issues
    assert issues[["record_id", "field", "value"]].values.tolist() == [
        ["W2", "committee_exemption", "yes"]
    ]


def test_an_approval_covers_only_the_records_it_names() -> None:
    rows = [
        {"record_id": "W1", "full_name": "Kim Chol", "committee_decision": "approved"},
        {
            "record_id": "W2",
            "full_name": "Ri Su",
            "committee_decision": "approved",
            "committee_covers": "W-0099",
        },
        {
            "record_id": "W3",
            "full_name": "Pak Il",
            "passport_number": "836410027",
            "committee_decision": "approved",
            "committee_covers": "W-0001; 836410027",
        },
        {
            "record_id": "W4",
            "full_name": "O Song",
            "committee_decision": "approved",
            "committee_covers": "  o   song ",
        },
    ]
    values = normalize_table(RecordKind.worker, _workers(rows)).values
    assert values["committee_decision"].tolist() == [
        "approved",
        "approved for another record",
        "approved",
        "approved",
    ]
