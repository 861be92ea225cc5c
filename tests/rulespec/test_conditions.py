"""Walking a condition tree: every part, with the record kind it tests."""

from __future__ import annotations

from pydantic import TypeAdapter

from screening.records import RecordKind
from screening.rulespec.conditions import Condition, FieldCondition, walk

COMPANY = RecordKind.company
CONDITION: Condition = TypeAdapter(Condition).validate_python(
    {
        "all": [
            {"field": "name", "listed": {"schema": "organization"}},
            {"not": {"finding": "some-rule"}},
            {
                "workers": {
                    "where": {
                        "any": [
                            {"field": "full_name", "listed": {"threshold": 0.9}},
                            {"employer": {"field": "name", "listed": {}}},
                        ]
                    }
                }
            },
        ]
    }
)


def test_walk_gives_each_part_the_kind_it_tests() -> None:
    fields = [
        (part.field, kind)
        for part, kind in walk(CONDITION, RecordKind.company)
        if isinstance(part, FieldCondition)
    ]
    assert fields == [
        ("name", RecordKind.company),
        ("full_name", RecordKind.worker),
        ("name", RecordKind.company),
    ]


def test_walk_visits_parents_first_and_every_part_once() -> None:
    parts = [
        (type(part).__name__, kind.value) for part, kind in walk(CONDITION, RecordKind.company)
    ]
    assert parts == [
        ("AllCondition", "company"),
        ("FieldCondition", "company"),
        ("NotCondition", "company"),
        ("FindingCondition", "company"),
        ("WorkersCondition", "company"),
        ("AnyCondition", "worker"),
        ("FieldCondition", "worker"),
        ("EmployerCondition", "worker"),
        ("FieldCondition", "company"),
    ]
