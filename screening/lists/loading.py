"""Load a list file of any supported format, detected from its content (never its extension)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

from screening.errors import InputFileError
from screening.lists.ftm import looks_ftm, parse_ftm
from screening.lists.models import Watchlist
from screening.lists.native import looks_native, parse_native
from screening.lists.opensanctions import looks_opensanctions, parse_opensanctions
from screening.lists.un_xml import looks_un_xml, parse_un_xml

Parser = Callable[[str, Path], Watchlist]

# Order matters: the first detector that recognises the head of the file wins.
FORMATS: list[tuple[str, Callable[[str], bool], Parser]] = [
    ("un-xml", looks_un_xml, parse_un_xml),
    ("ftm", looks_ftm, parse_ftm),
    ("native", looks_native, parse_native),
    ("opensanctions-csv", looks_opensanctions, parse_opensanctions),
]
HEAD_CHARS = 4096
BUNDLED = "un-1718-dprk.yaml"


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputFileError(f"cannot read list file: {err.strerror}", path) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise InputFileError("list file is not UTF-8 text", path, line) from None


def detect_format(text: str) -> str | None:
    """The name of the format the text is in, or None."""
    head = text[:HEAD_CHARS]
    return next((name for name, looks, _ in FORMATS if looks(head)), None)


def load_list(path: Path) -> Watchlist:
    """Load a sanctions list file; raise InputFileError when it cannot be used.

    List files have no size bound (a full OpenSanctions export is gigabytes): a file the memory
    cannot hold is refused when an allocation fails, in one line, and what was read is freed."""
    try:
        return _parse_list(path)
    except MemoryError:
        size = path.stat().st_size / 2**20
        raise InputFileError(
            f"not enough memory to load this list file ({size:,.0f} MiB)", path
        ) from None


def _parse_list(path: Path) -> Watchlist:
    text = _read(path)
    if not text.strip():
        raise InputFileError("list file is empty", path, 1)
    found = detect_format(text)
    for name, _, parse in FORMATS:
        if name == found:
            return parse(text, path)
    raise InputFileError(
        "unrecognised list format (expected UN consolidated XML, OpenSanctions targets.simple.csv, "
        "FollowTheMoney JSON lines or a 'format: screening-list/1' YAML file)",
        path,
        1,
    )


@cache
def bundled_list() -> Watchlist:
    """The bundled default list: UN 1718 designated DPRK persons and entities."""
    resource = resources.files("screening.lists") / "data" / BUNDLED
    with resources.as_file(resource) as path:
        return load_list(Path(path))
