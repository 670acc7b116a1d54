"""The layers hold: no Qt below the views, no SQLAlchemy in the views.

Walks the import statements of every module of the package with ``ast`` (also imports inside
functions), so a lazy import cannot slip through.
"""

from __future__ import annotations

import ast
from pathlib import Path

import dtks_desktop

PACKAGE = Path(dtks_desktop.__file__).parent

#: package folder -> top-level modules it must never import
FORBIDDEN = {
    "services": {"PySide6", "shiboken6"},
    "domain": {"PySide6", "shiboken6"},
    "db": {"PySide6", "shiboken6"},
    "documents": {"PySide6", "shiboken6"},
    "demo": {"PySide6", "shiboken6"},
    "cli": {"PySide6", "shiboken6"},
    "views": {"sqlalchemy", "psycopg", "sqlite3", "alembic"},
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def violations(layer: str, forbidden: set[str]) -> list[str]:
    bad = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line, module in imported_modules(path):
            if module.split(".")[0] in forbidden:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    return bad


def test_every_layer_folder_exists():
    for layer in FORBIDDEN:
        assert (PACKAGE / layer).is_dir(), layer


def test_no_qt_below_the_views_and_no_sqlalchemy_in_the_views():
    bad = [v for layer, forbidden in FORBIDDEN.items() for v in violations(layer, forbidden)]
    assert not bad, "Layer violations:\n" + "\n".join(bad)


def test_the_walker_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from sqlalchemy import select\n    import PySide6.QtCore\n")
    assert [m for _l, m in imported_modules(module)] == ["sqlalchemy", "PySide6.QtCore"]
