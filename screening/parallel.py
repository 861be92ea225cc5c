"""The threads a screen's work runs on: one runner per screen, used by every stage.

The work a screen does per column or per rule runs in Arrow and NumPy kernels, which let go of
the GIL while they run: threads keep every core busy without copying tables between processes.
A `Runner` owns them: a pool of `WORKERS` threads for independent items (`each`, `stream`), and one
lane for long work that runs beside the caller (`beside`: loading the lists while the records are
read, matching names while the rules run). The screen opens one (`running`); the stages below
take it from there, without a thread of their own:
- outside a runner (a library call, a rule file's examples), every item runs in the calling
  thread, and `beside` work runs when its result is asked for;
- inside a pool thread, `each` and `stream` run their items in that thread: nested work never
  waits for the pool it is running on, and never has more threads than cores.
Results come back in the order of the input, so no result depends on which thread finished
first; an exception raised by one item (or an interrupt) is raised to the caller once the items
already running have finished, and the items not yet started are dropped.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from screening.errors import ScreeningError

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

Item = TypeVar("Item")
Result = TypeVar("Result")


def _cores() -> int:
    """The cores this process may run on (its affinity, where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# More threads than cores only adds the memory of the columns in flight.
WORKERS = max(1, min(_cores(), 4))
NEEDS_DASK = "--engine dask needs Dask: pip install 'screening[dask]'"
SCHEDULER_TIMEOUT = "10s"
"""How long to try to reach a `--scheduler` before giving up."""
LARGE_GRAPH = {"distributed.admin.large-graph-warning-threshold": "1GiB"}
"""Dask warns of a task graph over 10 MB, meant for data sent by mistake. A screen sends the
masks of the rules run once (a byte a company each: 18 MB at 1M companies) in its graph on
purpose, so that Dask can make them again; the warning spoke to every user of such a register."""
SPILLING = {
    "distributed.worker.memory.target": 0.5,
    "distributed.worker.memory.spill": 0.6,
    "distributed.worker.memory.pause": 0.75,
}
"""When a local Dask worker spills its partitions to disk, and stops taking steps, as parts of
its memory limit: earlier than Dask's defaults (0.6, 0.7, 0.8), since a step's own memory (the
companies and relationships it reads beside its partition, its context) is not Dask's to spill
and needs the room."""


class Runner:
    """The threads of one screen: a pool for items, a lane for work beside the caller."""

    def __init__(self, workers: int = WORKERS) -> None:
        self.workers = workers
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="screening")
        self._lane = ThreadPoolExecutor(1, thread_name_prefix="screening-beside")
        self._threads: set[int] = set()

    def close(self, *, failed: bool) -> None:
        """Join the threads; after a failure, work not yet started is dropped."""
        self._lane.shutdown(wait=True, cancel_futures=failed)
        self._pool.shutdown(wait=True, cancel_futures=failed)

    def on_pool(self) -> bool:
        """Whether the calling thread is one of the pool's (or the lane's)."""
        return threading.get_ident() in self._threads

    def submit(self, work: Callable[[], Result]) -> Future[Result]:
        return self._pool.submit(self._marked, work)

    def submit_beside(self, work: Callable[[], Result]) -> Future[Result]:
        return self._lane.submit(self._marked, work)

    def _marked(self, work: Callable[[], Result]) -> Result:
        self._threads.add(threading.get_ident())
        return work()


_RUNNER: ContextVar[Runner | None] = ContextVar("runner", default=None)


@contextmanager
def running(workers: int = WORKERS) -> Iterator[Runner]:
    """The runner of the work inside the block: a new one, or the one already running."""
    current = _RUNNER.get()
    if current is not None:
        yield current
        return
    runner = Runner(workers)
    token = _RUNNER.set(runner)
    failed = True
    try:
        yield runner
        failed = False
    finally:
        _RUNNER.reset(token)
        runner.close(failed=failed)


@contextmanager
def serial() -> Iterator[None]:
    """Run everything in the calling thread meanwhile: for work on small tables (a rule file's
    examples), where handing items to threads costs more than the work they would share."""
    token = _RUNNER.set(None)
    try:
        yield
    finally:
        _RUNNER.reset(token)


def _spreading() -> Runner | None:
    """The runner to spread items over, or None to run them in the calling thread."""
    runner = _RUNNER.get()
    if runner is None or runner.workers < 2 or runner.on_pool():
        return None
    return runner


def each(work: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """`[work(item) for item in items]`, the items spread over the runner's pool."""
    listed = list(items)
    runner = _spreading()
    if runner is None or len(listed) < 2:
        return [work(item) for item in listed]
    return list(stream(work, listed))


def stream(work: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
    """`work(item)` for each item, in order, as each is ready: at most as many items are in
    flight as the pool has threads, so results not yet taken do not pile up."""
    runner = _spreading()
    if runner is None:
        yield from (work(item) for item in items)
        return
    pending: deque[Future[Result]] = deque()
    try:
        for item in items:
            if len(pending) >= runner.workers:
                yield pending.popleft().result()
            pending.append(runner.submit(partial(work, item)))
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        for future in pending:
            if not future.cancelled():
                future.exception()  # wait for the items already running


@contextmanager
def cluster(scheduler: str | None) -> Iterator[Client]:
    """A Dask client: of the scheduler at `scheduler`, or of a cluster started here and closed
    after, with one single-threaded worker process per core (the screen's stages are Arrow and
    NumPy kernels and Python between them: processes, not threads, share the cores) and this
    machine's memory divided between them, each spilling to disk before it runs out."""
    try:
        import dask
        from distributed import Client, KilledWorker
    except ImportError:
        raise ScreeningError(NEEDS_DASK) from None
    try:
        with dask.config.set(LARGE_GRAPH):
            if scheduler is None:
                with local_cluster() as local, Client(local) as client:
                    yield client
                return
            try:
                connected = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
            except (OSError, TimeoutError) as error:
                raise ScreeningError(
                    f"cannot reach the Dask scheduler at {scheduler}: {error}"
                ) from None
            with connected as client:
                yield client
    except KilledWorker as error:
        raise ScreeningError(
            f"Dask workers died running a step of the screen ({error.task}) as often as Dask "
            "retries it: no report was written"
        ) from None
    except CancelledError as error:  # a worker was lost with what no step can make again
        raise ScreeningError(
            f"a Dask worker was lost mid-screen ({error}): no report was written; give the "
            "workers more memory, or split the worker files"
        ) from None


@contextmanager
def local_cluster(memory_limit: str = "auto") -> Iterator[LocalCluster]:
    """A Dask cluster on this machine: one single-threaded worker process per core, each
    limited to `memory_limit` ("auto": this machine's memory divided between them) and spilling
    to disk as `SPILLING` says."""
    import dask
    from distributed import LocalCluster

    with (
        dask.config.set(SPILLING),
        LocalCluster(
            n_workers=WORKERS,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit=memory_limit,
        ) as local,
    ):
        yield local


def start(work: Callable[[], Result]) -> Future[Result]:
    """Start `work` on the runner's pool, for its result to be taken later (rows rendered ahead
    of being written); without a runner, or on a pool thread, it runs when its result is first
    asked for."""
    runner = _spreading()
    return runner.submit(work) if runner is not None else _Deferred(work)


def beside(work: Callable[[], Result]) -> Future[Result]:
    """Start `work` on the runner's lane, beside the caller: long work whose result is needed
    later (loading the lists while records are read); without a runner, or on a pool thread, it
    runs when its result is first asked for."""
    runner = _RUNNER.get()
    if runner is not None and not runner.on_pool():
        return runner.submit_beside(work)
    return _Deferred(work)


class _Deferred(Future[Result]):
    """A future that does its work in the first thread asking for its result."""

    def __init__(self, work: Callable[[], Result]) -> None:
        super().__init__()
        self._work: Callable[[], Result] | None = work
        self._running = threading.Lock()

    def result(self, timeout: float | None = None) -> Result:
        self._run()
        return super().result(timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        self._run()
        return super().exception(timeout)

    def done(self) -> bool:
        return self._work is None or super().done()

    def _run(self) -> None:
        with self._running:
            work, self._work = self._work, None
            if work is None:
                return
            try:
                self.set_result(work())
            except BaseException as error:  # handed to whoever asks, as a pool's future does
                self.set_exception(error)
