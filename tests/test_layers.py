"""The package layout is the data flow: every import points down it, never up.

Lower layers know nothing of higher ones: a record schema knows no report, the engine knows no
finding, the report knows no pipeline. The order is the one README's *Layout* describes.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "screening"

LAYERS: list[set[str]] = [
    # what every stage may use: errors, bundled resources, schemas, execution helpers, byte-level
    # views of Arrow arrays
    {"__init__", "errors", "resources", "parallel", "memory", "display", "arrowbytes"},
    {"records", "rows", "yamlfile"},
    {"reading"},  # CSV bytes -> raw tables
    {"normalizing"},  # raw strings -> typed values
    {"lists", "matching"},  # sanctions lists and name matching against them
    {"rulespec"},  # rule files: models, checks, sources
    {"engine"},  # rules compiled to whole-table operations
    {"findings", "assemble", "results"},  # findings and the tables of a screen
    {"report"},  # the workbook
    {"review"},  # decisions carried between screens, reading reports back
    {"partitioned", "pipeline", "ruletests"},  # one screen (its workers in partitions, or not);
    # a rule file's examples
    {"cli", "__main__"},  # the command line
]
LAYER = {unit: number for number, units in enumerate(LAYERS) for unit in units}


def _unit(module: str) -> str:
    """`screening.engine.compile` -> `engine`; `screening` -> `__init__`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> list[tuple[str, str, int]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name == "screening" or name.startswith("screening."):
                    found.append((module, name, node.lineno))
    return found


def test_every_unit_of_the_package_has_a_layer() -> None:
    modules = (p.relative_to(PACKAGE.parent).with_suffix("").parts for p in PACKAGE.rglob("*.py"))
    assert {_unit(".".join(parts)) for parts in modules} - set(LAYER) == set()


def test_no_import_points_up() -> None:
    upward = [
        f"{module}:{line} imports {imported}"
        for module, imported, line in _imports()
        if LAYER[_unit(imported)] > LAYER[_unit(module)]
    ]
    assert upward == []


def test_the_check_sees_an_upward_import() -> None:
    """The engine importing the report would be caught (the check is not vacuous)."""
    assert LAYER[_unit("screening.report.workbook")] > LAYER[_unit("screening.engine.compile")]
    assert len(_imports()) > 200
