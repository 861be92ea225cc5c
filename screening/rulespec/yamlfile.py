"""Safe YAML loading that remembers the line of every value, so errors can point at `file:line`.

Only PyYAML's safe constructors run: a `!!python/...` tag is an error, never executed. Duplicate
keys in a mapping are errors (plain YAML loaders silently keep the last one).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from screening.errors import RuleFileError

Location = tuple[str | int, ...]

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


def load_yaml(path: Path) -> tuple[Any, LineMap]:
    """Load one YAML file safely; return its data and the line map."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleFileError(f"cannot read file: {error}", path) from None
    lines = LineMap()
    loader: yaml.SafeLoader | None = None
    try:
        loader = SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise RuleFileError("file is empty", path, 1)
        return _construct(loader, node, (), lines, path), lines
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise RuleFileError(f"YAML error: {error.problem or error}", path, line) from None
    except yaml.YAMLError as error:
        raise RuleFileError(f"YAML error: {error}", path) from None
    finally:
        if loader is not None:
            loader.dispose()


def _construct(
    loader: yaml.SafeLoader, node: yaml.Node, location: Location, lines: LineMap, path: Path
) -> Any:
    lines.record(location, node.start_mark.line + 1)
    if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTION_TAGS:
        raise RuleFileError(f"tag {node.tag} is not allowed", path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int):
                raise RuleFileError(
                    "mapping keys must be text or whole numbers", path, key_node.start_mark.line + 1
                )
            if key in result:
                raise RuleFileError(f"duplicate key {key!r}", path, key_node.start_mark.line + 1)
            result[key] = _construct(loader, value_node, (*location, key), lines, path)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(loader, item, (*location, index), lines, path)
            for index, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as error:  # e.g. an impossible date such as 2017-13-11
        raise RuleFileError(
            f"cannot read value {node.value!r}: {error}", path, node.start_mark.line + 1
        ) from None
