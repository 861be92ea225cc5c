"""`screening rules ...`: list, show, validate, test, document rule files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rapidfuzz import process
from rich.console import Console

from screening.cli.errors import EXIT_FATAL, fatal_errors, printable, printable_lines
from screening.cli.groups import BUNDLED_RULES, BUNDLED_SOURCES, sub_app
from screening.cli.inputs import check_input_file, check_rule_files
from screening.cli.tables import print_id_table
from screening.errors import ScreeningError
from screening.lists.loading import bundled_list
from screening.memory import settle_imports
from screening.resources import rules_dir, seeds_dir
from screening.rulespec.catalogue import catalogue_markdown, rule_json_schema, rule_text
from screening.rulespec.rulebook import (
    LoadedRule,
    Rulebook,
    load_rule,
    load_rulebook,
    order_rules,
    rule_files,
)
from screening.rulespec.sources import Corpus, load_corpus
from screening.ruletests import run_rule_tests

app = sub_app("List, show, validate, test and document rule files.", no_args_is_help=True)
console = Console()

RulesDir = Annotated[
    Path | None,
    typer.Argument(help="Rules directory, as --rules.", show_default=BUNDLED_RULES),
]
RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="Rules directory.", show_default=BUNDLED_RULES)
]
SeedsOption = Annotated[
    Path | None,
    typer.Option("--seeds", help="Cited sources directory.", show_default=BUNDLED_SOURCES),
]


def _rulebook(directory: Path | None, seeds: Path | None) -> Rulebook:
    check_rule_files(directory or rules_dir())
    return load_rulebook(directory or rules_dir(), load_corpus(seeds or seeds_dir()))


def _one_directory(argument: Path | None, option: Path | None) -> Path | None:
    """The rules directory given as the argument or as --rules (the same in every command)."""
    if argument is not None and option is not None and argument != option:
        raise ScreeningError(
            f"two rules directories given ({argument}, --rules {option}): give one"
        )
    return option or argument


@app.command("list")
def list_rules(
    directory: RulesDir = None, rules: RulesOption = None, seeds: SeedsOption = None
) -> None:
    """List the rules: id, severity, record kind, legal basis, title."""
    with fatal_errors():
        rulebook = _rulebook(_one_directory(directory, rules), seeds)
    rows = [
        (rule.id, rule.severity.value, rule.applies_to.value, rule.legal_basis.citation, rule.title)
        for rule in sorted((item.rule for item in rulebook.rules), key=lambda rule: rule.id)
    ]
    columns = ("id", "severity", "applies to", "legal basis", "title")
    print_id_table(console, columns, rows, leave_out_first=("applies to", "legal basis"))


@app.command("show")
def show(
    rule_id: Annotated[str, typer.Argument(help="A rule id, as `screening rules list` shows it.")],
    directory: RulesOption = None,
    seeds: SeedsOption = None,
) -> None:
    """Show one rule: what it checks, its legal basis, exceptions, sources and file."""
    with fatal_errors():
        rulebook = _rulebook(directory, seeds)
        try:
            loaded = rulebook.get(rule_id)
        except KeyError:
            ids = [item.rule.id for item in rulebook.rules]
            extracted = process.extract(rule_id, ids, limit=3, score_cutoff=60)
            close = [found for found, _, _ in extracted]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ScreeningError(
                f"no rule with id {rule_id!r}{hint} (all ids: `screening rules list`)"
            ) from None
    console.print(printable_lines(rule_text(loaded, rulebook.corpus)), markup=False)


@app.command("validate")
def validate(
    target: Annotated[
        Path | None,
        typer.Argument(
            help="A rules directory, or one rule file (checked with the rules beside it).",
            show_default=BUNDLED_RULES,
        ),
    ] = None,
    rules: RulesOption = None,
    seeds: SeedsOption = None,
) -> None:
    """Validate rule files; every problem is printed as file:line: message."""
    with fatal_errors():
        chosen = _one_directory(target, rules) or rules_dir()
        one_file = chosen.suffix in (".yaml", ".yml") and not chosen.is_dir()
        directory = chosen.parent if one_file else chosen
        if one_file:
            check_input_file(chosen)
        check_rule_files(directory)
        corpus = load_corpus(seeds or seeds_dir())
        paths = [chosen] if one_file else rule_files(directory)
    problems: list[str] = []
    loaded = []
    for path in paths:
        try:
            loaded.append(load_rule(path, corpus))
        except ScreeningError as error:
            problems.append(str(error))
    if not problems:
        try:
            order_rules(loaded + (_beside(chosen, corpus) if one_file else []))
        except ScreeningError as error:
            problems.append(str(error))
    for problem in problems:
        typer.echo(printable_lines(problem), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {len(paths)} rule files", err=True)
        raise typer.Exit(EXIT_FATAL)
    typer.echo(f"{len(paths)} rule files valid")


def _beside(path: Path, corpus: Corpus) -> list[LoadedRule]:
    """The other rules of a rule file's directory, which its `finding` conditions may name; one
    that does not load is left to its own validation."""
    found = []
    for other in rule_files(path.parent):
        if other.resolve() != path.resolve():
            try:
                found.append(load_rule(other, corpus))
            except ScreeningError:
                continue
    return found


@app.command("test")
def test(directory: RulesDir = None, rules: RulesOption = None, seeds: SeedsOption = None) -> None:
    """Run the examples in each rule file and report per rule."""
    settle_imports()
    with fatal_errors():
        rulebook = _rulebook(_one_directory(directory, rules), seeds)
        outcomes = run_rule_tests(rulebook, [bundled_list()])
    failed = [outcome for outcome in outcomes if not outcome.passed]
    rows = []
    for item in rulebook.rules:
        mine = [o for o in outcomes if o.rule_id == item.rule.id]
        bad = sum(not o.passed for o in mine)
        rows.append((item.rule.id, str(len(mine)), str(len(mine) - bad), str(bad)))
    columns = ("rule", "examples", "passed", "failed")
    print_id_table(console, columns, rows, leave_out_first=("examples", "passed"))
    for outcome in failed:
        message = (
            f"FAIL {outcome.path}: {outcome.rule_id} / {outcome.name}: expected "
            f"{outcome.expected}, got {outcome.actual} ({outcome.detail})"
        )
        typer.echo(printable(message), err=True)
    typer.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a rule file (for editor autocompletion)."""
    typer.echo(json.dumps(rule_json_schema(), indent=2))


@app.command("docs")
def docs(
    out: Annotated[Path, typer.Option("--out", help="Markdown file to write.")] = Path(
        "docs/rules.md"
    ),
    directory: RulesOption = None,
    seeds: SeedsOption = None,
) -> None:
    """Write the Markdown catalogue of the rules."""
    with fatal_errors():
        rulebook = _rulebook(directory, seeds)
        if not out.parent.is_dir():
            raise ScreeningError("folder does not exist", out.parent)
        out.write_text(catalogue_markdown(rulebook), encoding="utf-8")
    typer.echo(f"wrote {out}")
