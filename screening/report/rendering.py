"""Rendering the table sheets' rows ahead of writing them, on the runner's threads.

Rendering a sheet's rows starts as soon as its body is given (`RowRenderer.start`), so the rows of
later sheets render while earlier ones are deflated and written, and chunks of rows render on
several threads at once (`parallel.start`): Arrow's kernels, numpy's and ISA-L's deflate release
the GIL, so the work spreads over cores. At most `CHUNKS_AHEAD` rendered chunks wait to be
written, which bounds the memory held. The shared-string table fills in the order the bodies were
started, so it is the same from run to run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from functools import partial

from screening import parallel
from screening.report.sheetdata import SharedStrings, SheetBody

CHUNKS_AHEAD = 4


class RowRenderer:
    """Renders the rows of the bodies it is given, in the order given (the sheets' order);
    `rows(body)` yields each body's chunks in order, as they are ready."""

    def __init__(self) -> None:
        self.strings = SharedStrings()
        self._prepared: Future[None] | None = None
        # Chunks to render, then chunks rendering or rendered, both in sheet and row order.
        self._waiting: deque[tuple[SheetBody, Future[None], int]] = deque()
        self._rendering: deque[tuple[SheetBody, Future[memoryview]]] = deque()

    def start(self, body: SheetBody) -> None:
        """Begin rendering the body's rows; bodies must come in the order of their sheets."""
        prepared = parallel.start(partial(_prepare, body, self.strings, self._prepared))
        self._prepared = prepared
        self._waiting.extend((body, prepared, start) for start in body.chunk_starts())
        self._submit()

    def rows(self, body: SheetBody) -> Iterator[memoryview]:
        """The body's rendered `<row>` elements, a chunk at a time."""
        for _ in body.chunk_starts():
            self._submit()
            owner, chunk = self._rendering.popleft()
            if owner is not body:
                raise RuntimeError("the table sheets were written out of the order started")
            yield chunk.result()

    def shared_strings(self) -> bytes:
        """The `xl/sharedStrings.xml` part, once every body started has added its strings."""
        if self._prepared is not None:
            self._prepared.result()
        return self.strings.xml()

    def _submit(self) -> None:
        while self._waiting and len(self._rendering) < CHUNKS_AHEAD:
            body, prepared, start = self._waiting.popleft()
            self._rendering.append((body, parallel.start(partial(_render, body, prepared, start))))


def _prepare(body: SheetBody, strings: SharedStrings, previous: Future[None] | None) -> None:
    # The sheets before add their strings first: the table reads the same from run to run.
    if previous is not None:
        previous.result()
    body.prepare(strings)


def _render(body: SheetBody, prepared: Future[None], start: int) -> memoryview:
    prepared.result()
    return body.render_chunk(start)
