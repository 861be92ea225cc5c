"""Splicing the table sheets' rows into the saved workbook, rendered ahead in worker threads.

openpyxl saves each table sheet with an empty `<sheetData>`; `RowSplicer` rewrites the archive with
the rows (`sheetdata.SheetBody`) in it, and the shared strings they use in a part of their own.
Rendering a sheet's rows starts as soon as its body is made (`RowSplicer.start`), so it runs while
openpyxl fills the later sheets and saves the workbook, and chunks of rows render in two threads at
once: Arrow's kernels, numpy's and ISA-L's deflate release the GIL, so the work spreads over cores.
At most `CHUNKS_AHEAD` rendered chunks wait to be written, which bounds the memory held.
"""

from __future__ import annotations

import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

from isal import isal_zlib

from screening.report.sheetdata import SharedStrings, SheetBody

RENDER_THREADS = 2
CHUNKS_AHEAD = 4
# ISA-L's level 1 deflates a sheet ~4x faster than zlib's level 1, for a file ~3% larger.
ISAL_LEVEL = 1

_SHARED_STRINGS_PART = "xl/sharedStrings.xml"
_SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_SHARED_STRINGS_RELATION = (
    '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml" Id="rIdSharedStrings"/>'
)
_ZLIB_COMPRESSOR = type(zlib.compressobj())


class RowSplicer:
    """Renders the rows of the bodies it is given, in the order given (the sheets' order), and
    splices them into the saved workbook. Use it as a context manager: leaving it stops the
    rendering threads, dropping work not yet started."""

    def __init__(self) -> None:
        self.strings = SharedStrings()
        self._threads = ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="report-rows")
        self._bodies: list[SheetBody] = []
        self._prepared: Future[None] | None = None
        # Chunks to render, then chunks rendering or rendered, both in sheet and row order.
        self._waiting: deque[tuple[SheetBody, Future[None], int]] = deque()
        self._rendering: deque[tuple[SheetBody, Future[memoryview]]] = deque()

    def __enter__(self) -> RowSplicer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)

    def start(self, body: SheetBody) -> None:
        """Begin rendering the body's rows; bodies must come in the order of their sheets."""
        prepared = self._threads.submit(_prepare, body, self.strings, self._prepared)
        self._prepared = prepared
        self._bodies.append(body)
        self._waiting.extend((body, prepared, start) for start in body.chunk_starts())
        self._submit()

    def splice(self, path: Path) -> None:
        """Put each body's rows (and hyperlinks) into its sheet of the workbook saved at `path`.

        The archive is rewritten beside itself and moved over it; the small parts are deflated
        by zlib at level 1, the table sheets by ISA-L (`_deflated_by_isal`)."""
        # openpyxl numbers the sheets' parts as it saves them.
        by_part = {body.sheet.path.lstrip("/"): body for body in self._bodies}
        spliced = path.with_name(path.name + ".rows")
        try:
            with (
                zipfile.ZipFile(path) as source,
                zipfile.ZipFile(
                    spliced, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
                ) as target,
            ):
                for item in source.infolist():
                    body = by_part.get(item.filename)
                    if body is not None:
                        self._write_sheet(target, item.filename, source.read(item), body)
                    else:
                        target.writestr(
                            item, _declaring_shared_strings(item.filename, source.read(item))
                        )
                if self._prepared is not None:
                    self._prepared.result()  # every body's strings are in, even a rowless one's
                target.writestr(_SHARED_STRINGS_PART, self.strings.xml())
            spliced.replace(path)
        finally:
            spliced.unlink(missing_ok=True)

    def _submit(self) -> None:
        while self._waiting and len(self._rendering) < CHUNKS_AHEAD:
            body, prepared, start = self._waiting.popleft()
            self._rendering.append((body, self._threads.submit(_render, body, prepared, start)))

    def _chunks(self, body: SheetBody) -> Iterator[memoryview]:
        for _ in body.chunk_starts():
            self._submit()
            owner, chunk = self._rendering.popleft()
            if owner is not body:
                raise RuntimeError("the table sheets were started out of their order")
            yield chunk.result()

    def _write_sheet(
        self, target: zipfile.ZipFile, name: str, frame_xml: bytes, body: SheetBody
    ) -> None:
        head, tail = frame_xml.split(b"</sheetData>", 1)
        with target.open(name, "w", force_zip64=True) as sheet:
            _deflated_by_isal(sheet)
            sheet.write(head)
            for chunk in self._chunks(body):
                sheet.write(chunk)
            sheet.write(b"</sheetData>")
            sheet.write(_with_hyperlinks(tail, body.hyperlinks_xml()))


def _prepare(body: SheetBody, strings: SharedStrings, previous: Future[None] | None) -> None:
    # The sheets before add their strings first: the table reads the same from run to run.
    if previous is not None:
        previous.result()
    body.prepare(strings)


def _render(body: SheetBody, prepared: Future[None], start: int) -> memoryview:
    prepared.result()
    return body.render_chunk(start)


def _declaring_shared_strings(name: str, content: bytes) -> bytes:
    """The package's content types and the workbook's relationships, with the shared strings
    part added (openpyxl writes none)."""
    if name == "[Content_Types].xml":
        return content.replace(b"</Types>", _SHARED_STRINGS_TYPE.encode() + b"</Types>")
    if name == "xl/_rels/workbook.xml.rels":
        closing = b"</Relationships>"
        return content.replace(closing, _SHARED_STRINGS_RELATION.encode() + closing)
    return content


def _deflated_by_isal(entry: IO[bytes]) -> None:
    """Have a zip entry open for writing deflate with ISA-L instead of zlib: the same raw deflate
    stream, made faster (and, like zlib, without holding the GIL).

    `zipfile` has no public way to choose the deflate implementation: this swaps the compressor
    of the entry's writer (`zipfile._ZipWriteFile._compressor`), and only when it finds zlib's
    there; were that to change in a later Python, the entry would stay deflated by zlib."""
    if isinstance(getattr(entry, "_compressor", None), _ZLIB_COMPRESSOR):
        cast(Any, entry)._compressor = isal_zlib.compressobj(
            ISAL_LEVEL, isal_zlib.DEFLATED, -zlib.MAX_WBITS
        )


# Worksheet children that come after <hyperlinks> in the schema's fixed order.
_AFTER_HYPERLINKS = (b"<printOptions", b"<pageMargins", b"<pageSetup", b"<headerFooter")


def _with_hyperlinks(tail: bytes, hyperlinks: bytes) -> bytes:
    if not hyperlinks:
        return tail
    positions = [tail.find(tag) for tag in _AFTER_HYPERLINKS]
    at = min((p for p in positions if p >= 0), default=tail.rfind(b"</worksheet>"))
    return tail[:at] + hyperlinks + tail[at:]
