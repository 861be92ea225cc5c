"""Each byte-level primitive against a plain-Python oracle that loops over the values: nulls, empty
strings, slices (a non-zero offset), chunked arrays, multi-byte UTF-8, strings and large strings."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.arrowbytes import (
    ARROW_WHITESPACE,
    EdgeBytes,
    blank_edge_suspects,
    byte_pattern,
    data_bytes,
    edges,
    empty_as_null,
    every_byte_below_ten,
    fixed_width_text,
    flags,
    hex_text,
    holds_byte,
    joined_bytes,
    may_have_blank_edges,
    offsets,
    valid_utf8,
    validity_bitmap,
    with_validity,
    words_at_each_byte,
)

STRING_TYPES = [pa.string(), pa.large_string()]
# Whitespace and padding of one to four bytes, characters sharing their first bytes (an em dash
# with U+2003, fullwidth forms with U+FEFF, kana with U+3000), other scripts and emoji.
SPECIAL = [
    *" \t\r\n\x00\x1c\x7f",
    "\x85",
    "\xa0",
    "é",
    "Ж",
    "\u1680",
    "\u2003",
    "—",
    "\u200b",
    "\u3000",
    "カ",
    "中",
    "\ufeff",
    "！",
    "😀",
    "𝔸",
]
CHARACTERS = st.one_of(
    st.sampled_from(SPECIAL), st.characters(exclude_categories=["Cs"], max_codepoint=0x2FFFF)
)
VALUES = st.lists(st.one_of(st.none(), st.text(CHARACTERS, max_size=6)), max_size=12)
BLANKS = st.text(st.sampled_from(SPECIAL), min_size=1, max_size=5)


@st.composite
def string_arrays(draw: st.DrawFn) -> tuple[list[str | None], pa.Array]:
    """Values and an Arrow array of them: a string or large string array, maybe a slice of a
    longer one whose values around it are blank at their edges."""
    values = draw(VALUES)
    before = draw(st.lists(st.sampled_from([" x ", "", None, "\u3000Ж"]), max_size=3))
    after = draw(st.lists(st.sampled_from([" x ", "", None, "中\xa0"]), max_size=3))
    array = pa.array([*before, *values, *after], type=draw(st.sampled_from(STRING_TYPES)))
    return values, array.slice(len(before), len(values))


def _encoded(values: list[str | None]) -> list[bytes]:
    """Each value's bytes; a null holds none."""
    return [b"" if value is None else value.encode() for value in values]


# ---------------------------------------------------------------------------------------------
# Offsets and characters
# ---------------------------------------------------------------------------------------------


@given(string_arrays())
def test_offsets_and_data_bytes_spell_each_string(case: tuple[list[str | None], pa.Array]) -> None:
    values, array = case
    bounds, data = offsets(array), data_bytes(array)
    assert bounds.dtype == np.int64 and len(bounds) == len(values) + 1
    for position, encoded in enumerate(_encoded(values)):
        assert data[bounds[position] : bounds[position + 1]].tobytes() == encoded


@given(string_arrays())
def test_joined_bytes_are_the_strings_back_to_back(case: tuple[list[str | None], pa.Array]) -> None:
    values, array = case
    assert bytes(joined_bytes(array)) == b"".join(_encoded(values))


def test_joined_bytes_share_the_buffer_and_binaries_are_read_too() -> None:
    array = pa.array([b"ab", None, b"\xff\x00"], type=pa.large_binary()).slice(1)
    assert offsets(array).tolist() == [2, 2, 4]
    assert bytes(joined_bytes(array)) == b"\xff\x00"
    text = pa.array(["Ким", "Пак"], type=pa.large_string())
    view = np.frombuffer(joined_bytes(text), dtype=np.uint8)
    assert view.ctypes.data == text.buffers()[2].address


def test_an_array_without_strings_has_one_offset_and_no_bytes() -> None:
    for array in (pa.array([], pa.large_string()), pa.array(["a", "b"]).slice(2)):
        assert offsets(array).tolist() == [0]
        assert bytes(joined_bytes(array)) == b""
    assert len(data_bytes(pa.array(["", ""], pa.large_string()))) == 0


def test_offsets_of_other_types_are_refused() -> None:
    with pytest.raises(TypeError):
        offsets(pa.array([1, 2]))


@given(st.binary(max_size=40), st.integers(0, 255))
def test_holds_byte(data: bytes, byte: int) -> None:
    assert holds_byte(data, byte) == (byte in data)
    assert holds_byte(memoryview(data), byte) == (byte in data)


@given(st.one_of(st.binary(max_size=40), st.text(CHARACTERS, max_size=10).map(str.encode)))
def test_valid_utf8(data: bytes) -> None:
    try:
        data.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False
    assert valid_utf8(data) == expected


# ---------------------------------------------------------------------------------------------
# Edges
# ---------------------------------------------------------------------------------------------


@given(string_arrays())
def test_edges_are_the_first_and_last_byte(case: tuple[list[str | None], pa.Array]) -> None:
    values, array = case
    first, last = edges(array)
    assert first.dtype == last.dtype == np.uint8
    assert first.tolist() == [encoded[0] if encoded else 0 for encoded in _encoded(values)]
    assert last.tolist() == [encoded[-1] if encoded else 0 for encoded in _encoded(values)]


def _leads(blank: str) -> list[set[int]]:
    """The first bytes of `blank`'s characters by their length (1 to 4); a one-byte character up
    to the space stands for every byte up to it (`EdgeBytes.of`)."""
    leads: list[set[int]] = [set(), set(), set(), set()]
    for character in blank:
        encoded = character.encode()
        leads[len(encoded) - 1].add(encoded[0])
    if any(byte <= 0x20 for byte in leads[0]):
        leads[0] |= set(range(0x21))
    return leads


def _named(value: str | None, blank: str) -> bool:
    """Whether the value starts with a byte some character of `blank` starts with, or ends with
    a character whose first byte one as long as it of `blank` starts with."""
    encoded = b"" if value is None else value.encode()
    if not encoded:
        return False
    leads = _leads(blank)
    if encoded[0] in set().union(*leads):
        return True
    return any(
        len(encoded) >= length and encoded[-length] in leads[length - 1] for length in (1, 2, 3, 4)
    )


def test_edge_bytes_are_byte_ranges_of_the_first_bytes() -> None:
    edge = EdgeBytes.of("\x00 \xa0\u2003\u3000\ufeff😀")
    assert edge.first == ((0x00, 0x20), (0xC2, 0xC2), (0xE2, 0xE3), (0xEF, 0xF0))
    assert edge.last == (
        ((0x00, 0x20),),
        ((0xC2, 0xC2),),
        ((0xE2, 0xE3), (0xEF, 0xEF)),
        ((0xF0, 0xF0),),
    )
    assert EdgeBytes.of("x").last[0] == ((0x78, 0x78),)


@given(string_arrays(), BLANKS)
def test_blank_edge_suspects_follow_the_edge_bytes(
    case: tuple[list[str | None], pa.Array], blank: str
) -> None:
    values, array = case
    found = blank_edge_suspects(array, EdgeBytes.of(blank))
    assert found.tolist() == [i for i, value in enumerate(values) if _named(value, blank)]
    changed = [i for i, value in enumerate(values) if value and value.strip(blank) != value]
    assert set(changed) <= set(found.tolist())  # never misses a value stripping changes
    assert may_have_blank_edges(array, EdgeBytes.of(blank)) == bool(len(found))


def test_other_scripts_are_no_suspects_and_other_types_all_are() -> None:
    whitespace = EdgeBytes.of(ARROW_WHITESPACE)
    plain = pa.array(["Ким Чоль", "Пак", "中国", "김정", "a", "Ли Ён Хо", ""] * 10)
    assert len(blank_edge_suspects(plain, whitespace)) == 0
    assert not may_have_blank_edges(plain, whitespace)
    assert not may_have_blank_edges(pa.array(["", ""], pa.large_string()), whitespace)
    binary = pa.array([b"x", b"y"])
    assert blank_edge_suspects(binary, whitespace).tolist() == [0, 1]
    assert may_have_blank_edges(binary, whitespace)


def test_arrow_whitespace_is_what_arrow_strips() -> None:
    characters = [chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000]
    stripped = pc.binary_length(pc.utf8_trim_whitespace(pa.array(characters))).to_numpy()
    assert {characters[i] for i in np.flatnonzero(stripped == 0)} == set(ARROW_WHITESPACE)


# ---------------------------------------------------------------------------------------------
# Validity
# ---------------------------------------------------------------------------------------------


@given(st.lists(st.one_of(st.none(), st.booleans()), max_size=20), st.integers(1, 3))
def test_flags_are_the_booleans_with_null_false(values: list[bool | None], chunks: int) -> None:
    expected = [bool(value) for value in values]
    mask = pa.array(values, type=pa.bool_())
    assert flags(mask).dtype == bool and flags(mask).tolist() == expected
    assert flags(mask.slice(1)).tolist() == expected[1:]
    cut = len(values) // chunks
    parts = [values[i * cut : (i + 1) * cut] for i in range(chunks - 1)]
    parts.append(values[(chunks - 1) * cut :])
    assert flags(pa.chunked_array(parts, type=pa.bool_())).tolist() == expected


@given(st.lists(st.booleans(), max_size=40))
def test_validity_bitmap_sets_bit_i_for_value_i(present: list[bool]) -> None:
    bitmap = validity_bitmap(np.array(present, dtype=bool)).to_pybytes()
    assert [bool(bitmap[i // 8] >> (i % 8) & 1) for i in range(len(present))] == present


@given(string_arrays(), st.data())
def test_with_validity_nulls_where_not_present(
    case: tuple[list[str | None], pa.Array], data: st.DataObject
) -> None:
    values, array = case
    present = data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    result = with_validity(array, np.array(present, dtype=bool))
    result.validate(full=True)
    assert result.type == array.type
    assert result.to_pylist() == [
        (value if value is not None else "") if keep else None
        for value, keep in zip(values, present, strict=True)
    ]
    if array.buffers()[2] is not None and len(array.buffers()[2]):
        assert result.buffers()[2].address == array.buffers()[2].address


def test_with_validity_wants_a_flag_per_string() -> None:
    with pytest.raises(ValueError):
        with_validity(pa.array(["a", "b"]), np.array([True]))


@given(string_arrays())
def test_empty_as_null(case: tuple[list[str | None], pa.Array]) -> None:
    values, array = case
    expected = [value or None for value in values]
    result = empty_as_null(array)
    result.validate(full=True)
    assert result.type == array.type and result.to_pylist() == expected
    chunked = pa.chunked_array([array, array.slice(1)], type=array.type)
    assert empty_as_null(chunked).to_pylist() == expected + expected[1:]
    empty = pa.chunked_array([], type=array.type)
    assert empty_as_null(empty).type == array.type and len(empty_as_null(empty)) == 0


def test_empty_as_null_shares_the_text() -> None:
    text = pa.array(["Ким", "", "Пак"], type=pa.large_string())
    result = empty_as_null(text)
    assert result.buffers()[1].address == text.buffers()[1].address
    assert result.buffers()[2].address == text.buffers()[2].address


# ---------------------------------------------------------------------------------------------
# Text built from bytes
# ---------------------------------------------------------------------------------------------


@given(st.text(CHARACTERS, max_size=4), st.integers(0, 20))
def test_fixed_width_text_cuts_the_bytes_evenly(value: str, length: int) -> None:
    encoded = value.encode()
    result = fixed_width_text(encoded * length, len(encoded), length)
    result.validate(full=True)
    assert result.type == pa.large_string() and result.to_pylist() == [value] * length


@given(st.lists(st.binary(min_size=3, max_size=3), max_size=20), st.sampled_from([b"", b"F-"]))
def test_hex_text_is_each_rows_hex_digits(rows: list[bytes], prefix: bytes) -> None:
    octets = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(-1, 3)
    result = hex_text(octets, prefix)
    result.validate(full=True)
    assert result.to_pylist() == [prefix.decode() + row.hex() for row in rows]


# ---------------------------------------------------------------------------------------------
# Integers read off bytes
# ---------------------------------------------------------------------------------------------


@given(st.binary(max_size=24), st.sampled_from(["<u8", "<u2", ">u4", "u1"]))
def test_words_at_each_byte(data: bytes, dtype: str) -> None:
    kind = np.dtype(dtype)
    order: Literal["big", "little"] = "big" if kind.byteorder == ">" else "little"
    words = words_at_each_byte(np.frombuffer(data, dtype=np.uint8), kind)
    size = kind.itemsize
    expected = [int.from_bytes(data[i : i + size], order) for i in range(len(data) - size + 1)]
    assert words.tolist() == expected


@given(
    st.dictionaries(st.integers(0, 7), st.integers(0, 255), max_size=8),
    st.binary(min_size=8, max_size=8),
)
def test_byte_pattern_matches_words_with_those_bytes(wanted: dict[int, int], word: bytes) -> None:
    mask, value = byte_pattern(wanted)
    number = np.uint64(int.from_bytes(word, "little"))
    fits = all(word[position] == byte for position, byte in wanted.items())
    assert ((number & mask) == value) == fits
    spelled = bytearray(word)
    for position, byte in wanted.items():
        spelled[position] = byte
    assert (np.uint64(int.from_bytes(spelled, "little")) & mask) == value


@given(st.lists(st.binary(min_size=8, max_size=8), max_size=20), st.sampled_from(["<u8", "<u2"]))
def test_every_byte_below_ten(words: list[bytes], dtype: str) -> None:
    size = np.dtype(dtype).itemsize
    cut = [word[:size] for word in words]
    numbers = np.frombuffer(b"".join(cut), dtype=dtype)
    assert every_byte_below_ten(numbers).tolist() == [all(b <= 9 for b in word) for word in cut]
    digits = np.frombuffer(b"".join(bytes(b % 10 for b in word) for word in cut), dtype=dtype)
    assert every_byte_below_ten(digits).all()
