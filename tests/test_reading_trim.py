"""Cells come out stripped of BLANK, whether or not their parse block is trimmed: only blocks
with a cell that may start or end with BLANK are, and the test for that may say yes needlessly
but never no wrongly. Normalizing then has nothing left to strip from the reader's cells."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from screening.arrowbytes import may_have_blank_edges
from screening.normalizing.tables import normalize_table
from screening.reading import TRIMMED, read_records
from screening.reading.splitting import _BLANK_EDGES, BLANK
from screening.records import RecordKind

HEADER = "record_id,full_name,nationality\n"
# Enough rows for several parse blocks: a blank edge deep in the file meets clean blocks.
ROWS = 160_000
SEPARATORS = "\x1c\x1d\x1e\x1f"


@pytest.mark.parametrize("blank", list(BLANK), ids=[f"U+{ord(c):04X}" for c in BLANK])
def test_every_blank_character_is_stripped_at_either_edge(tmp_path: Path, blank: str) -> None:
    path = tmp_path / "workers.csv"
    rows = "".join(f"W{i},Kim Chol {i},KP\n" for i in range(ROWS))
    path.write_text(HEADER + rows + f'W{ROWS},"{blank}Ким{blank}","{blank}KP"\n', encoding="utf-8")
    frame = read_records(path).frame
    assert frame["full_name"].iloc[-1] == "Ким" and frame["nationality"].iloc[-1] == "KP"
    assert frame["full_name"].iloc[0] == "Kim Chol 0"


def test_characters_sharing_a_blank_lead_byte_are_kept(tmp_path: Path) -> None:
    """Em dash, guillemets, CJK punctuation, kana and zero-width space start as some BLANK
    characters do, but are not BLANK."""
    kept = ["—Kim—", "«Ким»", "、金、", "カナ", "\u200bKim\u200b", "Ж", "a"]
    path = tmp_path / "workers.csv"
    path.write_text(
        HEADER + "".join(f"W{i},{value},KP\n" for i, value in enumerate(kept)), encoding="utf-8"
    )
    assert read_records(path).frame["full_name"].tolist() == kept


def test_information_separators_are_padding_like_whitespace(tmp_path: Path) -> None:
    """U+001C..U+001F are whitespace to Python and Arrow: the reader strips them, so a record
    id of nothing else is missing, and normalizing has nothing more to strip."""
    path = tmp_path / "workers.csv"
    path.write_text(
        HEADER + f"W1,{SEPARATORS}Kim{SEPARATORS},KP\n{SEPARATORS},Pak,KP\n", encoding="utf-8"
    )
    raw = read_records(path)
    assert raw.frame["full_name"].tolist() == ["Kim"]
    assert raw.rejected["reason"].tolist() == ["missing required value: record_id"]
    assert raw.frame.attrs[TRIMMED] is True
    values = normalize_table(RecordKind.worker, raw.frame).values
    assert values["full_name"].tolist() == ["Kim"]


def test_frames_not_from_the_reader_are_still_stripped() -> None:
    frame = pd.DataFrame(
        {
            "record_id": ["W1", "W2"],
            "full_name": [f"{SEPARATORS}Kim ", "\u3000Pak"],
            "_file": "workers.csv",
            "_line": [2, 3],
        }
    )
    assert TRIMMED not in frame.attrs
    values = normalize_table(RecordKind.worker, frame).values
    assert values["full_name"].tolist() == ["Kim", "Pak"]


def _blank(chunk: pa.Array) -> bool:
    return may_have_blank_edges(chunk, _BLANK_EDGES)


def test_a_chunk_whose_cell_strip_changes_is_always_looked_at() -> None:
    characters = [chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000]
    for word in ("Ким", "中国", "김", "a", "カナ", ""):
        for value in [c + word for c in characters] + [word + c for c in characters]:
            if value.strip(BLANK) != value:
                for others in ([], ["Pak", ""], ["", "x"]):
                    chunk = pa.array([*others, value], type=pa.large_string())
                    assert _blank(chunk), repr(value)
                    assert _blank(pa.array([value, *others], pa.large_string()))


def test_chunks_of_clean_cells_are_kept_as_parsed() -> None:
    clean = pa.array(["Ким Чоль", "Пак", "中国", "김정", "a", "Ли Ён Хо", "W-1"] * 100)
    assert not _blank(pa.array(clean.to_pylist(), pa.large_string()))
    assert not _blank(pa.array(["", ""], pa.large_string()))
    sliced = pa.array([" x", "a", "b"], pa.large_string()).slice(1)
    assert not _blank(sliced)
    assert _blank(pa.array(["a", "b "], pa.large_string()).slice(1))


def test_random_cells_read_as_stripped(tmp_path: Path) -> None:
    """Cells of random BLANK and non-BLANK characters, spread over several parse blocks, read
    exactly as `str.strip(BLANK)` gives them."""
    rng = np.random.default_rng(7)
    alphabet = [*BLANK.replace("\r", "").replace("\n", ""), "a", "Ж", "金", "—", "«", ",", '"']
    names = []
    for _ in range(ROWS):
        picks = rng.integers(0, len(alphabet), rng.integers(0, 4))
        names.append("".join(alphabet[i] for i in picks) if rng.random() < 0.01 else "Kim")
    path = tmp_path / "workers.csv"
    body = "".join(
        f'W{i},"{name.replace(chr(34), chr(34) * 2)}",KP\n' for i, name in enumerate(names)
    )
    path.write_text(HEADER + body, encoding="utf-8")
    table = read_records(path)
    stripped = [name.strip(BLANK) for name in names]
    kept = [i for i, name in enumerate(stripped) if name]  # full_name is required
    assert table.frame["record_id"].tolist() == [f"W{i}" for i in kept]
    assert table.frame["full_name"].tolist() == [stripped[i] for i in kept]
    assert len(table.rejected) == ROWS - len(kept)
