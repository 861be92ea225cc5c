"""UN XML entries read in one batch: errors still name the first bad entry in document order."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from screening.errors import InputFileError
from screening.lists import load_list

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST dateGenerated="2026-11-20">\n'


def _person(ref: str, name: str = "KIM TEST", listed: str = "2017-06-02", extra: str = "") -> str:
    return (
        f"<INDIVIDUAL><DATAID>{ref}-id</DATAID><FIRST_NAME>{name}</FIRST_NAME>"
        f"<REFERENCE_NUMBER>{ref}</REFERENCE_NUMBER><LISTED_ON>{listed}</LISTED_ON>"
        f"{extra}</INDIVIDUAL>\n"
    )


def _entity(ref: str, name: str = "TEST TRADING") -> str:
    return (
        f"<ENTITY><FIRST_NAME>{name}</FIRST_NAME>"
        f"<REFERENCE_NUMBER>{ref}</REFERENCE_NUMBER></ENTITY>\n"
    )


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "un.xml"
    path.write_text(f"{HEAD}{body}</CONSOLIDATED_LIST>\n", encoding="utf-8")
    return path


def _error(path: Path) -> InputFileError:
    with pytest.raises(InputFileError) as err:
        load_list(path)
    return err.value


def test_a_bad_date_names_its_entry_and_line(tmp_path: Path) -> None:
    body = (
        f"<INDIVIDUALS>\n{_person('KPi.1')}{_person('KPi.2', listed='2017-13-40')}</INDIVIDUALS>\n"
    )
    error = _error(_write(tmp_path, body))
    assert error.message == "INDIVIDUALS/INDIVIDUAL KPi.2: month must be in 1..12"
    assert error.line == 5


def test_an_invalid_entry_before_a_bad_date_is_the_one_reported(tmp_path: Path) -> None:
    people = _person("KPi.1") + _person("KPi.2", name=" ") + _person("KPi.3", listed="x")
    error = _error(_write(tmp_path, f"<INDIVIDUALS>\n{people}</INDIVIDUALS>\n"))
    assert error.message == "INDIVIDUALS/INDIVIDUAL KPi.2: Value error, must not be empty"
    assert error.line == 5


def test_a_bad_date_before_an_invalid_entry_is_the_one_reported(tmp_path: Path) -> None:
    people = _person("KPi.1", listed="x") + _person("KPi.2", name=" ")
    error = _error(_write(tmp_path, f"<INDIVIDUALS>\n{people}</INDIVIDUALS>\n"))
    assert error.message == "INDIVIDUALS/INDIVIDUAL KPi.1: Invalid isoformat string: 'x'"
    assert error.line == 4


def test_an_invalid_entity_after_valid_individuals(tmp_path: Path) -> None:
    body = (
        f"<INDIVIDUALS>\n{_person('KPi.1')}</INDIVIDUALS>\n"
        f"<ENTITIES>\n{_entity('KPe.1')}{_entity('KPe.2', name='')}</ENTITIES>\n"
    )
    error = _error(_write(tmp_path, body))
    assert error.message == "ENTITIES/ENTITY KPe.2: Value error, must not be empty"
    assert error.line == 8


def test_every_group_and_only_entry_tags_are_read(tmp_path: Path) -> None:
    body = (
        f"<INDIVIDUALS>\n{_person('KPi.1')}<NOTE>x</NOTE></INDIVIDUALS>\n<ENTITIES>\n{_entity('KPe.1')}"
        f"</ENTITIES>\n<INDIVIDUALS>\n{_person('KPi.2')}</INDIVIDUALS>\n"
    )
    entries = load_list(_write(tmp_path, body)).entries
    assert [(e.reference, e.schema) for e in entries] == [
        ("KPi.1", "person"),
        ("KPi.2", "person"),
        ("KPe.1", "organization"),
    ]


def test_nationalities_of_every_element_and_repeated_spellings(tmp_path: Path) -> None:
    both = (
        "<NATIONALITY><VALUE>Pakistan</VALUE></NATIONALITY>"
        "<NATIONALITY><VALUE> Democratic People's Republic of Korea </VALUE><VALUE>PK</VALUE>"
        "</NATIONALITY>"
    )
    one = "<NATIONALITY><VALUE>Pakistan</VALUE></NATIONALITY>"
    people = _person("KPi.1", extra=both) + _person("KPi.2", extra=one)
    people += _person("KPi.3", extra=both) + _person("KPi.4")
    entries = load_list(_write(tmp_path, f"<INDIVIDUALS>\n{people}</INDIVIDUALS>\n")).entries
    assert [e.nationalities for e in entries] == [["PK", "KP"], ["PK"], ["PK", "KP"], []]
    assert entries[0].nationalities is not entries[2].nationalities


def test_the_garbage_collector_is_left_as_it_was(tmp_path: Path) -> None:
    good = _write(tmp_path, f"<INDIVIDUALS>\n{_person('KPi.1')}</INDIVIDUALS>\n")
    load_list(good)
    assert gc.isenabled()
    (tmp_path / "bad.xml").write_text(f"{HEAD}<INDIVIDUALS>", encoding="utf-8")
    _error(tmp_path / "bad.xml")
    assert gc.isenabled()
    gc.disable()
    try:
        load_list(good)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_the_host_program_froze_stay_frozen(tmp_path: Path) -> None:
    good = _write(tmp_path, f"<INDIVIDUALS>\n{_person('KPi.1')}</INDIVIDUALS>\n")
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        load_list(good)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
