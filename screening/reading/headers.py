"""Headers: which column of a record kind each header of a file names.

A header names a column exactly (case and separators folded: `Full Name` is `full_name`), through
the user's mapping (`--map OLD=NEW`, `--columns FILE`), or not at all, and is then kept as an extra
column. A header that only *looks like* a column (a typo, a missing separator, a synonym from the
record models' `look_alikes`, a Cyrillic letter in a Latin word) is refused with the fix: read as an
extra column, a misspelt `nationality` would leave every worker's nationality empty and every
violation unfound without a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import OSA

from screening.errors import InputFileError
from screening.records import RecordKind, Schema, schema_for
from screening.yamlfile import load_yaml

_SEPARATORS = re.compile(r"[\s\-./]+")
# Cyrillic letters that look like Latin ones, typed into a Latin header by a Russian keyboard
_LOOKALIKE_LETTERS = str.maketrans("аеорсухкмтвн", "aeopcyxkmtbh")


def canonical_header(name: str) -> str:
    """`Full Name`, `full-name` and ` FULL_NAME ` all name the column `full_name`."""
    return _SEPARATORS.sub("_", name.strip().casefold()).strip("_")


@dataclass(frozen=True)
class ColumnMap:
    """The user's header → column mapping (`--map`, `--columns`), in canonical headers. A header
    mapped to itself is kept as an extra column even when it looks like a known one."""

    renames: Mapping[str, str]
    source: Path | None = None  # the mapping file, if any

    @classmethod
    def parse(cls, items: Sequence[str], file: Path | None = None) -> ColumnMap:
        """`OLD=NEW` items (the `--map` option), after those of a mapping file (`--columns`)."""
        renames = dict(_read_map_file(file)) if file else {}
        for item in items:
            old, sep, new = item.partition("=")
            if not sep or not old.strip() or not new.strip():
                raise InputFileError(f"--map {item!r}: write it as OLD=NEW, e.g. dob=date_of_birth")
            renames[canonical_header(old)] = canonical_header(new)
        return cls(renames, file)

    def apply(self, header: Sequence[str]) -> list[str]:
        return [self.renames.get(name, name) for name in header]


NO_MAP = ColumnMap({})


def _read_map_file(path: Path) -> dict[str, str]:
    """A YAML mapping of headers to columns (`natinality: nationality`), loaded as rule files
    are: safely, within bounds, a problem named at its line."""
    data, _ = load_yaml(path, InputFileError)
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in data.items()
    ):
        raise InputFileError(
            "write one `header: column` pair a line, e.g. `natinality: nationality`", path
        )
    return {canonical_header(key): canonical_header(value) for key, value in data.items()}


def check_mapped(columns: ColumnMap) -> None:
    """Refuse a mapping to a column no record kind has (a typo in the fix itself)."""
    known = {name for kind in RecordKind for name in schema_for(kind).columns}
    for old, new in columns.renames.items():
        if new != old and new not in known:
            closest = _closest(new, known)
            hint = f"; did you mean {closest}?" if closest else ""
            raise InputFileError(f"--map {old}={new}: no record kind has a column {new!r}{hint}")


def looks_like(header: str, schema: Schema, present: set[str]) -> str | None:
    """The column of `schema` a header that is not one of its columns looks like, if any; columns
    the file already has are not looked for again (`permit_issuer` beside `permit_issued`)."""
    if header in schema.columns:
        return None
    wanted = [name for name in schema.columns if name not in present]
    folded = header.translate(_LOOKALIKE_LETTERS)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode() or folded
    synonym = schema.look_alikes.get(header) or schema.look_alikes.get(folded)
    if synonym in wanted:
        return synonym
    for name in wanted:
        if _close(folded, name):
            return name
    return None


def _close(header: str, column: str) -> bool:
    """A typo or another writing of the column: the same letters without separators, the same
    words in another order, or one slip (two in a long name) of the keyboard."""
    if header.replace("_", "") == column.replace("_", ""):
        return True
    if sorted(header.split("_")) == sorted(column.split("_")):
        return True
    slips = 1 if len(column) <= 8 else 2
    return len(header) > 3 and OSA.distance(header, column, score_cutoff=slips) <= slips


def _closest(name: str, candidates: set[str]) -> str | None:
    found = [candidate for candidate in sorted(candidates) if _close(name, candidate)]
    return found[0] if found else None


def refuse_look_alikes(
    original: Sequence[str],
    header: Sequence[str],
    schema: Schema,
    columns: ColumnMap,
    where: tuple[Path, int],
) -> None:
    """Refuse the file when a header looks like a column of its kind and is not mapped."""
    present = set(header)
    slips = [
        (written, name, column)
        for written, name in zip(original, header, strict=True)
        if name not in columns.renames and (column := looks_like(name, schema, present)) is not None
    ]
    if slips:
        raise InputFileError(_slips_message(slips), *where)


def refuse_near_kind(
    original: Sequence[str], header: Sequence[str], where: tuple[Path, int]
) -> None:
    """When no kind fits the header: a required column written with a slip is named, with the
    fix, instead of 'fits no record kind'."""
    present = set(header)
    for kind in RecordKind:
        schema = schema_for(kind)
        missing = [name for name in schema.required if name not in present]
        slips = [
            (written, name, column)
            for written, name in zip(original, header, strict=True)
            if (column := looks_like(name, schema, present)) in missing
        ]
        if slips and {column for _, _, column in slips} == set(missing):
            raise InputFileError(_slips_message(slips), *where)


def _slips_message(slips: Sequence[tuple[str, str, str]]) -> str:
    named = ", ".join(f"{written.strip()!r} looks like {column}" for written, _, column in slips)
    fixes = " ".join(f"--map {name}={column}" for _, name, column in slips)
    keep = " ".join(f"--map {name}={name}" for _, name, _ in slips)
    return (
        f"header {named}: rename the column, or map it with {fixes} "
        f"(or --columns FILE); {keep} keeps it as an extra column"
    )
