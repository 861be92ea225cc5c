"""The Records sheet's summary counts: grouped by code first, then by text, like pandas would."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from screening.assemble import added_counts, summarise_records


def _expected(records: pd.DataFrame) -> pd.DataFrame:
    keys = ["file", "record_type", "status"]
    frame = pd.DataFrame(
        {key: records[key].astype("string") for key in keys}
        | {"findings": pd.to_numeric(records["findings"], errors="coerce").fillna(0)}
    )
    grouped = frame.groupby(keys, dropna=False, sort=False)["findings"].agg(["size", "sum"])
    grouped = grouped.reset_index().sort_values(keys, na_position="last", kind="stable")
    return pd.DataFrame(
        {key: pd.Series(grouped[key].to_numpy(), dtype="string") for key in keys}
        | {
            "records": grouped["size"].to_numpy().astype(int),
            "findings": grouped["sum"].to_numpy().astype(int),
        }
    )


@pytest.mark.parametrize(
    "files",
    [
        ["b.csv", "b.csv", None, "a.csv", np.nan, "b.csv", "a.csv", ""],
        pd.Series(["a.csv", pd.NA, pd.NA, None, np.nan, np.nan, "a.csv", "b.csv"], dtype=object),
        pd.Series(["a.csv", None, None, np.nan, np.nan, "a.csv", "a.csv", "b.csv"], dtype=object),
        # Different objects that show the same text, and objects that compare equal but do not.
        [Path("a.csv"), "a.csv", 1, 1.0, "1", None, pd.NA, "a.csv"],
        pd.Series(["a", "b", "a", None, "b", "a", "a", "c"], dtype="str"),
        # Held by pandas as an Arrow array in two pieces.
        pd.concat([pd.Series(["a", "b", None, "a"], dtype="str")] * 2, ignore_index=True),
    ],
)
def test_counts_match_a_plain_groupby(files: list[object] | pd.Series) -> None:
    records = pd.DataFrame(
        {
            "file": files,
            "record_type": ["worker", None, "worker", "company", "company", "worker", "w", "w"],
            "status": pd.Series(["clear", "flagged", None, "clear"] * 2, dtype="str"),
            "findings": [0, 2, 1, None, 3, "x", 4, 1],
        }
    )
    summary = summarise_records(records)
    expected = _expected(records)
    # Null keys sort last, whatever pandas does with them among the others.
    assert summary["records"].sum() == len(records)
    pd.testing.assert_frame_equal(
        summary.sort_values(["file", "record_type", "status"], na_position="last").reset_index(
            drop=True
        ),
        expected.reset_index(drop=True),
    )


@pytest.mark.parametrize("cuts", [[3], [1, 2, 5], [0, 8]])
def test_parts_counted_add_up_to_the_whole_counted(cuts: list[int]) -> None:
    """A dask screen counts each partition's records; the sums are one table's counts."""
    records = pd.DataFrame(
        {
            "file": ["b.csv", "a.csv", None, "a.csv", "b.csv", "a.csv", "b.csv", "a.csv"],
            "record_type": ["worker"] * 6 + ["company", "worker"],
            "status": ["clear", "flagged", "clear", "flagged", "clear", "clear", None, "clear"],
            "findings": [0, 2, 0, 1, 0, 0, 3, 0],
        }
    )
    bounds = [0, *cuts, len(records)]
    parts = [records.iloc[start:stop] for start, stop in zip(bounds, bounds[1:], strict=False)]
    added = added_counts([summarise_records(part) for part in parts])
    pd.testing.assert_frame_equal(added, summarise_records(records))


def test_no_records_no_rows() -> None:
    empty = pd.DataFrame({key: pd.Series([], dtype=object) for key in ["file", "status"]})
    summary = summarise_records(empty.assign(findings=pd.Series([], dtype=int)))
    assert summary.empty
    assert list(summary.columns) == ["file", "record_type", "status", "records", "findings"]
