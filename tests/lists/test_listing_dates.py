"""Every list format that gives a listing date carries it into `ListEntry.listed_on`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from screening.errors import InputFileError
from screening.lists import bundled_list, load_list

DATA = Path(__file__).parent.parent / "data" / "lists"


def test_un_xml_listed_on() -> None:
    by_ref = {e.reference: e.listed_on for e in load_list(DATA / "un_consolidated.xml").entries}
    assert by_ref == {
        "KPi.901": dt.date(2017, 6, 2),
        "QDi.901": dt.date(2001, 10, 6),
        "KPe.901": dt.date(2017, 8, 5),
    }


def test_native_listed_on_only_where_the_reference_gives_one() -> None:
    dated = {e.reference: e.listed_on for e in bundled_list().entries if e.listed_on}
    assert dated == {"KPe.050": dt.date(2017, 8, 5)}


def test_opensanctions_listing_date_is_the_earliest_sanction_start() -> None:
    person, org, company = load_list(DATA / "targets.simple.csv").entries
    # UN from 2017-06-02, US from 2016-03-02 (its end date 2030-12-31 is not a start)
    assert person.listed_on == dt.date(2016, 3, 2)
    # no sanction dates: first_seen (2017-08-05) is not a listing date
    assert org.listed_on is None
    # a year alone is not a date to judge a day by
    assert company.listed_on is None


def test_opensanctions_without_sanctions_column(tmp_path: Path) -> None:
    (entry,) = load_list(DATA / "targets.simple.old.csv").entries
    assert entry.listed_on is None
    path = tmp_path / "targets.csv"
    path.write_text(
        "id,schema,name,sanctions\n"
        'NK-1,Person,Test Chol Nam,"UN - ""reason; with a semicolon"" - 2017-06-02T00:00:00"\n'
        "NK-2,Person,Test Su Yong,UN - 2017-02-30\n",
        encoding="utf-8",
    )
    first, second = load_list(path).entries
    assert first.listed_on == dt.date(2017, 6, 2)
    assert second.listed_on is None  # an impossible date is not read


def test_ftm_listing_date_from_sanction_entities() -> None:
    person, org = load_list(DATA / "entities.ftm.json").entries
    assert person.listed_on == dt.date(2017, 6, 2)  # listingDate before startDate
    assert org.listed_on is None


def _lines(*entities: dict[str, object]) -> str:
    return "\n".join(json.dumps(entity) for entity in entities) + "\n"


def test_ftm_sanction_before_its_entity_and_the_earliest_of_several(tmp_path: Path) -> None:
    path = tmp_path / "entities.json"
    path.write_text(
        _lines(
            {
                "id": "S-1",
                "schema": "Sanction",
                "properties": {"entity": ["P-1"], "startDate": ["2018-01-24"]},
            },
            {
                "id": "P-1",
                "schema": "Person",
                "properties": {"name": ["Test Su Yong"]},
                "first_seen": "2015-01-01T00:00:00",
            },
            {
                "id": "S-2",
                "schema": "Sanction",
                "properties": {"entity": ["P-1"], "listingDate": ["2017-08-05"]},
            },
            {
                "id": "S-3",
                "schema": "Sanction",
                "properties": {"entity": ["P-1"], "listingDate": ["2016"]},
            },
        ),
        encoding="utf-8",
    )
    (person,) = load_list(path).entries
    assert person.listed_on == dt.date(2017, 8, 5)  # first_seen and a bare year are not read


def test_ftm_nested_sanctions(tmp_path: Path) -> None:
    path = tmp_path / "targets.nested.json"
    sanction = {"id": "S-1", "schema": "Sanction", "properties": {"listingDate": ["2009-07-16"]}}
    path.write_text(
        _lines(
            {
                "id": "O-1",
                "schema": "Organization",
                "properties": {"name": ["Example Trading"], "sanctions": [sanction]},
            },
        ),
        encoding="utf-8",
    )
    (org,) = load_list(path).entries
    assert org.listed_on == dt.date(2009, 7, 16)


def test_ftm_sanction_date_of_the_wrong_type_points_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "entities.json"
    path.write_text(
        _lines(
            {"id": "P-1", "schema": "Person", "properties": {"name": ["Test Su Yong"]}},
            {
                "id": "S-1",
                "schema": "Sanction",
                "properties": {"entity": ["P-1"], "listingDate": "2017-08-05"},
            },
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as err:
        load_list(path)
    assert err.value.line == 2
    assert "listingDate" in err.value.message
