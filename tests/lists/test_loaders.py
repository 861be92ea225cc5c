"""Loaders on small real-format files, including malformed and hostile ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from screening.errors import InputFileError
from screening.lists import bundled_list, load_list
from screening.lists.loading import detect_format

DATA = Path(__file__).parent.parent / "data" / "lists"


def test_un_xml_individuals_and_entities() -> None:
    watchlist = load_list(DATA / "un_consolidated.xml")
    assert watchlist.format == "un-xml"
    assert watchlist.as_of == dt.date(2026, 11, 20)
    by_ref = {e.reference: e for e in watchlist.entries}
    assert set(by_ref) == {"KPi.901", "QDi.901", "KPe.901"}  # padding stripped, all programmes
    person = by_ref["KPi.901"]
    assert person.schema == "person"
    assert person.entry_id == "9000001"
    assert person.name == "TEST SU YONG"
    assert [(a.name, a.quality) for a in person.aliases] == [
        ("Test Su-Yong", "Good"),
        ("Tesut Suyong", "Low"),
    ]
    assert person.birth_dates == ["1961-02-14", "1960"]
    assert person.nationalities == ["KP"]
    assert person.listed_on == dt.date(2017, 6, 2)
    assert person.programmes == ["DPRK"]
    assert person.remarks == "Fictional fixture entry. Second line of comments."
    assert by_ref["QDi.901"].birth_dates == ["1958", "1959", "1960"]
    assert by_ref["QDi.901"].nationalities == []
    entity = by_ref["KPe.901"]
    assert entity.schema == "organization"
    assert entity.name == "EXAMPLE KUMSAN TRADING CORPORATION"
    assert [a.quality for a in entity.aliases] == ["a.k.a.", "f.k.a."]


@pytest.mark.parametrize("name", ["un_xxe.xml", "un_bomb.xml"])
def test_hostile_xml_is_refused_not_expanded(name: str) -> None:
    with pytest.raises(InputFileError) as err:
        load_list(DATA / name)
    assert err.value.path == DATA / name
    assert "unsafe XML refused" in err.value.message


def test_entity_without_dtd_is_an_error_not_text(tmp_path: Path) -> None:
    text = (DATA / "un_consolidated.xml").read_text(encoding="utf-8")
    path = tmp_path / "un.xml"
    path.write_text(text.replace("Test Su-Yong", "Test &secret;"), encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_list(path)
    assert "invalid XML: undefined entity" in err.value.message


def test_dtd_marker_in_a_comment_parses_like_the_plain_file(tmp_path: Path) -> None:
    text = (DATA / "un_consolidated.xml").read_text(encoding="utf-8")
    head, body = text.split("\n", 1)
    path = tmp_path / "un.xml"
    path.write_text(f"{head}\n<!-- no <!DOCTYPE here -->\n{body}", encoding="utf-8")
    assert load_list(path).entries == load_list(DATA / "un_consolidated.xml").entries


def test_dtd_after_a_comment_is_refused(tmp_path: Path) -> None:
    bomb = (DATA / "un_bomb.xml").read_text(encoding="utf-8")
    head, body = bomb.split("\n", 1)
    path = tmp_path / "un.xml"
    path.write_text(f"{head}\n<!-- list -->\n{body}", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_list(path)
    assert "unsafe XML refused" in err.value.message


def test_impossible_list_date_is_a_file_error(tmp_path: Path) -> None:
    text = (DATA / "un_consolidated.xml").read_text(encoding="utf-8")
    path = tmp_path / "un.xml"
    path.write_text(text.replace('dateGenerated="2026-11-20', 'dateGenerated="2026-13-45'))
    with pytest.raises(InputFileError) as err:
        load_list(path)
    assert (err.value.message, err.value.line) == ("invalid dateGenerated '2026-13-45'", 2)


def test_truncated_xml_points_at_line() -> None:
    with pytest.raises(InputFileError) as err:
        load_list(DATA / "un_truncated.xml")
    assert err.value.line is not None and err.value.line > 1
    assert str(err.value).startswith(f"{DATA / 'un_truncated.xml'}:")


def test_xml_entry_without_name_points_at_entry() -> None:
    with pytest.raises(InputFileError) as err:
        load_list(DATA / "un_bad_entry.xml")
    assert "KPi.903" in err.value.message
    assert err.value.line == 8


def test_opensanctions_csv_with_program_ids() -> None:
    watchlist = load_list(DATA / "targets.simple.csv")
    assert watchlist.format == "opensanctions-csv"
    ids = [e.entry_id for e in watchlist.entries]
    assert ids == ["NK-test-person-1", "NK-test-org-1", "NK-test-company-1"]  # vessel skipped
    person, org, company = watchlist.entries
    assert [a.name for a in person.aliases] == ["Test Cheol Nam", "테스트 철남"]
    assert person.birth_dates == ["1961-02-14", "1960"]
    assert person.programmes == ["UN-SC1718"]
    assert org.nationalities == ["KP", "CN"]
    assert org.programmes == ["UN-SC1718", "US-DPRK3"]
    assert company.schema == "organization"
    assert company.programmes == ["US OFAC SDN"]  # no program ids: the dataset


def test_opensanctions_csv_without_program_ids() -> None:
    (entry,) = load_list(DATA / "targets.simple.old.csv").entries
    assert entry.programmes == ["un_sc_sanctions", "us_ofac_sdn"]
    assert entry.birth_dates == ["1961"]


def test_opensanctions_csv_bad_row() -> None:
    with pytest.raises(InputFileError) as err:
        load_list(DATA / "targets.bad.csv")
    assert err.value.line == 3
    assert "name" in err.value.message


def test_ftm_json_lines() -> None:
    watchlist = load_list(DATA / "entities.ftm.json")
    assert watchlist.format == "ftm"
    person, org = watchlist.entries  # the Sanction entity is not a party
    assert person.birth_dates == ["1961-02-14"]
    assert person.nationalities == ["KP"]
    assert org.name == "Example Kumsan Trading Corporation"
    assert [a.name for a in org.aliases] == ["Example Kumsan Trading Co.", "Old Example Trading"]


def test_ftm_bad_line() -> None:
    with pytest.raises(InputFileError) as err:
        load_list(DATA / "entities.bad.json")
    assert err.value.line == 2


def test_native_bad_entry_points_at_its_line() -> None:
    with pytest.raises(InputFileError) as err:
        load_list(DATA / "native_bad.yaml")
    assert err.value.line == 9
    assert "entry 2" in err.value.message


def test_native_yaml_syntax_error() -> None:
    with pytest.raises(InputFileError) as err:
        load_list(DATA / "native_syntax.yaml")
    assert err.value.line is not None


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="unrecognised list format"):
        load_list(DATA / "unknown.txt")
    with pytest.raises(InputFileError, match="cannot read"):
        load_list(tmp_path / "missing.xml")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFileError, match="empty"):
        load_list(empty)


def test_format_detected_from_content_not_extension(tmp_path: Path) -> None:
    disguised = tmp_path / "list.txt"
    disguised.write_bytes((DATA / "targets.simple.csv").read_bytes())
    assert load_list(disguised).format == "opensanctions-csv"
    assert detect_format("<?xml version='1.0'?><CONSOLIDATED_LIST>") == "un-xml"


def test_bundled_list() -> None:
    watchlist = bundled_list()
    refs = {e.reference for e in watchlist.entries}
    assert {"KPe.001", "KPe.050", "KPi.062"} <= refs
    assert watchlist.as_of is not None
    assert all(e.nationalities == ["KP"] for e in watchlist.entries)
    assert all(not e.birth_dates for e in watchlist.entries)  # never invented
    mansudae = next(e for e in watchlist.entries if e.reference == "KPe.050")
    assert mansudae.listed_on == dt.date(2017, 8, 5)
    assert len({e.entry_id for e in watchlist.entries}) == len(watchlist.entries)
