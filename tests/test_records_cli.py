"""`screening records`: the CSV columns users prepare, straight from the record models."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from screening.cli import app
from screening.records import MODELS, RecordKind


def test_columns_lists_every_canonical_column_with_its_type() -> None:
    result = CliRunner().invoke(app, ["records", "columns", "--kind", "company"])
    assert result.exit_code == 0, result.output
    for column in ("record_id", "name", "country", "incorporated", "committee_exemption"):
        assert column in result.stdout


def test_schema_is_json_schema_of_a_row() -> None:
    result = CliRunner().invoke(app, ["records", "schema", "relationship"])
    schema = json.loads(result.stdout)
    assert schema["required"] == ["record_id", "company_id", "party_name"]
    assert "share_pct" in schema["properties"]


def test_every_column_says_what_it_means() -> None:
    for kind, model in MODELS.items():
        for name, info in model.model_fields.items():
            assert info.description, (kind.value, name)


def _meanings(output: str) -> dict[tuple[str, str], str]:
    """(kind, column) -> meaning, from the table `records columns` prints (a wrapped meaning is
    joined from its lines)."""
    meanings: dict[tuple[str, str], str] = {}
    row: tuple[str, str] | None = None
    kind = ""
    for line in output.splitlines():
        if line.strip().endswith(" columns"):  # the title of a kind's table
            kind = line.strip().removesuffix(" columns")
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) != 4:
            continue
        column, _, _, meaning = cells
        if column:
            row = (kind, column)
            meanings[row] = meaning
        elif row is not None:
            meanings[row] = f"{meanings[row]} {meaning}".strip()
    return meanings


@pytest.mark.parametrize("width", ["80", "200"])
def test_columns_shows_every_column_uncut_with_a_meaning(width: str) -> None:
    result = CliRunner().invoke(app, ["records", "columns"], env={"COLUMNS": width})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= int(width)
    meanings = _meanings(result.stdout)
    expected = {(kind.value, name) for kind, model in MODELS.items() for name in model.model_fields}
    assert set(meanings) == expected
    assert [row for row, meaning in meanings.items() if not meaning] == []
    assert meanings["worker", "committee_exemption"].startswith("Older single column")


def test_a_bracket_in_a_meaning_is_shown_not_read_as_markup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    field = MODELS[RecordKind.company].model_fields["sector"]
    monkeypatch.setattr(field, "description", "Line of business [bold]e.g.[/bold] [construction]")
    result = CliRunner().invoke(
        app, ["records", "columns", "--kind", "company"], env={"COLUMNS": "200"}
    )
    assert _meanings(result.stdout)["company", "sector"] == (
        "Line of business [bold]e.g.[/bold] [construction]"
    )
