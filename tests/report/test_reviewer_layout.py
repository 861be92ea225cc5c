"""The workbook as a reviewer works in it: on Findings, the record and rule stay in view, the
decision sits right after the explanation, the technical columns are folded away, rows are tall
enough to read; Summary puts the most serious first and shows how far the decisions have got;
Rules explains each rule as `screening rules show` does."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from screening.cli import app
from screening.report.sheets import FINDING_FROZEN, FINDING_TECHNICAL
from screening.resources import rules_dir, seeds_dir
from screening.rows import DECISIONS, FINDING_COLUMNS, REVIEWER_COLUMNS
from screening.rulespec.catalogue import describe
from screening.rulespec.rulebook import load_rulebook
from screening.rulespec.sources import load_corpus


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layout") / "demo.xlsx"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--as-of", "2026-12-01"])
    assert result.exit_code in (0, 1), result.output
    return out


def _rows(book: openpyxl.Workbook, sheet: str) -> list[tuple[object, ...]]:
    return list(book[sheet].iter_rows(values_only=True))


def test_the_record_and_rule_stay_in_view_and_the_decision_follows_the_explanation(
    demo: Path,
) -> None:
    findings = openpyxl.load_workbook(demo)["Findings"]
    header = [cell.value for cell in findings[1]]
    assert tuple(header[: len(FINDING_FROZEN)]) == FINDING_FROZEN
    assert findings.freeze_panes == "D2"
    after = header.index("explanation") + 1
    assert header[after : after + len(REVIEWER_COLUMNS)] == list(REVIEWER_COLUMNS)
    assert header == list(FINDING_COLUMNS)


def test_technical_columns_are_grouped_folded_and_last(demo: Path) -> None:
    findings = openpyxl.load_workbook(demo)["Findings"]
    header = [cell.value for cell in findings[1]]
    folded = [
        header[index]
        for index in range(len(header))
        if findings.column_dimensions[_letter(index + 1)].hidden
    ]
    assert folded == list(FINDING_TECHNICAL)
    assert header[-len(FINDING_TECHNICAL) :] == list(FINDING_TECHNICAL)
    levels = {findings.column_dimensions[_letter(header.index(n) + 1)].outlineLevel for n in folded}
    assert levels == {1}


def test_rows_of_long_text_are_tall_enough_to_read_and_every_cell_reads_from_the_top(
    demo: Path,
) -> None:
    book = openpyxl.load_workbook(demo)
    findings = book["Findings"]
    header = [cell.value for cell in findings[1]]
    explanation = header.index("explanation") + 1
    width = findings.column_dimensions[_letter(explanation)].width
    for row in range(2, findings.max_row + 1):
        text = str(findings.cell(row, explanation).value)
        lines_needed = min(-(-len(text) // int(width - 1)), 8)
        height = findings.row_dimensions[row].height
        assert (height or 15) >= 15 * lines_needed, (row, text)
        for cell in findings[row]:
            if cell.value is not None:  # an empty cell is no cell: nothing to align
                assert cell.alignment.vertical == "top"


def test_the_run_sheet_s_long_values_are_given_rows_tall_enough_to_read(demo: Path) -> None:
    """Its values are text, numbers and dates in one column: the text still wraps and sizes its
    row (the command line, the columns recognised), so no value runs over the next key."""
    run = openpyxl.load_workbook(demo)["Run"]
    width = run.column_dimensions["B"].width
    long_rows = 0
    for row in range(2, run.max_row + 1):
        value = run.cell(row, 2).value
        if isinstance(value, str) and len(value) > width:
            long_rows += 1
            lines_needed = min(-(-len(value) // int(width - 1)), 8)
            assert (run.row_dimensions[row].height or 15) >= 15 * lines_needed, (row, value)
    assert long_rows >= 3  # the columns recognised of each demo file


def test_the_decision_dropdown_covers_the_decision_column(demo: Path) -> None:
    findings = openpyxl.load_workbook(demo)["Findings"]
    letter = _letter(list(FINDING_COLUMNS).index("decision") + 1)
    (validation,) = findings.data_validations.dataValidation
    assert str(validation.sqref) == f"{letter}2:{letter}1048576"
    assert validation.formula1 == '"' + ",".join(DECISIONS) + '"'


def test_summary_lists_the_most_serious_first_with_issues_and_decisions(demo: Path) -> None:
    rows = _rows(openpyxl.load_workbook(demo), "Summary")
    pairs = {row[0]: row[1] for row in rows if row and row[0] is not None}
    assert pairs["data issues"] == 6  # the demo's unreadable values (see screening/demo)
    assert pairs["rejected"] == 0
    assert [pairs[f"decisions: {name}"] for name in DECISIONS] == [pairs["findings"], 0, 0, 0]
    start = next(
        n for n, row in enumerate(rows) if row[:4] == ("rule_id", "title", "severity", "findings")
    )
    severities: list[str] = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        severities.append(str(row[2]))
    order = ["violation", "indicator", "review"]
    assert severities == sorted(severities, key=order.index)
    assert severities[0] == "violation"


def test_rules_sheet_explains_each_rule_as_rules_show_does(demo: Path) -> None:
    rows = _rows(openpyxl.load_workbook(demo), "Rules")
    header = list(rows[0])
    rulebook = load_rulebook(rules_dir(), load_corpus(seeds_dir()))
    by_id = {item.rule.id: item.rule for item in rulebook.rules}
    assert len(rows) - 1 == len(by_id)
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        rule = by_id[str(cells["rule_id"])]
        assert cells["description"] == " ".join(rule.description.split())
        assert cells["conditions"] == describe(rule.when)
        for exception in rule.exceptions:
            assert exception in str(cells["exceptions"])
        assert cells["provision"] == " ".join(rule.legal_basis.summary.split())


def _letter(number: int) -> str:
    from screening.report.xlsx import column_letter

    return column_letter(number)
