"""Rows rendered ahead in threads and spliced into the saved workbook: the same workbook whatever
the chunking and however far ahead rendering runs, every table sheet deflated by ISA-L, and a
failure while rendering stops the write."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from isal import isal_zlib

from screening.report import sheetdata, splice
from screening.report.sheetdata import SheetBody
from screening.report.workbook import write_report
from screening.results import ScreenResult


def with_changes(result: ScreenResult, count: int) -> ScreenResult:
    """The result with a Changes sheet (between Findings and Records) of `count` rows."""
    result.changes = pd.DataFrame(
        {
            "change": ["new"] * count,
            "finding_id": [f"F{n}" for n in range(count)],
            "rule_id": "R-2375-OP17",
            "record_type": "worker",
            "record_id": [f"W{n}" for n in range(count)],
            "why": "record new",
        }
    )
    return result


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_small_chunks_rendered_one_ahead_give_the_same_workbook(
    make_result: Callable[..., ScreenResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several chunks a sheet, a sheet without rows (Rejected), and sheets started while earlier
    # ones still wait to be written.
    result = with_changes(make_result(), 5)
    result.rejected = result.rejected.iloc[:0]
    whole = sheet_values(write_report(result, tmp_path / "whole.xlsx"))
    monkeypatch.setattr(sheetdata, "CHUNK_ROWS", 2)
    monkeypatch.setattr(splice, "CHUNKS_AHEAD", 1)
    chunked = sheet_values(write_report(result, tmp_path / "chunked.xlsx"))
    for values in (whole, chunked):
        values.pop("Run")  # the write's own timing
    assert chunked == whole
    assert len(chunked["Changes"]) == 6
    assert len(chunked["Rejected"]) == 1


def test_table_sheets_are_deflated_by_isal_into_a_valid_archive(
    result: ScreenResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    compressobj = isal_zlib.compressobj

    def counted(*args: Any) -> Any:
        made.append(args)
        return compressobj(*args)

    monkeypatch.setattr(isal_zlib, "compressobj", counted)
    out = write_report(result, tmp_path / "isal.xlsx")
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None  # every part's CRC matches what it inflates to
        sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/sheet")]
        assert all(item.compress_type == zipfile.ZIP_DEFLATED for item in sheets)
    # Findings, Records, Rejected, Data issues, Rules, Sources, Run: not Summary.
    assert len(made) == len(sheets) - 1
    assert openpyxl.load_workbook(out)["Findings"].max_row == len(result.findings) + 1


def test_a_chunk_that_fails_to_render_stops_the_write(
    make_result: Callable[..., ScreenResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = with_changes(make_result(), 7)
    monkeypatch.setattr(sheetdata, "CHUNK_ROWS", 2)
    render_chunk = SheetBody.render_chunk

    def failing(body: SheetBody, start: int) -> memoryview:
        if body.sheet.title == "Changes" and start == 4:
            raise RuntimeError("render failed")
        return render_chunk(body, start)

    monkeypatch.setattr(SheetBody, "render_chunk", failing)
    with pytest.raises(RuntimeError, match="render failed"):
        write_report(result, tmp_path / "report.xlsx")
    assert list(tmp_path.iterdir()) == []
