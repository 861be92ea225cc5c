"""Operators are declared once, on the rule-file model; the engine gives each a predicate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from screening.engine.operators import COMPILED_APART
from screening.engine.operators import OPERATORS as PREDICATES
from screening.reading import TEXT
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


_MISSING = {
    "date": pd.Series([pd.NaT], dtype="datetime64[ns]"),
    "number": pd.Series([np.nan]),
    "text": pd.Series([np.nan], dtype=TEXT),
}
_ARGUMENTS = {
    "equals": ("text", "KP"),
    "in": ("text", ["KP", "PRK"]),
    "present": ("text", True),
    "before": ("date", pd.Timestamp("2017-09-11")),
    "after": ("date", pd.Timestamp("2017-09-11")),
    "on_or_before": ("date", pd.Timestamp("2017-09-11")),
    "on_or_after": ("date", pd.Timestamp("2017-09-11")),
    "gt": ("number", 0.0),
    "ge": ("number", 0.0),
    "lt": ("number", 100.0),
    "le": ("number", 100.0),
    "in_group": ("text", ["stake"]),
    "matches": ("text", ".*"),
}


def test_a_missing_value_never_satisfies_a_test() -> None:
    """The spec's rule (docs/adding-a-rule.md), held by every predicate, so by every engine
    running them: only `missing` holds on a value that is not there."""
    assert set(_ARGUMENTS) == set(PREDICATES) - {"missing"}
    for name, (kind, argument) in _ARGUMENTS.items():
        assert not PREDICATES[name](_MISSING[kind], argument).any(), name
    assert PREDICATES["missing"](_MISSING["text"], True).all()
