"""`parallel.each`: the results of threaded work in input order, its errors raised to the caller."""

from __future__ import annotations

import threading
import time

import pytest

from screening import parallel


def test_results_come_back_in_input_order_whichever_thread_finishes_first() -> None:
    def slow_first(item: int) -> tuple[int, str]:
        time.sleep(0.02 * (5 - item))
        return item * item, threading.current_thread().name

    results = parallel.each(slow_first, range(6))
    assert [square for square, _ in results] == [0, 1, 4, 9, 16, 25]
    if parallel.WORKERS > 1:
        assert len({thread for _, thread in results}) > 1


def test_an_error_in_one_item_reaches_the_caller() -> None:
    def fails_on_three(item: int) -> int:
        if item == 3:
            raise ValueError("item 3")
        return item

    with pytest.raises(ValueError, match="item 3"):
        parallel.each(fails_on_three, range(6))


def test_one_worker_runs_everything_on_the_calling_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "WORKERS", 1)
    caller = threading.current_thread().name
    assert parallel.each(lambda _: threading.current_thread().name, range(3)) == [caller] * 3
