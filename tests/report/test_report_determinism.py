"""The same screen gives the same workbook parts whatever Python's string hashing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_WRITE_AND_HASH = """
import hashlib, sys, zipfile
from pathlib import Path
from screening.report.workbook import write_report
from tests.report.conftest import make_result
out = Path(sys.argv[1])
write_report(make_result(), out)
with zipfile.ZipFile(out) as book:
    for name in ("xl/styles.xml", "xl/worksheets/sheet2.xml", "xl/sharedStrings.xml"):
        print(name, hashlib.sha256(book.read(name)).hexdigest())
"""


def _parts(tmp_path: Path, seed: str) -> str:
    root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-c", _WRITE_AND_HASH, str(tmp_path / f"report-{seed}.xlsx")],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_style_ids_and_findings_do_not_depend_on_string_hashing(tmp_path: Path) -> None:
    assert _parts(tmp_path, "1") == _parts(tmp_path, "2")
