"""`screening records`: the CSV columns users prepare, straight from the record models."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from screening.cli import app
from screening.records import MODELS


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
