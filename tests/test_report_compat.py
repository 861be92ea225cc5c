"""Reports written by another version still read back (issue 18).

`tests/data/reports/demo-openpyxl-writer.xlsx` is the demo report (`screening demo --as-of
2026-12-01`) as the code wrote it before the report's columns were declared once in
`screening.rows`. It stays as it was committed: whatever columns the Findings sheet gains or
loses, a report with the columns required on import (`rows.FINDING_REQUIRED_ON_IMPORT`) must
still be imported and still serve as `--baseline`; a column the reader does not know is ignored,
an optional one that is absent reads as blank.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner, Result

from screening.resources import demo_dir
from screening.review.decisions import STORE_NAME, load_store
from screening.rows import FINDING_COLUMNS, FINDING_REQUIRED_ON_IMPORT
from tests.conftest import fails, run_cli, sheet_rows

OLD_REPORT = Path(__file__).parent / "data" / "reports" / "demo-openpyxl-writer.xlsx"
AS_OF = "2026-12-01"  # the fixture's
DECISIONS = [("false positive", "A. Analyst"), ("confirmed", "B. Reviewer")]


def _copy(tmp_path: Path, name: str, edit: Callable[[Worksheet], None] | None = None) -> Path:
    """The old report saved under a new name, its Findings sheet edited as a user (or a later
    version of screening) might have."""
    workbook = openpyxl.load_workbook(OLD_REPORT)
    if edit is not None:
        edit(workbook["Findings"])
    path = tmp_path / name
    workbook.save(path)
    return path


def _header(sheet: Worksheet) -> list[str]:
    return [str(cell.value) for cell in sheet[1]]


def _decide(sheet: Worksheet) -> None:
    """A reviewer's decisions on the first findings (a comment where the sheet has the column)."""
    column = {name: number + 1 for number, name in enumerate(_header(sheet))}
    for row, (decision, reviewer) in enumerate(DECISIONS, start=2):
        sheet.cell(row, column["decision"]).value = decision
        sheet.cell(row, column["reviewer"]).value = reviewer
        if "comment" in column:
            sheet.cell(row, column["comment"]).value = f"{decision}: checked the file"


def _future(sheet: Worksheet) -> None:
    """A Findings sheet of a later version: a column this one does not know (inserted near the
    front, so every known column moves) and two optional columns gone."""
    sheet.insert_cols(2)
    sheet.cell(1, 2).value = "risk_score"
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 2).value = row * 0.5
    for name in ("comment", "name"):  # read by import and by --baseline; neither is required
        sheet.delete_cols(_header(sheet).index(name) + 1)
    _decide(sheet)


def _without(name: str) -> Callable[[Worksheet], None]:
    def edit(sheet: Worksheet) -> None:
        sheet.delete_cols(_header(sheet).index(name) + 1)

    return edit


def _decided_ids(report: Path) -> dict[str, tuple[str, str]]:
    return {
        str(row["finding_id"]): (str(row["decision"]), str(row["reviewer"]))
        for row in sheet_rows(report, "Findings")
        if row["decision"] != "open"
    }


def _run_with_baseline(runner: CliRunner, baseline: Path, out: Path) -> Result:
    demo = sorted(demo_dir().glob("*.csv"))
    return run_cli(runner, "run", *demo, "--baseline", baseline, "--as-of", AS_OF, "--out", out)


def test_the_fixture_is_the_old_report() -> None:
    """The fixture is from before: it has every column then written, and none since."""
    header = _header(openpyxl.load_workbook(OLD_REPORT, read_only=True)["Findings"])
    assert set(FINDING_REQUIRED_ON_IMPORT) <= set(header)
    assert len(header) == 23 and header[0] == "finding_id"


@pytest.mark.parametrize(
    ("name", "edit"), [("old.xlsx", _decide), ("future.xlsx", _future)], ids=["old", "future"]
)
def test_review_import_of_an_old_or_future_report(
    runner: CliRunner, tmp_path: Path, name: str, edit: Callable[[Worksheet], None]
) -> None:
    reviewed = _copy(tmp_path, name, edit)
    decided = _decided_ids(reviewed)
    assert [decision for decision, _ in decided.values()] == [d for d, _ in DECISIONS]

    result = run_cli(runner, "review", "import", reviewed)

    assert result.exit_code == 0, result.output
    assert "imported 2 decision(s)" in result.stdout
    store = load_store(tmp_path / STORE_NAME)
    assert {key: (d.decision, d.reviewer) for key, d in store.items()} == decided
    comments = {decision.comment for decision in store.values()}
    if name == "future.xlsx":
        assert comments == {""}  # the absent optional column reads as blank
    else:
        assert comments == {f"{d}: checked the file" for d, _ in DECISIONS}
    assert all(decision.fingerprint.record_sha for decision in store.values())


@pytest.mark.parametrize("future", [False, True], ids=["old", "future"])
def test_an_old_or_future_report_is_a_baseline(
    runner: CliRunner, tmp_path: Path, future: bool
) -> None:
    baseline = _copy(tmp_path, "future.xlsx", _future) if future else OLD_REPORT
    out = tmp_path / "new.xlsx"

    result = _run_with_baseline(runner, baseline, out)

    assert result.exit_code == 0, result.output
    # Same inputs: every finding of the baseline is matched, none is new or gone. (Whether the
    # evidence of a matched finding reads as changed is not the columns' business: issue 19.)
    changes = sheet_rows(out, "Changes")
    assert [row for row in changes if row["change"] in ("new", "gone")] == []
    then = {row["finding_id"] for row in sheet_rows(OLD_REPORT, "Findings")}
    now = {row["finding_id"] for row in sheet_rows(out, "Findings")}
    assert then == now and len(then) > 100


@pytest.mark.parametrize("column", ["record_sha", "finding_id", "decision"])
def test_a_report_missing_a_required_column_is_refused(
    runner: CliRunner, tmp_path: Path, column: str
) -> None:
    assert column in FINDING_REQUIRED_ON_IMPORT
    broken = _copy(tmp_path, "broken.xlsx", _without(column))

    line = fails(run_cli(runner, "review", "import", broken), "broken.xlsx", "Findings", column)
    assert f"lacks column {column}," in line
    assert not (tmp_path / STORE_NAME).exists()

    out = tmp_path / "new.xlsx"
    fails(_run_with_baseline(runner, broken, out), "broken.xlsx", "Findings", column)
    assert not out.exists()


def test_every_missing_required_column_is_named_at_once(runner: CliRunner, tmp_path: Path) -> None:
    def edit(sheet: Worksheet) -> None:
        for name in ("rule_sha", "entry_sha", "sources"):  # sources is optional
            _without(name)(sheet)

    broken = _copy(tmp_path, "broken.xlsx", edit)
    line = fails(run_cli(runner, "review", "import", broken), "lacks columns rule_sha, entry_sha,")
    assert "sources" not in line


def test_only_the_required_columns_are_required() -> None:
    """What a finding is matched by and the reviewer's decision; the rest is optional."""
    assert set(FINDING_REQUIRED_ON_IMPORT) == {
        "finding_id",
        "rule_id",
        "record_type",
        "record_id",
        "list_reference",
        "record_sha",
        "rule_sha",
        "entry_sha",
        "evidence",
        "decision",
        "reviewer",
    }
    assert set(FINDING_REQUIRED_ON_IMPORT) < set(FINDING_COLUMNS)
