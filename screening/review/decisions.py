"""Decisions on findings and the append-only decision store (JSON lines, one decision a line)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import shutil
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from screening.errors import InputFileError
from screening.normalizing.values import WrittenDate
from screening.rows import DecisionValue

STORE_NAME = "decisions.jsonl"
"""The store's file name; by default it sits next to the reports."""


class Fingerprint(BaseModel):
    """What a decision was made on: the record's screened values, the rule file, the list entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_sha: str
    rule_sha: str
    entry_sha: str = ""
    version: int = Field(
        default=1, description="Version of the record fingerprint function (stores without it: 1)"
    )


class Decision(BaseModel):
    """One reviewer's decision on one finding, as imported from a reviewed report."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    finding_id: str = Field(pattern=r"^F-[0-9a-f]{12}$")
    decision: DecisionValue
    reviewer: str
    comment: str = ""
    decided_on: WrittenDate = Field(
        description="Written as the records write dates (2026-12-05, 05.12.2026); stored ISO"
    )
    fingerprint: Fingerprint
    evidence: str = Field(description="The evidence the reviewer saw")
    report: str = Field(description="Path of the report the decision was imported from")
    report_sha256: str
    imported_at: dt.datetime


def load_store(path: Path) -> dict[str, Decision]:
    """The latest decision per finding id (later lines win); an absent store is empty."""
    latest: dict[str, Decision] = {}
    for decision in _read_store(path).decisions:
        latest[decision.finding_id] = decision
    return latest


@dataclass(frozen=True)
class StoreUpdate:
    """What an import did to the store."""

    new: int
    """Decisions on findings the store had no decision on: written."""
    updated: int
    """Decisions differing from the store's latest on the same finding (decision, reviewer,
    comment, decided_on, or what it was made on): written, superseding it."""
    unchanged: int
    """Decisions the store already holds as its latest on the finding: not written again."""

    @property
    def written(self) -> int:
        return self.new + self.updated

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged


def append_to_store(
    path: Path, decisions: Iterable[Decision], undated: Collection[str] = ()
) -> StoreUpdate:
    """Add decisions to the store, all or none, except those it already holds: a decision equal
    to the store's latest on its finding (same decision, reviewer, comment and decided_on, made on
    the same fingerprint) is not written again, so importing a workbook twice changes nothing.
    A finding in `undated` had no decided_on in the workbook (the import's day stands in): its
    date is not compared.

    The store is read and checked first, then written whole to a temporary file beside it, synced
    and renamed over it: whatever fails (a full disk, an interrupted process), the store is either
    as it was or holds every new decision, never a part of a line. A store whose last line lacks
    its newline gets one before the new lines."""
    if path.is_symlink():
        path = path.resolve()  # write where the link points, keeping the link
    store = _read_store(path)  # checked even when there is nothing to add
    latest = {decision.finding_id: decision for decision in store.decisions}
    lines = []
    new = updated = unchanged = 0
    for decision in decisions:
        before = latest.get(decision.finding_id)
        if before is not None and _same(before, decision, decision.finding_id in undated):
            unchanged += 1
            continue
        new, updated = (new + 1, updated) if before is None else (new, updated + 1)
        latest[decision.finding_id] = decision
        lines.append(decision.model_dump_json() + "\n")
    update = StoreUpdate(new=new, updated=updated, unchanged=unchanged)
    if not lines:
        return update
    if not path.parent.is_dir():
        raise InputFileError("the decision store's folder does not exist", path.parent)
    separator = b"\n" if store.content and not store.content.endswith(b"\n") else b""
    content = store.content + separator + "".join(lines).encode("utf-8")
    try:
        _replace(path, content, store.state)
    except OSError as error:
        raise InputFileError(
            f"cannot write decision store ({error.strerror or error}); it was left unchanged", path
        ) from None
    return update


def _same(stored: Decision, imported: Decision, undated: bool) -> bool:
    """Whether an imported decision is the one the store holds (its date not compared when the
    workbook gave none)."""
    return (
        stored.decision == imported.decision
        and stored.reviewer == imported.reviewer
        and stored.comment == imported.comment
        and (undated or stored.decided_on == imported.decided_on)
        and stored.fingerprint == imported.fingerprint
    )


@dataclass(frozen=True)
class _Store:
    content: bytes
    decisions: list[Decision]
    state: tuple[int, int, int] | None
    """(inode, size, modification time) when read; None when there was no store."""


def _read_store(path: Path) -> _Store:
    try:
        with path.open("rb") as file:
            state = _state(os.fstat(file.fileno()))
            content = file.read()
    except FileNotFoundError:
        return _Store(b"", [], None)
    except OSError as error:
        raise InputFileError(
            f"cannot read decision store: {error.strerror or error}", path
        ) from None
    try:
        text = content.decode("utf-8-sig")  # a byte-order mark, if an editor added one
    except UnicodeDecodeError as error:
        raise InputFileError(f"decision store is not UTF-8 text ({error.reason})", path) from None
    return _Store(content, _parse(path, text), state)


def _parse(path: Path, text: str) -> list[Decision]:
    # Split on newlines only: str.splitlines would also split a comment at U+2028 and the like,
    # which JSON leaves unescaped.
    lines = text.split("\n")
    decisions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            decisions.append(Decision.model_validate_json(line))
        except ValidationError as error:
            torn = number == len(lines)  # the last line, without its newline
            raise _line_error(path, number, error, torn) from None
    return decisions


def _line_error(path: Path, number: int, error: ValidationError, torn: bool) -> InputFileError:
    first = error.errors()[0]
    if first["type"] != "json_invalid":
        where = ".".join(str(step) for step in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        return InputFileError(f"invalid decision ({where}: {message})", path, number)
    if torn:
        return InputFileError(
            f"line {number} is cut off (a write to the store was interrupted): delete that line, "
            "then import again the report whose decisions it held",
            path,
            number,
        )
    return InputFileError(
        f"line {number} is not one decision in JSON ({first['msg']}); repair or delete that line",
        path,
        number,
    )


def _replace(path: Path, content: bytes, expected: tuple[int, int, int] | None) -> None:
    """Write `content` to a new file beside `path`, sync it and rename it over `path`, unless
    `path` changed since it was read (another import)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: a fresh file, so the umask applies as for any new file; mode copied below
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        if expected is not None:
            shutil.copymode(path, temporary)
        if _current_state(path) != expected:
            raise InputFileError(
                "the decision store changed during this import (another import at the same "
                "time?); nothing was written: import again",
                path,
            )
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(path.parent)


def _state(status: os.stat_result) -> tuple[int, int, int]:
    return status.st_ino, status.st_size, status.st_mtime_ns


def _current_state(path: Path) -> tuple[int, int, int] | None:
    try:
        return _state(path.stat())
    except FileNotFoundError:
        return None


def _sync_directory(directory: Path) -> None:
    """Make the rename durable; where a folder cannot be opened or synced (Windows, some network
    file systems) the rename is still atomic, only its durability is left to the system."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
