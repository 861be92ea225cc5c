"""Byte-level views of Arrow arrays, read and built with numpy.

What belongs here: the buffers of Arrow string arrays seen as numpy arrays (offsets, characters,
the first and last byte of each string, whether strings may start or end with some characters),
validity bitmaps, Arrow booleans as numpy ones, text built from bytes (fixed-width strings, hex
digits), and integers read straight off a byte buffer. Every function shares buffers where it
can: these run over whole columns of a million records.

Nothing here knows about records, files or reports: what a column means, and which characters
are blank to it, belongs to the stage that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ARROW_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters Arrow's `utf8_trim_whitespace` strips (checked against Arrow in the tests)."""

# Offsets are 64-bit in the large types, 32-bit in the others.
_WIDE = (pa.large_string(), pa.large_binary())
_NARROW = (pa.string(), pa.binary())
_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
# One-byte characters up to the space are taken as this one range: one comparison instead of
# several, and a string named needlessly is only looked at closer.
_CONTROLS_AND_SPACE = 0x20

Ranges = tuple[tuple[int, int], ...]
"""Inclusive ranges of byte values."""


# ---------------------------------------------------------------------------------------------
# Offsets and characters
# ---------------------------------------------------------------------------------------------


def offsets(text: pa.Array) -> np.ndarray:
    """Where each string of a (large) string or binary array starts in its data buffer, and
    where the last one ends: `len(text) + 1` int64 (a view of the buffer for the large types, a
    copy for the others; a slice's are read from where it starts)."""
    if len(text) == 0:
        return np.zeros(1, dtype=np.int64)
    return _native_offsets(text).astype(np.int64, copy=False)


def _native_offsets(text: pa.Array) -> np.ndarray:
    """`offsets` as the array holds them (int32 or int64), always a view."""
    if text.type in _WIDE:
        width: type[np.signedinteger] = np.int64
    elif text.type in _NARROW:
        width = np.int32
    else:
        raise TypeError(f"offsets of strings or binaries, not {text.type}")
    given = np.frombuffer(text.buffers()[1], dtype=width)
    return given[text.offset : text.offset + len(text) + 1]


def data_bytes(text: pa.Array) -> np.ndarray:
    """The whole data buffer of a (large) string or binary array as uint8, a view: `offsets`
    index into it (a slice's strings are somewhere inside). Empty when it has none."""
    buffer = text.buffers()[2]
    return np.frombuffer(buffer, dtype=np.uint8) if buffer else np.empty(0, dtype=np.uint8)


def joined_bytes(text: pa.Array) -> memoryview:
    """All strings of a (large) string or binary array back to back: its data buffer between
    the first offset and the last, shared, not copied (the view keeps the buffer alive)."""
    if len(text) == 0:
        return memoryview(b"")
    bounds = _native_offsets(text)
    first, last = int(bounds[0]), int(bounds[-1])
    buffer = text.buffers()[2]
    return memoryview(buffer)[first:last] if buffer else memoryview(b"")


def holds_byte(data: memoryview | bytes, byte: int) -> bool:
    """Whether `data` holds the byte `byte` somewhere."""
    return bool(len(data)) and bool((np.frombuffer(data, dtype=np.uint8) == byte).any())


def valid_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8, checked by Arrow over the bytes in place (seen as one
    binary value, not copied)."""
    value_offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, value_offsets, pa.py_buffer(data)])
    try:
        whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# The edges of each string
# ---------------------------------------------------------------------------------------------


def edges(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The first and the last byte of each string of a (large) string array (uint8; 0 for a
    string of no bytes, as a null normally is), read without scanning the text."""
    found = _bounds(text)
    if found is None:
        return np.zeros(len(text), dtype=np.uint8), np.zeros(len(text), dtype=np.uint8)
    starts, ends, data = found
    first, last = data.take(starts, mode="clip"), data.take(ends - 1, mode="clip")
    empty = ends == starts
    if empty.any():
        first[empty] = 0
        last[empty] = 0
    return first, last


def _bounds(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(where each string starts, where it ends, `data_bytes`) of a (large) string array; None
    when it holds no bytes. Reading the byte at a start or before an end with `take(...,
    mode="clip")`, a string of no bytes reads a neighbour's (or the buffer's first or last): the
    caller tells it apart by its bounds."""
    bounds = offsets(text)
    if bounds[-1] == bounds[0]:
        return None
    return bounds[:-1], bounds[1:], data_bytes(text)


@dataclass(frozen=True)
class EdgeBytes:
    """The bytes that show at the edges of a UTF-8 string starting or ending with one of a set
    of characters: its first byte is a character's first byte (`first`), and its last k bytes
    begin with the first byte of a character k bytes long (`last[k - 1]`). Characters sharing a
    first byte with one of the set (an em dash with U+2003) look the same, so a string may be
    named needlessly (`blank_edge_suspects`), never missed."""

    first: Ranges
    last: tuple[Ranges, Ranges, Ranges, Ranges]

    @classmethod
    def of(cls, characters: str) -> EdgeBytes:
        """The edge bytes of `characters`; one-byte characters up to the space stand for every
        byte up to it."""
        leads: list[set[int]] = [set(), set(), set(), set()]
        for character in characters:
            encoded = character.encode("utf-8")
            leads[len(encoded) - 1].add(encoded[0])
        if any(byte <= _CONTROLS_AND_SPACE for byte in leads[0]):
            leads[0] |= set(range(_CONTROLS_AND_SPACE + 1))
        last = (_ranges(leads[0]), _ranges(leads[1]), _ranges(leads[2]), _ranges(leads[3]))
        return cls(_ranges(set().union(*leads)), last)


def _ranges(values: set[int]) -> Ranges:
    """The values as inclusive ranges of consecutive values, ascending."""
    found: list[tuple[int, int]] = []
    for value in sorted(values):
        if found and found[-1][1] == value - 1:
            found[-1] = (found[-1][0], value)
        else:
            found.append((value, value))
    return tuple(found)


def _within(octets: np.ndarray, ranges: Ranges) -> np.ndarray:
    """Which bytes lie in one of the ranges: compared in place, no lookup per byte."""
    found = None
    for low, high in ranges:
        if low == high:
            inside = octets == low
        elif low == 0:
            inside = octets <= high
        else:
            inside = (octets >= low) & (octets <= high)
        found = inside if found is None else np.logical_or(found, inside, out=found)
    return np.zeros(len(octets), dtype=bool) if found is None else found


def blank_edge_suspects(text: pa.Array, blank: EdgeBytes) -> np.ndarray:
    """Positions (ascending) of the strings of a (large) string array that may start or end with
    one of `blank`'s characters: those whose edge bytes are `blank`'s (`EdgeBytes`). Every
    position for an array of another type, whose buffers are not read."""
    if text.type not in (pa.string(), pa.large_string()):
        return np.arange(len(text))
    found = _bounds(text)
    if found is None:
        return np.empty(0, dtype=np.intp)
    starts, ends, data = found
    first, last = data.take(starts, mode="clip"), data.take(ends - 1, mode="clip")
    edged = (_within(first, blank.first) | _within(last, blank.last[0])) & (ends > starts)
    longer = np.flatnonzero(last >= 0x80)  # ends in a character of two bytes or more
    if len(longer):
        longer_ends = ends[longer]
        for length, ranges in zip((2, 3, 4), blank.last[1:], strict=True):
            if ranges:
                named = longer[_within(data.take(longer_ends - length, mode="clip"), ranges)]
                # a string shorter than the character read a neighbour's byte
                edged[named[ends[named] - starts[named] >= length]] = True
    return np.flatnonzero(edged)


def may_have_blank_edges(text: pa.Array, blank: EdgeBytes) -> bool:
    """Whether some string of a (large) string array may start or end with one of `blank`'s
    characters (`blank_edge_suspects` names one). Arrays of other types may.

    Meant for a column that mostly has none: its edge bytes are compared with `blank`'s a stage
    at a time, as a whole, and the first stage to find one answers."""
    if text.type not in (pa.string(), pa.large_string()):
        return True
    found = _bounds(text)
    if found is None:
        return False
    starts, ends, data = found
    first = data.take(starts, mode="clip")
    if _some_filled(_within(first, blank.first), starts, ends, 1):
        return True
    last = data.take(ends - 1, mode="clip")
    if _some_filled(_within(last, blank.last[0]), starts, ends, 1):
        return True
    longer_ends = ends[last >= 0x80]  # of strings ending in a character of two bytes or more
    if not len(longer_ends):
        return False
    for length, ranges in zip((2, 3, 4), blank.last[1:], strict=True):
        if ranges and _within(data.take(longer_ends - length, mode="clip"), ranges).any():
            rows = np.flatnonzero(last >= 0x80)
            named = _within(data.take(ends[rows] - length, mode="clip"), ranges)
            if _some_filled(named, starts[rows], ends[rows], length):
                return True
    return False


def _some_filled(named: np.ndarray, starts: np.ndarray, ends: np.ndarray, length: int) -> bool:
    """Whether a string `named` holds `length` bytes or more (the others read a neighbour's):
    the first one named nearly always does, and only if it does not are all compared."""
    if not named.any():
        return False
    first = int(named.argmax())
    if ends[first] - starts[first] >= length:
        return True
    filled = ends > starts if length == 1 else ends - starts >= length
    return bool((named & filled).any())


# ---------------------------------------------------------------------------------------------
# Validity
# ---------------------------------------------------------------------------------------------


def flags(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean array (or chunked array) as numpy booleans, null as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def validity_bitmap(present: np.ndarray) -> pa.Buffer:
    """An Arrow validity bitmap (bit i of byte i // 8 set where `present[i]`) of numpy booleans."""
    return pa.py_buffer(np.packbits(present, bitorder="little"))


def with_validity(text: pa.Array, present: np.ndarray) -> pa.Array:
    """The (large) string array valid where `present` (numpy booleans, one per string) holds and
    null elsewhere, whatever it was before. Only the validity bitmap is new: the offsets and the
    characters are shared, not copied (a slice's offsets are read from where it starts)."""
    if len(present) != len(text):
        raise ValueError(f"{len(present)} validity flags for {len(text)} strings")
    bitmap = validity_bitmap(present)
    if text.offset == 0:
        buffers = [bitmap, *text.buffers()[1:]]
    else:
        buffers = [bitmap, pa.py_buffer(_native_offsets(text)), text.buffers()[2]]
    if buffers[2] is None:
        buffers[2] = pa.py_buffer(b"")
    return pa.Array.from_buffers(text.type, len(text), buffers)


def empty_as_null(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """The (large) strings with "" null (`with_validity`: the text is shared, not copied); a
    chunked array chunk by chunk. Told from the offsets: no Arrow call for an array without
    nulls."""
    if isinstance(text, pa.ChunkedArray):
        return pa.chunked_array([empty_as_null(chunk) for chunk in text.chunks], type=text.type)
    bounds = offsets(text)
    present = bounds[1:] > bounds[:-1]
    if text.null_count:
        present &= flags(pc.is_valid(text))
    return with_validity(text, present)


# ---------------------------------------------------------------------------------------------
# Text built from bytes
# ---------------------------------------------------------------------------------------------


def fixed_width_text(data: bytes | np.ndarray, width: int, length: int) -> pa.Array:
    """`length` large strings of `width` bytes each, back to back in `data` (bytes, or a
    C-contiguous uint8 array such as one row per string), shared, not copied. The bytes must be
    UTF-8 and every `width` of them whole characters: nothing checks it."""
    value_offsets = np.arange(length + 1, dtype=np.int64) * width
    buffers = [None, pa.py_buffer(value_offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.large_string(), length, buffers)


def hex_text(octets: np.ndarray, prefix: bytes = b"") -> pa.Array:
    """Each row of `octets` (uint8, one row per value) as `prefix` (ASCII) and two lowercase hex
    digits per byte, as Arrow large strings, without a loop (`bytes(row).hex()` after the
    prefix)."""
    start = len(prefix)
    width = start + 2 * octets.shape[1]
    chars = np.empty((len(octets), width), dtype=np.uint8)
    chars[:, :start] = np.frombuffer(prefix, dtype=np.uint8)
    chars[:, start::2] = _HEX_DIGITS[octets >> 4]
    chars[:, start + 1 :: 2] = _HEX_DIGITS[octets & 15]
    return fixed_width_text(chars, width, len(octets))


# ---------------------------------------------------------------------------------------------
# Integers read off bytes
# ---------------------------------------------------------------------------------------------


def words_at_each_byte(data: np.ndarray, dtype: np.dtype[np.unsignedinteger]) -> np.ndarray:
    """Element i: the integer (`dtype`, its byte order) the bytes of `data` from i on spell; as
    many as there are bytes with a whole integer after them. A view, no copy."""
    return np.ndarray(
        (max(len(data) - dtype.itemsize + 1, 0),), dtype=dtype, buffer=data, strides=(1,)
    )


def byte_pattern(bytes_at: dict[int, int]) -> tuple[np.uint64, np.uint64]:
    """(mask, value) of the given bytes at the given positions (0: the lowest byte) of a uint64:
    `word & mask == value` where the word has those bytes there."""
    mask = sum(0xFF << (8 * position) for position in bytes_at)
    value = sum(byte << (8 * position) for position, byte in bytes_at.items())
    return np.uint64(mask), np.uint64(value)


def every_byte_below_ten(words: np.ndarray) -> np.ndarray:
    """Whether every byte of each unsigned integer is 0 to 9 (a digit, once "0" is taken off):
    none has a high bit, and none reaches 16 when 6 is added to it (nothing carries: every byte
    is below 16 by then)."""
    high = words.dtype.type(0xF0F0F0F0F0F0F0F0 & np.iinfo(words.dtype).max)
    sixes = words.dtype.type(0x0606060606060606 & np.iinfo(words.dtype).max)
    over_nine = (words & high) | ((words + sixes) & high)
    return np.asarray(over_nine == 0, dtype=bool)
