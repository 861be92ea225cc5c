"""Where the bundled rules, source articles and demo data live (installed wheel or source tree)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # A wheel carries rules/ and seeds/ inside the package (see pyproject force-include);
    # a source checkout or editable install has them at the top of the repository.
    inside = _PACKAGE / "bundled" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def rules_dir() -> Path:
    """The bundled rule library."""
    return _bundled("rules")


def seeds_dir() -> Path:
    """The bundled corpus of cited source articles, with its registry."""
    return _bundled("seeds")


def demo_dir() -> Path:
    """The bundled sample records `screening demo` screens."""
    return _PACKAGE / "demo"
