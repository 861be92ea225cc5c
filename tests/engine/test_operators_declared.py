"""Operators are declared once, on the rule-file model; the engine gives each a predicate."""

from __future__ import annotations

from screening.engine.operators import COMPILED_APART
from screening.engine.operators import OPERATORS as PREDICATES
from screening.records import ValueType
from screening.rulespec.conditions import DATE_OPERATORS, OPERATOR_TYPES, OPERATORS


def test_every_declared_operator_runs_and_nothing_else_does() -> None:
    assert set(PREDICATES) | COMPILED_APART == set(OPERATORS)
    assert not set(PREDICATES) & COMPILED_APART


def test_the_date_and_number_operators_are_those_the_declarations_say() -> None:
    assert {"before", "after", "on_or_before", "on_or_after"} == DATE_OPERATORS
    numbers = {name for name, types in OPERATOR_TYPES.items() if types == {ValueType.number}}
    assert numbers == {"gt", "ge", "lt", "le"}
    assert ValueType.date not in OPERATOR_TYPES["matches"]
