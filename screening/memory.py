"""How the process reuses memory through a screen.

A screen makes thousands of column-long temporaries: masks, row positions, hashes, 8 MB each for a
million records. glibc's malloc takes a block that big straight from the kernel (`mmap`) and
hands it back when it is freed, so the next array of that size is faulted in again, one page at a
time, which costs seconds of system time in a million-record screen. With the thresholds raised,
freed blocks stay in the heap for the next array, for a little more peak memory (measured in
BENCHMARKS.md, `benchmarks/scale.py`).
"""

from __future__ import annotations

import ctypes
import platform
from functools import cache

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
