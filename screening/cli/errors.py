"""One place where errors become exit codes: 2 and one stderr line for anything fatal."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer

from screening.errors import ScreeningError

EXIT_FATAL = 2


@dataclass
class _State:
    debug: bool = False


state = _State()


@contextmanager
def fatal_errors() -> Iterator[None]:
    """Turn a ScreeningError (or an unexpected error) into one line on stderr and exit 2."""
    try:
        yield
    except typer.Exit:
        raise
    except ScreeningError as error:
        _fail(f"error: {error}")
    except KeyboardInterrupt:
        _fail("interrupted: no report was written")
    except Exception as error:  # a bug, not bad input: still one line, traceback on --debug
        _fail(f"internal error: {type(error).__name__}: {error} (rerun with --debug for details)")


def _fail(message: str) -> None:
    if state.debug:
        traceback.print_exc()
    print(f"screening: {message}", file=sys.stderr)
    raise typer.Exit(EXIT_FATAL)
