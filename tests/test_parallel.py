"""The runner's threads: results in input order, errors raised to the caller, nested work run in
the thread it is on, work beside the caller, and no thread outside a runner."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

from screening import parallel


def _name(_: object = None) -> str:
    return threading.current_thread().name


def test_results_come_back_in_input_order_whichever_thread_finishes_first() -> None:
    def slow_first(item: int) -> tuple[int, str]:
        time.sleep(0.02 * (5 - item))
        return item * item, _name()

    with parallel.running(workers=2):
        results = parallel.each(slow_first, range(6))
    assert [square for square, _ in results] == [0, 1, 4, 9, 16, 25]
    assert len({thread for _, thread in results}) == 2


def test_an_error_in_one_item_reaches_the_caller_and_drops_the_items_not_started() -> None:
    started: list[int] = []

    def fails_on_one(item: int) -> int:
        started.append(item)
        if item == 1:
            raise ValueError("item 1")
        time.sleep(0.05)
        return item

    with pytest.raises(ValueError, match="item 1"), parallel.running(workers=2):
        parallel.each(fails_on_one, range(50))
    assert len(started) < 50


def test_outside_a_runner_everything_runs_in_the_calling_thread() -> None:
    caller = _name()
    assert parallel.each(_name, range(3)) == [caller] * 3
    assert list(parallel.stream(_name, range(3))) == [caller] * 3
    assert parallel.beside(_name).result() == caller
    assert parallel.start(_name).result() == caller


def test_one_worker_runs_everything_on_the_calling_thread() -> None:
    caller = _name()
    with parallel.running(workers=1):
        assert parallel.each(_name, range(3)) == [caller] * 3


def test_nested_work_runs_in_the_pool_thread_it_is_on_and_never_waits_for_the_pool() -> None:
    def inner(item: int) -> list[str]:
        return [*parallel.each(_name, range(item + 2)), parallel.beside(_name).result()]

    with parallel.running(workers=2):
        outer = parallel.each(inner, range(8))
    for names in outer:
        assert len(set(names)) == 1 and names[0].startswith("screening")


def test_work_beside_runs_on_its_own_lane_while_the_pool_works() -> None:
    def slow_name() -> str:
        time.sleep(0.1)
        return _name()

    with parallel.running(workers=2):
        lane = parallel.beside(slow_name)
        pool = parallel.each(_name, range(4))
        assert lane.result().startswith("screening-beside")
    assert not any(name.startswith("screening-beside") for name in pool)


def test_a_runner_inside_a_runner_is_the_same_runner() -> None:
    with parallel.running() as outer, parallel.running() as inner:
        assert inner is outer


def test_serial_runs_inside_a_runner_in_the_calling_thread() -> None:
    caller = _name()
    with parallel.running(workers=2), parallel.serial():
        assert parallel.each(_name, range(4)) == [caller] * 4


def test_a_stream_holds_no_more_results_than_threads() -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def counted(item: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with lock:
            running -= 1
        return item

    with parallel.running(workers=2):
        taken = []
        for value in parallel.stream(counted, range(10)):
            taken.append(value)
            time.sleep(0.02)  # a slow consumer: results not taken must not pile up
    assert taken == list(range(10))
    assert most <= 2


def test_a_deferred_error_is_raised_where_the_result_is_asked_for() -> None:
    def fails() -> int:
        raise KeyError("late")

    future = parallel.beside(fails)
    assert not future.done()
    with pytest.raises(KeyError, match="late"):
        future.result()
    assert future.done()


def test_a_small_input_is_screened_on_the_calling_thread_a_large_one_spread(
    tmp_path: Path,
) -> None:
    from screening.pipeline import SMALL_INPUT_BYTES, ScreenRequest, workers_for

    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_text("record_id,full_name\nW1,Kim\n")
    with large.open("wb") as handle:
        handle.truncate(SMALL_INPUT_BYTES)  # sparse: the size is what counts
    today = dt.date(2026, 12, 1)
    assert workers_for(ScreenRequest([small], today, tmp_path, tmp_path)) == 1
    assert workers_for(ScreenRequest([small, large], today, tmp_path, tmp_path)) == (
        parallel.WORKERS
    )
