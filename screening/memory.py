"""How the process uses memory through a screen: policy the runner applies, never a stage.

`reuse_freed_memory` and `settle_imports` are opted into once, by the command that screens.

A screen makes thousands of column-long temporaries: masks, row positions, hashes, 8 MB each for
a million records. glibc's malloc takes a block that big straight from the kernel (`mmap`) and
hands it back when it is freed, so the next array of that size is faulted in again, one page at a
time, which costs seconds of system time in a million-record screen. With the thresholds raised,
freed blocks stay in the heap for the next array, for a little more peak memory (measured in
BENCHMARKS.md, `benchmarks/scale.py`).
"""

from __future__ import annotations

import ctypes
import gc
import platform
from functools import cache

import pyarrow as pa

# mallopt(3) parameters
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_KEPT = 1 << 30  # bytes: blocks up to 1 GiB come from the heap; up to 1 GiB of free top is kept


@cache
def reuse_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds for this process, once; whether it was done (not on
    other C libraries, which have no `mallopt`)."""
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return all(
        mallopt(parameter, _KEPT) == 1 for parameter in (_M_MMAP_THRESHOLD, _M_TRIM_THRESHOLD)
    )


def release_unused_memory() -> None:
    """Hand back to the system the blocks Arrow's allocator keeps after a large table is freed
    (a file's bytes, the CSV parser's blocks), so the next stage starts from what is in use."""
    pa.default_memory_pool().release_unused()


@cache
def settle_imports() -> None:
    """Take everything alive now (the imported modules, their tables and models) out of the
    cyclic collector's sight (`gc.freeze`): they stay alive to the end, and a full collection
    that walks them finds nothing to free. Building a list of 10,000 entries makes hundreds of
    thousands of objects, each full collection it triggers walked every module again."""
    gc.freeze()
