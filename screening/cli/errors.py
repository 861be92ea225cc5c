"""One place where errors become exit codes: 2 and one stderr line for anything fatal.

This is the command's runner: it also turns SIGTERM into the same path as Ctrl-C, and shows every
message through `printable`, since messages quote input (a header, a value, a file name) and raw
control bytes there would reach the terminal.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

import typer

from screening.errors import ScreeningError

EXIT_FATAL = 2
INTERRUPTED = "interrupted: no report was written"
OUT_OF_MEMORY = (
    "out of memory: this needs more memory than the machine has free; split the input into "
    "smaller files, or run on a machine with more memory"
)
TOO_DEEP = (
    "an input is nested too deeply to read (a YAML, JSON or XML structure thousands of levels "
    "deep); check the rule, list, suppressions and decision files given"
)

# Bidirectional formatting characters: they reorder how the rest of a line is displayed, so a
# quoted value could make a message read as something else.
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
# C0 and C1 control characters, DEL, bidi formatting, and the Unicode line and paragraph
# separators (a line break to some terminals).
_ESCAPES = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in [*range(0x20), *range(0x7F, 0xA0), *_BIDI, 0x2028, 0x2029]
}


# Raised for the command line library to handle, not errors: an exit with its code, an abort,
# a usage error (its own message and exit 2), and a closed pipe (`screening rules list | head`: a
# quiet exit). Every command runs inside `fatal_errors` (screening.cli.groups), so these pass
# through it.
_CLI_SIGNALS = (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError)


@dataclass
class _State:
    debug: bool = False


state = _State()


def printable(text: str) -> str:
    """The text with every control character shown as its escape (ESC as `\\x1b`, a right-to-left
    override as `\\u202e`), so that it cannot move the cursor, set the terminal's title or reorder
    the line; other characters, Cyrillic or Hangul alike, are kept as they are."""
    return text.translate(_ESCAPES)


def printable_lines(text: str) -> str:
    """`printable` for text of several lines: its line breaks are kept."""
    return "\n".join(printable(line) for line in text.split("\n"))


@contextmanager
def fatal_errors() -> Iterator[None]:
    """Turn a ScreeningError (or an unexpected error) into one line on stderr and exit 2.

    A ScreeningError that lists several problems (`review import`) keeps one line per problem.
    SIGTERM is handled as Ctrl-C is, so that a terminated run removes its temporary files. Every
    command runs inside it (its group's `invoke`, screening.cli.groups); a command may also use it
    around the part that can fail, to print its output only after that part succeeded."""
    with _terminate_as_interrupt():
        try:
            yield
        except _CLI_SIGNALS:
            raise
        except ScreeningError as error:
            _fail(f"error: {printable_lines(str(error))}")
        except KeyboardInterrupt:
            _fail(INTERRUPTED)
        except MemoryError:
            _fail(OUT_OF_MEMORY)
        except RecursionError:
            _fail(TOO_DEEP)
        except Exception as error:  # a bug, not bad input: still one line, traceback on --debug
            detail = printable(f"{type(error).__name__}: {error}")
            _fail(f"internal error: {detail} (rerun with --debug for details)")


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM raises KeyboardInterrupt in the main thread, as Ctrl-C does:
    the writers' cleanup runs and the run ends as interrupted (a signal handler can only be set
    from the main thread; elsewhere the block runs as it is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        # None: the previous handler was not set from Python, which means the default.
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _fail(message: str) -> None:
    if state.debug:
        traceback.print_exc()
    print(f"screening: {message}", file=sys.stderr)
    raise typer.Exit(EXIT_FATAL)
