"""Loading a directory of rule files into a validated rulebook, in evaluation order."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rapidfuzz import process

from screening.errors import RuleFileError
from screening.rulespec.checks import CheckError, check_condition, check_template, finding_kinds
from screening.rulespec.conditions import OPERATOR_LOOK_ALIKES, OPERATORS
from screening.rulespec.rule import Rule
from screening.rulespec.sources import Corpus
from screening.yamlfile import LineMap, load_yaml, validation_problem


@dataclass(frozen=True)
class LoadedRule:
    """A validated rule with where it came from."""

    rule: Rule
    path: Path
    sha256: str
    depends_on: tuple[str, ...]
    cited: str
    """The rule's passages as its findings cite them: `“…” — TIME, 2018; …` (the passage first:
    a cell too narrow for all of it shows its start)."""


@dataclass(frozen=True)
class Rulebook:
    """All rules of a directory, each after the rules whose findings its conditions ask about."""

    directory: Path
    rules: list[LoadedRule]
    corpus: Corpus

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for loaded in sorted(self.rules, key=lambda item: item.rule.id):
            digest.update(f"{loaded.rule.id}:{loaded.sha256}\n".encode())
        return digest.hexdigest()

    def get(self, rule_id: str) -> LoadedRule:
        for loaded in self.rules:
            if loaded.rule.id == rule_id:
                return loaded
        raise KeyError(rule_id)


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory, in name order."""
    if not directory.is_dir():
        raise RuleFileError("rules directory not found", directory)
    return sorted(path for path in directory.glob("*.yaml") if path.is_file())


def load_rule(path: Path, corpus: Corpus) -> LoadedRule:
    """Load and validate one rule file on its own (cross-rule checks are the rulebook's)."""
    data, lines = load_yaml(path)
    try:
        rule = Rule.model_validate(data)
    except ValidationError as error:
        raise RuleFileError(*_located(error, data, lines, path)) from None
    try:
        depends_on = tuple(dict.fromkeys(check_condition(rule.when, rule.applies_to, ("when",))))
        check_template(rule)
    except CheckError as error:
        raise RuleFileError(str(error), path, lines.line_of(error.location, data)) from None
    _check_name(rule, path, lines, data)
    _check_sources(rule, corpus, path, lines, data)
    _check_tests(rule, path, lines, data)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    cited = "; ".join(
        f"“{citation.quote}” — {corpus.sources[citation.source].cited_as}"
        for citation in rule.sources
    )
    return LoadedRule(rule=rule, path=path, sha256=digest, depends_on=depends_on, cited=cited)


def load_rulebook(directory: Path, corpus: Corpus) -> Rulebook:
    """Load every rule file of a directory; the first problem found is raised as file:line."""
    loaded = [load_rule(path, corpus) for path in rule_files(directory)]
    if not loaded:
        raise RuleFileError("no rule files (*.yaml) in the rules directory", directory)
    return Rulebook(directory=directory, rules=order_rules(loaded), corpus=corpus)


def order_rules(loaded: list[LoadedRule]) -> list[LoadedRule]:
    """Check cross-rule references and return the rules in evaluation order."""
    by_id: dict[str, LoadedRule] = {}
    for item in loaded:
        if item.rule.id in by_id:
            other = by_id[item.rule.id].path.name
            raise RuleFileError(f"rule id {item.rule.id!r} is also used by {other}", item.path, 1)
        by_id[item.rule.id] = item
    for item in loaded:
        asked_on = finding_kinds(item.rule.when, item.rule.applies_to)
        for ref in item.depends_on:
            target = by_id.get(ref)
            if target is None:
                raise RuleFileError(f"`finding: {ref}` names no rule", item.path)
            if target.rule.applies_to is not asked_on[ref]:
                raise RuleFileError(
                    f"`finding: {ref}` applies to {target.rule.applies_to.value} records, "
                    "not the records this condition is on",
                    item.path,
                )
    graph = {item.rule.id: set(item.depends_on) for item in sorted(loaded, key=_rule_id)}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle = " -> ".join(error.args[1])
        raise RuleFileError(
            f"rules refer to each other's findings in a cycle: {cycle}",
            by_id[error.args[1][0]].path,
        ) from None
    return [by_id[rule_id] for rule_id in order]


def _rule_id(item: LoadedRule) -> str:
    return item.rule.id


def _located(
    error: ValidationError, data: Any, lines: LineMap, path: Path
) -> tuple[str, Path, int]:
    message, line = validation_problem(error, data, lines)
    first = error.errors()[0]
    _, walked = lines.locate(first["loc"], data)
    if first["type"] == "extra_forbidden" and walked:
        message = _unknown_key(walked, data)
    elif first["type"] == "float_parsing" and walked:
        message = (
            f"{_in_words(walked)}: {first.get('input')!r} is not a number: "
            "write e.g. 50, 50%, 30,5 or 1/3"
        )
    elif first["type"].startswith("date_") and walked:
        found = first.get("input")
        message = (
            f"{_in_words(walked)}: {found!r} is not a date as rule files write them: "
            "write dates as YYYY-MM-DD"
        )
    return message, path, line


def _unknown_key(walked: tuple[str | int, ...], data: Any) -> str:
    """An unknown key, named in words; in a field test, the operator it may stand for."""
    key, holder = str(walked[-1]), _value_at(data, walked[:-1])
    where = _in_words(walked[:-1]) or "the top level"
    if not (isinstance(holder, dict) and "field" in holder):
        return f"unknown key `{key}` in {where}"
    meant = OPERATOR_LOOK_ALIKES.get(key)
    if meant is None:
        close = process.extractOne(key, list(OPERATORS), score_cutoff=70)
        meant = close[0] if close else None
    hint = f"; did you mean `{meant}`?" if meant else ""
    return f"unknown operator `{key}` in {where}{hint} (operators: {', '.join(OPERATORS)})"


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _in_words(path: tuple[str | int, ...]) -> str:
    """`when, all, 3rd condition` for ("when", "all", 2)."""
    words = [
        f"{_ordinal(step + 1)} {'condition' if index and path[0] == 'when' else 'item'}"
        if isinstance(step, int)
        else str(step)
        for index, step in enumerate(path)
    ]
    return ", ".join(words)


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _check_name(rule: Rule, path: Path, lines: LineMap, data: Any) -> None:
    if path.stem != rule.id:
        raise RuleFileError(
            f"rule id {rule.id!r} does not match the file name (expected {rule.id}.yaml)",
            path,
            lines.line_of(("id",), data),
        )


def _check_sources(rule: Rule, corpus: Corpus, path: Path, lines: LineMap, data: Any) -> None:
    for index, citation in enumerate(rule.sources):
        if citation.source not in corpus.sources:
            known = ", ".join(sorted(corpus.sources))
            line = lines.line_of(("sources", index, "source"), data)
            raise RuleFileError(f"unknown source {citation.source!r} (known: {known})", path, line)
        if not corpus.contains(citation.source, citation.quote):
            line = lines.line_of(("sources", index, "quote"), data)
            file = corpus.sources[citation.source].file
            closest = corpus.closest_passage(citation.source, citation.quote)
            raise RuleFileError(
                f"quote does not occur verbatim in source {citation.source!r} "
                f"({corpus.directory / file}); closest passage: «{closest}»",
                path,
                line,
            )


def _check_tests(rule: Rule, path: Path, lines: LineMap, data: Any) -> None:
    expected = {test.expect for test in rule.tests}
    for outcome in ("match", "no_match"):
        if outcome not in expected:
            line = lines.line_of(("tests",), data)
            raise RuleFileError(f"tests need at least one `expect: {outcome}` example", path, line)
    for index, test in enumerate(rule.tests):
        if "record_id" not in test.record:
            line = lines.line_of(("tests", index, "record"), data)
            raise RuleFileError("a test record needs a record_id", path, line)
