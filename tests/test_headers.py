"""Headers: a header that looks like a column is refused with the fix, never read as an extra column
that leaves the column empty; `--map` and `--columns` read an export whose headers cannot change;
other headers are kept and listed.

The headers are the slips and habits of real exports (HR, migration and registry systems), written
before the check was run on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.errors import InputFileError
from screening.reading import NO_MAP, ColumnMap, read_records
from screening.records import MODELS, RecordKind, schema_for
from tests.conftest import AS_OF, fails, run_cli, sheet_rows

DPRK_WORKER = "W1,Kim Chol Ung,КНДР,C1,2018-03-01,2023-05-02"
WORKER_HEADER = "record_id,full_name,{nationality},employer_id,permit_issued,employment_start"

Writer = Callable[[str, str], Path]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("natinality", "nationality"),  # the issue's file: one letter dropped
        ("Nationalty", "nationality"),
        ("nationaltiy", "nationality"),  # two letters swapped
        ("Citizenship", "nationality"),  # a synonym
        ("гражданство", "nationality"),  # a Russian export
        ("nаtionаlity", "nationality"),  # Cyrillic а typed in a Latin word
        ("Nationality ", "nationality_"),  # not a slip: trailing space is folded away
    ],
)
def test_a_header_that_looks_like_a_column_is_refused_with_the_fix(
    write_csv: Writer, header: str, column: str
) -> None:
    path = write_csv("workers.csv", WORKER_HEADER.format(nationality=header) + "\n" + DPRK_WORKER)
    if column.endswith("_"):  # the column itself, however it is spaced and cased
        assert "nationality" not in read_records(path).extra_columns
        return
    with pytest.raises(InputFileError) as caught:
        read_records(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:1: header {header!r} looks like {column}")
    assert "--map" in message and "--columns" in message


@pytest.mark.parametrize(
    ("kind", "header", "column"),
    [
        (RecordKind.worker, "DOB", "date_of_birth"),
        (RecordKind.worker, "Date of Brith", "date_of_birth"),
        (RecordKind.worker, "Passport No", "passport_number"),
        (RecordKind.worker, "visa", "visa_type"),
        (RecordKind.worker, "Employer", "employer_name"),
        (RecordKind.worker, "company_id", "employer_id"),
        (RecordKind.worker, "hire_date", "employment_start"),
        (RecordKind.worker, "Permit Expiry Date", "permit_expires"),
        (RecordKind.worker, "salary", "monthly_income"),
        (RecordKind.company, "Country of Registration", "country"),
        (RecordKind.company, "Reg No", "registration_number"),
        (RecordKind.company, "industry", "sector"),
        (RecordKind.company, "dissolution date", "dissolved"),
        (RecordKind.relationship, "Shareholding", "share_pct"),
        (RecordKind.relationship, "nationality", "party_country"),
        (RecordKind.relationship, "relationship", "role"),
        (RecordKind.relationship, "party_typ", "party_type"),
    ],
)
def test_synonyms_and_slips_of_every_kind_are_named(
    write_csv: Writer, kind: RecordKind, header: str, column: str
) -> None:
    required = ",".join(schema_for(kind).required)
    values = ",".join("x" for _ in schema_for(kind).required)
    path = write_csv("file.csv", f"{required},{header}\n{values},y\n")
    with pytest.raises(InputFileError, match=f"looks like {column}"):
        read_records(path)


def test_a_slip_in_a_required_column_is_named_instead_of_no_kind_fitting(write_csv: Writer) -> None:
    path = write_csv("workers.csv", "record_id,ful_name,nationality\nW1,Kim,KP\n")
    with pytest.raises(InputFileError, match="'ful_name' looks like full_name"):
        read_records(path)


@pytest.mark.parametrize(
    "header",
    ["shoe_size", "department", "Comment", "notes", "internal ref no", "manager", "phone"],
)
def test_other_headers_are_kept_as_extra_columns(write_csv: Writer, header: str) -> None:
    path = write_csv("workers.csv", f"record_id,full_name,nationality,{header}\nW1,Kim,KP,z\n")
    raw = read_records(path)
    assert raw.extra_columns == [header.strip().lower().replace(" ", "_")]


def test_a_look_alike_of_a_column_the_file_has_is_kept(write_csv: Writer) -> None:
    """`permit_issuer` beside `permit_issued` is its own column, not a slip."""
    path = write_csv(
        "workers.csv",
        "record_id,full_name,permit_issued,permit_issuer\nW1,Kim,2019-01-01,FMS Primorye\n",
    )
    assert read_records(path).extra_columns == ["permit_issuer"]


def test_the_map_reads_the_header_as_the_column_and_finds_the_violation(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    workers = write_csv(
        "workers.csv", WORKER_HEADER.format(nationality="natinality") + "\n" + DPRK_WORKER
    )
    out = tmp_path / "r.xlsx"
    fails(run_cli(runner, "run", workers, "--out", out, "--as-of", AS_OF), "looks like nationality")
    assert not out.exists()

    result = run_cli(
        runner, "run", workers, "--out", out, "--as-of", AS_OF, "--map", "natinality=nationality"
    )
    assert result.exit_code == 0, result.output
    rules = {row["rule_id"] for row in sheet_rows(out, "Findings")}
    assert "unscr2397-op8-income-after-repatriation-deadline" in rules
    run = {row["key"]: row["value"] for row in sheet_rows(out, "Run")}
    assert "nationality (mapped from 'natinality')" in str(run["columns recognised"])
    assert run["kept as extra columns"] == "none"


def test_a_columns_file_maps_every_header_it_names(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    workers = write_csv(
        "workers.csv",
        "ID,ФИО,Гражданство,employer_id,employment_start\nW1,Ким Чоль,КНДР,C1,2023-05-02\n",
    )
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("ID: record_id\nФИО: full_name\nГражданство: nationality\n", "utf-8")
    out = tmp_path / "r.xlsx"
    result = run_cli(runner, "run", workers, "--out", out, "--as-of", AS_OF, "--columns", mapping)
    assert result.exit_code == 0, result.output
    assert any(str(row["rule_id"]).startswith("unscr2397") for row in sheet_rows(out, "Findings"))


def test_mapping_a_header_to_itself_keeps_it_as_an_extra_column(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    workers = write_csv(
        "workers.csv", "record_id,full_name,nationality,permit\nW1,Kim,KP,annual quota\n"
    )
    out = tmp_path / "r.xlsx"
    result = run_cli(
        runner, "run", workers, "--out", out, "--as-of", AS_OF, "--map", "permit=permit"
    )
    assert result.exit_code == 0, result.output
    assert "workers.csv: kept as extra column (read by no rule): permit" in result.stdout
    run = {row["key"]: row["value"] for row in sheet_rows(out, "Run")}
    assert run["kept as extra columns"] == "permit"
    assert run["columns recognised"] == "record_id, full_name, nationality"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--map", "natinality"], "write it as OLD=NEW"),
        (["--map", "natinality=nationalty"], "did you mean nationality?"),
        (["--columns", "missing.yaml"], "file not found"),
    ],
)
def test_a_bad_mapping_is_one_line(
    runner: CliRunner, write_csv: Writer, tmp_path: Path, args: list[str], needle: str
) -> None:
    workers = write_csv("workers.csv", "record_id,full_name,natinality\nW1,Kim,KP\n")
    args = [str(tmp_path / arg) if arg.endswith(".yaml") else arg for arg in args]
    result = run_cli(runner, "run", workers, "--out", tmp_path / "r.xlsx", *args)
    fails(result, needle)


def test_a_columns_file_that_is_not_a_mapping_is_one_line(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    workers = write_csv("workers.csv", "record_id,full_name,natinality\nW1,Kim,KP\n")
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("- natinality\n- nationality\n", "utf-8")
    result = run_cli(runner, "run", workers, "--out", tmp_path / "r.xlsx", "--columns", mapping)
    fails(result, "columns.yaml", "`header: column`")


@pytest.mark.parametrize("kind", list(RecordKind))
def test_each_look_alike_names_one_column_and_no_column_is_a_look_alike(kind: RecordKind) -> None:
    """Declared on the record models' fields: one header names at most one column of a kind."""
    declared = Counter(
        header
        for info in MODELS[kind].model_fields.values()
        if isinstance(info.json_schema_extra, dict)
        for header in info.json_schema_extra.get("look_alikes", [])  # type: ignore[union-attr]
    )
    assert [header for header, count in declared.items() if count > 1] == []
    assert set(declared) & set(schema_for(kind).columns) == set()
    assert set(declared) == set(schema_for(kind).look_alikes)


def test_reading_without_a_map_is_reading_with_an_empty_one(write_csv: Writer) -> None:
    path = write_csv("workers.csv", "record_id,full_name,shoe_size\nW1,Kim,42\n")
    assert read_records(path, columns=NO_MAP).extra_columns == ["shoe_size"]
    mapped = read_records(path, columns=ColumnMap.parse(["shoe_size=shoe_size"]))
    assert mapped.extra_columns == ["shoe_size"]


def test_a_column_rules_test_that_a_file_lacks_is_said_once(
    runner: CliRunner, write_csv: Writer, tmp_path: Path
) -> None:
    workers = write_csv(
        "workers.csv",
        "record_id,full_name,nationality,employer_id,employment_start,committee_exemption\n"
        + "\n".join(f"W{n},Kim Chol {n},KP,C1,2023-05-02," for n in range(5))
        + "\n",
    )
    out = tmp_path / "r.xlsx"
    result = run_cli(runner, "run", workers, "--out", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    issues = [row for row in sheet_rows(out, "Data issues") if row["field"] == "visa_type"]
    assert len(issues) == 1  # once for the file, not once per record
    assert issues[0]["line"] == 1 and not issues[0]["record_id"]
    assert "unscr2397-op8-income-after-repatriation-deadline" in str(issues[0]["problem"])
    assert "5 records" in str(issues[0]["problem"])
    fields = {row["field"] for row in sheet_rows(out, "Data issues")}
    assert "committee_decision" not in fields  # committee_exemption is read into it
    assert "nationality" not in fields
    run = {row["key"]: row["value"] for row in sheet_rows(out, "Run")}
    assert "visa_type" in str(run["tested by rules, not in the file"])
    assert "no column for what rules test (read as not recorded): " in result.stdout
