"""Safe YAML loading that remembers the line of every value, so errors can point at `file:line`.

The one YAML loader for what users write: rule files, the source registry, suppression files and
native list files. Only PyYAML's safe constructors run: a `!!python/...` tag is an error, never
executed. Duplicate keys in a mapping are errors (plain YAML loaders silently keep the last one).

A small file can still ask for more than the machine has: an alias copies its anchor's value
wherever it appears, so nine lines of aliases to aliases build a billion values ("billion laughs"),
an alias inside its own anchor never ends, and deep nesting exhausts the stack. The bounds below
are checked on the parser's events, before any value is built, and refused with `file:line`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from screening.errors import RuleFileError, ScreeningError

Location = tuple[str | int, ...]

# Longest YAML text read. The largest bundled rule file is 15 KB and a native list of 10,000
# entries 2 MB; loading takes ~65 bytes of memory a character, so a file at this bound needs about
# a gigabyte, what a million-record screen takes. Raise it here for a larger native list (or give
# such a list as UN XML, OpenSanctions CSV or FtM JSON, which have no such bound).
MAX_YAML_CHARS = 16 * 2**20

# Deepest nesting of mappings and sequences, aliases expanded. The deepest bundled rule nests 17;
# building and validating recurse once per level, far below Python's recursion limit at this bound.
MAX_YAML_DEPTH = 64

# Most values that aliases may add to a file (an alias adds a copy of every value under its
# anchor). No bundled file uses aliases; this lets a file share a block many times over (ten times
# the largest bundled rule file) and refuses an alias bomb before it is built.
MAX_ALIAS_VALUES = 10_000

_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

# libyaml's parser (when PyYAML was built with it) reads YAML ~7x faster than the
# pure-Python one and gives the same nodes, marks and errors; only safe constructors run either way.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineMap:
    """Line numbers of the values of a YAML document, by their path of keys and indexes."""

    def __init__(self) -> None:
        self._lines: dict[Location, int] = {}

    def record(self, location: Location, line: int) -> None:
        self._lines[location] = line

    def line_of(self, location: Sequence[str | int], data: Any) -> int:
        """Line of the deepest value on `location` that exists in the document."""
        return self.locate(location, data)[0]

    def locate(self, location: Sequence[str | int], data: Any) -> tuple[int, Location]:
        """(line, path in the document) of the deepest value on `location` that exists.

        pydantic error locations carry extra steps (union tags, `in_` for the `in` alias) that
        are not keys of the document; those are skipped while walking the data.
        """
        walked: list[str | int] = []
        node = data
        for step in location:
            key: str | int | None = None
            if isinstance(node, dict):
                key = step if step in node else None
                if key is None and isinstance(step, str) and step.rstrip("_") in node:
                    key = step.rstrip("_")
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                key = step
            if key is None:
                continue
            walked.append(key)
            node = node[key]
        while walked and tuple(walked) not in self._lines:
            walked.pop()
        return self._lines.get(tuple(walked), 1), tuple(walked)


def validation_problem(error: ValidationError, data: Any, lines: LineMap) -> tuple[str, int]:
    """(message, line) for the first problem pydantic found in a YAML document."""
    first = error.errors()[0]
    line, walked = lines.locate(first["loc"], data)
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        missing = first["loc"][-1]
        return f"missing required key {'.'.join(map(str, [*walked, missing]))!r}", line
    if walked:
        return f"{'.'.join(map(str, walked))}: {message}", line
    return message, line


def load_yaml(path: Path, error: type[ScreeningError] = RuleFileError) -> tuple[Any, LineMap]:
    """Load one YAML file safely; return its data and the line map. Problems raise `error`."""
    try:
        with path.open(encoding="utf-8") as file:
            text = file.read(MAX_YAML_CHARS + 1)  # the bound is checked on the text, unread beyond
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"cannot read file: {problem}", path) from None
    return parse_yaml(text, path, error)


def parse_yaml(
    text: str, path: Path, error: type[ScreeningError] = RuleFileError
) -> tuple[Any, LineMap]:
    """Parse the YAML text of `path` safely, within the bounds above; return its data and the
    line map. Problems raise `error` (RuleFileError for rule files, InputFileError for inputs)."""
    if len(text) > MAX_YAML_CHARS:
        raise error(f"YAML file longer than {MAX_YAML_CHARS:,} characters", path)
    lines = LineMap()
    loader: yaml.SafeLoader | None = None
    try:
        _check_shape(text)
        loader = SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise error("file is empty", path, 1)
        return _construct(loader, node, (), lines, path, error), lines
    except _ShapeError as problem:
        raise error(problem.message, path, problem.line) from None
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        line = mark.line + 1 if mark else None
        raise error(f"YAML error: {problem.problem or problem}", path, line) from None
    except yaml.YAMLError as problem:
        raise error(f"YAML error: {problem}", path) from None
    finally:
        if loader is not None:
            loader.dispose()


class _ShapeError(Exception):
    """A document beyond the bounds, found at `line` before its values are built."""

    def __init__(self, message: str, event: yaml.Event) -> None:
        super().__init__(message)
        self.message = message
        self.line = event.start_mark.line + 1 if event.start_mark else None


@dataclass
class _Size:
    """The values a node builds into (itself included) and how deep its collections nest."""

    values: int = 1
    depth: int = 0


@dataclass
class _Open:
    """A collection whose end event has not come yet."""

    anchor: str | None
    size: _Size


def _check_shape(text: str) -> None:
    """Refuse, with the line of the event, a document whose values would nest deeper than
    MAX_YAML_DEPTH, whose aliases would add more than MAX_ALIAS_VALUES values, or whose alias
    sits inside its own anchor. Composing shares an aliased node; building copies it at every
    alias, so this is measured on the events, where each alias is one event however much it adds.
    """
    anchored: dict[str, _Size] = {}
    opened: list[_Open] = []
    added = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            opened.append(_Open(event.anchor, _Size(depth=1)))
            if len(opened) > MAX_YAML_DEPTH:
                raise _ShapeError(f"values nested more than {MAX_YAML_DEPTH} deep", event)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            closed = opened.pop()
            size, anchor = closed.size, closed.anchor
        elif isinstance(event, yaml.ScalarEvent):
            size, anchor = _Size(), event.anchor
        elif isinstance(event, yaml.AliasEvent):
            size, anchor = _aliased(event, anchored, opened), None
            added += size.values
            if added > MAX_ALIAS_VALUES:
                raise _ShapeError(
                    f"aliases repeat more than {MAX_ALIAS_VALUES:,} values "
                    f"(each alias copies its anchor's whole value)",
                    event,
                )
            if len(opened) + size.depth > MAX_YAML_DEPTH:
                raise _ShapeError(
                    f"alias *{event.anchor} nests values more than {MAX_YAML_DEPTH} deep", event
                )
        else:
            continue
        if anchor is not None:
            anchored[anchor] = size
        if opened:
            parent = opened[-1].size
            parent.values += size.values
            parent.depth = max(parent.depth, size.depth + 1)


def _aliased(event: yaml.AliasEvent, anchored: dict[str, _Size], opened: list[_Open]) -> _Size:
    """The size of the value an alias repeats."""
    if any(collection.anchor == event.anchor for collection in opened):
        raise _ShapeError(f"alias *{event.anchor} is inside its own anchor (recursive)", event)
    # An undefined alias adds nothing here; composing then reports it with its line.
    return anchored.get(event.anchor or "", _Size(values=0))


def _construct(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    location: Location,
    lines: LineMap,
    path: Path,
    error: type[ScreeningError],
) -> Any:
    lines.record(location, node.start_mark.line + 1)
    if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTION_TAGS:
        raise error(f"tag {node.tag} is not allowed", path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int):
                raise error(
                    "mapping keys must be text or whole numbers", path, key_node.start_mark.line + 1
                )
            if key in result:
                raise error(f"duplicate key {key!r}", path, key_node.start_mark.line + 1)
            result[key] = _construct(loader, value_node, (*location, key), lines, path, error)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(loader, item, (*location, index), lines, path, error)
            for index, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as problem:  # e.g. an impossible date such as 2017-13-11
        raise error(
            f"cannot read value {node.value!r}: {problem}", path, node.start_mark.line + 1
        ) from None
