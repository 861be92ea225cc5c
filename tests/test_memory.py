"""`memory.reuse_freed_memory`: glibc's thresholds raised once per process, nothing elsewhere."""

from __future__ import annotations

import ctypes
import platform
from collections.abc import Iterator

import pytest

from screening import memory


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    memory.reuse_freed_memory.cache_clear()
    yield
    memory.reuse_freed_memory.cache_clear()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibc_takes_the_thresholds() -> None:
    assert memory.reuse_freed_memory() is True


def test_other_c_libraries_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform, "libc_ver", lambda: ("", ""))
    monkeypatch.setattr(ctypes, "CDLL", pytest.fail)
    assert memory.reuse_freed_memory() is False
