"""Rules as text for people: `rules show`, the Markdown catalogue, the JSON Schema."""

from __future__ import annotations

from typing import Any

from screening.rulespec.conditions import (
    OPERATORS,
    AllCondition,
    AnyCondition,
    AsOfCondition,
    CompanyCondition,
    Condition,
    CountIncreaseCondition,
    EmployerCondition,
    FieldCondition,
    FieldDate,
    FindingCondition,
    NotCondition,
    OwnedThroughCondition,
    PeriodCondition,
    RelationshipsCondition,
    WorkersCondition,
)
from screening.rulespec.rule import Rule
from screening.rulespec.rulebook import LoadedRule, Rulebook
from screening.rulespec.sources import Corpus


def rule_json_schema() -> dict[str, Any]:
    """JSON Schema of a rule file, derived from the pydantic model."""
    schema = Rule.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "screening rule file"
    return schema


def describe(condition: Condition, indent: int = 0) -> str:
    """A condition in words, one clause per line."""
    pad = "  " * indent
    if isinstance(condition, FieldCondition):
        argument = condition.argument
        if condition.operator in ("present", "missing"):
            return f"{pad}{condition.field} is {condition.operator}"
        if condition.operator == "listed":
            return f"{pad}{condition.field} matches a sanctions list entry{_listed(condition)}"
        if condition.operator == "in_group":
            groups = " or ".join(condition.in_group or [])
            return f"{pad}{condition.field} is in the role group {groups} (role vocabulary)"
        if isinstance(argument, list):
            argument = ", ".join(str(item) for item in argument)
        argument = _date_words(argument)
        return f"{pad}{condition.field} {condition.operator.replace('_', ' ')} {argument}"
    if isinstance(condition, PeriodCondition):
        span = condition.overlaps
        return (
            f"{pad}the period {condition.period.start} – {condition.period.end} "
            f"overlaps {_date_words(span.start)} – {_date_words(span.end)}"
        )
    if isinstance(condition, AllCondition | AnyCondition):
        word = "all of" if isinstance(condition, AllCondition) else "any of"
        children = condition.all if isinstance(condition, AllCondition) else condition.any
        return "\n".join([f"{pad}{word}:", *(describe(c, indent + 1) for c in children)])
    if isinstance(condition, NotCondition):
        return f"{pad}not:\n{describe(condition.not_, indent + 1)}"
    if isinstance(condition, FindingCondition):
        return f"{pad}rule {condition.finding} fired on the record"
    if isinstance(condition, AsOfCondition):
        test = condition.as_of
        return (
            f"{pad}the as-of date is {test.operator.replace('_', ' ')} {_date_words(test.argument)}"
        )
    if isinstance(condition, EmployerCondition):
        return f"{pad}the employer:\n{describe(condition.employer, indent + 1)}"
    if isinstance(condition, CompanyCondition):
        return f"{pad}the company:\n{describe(condition.company, indent + 1)}"
    if isinstance(condition, RelationshipsCondition | WorkersCondition):
        name = "relationships" if isinstance(condition, RelationshipsCondition) else "workers"
        aggregate = getattr(condition, name)
        return (
            f"{pad}at least {aggregate.at_least} of its {name}:\n"
            f"{describe(aggregate.where, indent + 1)}"
        )
    if isinstance(condition, CountIncreaseCondition):
        counts = condition.count_increase
        return "\n".join(
            [
                f"{pad}per {counts.per}, more records are counted now than then, and the record "
                "is counted now;",
                f"{pad}  then:",
                describe(counts.then, indent + 2),
                f"{pad}  now:",
                describe(counts.now, indent + 2),
            ]
        )
    if isinstance(condition, OwnedThroughCondition):
        ownership = condition.owned_through
        lines = [
            f"{pad}owned, through 1 to {ownership.max_depth} companies in the data "
            "(links whose party_id is a company's record_id; cycles walked once), by a company "
            "that satisfies:",
            describe(ownership.where, indent + 1),
        ]
        if ownership.via is not None:
            lines += [
                f"{pad}  every link of the chain satisfying:",
                describe(ownership.via, indent + 2),
            ]
        return "\n".join(lines)
    raise TypeError(condition)


def _date_words(value: object) -> object:
    """A rule's date as a reader says it: `committee_decided_on + 120 days`."""
    if not isinstance(value, FieldDate):
        return value
    if value.days == 0:
        return value.field
    sign = "+" if value.days > 0 else "−"
    return f"{value.field} {sign} {abs(value.days)} days"


def _listed(condition: FieldCondition) -> str:
    """The options of a `listed` condition, in words (empty when it has none)."""
    options = condition.listed
    if options is None:
        return ""
    parts = []
    if options.schema_ is not None:
        parts.append(f" of type {options.schema_}")
    if options.threshold is not None:
        parts.append(f" with score {options.threshold} or more")
    if options.in_force_on is not None:
        parts.append(
            f" listed on or before {options.in_force_on} (no {options.in_force_on}: ongoing; "
            "an entry without a listing date counts)"
        )
    return "".join(parts)


def rule_text(loaded: LoadedRule, corpus: Corpus) -> str:
    """Plain-text view of one rule."""
    rule = loaded.rule
    basis = rule.legal_basis
    lines = [
        f"{rule.id}  [{rule.severity.value}, {rule.applies_to.value} records]",
        rule.title,
        "",
        " ".join(rule.description.split()),
        "",
        f"Legal basis: {basis.citation}, adopted {basis.adopted}",
        f"  {' '.join(basis.summary.split())}",
    ]
    if rule.exceptions:
        lines += ["", "Exceptions:", *(f"  - {item}" for item in rule.exceptions)]
    lines += ["", "Fires when:", describe(rule.when, 1), "", "Sources:"]
    for citation in rule.sources:
        source = corpus.sources[citation.source]
        lines.append(
            f"  - {source.publisher}, {source.title} ({source.date}): "
            f"“{' '.join(citation.quote.split())}”"
        )
    lines += ["", f"File: {loaded.path}", f"Examples: {len(rule.tests)}"]
    return "\n".join(lines)


def catalogue_markdown(rulebook: Rulebook) -> str:
    """The rule catalogue (docs/rules.md), generated from the rule files."""
    rules = sorted(rulebook.rules, key=lambda item: (-item.rule.severity.rank, item.rule.id))
    parts = [
        "# Rule catalogue",
        "",
        "Generated by `screening rules docs` from the files in `rules/`; do not edit by hand.",
        "",
        "| rule | severity | applies to | legal basis | title |",
        "|---|---|---|---|---|",
    ]
    for item in rules:
        rule = item.rule
        parts.append(
            f"| [`{rule.id}`](#{rule.id}) | {rule.severity.value} | "
            f"{rule.applies_to.value} | {rule.legal_basis.citation} | {rule.title} |"
        )
    for item in rules:
        parts += ["", *_rule_section(item, rulebook.corpus)]
    parts += ["", "## Condition operators", "", "| operator | meaning |", "|---|---|"]
    parts += [f"| `{name}` | {meaning} |" for name, meaning in OPERATORS.items()]
    return "\n".join(parts) + "\n"


def _rule_section(loaded: LoadedRule, corpus: Corpus) -> list[str]:
    rule = loaded.rule
    basis = rule.legal_basis
    lines = [
        f"## {rule.id}",
        "",
        f"**{rule.title}** — {rule.severity.value}, {rule.applies_to.value} records "
        f"(`rules/{loaded.path.name}`)",
        "",
        " ".join(rule.description.split()),
        "",
        f"**Legal basis:** {basis.citation}, adopted {basis.adopted}. "
        f"{' '.join(basis.summary.split())}",
    ]
    if basis.notes:
        lines += ["", f"*Note:* {' '.join(basis.notes.split())}"]
    if rule.exceptions:
        lines += ["", "**Exceptions honoured:**", "", *(f"- {item}" for item in rule.exceptions)]
    lines += ["", "**Fires when:**", "", "```", describe(rule.when), "```", "", "**Sources:**", ""]
    for citation in rule.sources:
        source = corpus.sources[citation.source]
        lines.append(
            f"- {source.publisher}, *{source.title}* ({source.date}, `seeds/{source.file}`):"
            f" “{' '.join(citation.quote.split())}”"
        )
    return lines
