"""Running a command in a child process under resource limits: time and memory bounds are
asserted through the kernel's accounting (RLIMIT_AS, RLIMIT_CPU), never through wall-clock
timings, which a busy machine would make flaky."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

ADDRESS_SPACE = 2**30
"""Bytes of address space: Python, pandas and pyarrow start in about a third of it."""
CPU_SECONDS = 30


def within_budget(
    *args: str | Path, memory: int | None = ADDRESS_SPACE, cpu_seconds: int = CPU_SECONDS
) -> subprocess.CompletedProcess[str]:
    """`python ARGS` with its address space (unless None: thread pools reserve address space
    far beyond what they use) and CPU time limited; its output captured."""

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    command = [sys.executable, *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, preexec_fn=limit, check=False)


def screening_within_budget(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m screening ARGS` within the default budget."""
    return within_budget("-m", "screening", *args)
