"""Shared fixtures: the CLI runner and small CSV writers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from screening.cli import app

AS_OF = "2026-11-23"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write CSV text (dedented by the caller) to tmp_path/name and return the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def run_cli(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def fails(result: Any, *needles: str) -> str:
    """The one stderr line of a fatal error (exit 2, no traceback), holding every needle."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0]
    return str(lines[0])


def sheet_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    """The rows of a report sheet as dicts keyed by its header."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook[sheet].iter_rows(values_only=True))
    workbook.close()
    header = [str(cell) for cell in rows[0]]
    return [
        dict(zip(header, row, strict=False)) for row in rows[1:] if any(c is not None for c in row)
    ]
