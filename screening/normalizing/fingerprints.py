"""Record fingerprints: the project's own, versioned hash of a record's values as given.

Every review decision is stored with the fingerprint of the record it was made on; a different
fingerprint reopens the decision. So the function is defined here, once, and must never change
for a given `FINGERPRINT_VERSION`:

Fingerprint version 1, of one record:
1. Take the record's columns as given (stripped text, '' when empty; not `_file` or `_line`),
   in code-point order of their names. A column of `ADDED_COLUMNS` takes part only in the
   fingerprints of records that give it a value (adding those columns reopened no decision).
2. Hash each cell: SipHash-2-4 of its UTF-8 bytes under the 16-byte key `0123456789123456`,
   then mixed (SplitMix64's finalizer): `h ^= h >> 30; h *= 0xBF58476D1CE4E5B9;
   h ^= h >> 27; h *= 0x94D049BB133111EB; h ^= h >> 31` (all modulo 2**64).
3. Combine the cell hashes in column order: `acc = 0x345678; mult = 1000003`; for the cell at
   position i of n: `acc = (acc ^ h_i) * mult; mult += 82520 + 2 * (n - i)`; finally
   `acc += 97531` (modulo 2**64).
4. Write `acc` as 16 lowercase hex digits.

Step 2 is what `pandas.util.hash_array` computes (a public function), which does it in C for a
whole column; steps 3 and 4 are computed here with numpy. `check_fingerprints` recomputes golden
values once per process and refuses to go on if a library upgrade changed any of them: a changed
function would silently reopen every stored decision. The tests pin the same golden values with
an independent implementation of this text.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa

from screening.arrowbytes import hex_text
from screening.errors import ScreeningError
from screening.parallel import each
from screening.reading import text_column

FINGERPRINT_VERSION = 1

ADDED_COLUMNS = frozenset(
    {
        "residence_status",
        "party_id",
        "committee_decision",
        "committee_reference",
        "committee_decided_on",
        "committee_covers",
    }
)
"""Columns added to the schemas after decisions were first stored: hashed only into the
fingerprints of records that give one of them a value, so adding them reopens no decision."""

GOLDEN = (
    ({"record_id": "W-1", "full_name": "Ким Чоль", "nationality": "КНДР"}, "c23557794b0719b3"),
    ({"record_id": "W-2", "full_name": "Pak", "residence_status": "student"}, "0f9ddb686ea1ce26"),
)
"""Records (columns as given) and their version-1 fingerprints, checked by `check_fingerprints`."""


def fingerprints(given: pd.DataFrame, distinct: Collection[str] = ()) -> pd.Series:
    """The fingerprint of each row of `given` (columns as given, '' for empty), indexed 0..n-1.

    Columns named in `distinct` hold (nearly) a different value on every row, such as ids: they
    are hashed cell by cell, the others through their distinct values; the result is the same."""
    check_fingerprints()
    return _fingerprints(given, distinct)


@cache
def check_fingerprints() -> None:
    """Refuse to run if this process computes other fingerprints than version 1 defines."""
    for values, expected in GOLDEN:
        frame = pd.DataFrame({name: [value] for name, value in values.items()}, dtype="str")
        found = str(_fingerprints(frame, ()).iloc[0])
        if found != expected:
            raise ScreeningError(
                f"record fingerprints computed here differ from version {FINGERPRINT_VERSION} "
                f"({found} for {expected}), so every stored review decision would reopen: "
                "a library (pandas) was upgraded; install the versions in pyproject.toml"
            )


def _fingerprints(given: pd.DataFrame, distinct: Collection[str]) -> pd.Series:
    columns = sorted(str(c) for c in given.columns if not str(c).startswith("_"))
    earlier = [name for name in columns if name not in ADDED_COLUMNS]
    hashed = _row_hashes(given, earlier, distinct)
    added = [name for name in columns if name in ADDED_COLUMNS]
    if added:
        valued = np.flatnonzero((given[added] != "").any(axis=1).to_numpy())
        if len(valued):
            hashed[valued] = _row_hashes(given.iloc[valued], columns, distinct)
    return _hex(hashed)


def _row_hashes(rows: pd.DataFrame, names: list[str], distinct: Collection[str]) -> np.ndarray:
    """Steps 2 and 3 of version 1 for every row; the columns are hashed side by side."""
    hashes = each(
        lambda name: pd.util.hash_array(rows[name].array, categorize=name not in distinct), names
    )
    combined = np.full(len(rows), 0x345678, dtype=np.uint64)
    multiplier = np.uint64(1000003)
    for position, hashed in enumerate(hashes):
        combined ^= hashed
        combined *= multiplier
        remaining = len(names) - position
        multiplier += np.uint64(82520 + remaining + remaining)
    return combined + np.uint64(97531)


def _hex(hashes: np.ndarray) -> pd.Series:
    """Each uint64 as 16 lowercase hex digits (what `"{:016x}".format` gives), without a loop."""
    octets = hashes.astype(">u8").view(np.uint8).reshape(-1, 8)
    return text_column(pa.chunked_array([hex_text(octets)]))
