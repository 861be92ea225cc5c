"""Record ids that look alike but differ: listed as a data issue, never merged.

`R-001` typed with a Cyrillic `Р`, with a zero-width space pasted in, in full-width digits or with
a decomposed accent is a different string: findings, decisions and employer links key on the id
as given, so the two stay two records. A reviewer should still hear that they look the same.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Cyrillic and Greek capitals and small letters drawn like Latin ones, as typed with the wrong
# keyboard layout.
_HOMOGLYPHS = str.maketrans(
    "АВЕКМНОРСТУХаеорсухіјѕԁΑΒΕΖΗΙΚΜΝΟΡΤΥΧοι",
    "ABEKMHOPCTYXaeopcyxijsdABEZHIKMNOPTYXoi",
)


def skeleton(record_id: str) -> str:
    """The id as it reads on screen: compatibility forms folded (full-width digits, ligatures),
    invisible format characters dropped, Latin look-alikes read as Latin."""
    folded = unicodedata.normalize("NFKC", record_id)
    visible = "".join(char for char in folded if unicodedata.category(char) != "Cf")
    return visible.translate(_HOMOGLYPHS)


def look_alike_ids(ids: pd.Series, files: pd.Series, lines: pd.Series) -> pd.Series:
    """For each id that reads like another id of the table, "looks like …"; indexed like `ids`.

    Only ids with a character outside ASCII can look like another (an ASCII id is its own
    skeleton), so the check costs one pass over the column and Python only for those."""
    arrow = pa.array(ids.array, type=pa.large_string())
    unusual = np.flatnonzero(~pc.string_is_ascii(arrow).to_numpy(zero_copy_only=False))
    if not len(unusual):
        return pd.Series(dtype=object)
    read_as = {int(row): skeleton(_id(ids, int(row))) for row in unusual}
    holders = _first_holders(ids, unusual, read_as)
    problems = {}
    for row, key in read_as.items():
        other = holders.get(key)
        if other is None or other == row or _id(ids, other) == _id(ids, row):
            continue
        problems[ids.index[row]] = (
            f"looks like {_id(ids, other)!r} ({Path(str(files.iat[other])).name} line "
            f"{lines.iat[other]}) but is written {ascii(_id(ids, row))}, not "
            f"{ascii(_id(ids, other))}: a different record, or the same one typed differently? "
            "Kept apart"
        )
    return pd.Series(problems, dtype=object)


def _first_holders(ids: pd.Series, unusual: np.ndarray, read_as: dict[int, str]) -> dict[str, int]:
    """Per skeleton, the first row whose id reads so: an id spelled plainly wins, else the first
    unusual one."""
    holders: dict[str, int] = {}
    for row in np.flatnonzero(ids.isin(set(read_as.values())).to_numpy(dtype=bool)):
        holders.setdefault(_id(ids, int(row)), int(row))
    for row in unusual:
        holders.setdefault(read_as[int(row)], int(row))
    return holders


def _id(ids: pd.Series, row: int) -> str:
    return str(ids.iat[row])
