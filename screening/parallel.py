"""Independent whole-column work spread over the machine's cores, on threads.

The work a screen does per column or per rule runs in Arrow and NumPy kernels, which let go of
the GIL while they run: threads keep every core busy without copying tables between processes.
Results come back in the order of the input, so no result depends on which thread finished
first; an exception raised by one item (or an interrupt) is raised to the caller once the items
already running have finished.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def _cores() -> int:
    """The cores this process may run on (its affinity, where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# More threads than cores only adds the memory of the columns in flight.
WORKERS = max(1, min(_cores(), 4))


_serial = False


@contextmanager
def serial() -> Iterator[None]:
    """Run `each` in the calling thread meanwhile: for work on small tables (a rule file's
    examples), where starting threads costs more than the work they would share."""
    global _serial
    before, _serial = _serial, True
    try:
        yield
    finally:
        _serial = before


def each(work: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """`[work(item) for item in items]`, the items spread over `WORKERS` threads."""
    listed = list(items)
    if WORKERS < 2 or len(listed) < 2 or _serial:
        return [work(item) for item in listed]
    pool = ThreadPoolExecutor(max_workers=min(WORKERS, len(listed)))
    try:
        return list(pool.map(work, listed))
    finally:
        # on an error or an interrupt, items not yet started are dropped, not waited for
        pool.shutdown(wait=True, cancel_futures=True)
