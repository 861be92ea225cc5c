"""The user-facing error types: a fatal problem is one `path:line: message` line, exit code 2."""

from __future__ import annotations

from pathlib import Path


class ScreeningError(Exception):
    """A problem the user can fix: bad input, bad rule file, bad argument."""

    exit_code = 2

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}"
        return f"{where}: {self.message}"


class RuleFileError(ScreeningError):
    """A rule file that cannot be loaded or does not validate."""


class InputFileError(ScreeningError):
    """A records, list or workbook file that cannot be used."""
