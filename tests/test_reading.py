"""Reading CSV files: kind detection from the header, rejected rows with their line numbers."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

from screening.errors import InputFileError
from screening.reading import TEXT, canonical_header, decode, read_records
from screening.records import RecordKind


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("record_id,full_name,nationality", RecordKind.worker),
        ("Record ID, Full Name ,Nationality", RecordKind.worker),
        ("RECORD-ID;NAME;COUNTRY", RecordKind.company),
        ("record_id\tcompany_id\tparty_name\trole", RecordKind.relationship),
    ],
)
def test_kind_is_detected_from_the_header(tmp_path: Path, header: str, kind: RecordKind) -> None:
    separator = ";" if ";" in header else "\t" if "\t" in header else ","
    path = tmp_path / "records.csv"
    path.write_text(header + "\n" + separator.join(["A-1"] * (header.count(separator) + 1)) + "\n")
    assert read_records(path).kind is kind


def test_header_fitting_no_kind_says_what_each_kind_needs(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,label\n1,2\n")
    with pytest.raises(InputFileError) as caught:
        read_records(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:1: header fits no record kind")
    assert "worker needs record_id, full_name" in message


def test_header_fitting_two_kinds_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("record_id,full_name,name\n1,2,3\n")
    with pytest.raises(InputFileError, match="more than one record kind .worker, company."):
        read_records(path)


def test_ragged_and_incomplete_rows_are_rejected_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "workers.csv"
    path.write_text(
        "record_id,full_name,nationality\n"
        "W1,Kim Chol,KP\n"
        'W2,"Pak\nIl Kyu",KP\n'  # a quoted newline: the row spans lines 3-4
        "W3,Ri Su Yong\n"  # too few fields, line 5
        "\n"
        ",No Id,KP\n"  # missing required record_id, line 7
        "W5,Jon Hyok,KP,extra\n"  # too many fields, line 8
        "W6,O Kwang,KP\n"
    )
    table = read_records(path)
    assert list(table.frame["record_id"]) == ["W1", "W2", "W6"]
    assert list(table.frame["_line"]) == [2, 3, 9]
    rejected = table.rejected.set_index("line")["reason"].to_dict()
    assert rejected == {
        5: "has 2 fields, the header has 3",
        7: "missing required value: record_id",
        8: "has 4 fields, the header has 3",
    }
    assert table.rows == 6


def test_extra_columns_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("record_id,name,Parent Group\nC1,Vostok,Holding A\n")
    table = read_records(path)
    assert table.extra_columns == ["parent_group"]
    assert table.frame.loc[0, "parent_group"] == "Holding A"


def test_canonical_header() -> None:
    assert canonical_header("  Date of Birth ") == "date_of_birth"
    assert canonical_header("permit-issued") == "permit_issued"


def test_not_utf8_names_the_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes("record_id,full_name\nW1,Ким\n".encode("cp1251"))
    with pytest.raises(InputFileError, match="--encoding"):
        read_records(path)
    assert read_records(path, encoding="cp1251").frame.loc[0, "full_name"] == "Ким"


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("")
    with pytest.raises(InputFileError, match="empty"):
        read_records(path)


def test_columns_are_arrow_strings_with_file_line_and_digest(tmp_path: Path) -> None:
    path = tmp_path / "workers.csv"
    path.write_text("record_id,full_name,role\nW1, Kim ,\nW2,Pak,\u00a0welder\n")
    table = read_records(path)
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    frame = table.frame
    assert frame["full_name"].tolist() == ["Kim", "Pak"]
    assert frame["role"].tolist() == ["", "welder"]
    assert frame["full_name"].dtype == TEXT and frame["nationality"].dtype == TEXT
    assert frame["_line"].dtype == "int64" and frame["_file"].dtype == object


BOM = codecs.BOM_UTF8
HEAD = b"record_id,full_name\nW1,Kim\n"


def _as_text_before(data: bytes, encoding: str | None) -> str:
    """How a file was read as text before decoding moved to bytes."""
    if encoding is not None:
        return data.decode(encoding).removeprefix("\ufeff")
    if data.startswith(BOM):
        return data.decode("utf-8-sig").removeprefix("\ufeff")
    return data.decode("utf-8")


@pytest.mark.parametrize("encoding", [None, "utf-8", "UTF8", "utf-8-sig"])
@pytest.mark.parametrize("data", [HEAD, BOM + HEAD, BOM + BOM + HEAD], ids=["none", "bom", "two"])
def test_utf8_is_validated_not_decoded_with_the_same_text(
    data: bytes, encoding: str | None
) -> None:
    decoded = decode(data, Path("w.csv"), encoding)
    assert decoded.text == _as_text_before(data, encoding)
    assert decoded.data is data  # no copy of the file


def test_invalid_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes(b"record_id,full_name\nW1,K\xffm\n")
    with pytest.raises(InputFileError, match=r"not valid utf-8 text \(byte 24\)"):
        read_records(path, encoding="utf-8")


@pytest.mark.parametrize(
    ("ids", "rejected"),
    [(["W1", "W2", "W3"], []), (["W2", "W1", "W3"], []), (["W2", "W1", "W2"], [4])],
)
def test_duplicate_ids_in_any_order_are_rejected(
    tmp_path: Path, ids: list[str], rejected: list[int]
) -> None:
    path = tmp_path / "w.csv"
    path.write_text("record_id,full_name\n" + "".join(f"{i},Kim\n" for i in ids))
    assert read_records(path).rejected["line"].tolist() == rejected
