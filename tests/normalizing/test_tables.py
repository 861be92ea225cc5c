"""The typed table: text shared with the raw table, and fingerprints that never change."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from screening.arrowbytes import blank_edge_suspects
from screening.normalizing.tables import (
    _WHITESPACE_EDGES,
    _strip_changes,
    combined_raw,
    empty_raw,
    normalize_table,
)
from screening.reading import FILE_COLUMN, LINE_COLUMN, TEXT, read_records
from screening.records import RecordKind

ROWS = {
    "record_id": ["W1", "W2", "W3"],
    "full_name": ["Kim Chol", "Ким Чоль", "\x1cPak\x1f"],
    "nationality": ["KP", "КНДР", ""],
    "date_of_birth": ["1980-01-02", "", "02.01.1980"],
    "monthly_income": ["1 200,50", "", "lots"],
    "notes": ["", "x", "y"],
}
# Stored in users' review decision files: these must never change.
FINGERPRINTS = ["4a70f027d236add7", "d49ed5190970e75d", "00df0abe1fa9f000"]


def _raw(dtype: pd.StringDtype[Literal["pyarrow"]] | type) -> pd.DataFrame:
    given = pd.DataFrame(ROWS).assign(**{FILE_COLUMN: "workers.csv"}, **{LINE_COLUMN: [2, 3, 4]})
    frame = pd.concat([empty_raw(RecordKind.worker), given], ignore_index=True)
    text = [name for name in frame.columns if name[0] != "_"]
    return frame.astype(dict.fromkeys(text, object)).fillna("").astype(dict.fromkeys(text, dtype))


@pytest.mark.parametrize("dtype", [TEXT, object], ids=["str", "object"])
def test_fingerprints_are_the_stored_ones(dtype: pd.StringDtype[Literal["pyarrow"]] | type) -> None:
    table = normalize_table(RecordKind.worker, _raw(dtype))
    assert table.fingerprints.tolist() == FINGERPRINTS


def test_text_is_stripped_and_empty_is_missing() -> None:
    values = normalize_table(RecordKind.worker, _raw(TEXT)).values
    assert values["full_name"].tolist() == ["Kim Chol", "Ким Чоль", "Pak"]
    assert values["notes"].isna().tolist() == [True, False, False]
    assert values["full_name"].dtype == TEXT and values[LINE_COLUMN].tolist() == [2, 3, 4]


def test_text_unchanged_by_normalizing_shares_the_raw_buffers() -> None:
    table = normalize_table(RecordKind.worker, _raw(TEXT))
    raw, typed = (
        pa.chunked_array(table.raw["record_id"]),
        pa.chunked_array(table.values["record_id"]),
    )
    assert typed.chunk(0).buffers()[2].address == raw.chunk(0).buffers()[2].address


def test_an_empty_kind_normalizes() -> None:
    table = normalize_table(RecordKind.company, empty_raw(RecordKind.company))
    assert len(table) == 0 and table.fingerprints.empty and table.issues.empty


def test_files_of_one_kind_combine_schema_first_and_fill_missing_extras(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("record_id,name,Parent\nC1,Vostok,Holding A\n")
    second.write_text("Site,record_id,name\nDalian,C2,Amnok\n")
    frames = [read_records(path).frame for path in (first, second)]
    combined = combined_raw(RecordKind.company, frames)
    schema = list(empty_raw(RecordKind.company).columns)
    assert list(combined.columns) == [*schema, "parent", "site"]
    assert combined["parent"].tolist() == ["Holding A", ""]
    assert combined["site"].tolist() == ["", "Dalian"]
    assert combined[LINE_COLUMN].tolist() == [2, 2]


SPACES = [" ", "\t", "\x1c", "\x85", "\u00a0", "\u2003", "\u3000", "\u200b", "\ufeff", "\x7f"]
WORDS = ["Kim", "Ким", "김", "", "a b"]


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("string_type", [pa.string(), pa.large_string()])
def test_strip_changes_exactly_when_stripping_changes_a_value(
    space: str, string_type: pa.DataType
) -> None:
    for word in WORDS:
        for value in (space + word, word + space, word):
            column = pa.chunked_array([pa.array(["Pak", None, value, "", "Li"], type=string_type)])
            for text in (column, pa.chunked_array([column.chunk(0).slice(1)])):
                changed = pc.utf8_trim_whitespace(text).to_pylist() != text.to_pylist()
                assert _strip_changes(text) == changed, (value, text)


def test_every_value_stripping_changes_is_a_suspect_and_other_scripts_are_not() -> None:
    characters = [chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000]
    for word in ("Ким", "中国", "김", "a", "カナ", ""):
        for string_type in (pa.string(), pa.large_string()):
            values = pa.array(
                [c + word for c in characters] + [word + c for c in characters], type=string_type
            )
            changed = pc.not_equal(pc.utf8_trim_whitespace(values), values).to_numpy(
                zero_copy_only=False
            )
            suspects = np.zeros(len(values), dtype=bool)
            suspects[blank_edge_suspects(values, _WHITESPACE_EDGES)] = True
            assert not (changed & ~suspects).any(), word
    plain = pa.array(["Ким Чоль", "Пак", "中国", "김정", "a", "Ли Ён Хо", ""] * 100)
    assert len(blank_edge_suspects(plain, _WHITESPACE_EDGES)) == 0
