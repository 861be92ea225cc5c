"""The field operators' predicates: YAML operator name → vectorized predicate.

The operators themselves (their names, arguments, descriptions, the fields they can test) are
declared once, on `rulespec.conditions.FieldCondition`; this registry gives each a predicate, and
refuses to load when one is missing. Each predicate takes a whole typed column and the operator's
argument and returns a boolean Series. A missing or unreadable value never satisfies a test (so
`not` of a test does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from screening.arrowbytes import flags
from screening.engine.text import arrow_text
from screening.normalizing.roles import vocabulary
from screening.rulespec.conditions import OPERATORS as DECLARED

Predicate = Callable[[pd.Series, Any], pd.Series]


def _folded(values: pd.Series) -> pd.Series:
    """Text in lower case (compiled for Arrow-backed strings); other types unchanged."""
    return values.str.lower() if pd.api.types.is_string_dtype(values) else values


def _fold_argument(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def equals(values: pd.Series, argument: Any) -> pd.Series:
    """Value equals the argument (text compared in any case)."""
    return _folded(values).eq(_fold_argument(argument)).fillna(False).astype(bool)


def in_(values: pd.Series, argument: list[Any]) -> pd.Series:
    """Value is one of the listed values (text compared in any case)."""
    return _folded(values).isin([_fold_argument(item) for item in argument]).astype(bool)


def present(values: pd.Series, argument: bool) -> pd.Series:
    """Value is given and readable."""
    return values.notna().astype(bool)


def missing(values: pd.Series, argument: bool) -> pd.Series:
    """Value is empty or could not be read."""
    return values.isna().astype(bool)


def before(values: pd.Series, argument: pd.Timestamp) -> pd.Series:
    """Date is strictly before the given date."""
    return (values < argument).fillna(False).astype(bool)


def after(values: pd.Series, argument: pd.Timestamp) -> pd.Series:
    """Date is strictly after the given date."""
    return (values > argument).fillna(False).astype(bool)


def on_or_before(values: pd.Series, argument: pd.Timestamp) -> pd.Series:
    """Date is on or before the given date."""
    return (values <= argument).fillna(False).astype(bool)


def on_or_after(values: pd.Series, argument: pd.Timestamp) -> pd.Series:
    """Date is on or after the given date."""
    return (values >= argument).fillna(False).astype(bool)


def gt(values: pd.Series, argument: float) -> pd.Series:
    """Number is greater than the argument."""
    return (values > argument).fillna(False).astype(bool)


def ge(values: pd.Series, argument: float) -> pd.Series:
    """Number is at least the argument."""
    return (values >= argument).fillna(False).astype(bool)


def lt(values: pd.Series, argument: float) -> pd.Series:
    """Number is less than the argument."""
    return (values < argument).fillna(False).astype(bool)


def le(values: pd.Series, argument: float) -> pd.Series:
    """Number is at most the argument."""
    return (values <= argument).fillna(False).astype(bool)


def in_group(values: pd.Series, argument: list[str]) -> pd.Series:
    """Role is in one of the named groups of the role vocabulary (e.g. stake)."""
    return values.isin(vocabulary().roles_in(argument)).astype(bool)


def matches(values: pd.Series, argument: str) -> pd.Series:
    """Text contains a match of an RE2 regular expression (linear time: cannot hang)."""
    return matches_distinct(pd.factorize(values), values.index, argument)


Factorized = tuple[np.ndarray, Any]
"""A column as `pd.factorize` gives it: a code per row (-1: missing) and the distinct values."""


def matches_distinct(factorized: Factorized, index: pd.Index, pattern: str) -> pd.Series:
    """`matches` over a factorized column: each distinct value tested once (registers repeat
    roles, sectors and visa types heavily), so a column several rules test is factorized once."""
    codes, distinct = factorized
    found = pc.match_substring_regex(arrow_text(pd.Series(distinct)), pattern=pattern)
    hit = np.append(flags(found), False)
    return pd.Series(hit[codes], index=index, dtype=bool)  # code -1 (missing): False


OPERATORS: dict[str, Predicate] = {
    "equals": equals,
    "in": in_,
    "present": present,
    "missing": missing,
    "before": before,
    "after": after,
    "on_or_before": on_or_before,
    "on_or_after": on_or_after,
    "gt": gt,
    "ge": ge,
    "lt": lt,
    "le": le,
    "in_group": in_group,
    "matches": matches,
}
"""`listed` and `named_in` are not here: `listed` needs the sanctions lists and yields match
evidence (see names.py), `named_in` another field (both are compiled on their own, compile.py)."""
COMPILED_APART = frozenset({"listed", "named_in"})


def _check_registry() -> None:
    """Every declared operator has a predicate here (or is compiled apart), and no other."""
    declared, registered = set(DECLARED), set(OPERATORS) | COMPILED_APART
    if declared != registered:
        raise ImportError(
            f"operators declared without a predicate: {sorted(declared - registered)}; "
            f"predicates of no declared operator: {sorted(registered - declared)}"
        )


_check_registry()
