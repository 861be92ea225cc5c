"""The files a command reads, refused before any is opened when they are not regular files.

Readers open their files by path and read them whole. A FIFO would block the open itself until a
writer came, and a device such as /dev/zero never ends, so each path is looked at with `os.stat`
(which opens nothing) first. Standard input ("-") is not a supported input.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from screening.errors import InputFileError

RULE_FILES = "*.yaml"


def check_input_files(paths: Iterable[Path]) -> None:
    """Refuse the first path that is missing or is not a regular file."""
    for path in paths:
        check_input_file(path)


def check_input_file(path: Path) -> None:
    """Refuse a path that is missing, unreadable or not a regular file (a symlink is followed)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputFileError("file not found", path) from None
    except OSError as error:
        raise InputFileError(f"cannot read file: {error.strerror or error}", path) from None
    if stat.S_ISDIR(mode):
        raise InputFileError("is a folder, not a file", path)
    if not stat.S_ISREG(mode):
        raise InputFileError(f"is {_kind(mode)}, not a regular file; give a file", path)


def check_rule_files(directory: Path) -> None:
    """Refuse a rule file of the directory that is not a regular file (a missing directory is left
    to the rulebook, which says so)."""
    if directory.is_dir():
        check_input_files(path for path in sorted(directory.glob(RULE_FILES)) if not path.is_dir())


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
