"""Evidence values as a reviewer reads them: `display`'s formats, plus what a field means.

Shares are percentages (40%), a name match's score is a percentage (92.5%), a relationship's role
is the role vocabulary's name for it ("joint-venture partner", not "jv partner") and a visa type
the visa vocabulary's ("student visa" for учебная). Where the file wrote a vocabulary value in a
way a reviewer should see (another language, a longer text), ` (given as “…”)` follows; a mere
case, `_` or `-` variant of the vocabulary's own word does not need it.

Every function takes a whole column of a rule's findings; vocabulary values are looked up a
distinct value at a time (a table holds few distinct roles or visa types).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.display import MISSING, display
from screening.engine.text import Text, arrow_text, given_as
from screening.normalizing.roles import vocabulary
from screening.normalizing.visas import read_visa, visa_vocabulary
from screening.records import RecordKind, ValueType, percent_fields, schema_for

SCORE_KEY = "list.score"
"""The evidence key of a name match's score (0..1), shown as a percentage."""
_SCORE_DECIMALS = 1  # scores are kept to three decimals: 0.925 is 92.5%

Vocabulary = Callable[[str], tuple[str | None, str]]
"""A value → the vocabulary's word for it (None: not in the vocabulary) and how it is shown."""


def is_percent(key: str) -> bool:
    """Whether an evidence key or placeholder names a percentage (share_pct, company.share_pct)."""
    return key.rsplit(".", 1)[-1] in percent_fields()


def shown_text(values: pd.Series, key: str, kind: RecordKind | None = None) -> Text:
    """Evidence values of `key` as Arrow text, missing as the dash. `kind`: the record kind the
    key is a field of, where the key is one (a vocabulary field is shown by its vocabulary).

    Numbers and dates are shown a distinct value at a time: `display` formats value by value
    (~2 µs a number), and amounts and dates repeat across findings."""
    if key == SCORE_KEY or key.endswith("." + SCORE_KEY):
        values = (values.astype("float64") * 100).round(_SCORE_DECIMALS)
        return _displayed(values, percent=True)
    words = field_vocabulary(kind, key)
    if words is not None:
        return _per_distinct(arrow_text(values.astype("str")), lambda value: words(value)[1])
    return _displayed(values, is_percent(key))


def with_vocabulary_note(values: pd.Series, key: str, kind: RecordKind, given: Text) -> Text | None:
    """A vocabulary field's values as shown, each followed by ` (given as “…”)` where the file
    (`given`: the text as read) wrote more than a case, `_` or `-` variant of the vocabulary's
    word or of how it is shown; None for a field with no vocabulary."""
    words = field_vocabulary(kind, key)
    if words is None:
        return None
    value = pc.fill_null(arrow_text(values.astype("str")), "")
    pairs = pc.binary_join_element_wise(
        pc.fill_null(given, ""), value, pa.scalar(_PAIR, type=pa.large_string())
    )

    def noted(pair: str) -> str:
        written, read = pair.split(_PAIR, 1)
        if not read:
            return MISSING if not written.strip() else given_as(MISSING, written)
        word, text = words(read)
        variants = {_fold(read if word is None else word), _fold(text)}
        if not written.strip() or _fold(written) in variants:
            return text
        return given_as(text, written)

    return _per_distinct(pairs, noted)


_PAIR = "\x00"


def field_vocabulary(kind: RecordKind | None, key: str) -> Vocabulary | None:
    """The vocabulary a record field is shown by: a relationship's role, a worker's visa type."""
    if kind is None or "." in key:
        return None
    column = schema_for(kind).columns.get(key)
    if column is not None and column.type is ValueType.role:
        return _role
    if kind is RecordKind.worker and key == "visa_type":
        return _visa
    return None


def _role(value: str) -> tuple[str | None, str]:
    """A role as read (the vocabulary's name, or the text where it knows none)."""
    words = vocabulary()
    if value in words.group_of:
        return value, words.shown(value)
    return None, value


def _visa(value: str) -> tuple[str | None, str]:
    kind = read_visa(value)
    return (None, value) if kind is None else (kind, visa_vocabulary().shown_as[kind])


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.casefold()).strip()


def _displayed(values: pd.Series, percent: bool) -> Text:
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return pc.fill_null(arrow_text(values), MISSING)
    if not (pd.api.types.is_float_dtype(values) or pd.api.types.is_datetime64_dtype(values)):
        return arrow_text(display(values))
    codes, distinct = pd.factorize(values)  # missing values: code -1
    texts = arrow_text(display(pd.Series(distinct, dtype=values.dtype), percent))
    return pc.fill_null(texts.take(pa.array(codes, mask=codes < 0)), MISSING)


def _per_distinct(text: Text, function: Callable[[str], str]) -> Text:
    """`function` of each value, called once per distinct value; missing stays the dash."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    encoded = text.dictionary_encode()
    mapped = [function(value) for value in encoded.dictionary.to_pylist()]
    result = pa.array(mapped, type=pa.large_string()).take(encoded.indices)
    return pc.fill_null(result, MISSING)
