"""Who may do what is decided in one table (domain/permissions.py), enforced by the services'
one guard (services/core/permissions.require) and read by pages, menus and the CLI through
``can``/``sees_full_nik``. No other module compares roles: this test reads every module of the
package and fails on a role comparison anywhere else, so that the rule holds in the future."""

from __future__ import annotations

import ast
from pathlib import Path

import dtks_desktop

PACKAGE = Path(dtks_desktop.__file__).parent

#: Where roles may be named in a decision: the table, the role vocabulary, the workflow machine
#: (its rules carry the roles per transition) and the guard.
ALLOWED = ("domain/permissions.py", "domain/status.py", "domain/workflow/", "services/core/permissions.py")

#: Known exceptions to shrink to nothing (pages being rewritten elsewhere). Empty: keep it so.
KNOWN: set[str] = set()


ROLE_NAMES = {"operator", "pencetak", "supervisor", "admin"}


def _is_role_member(node: ast.AST) -> bool:
    """``Role.ADMIN`` and the like."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"


def _is_role_compare(node: ast.Compare) -> bool:
    """``actor.role != Role.ADMIN``, ``role in (Role.A, Role.B)``, ``user.role == "admin"``; not
    ``x.role == y.role`` (a form asking whether a value changed)."""
    parts = list(ast.walk(node))
    if any(_is_role_member(n) for n in parts):
        return True
    has_role_attr = any(isinstance(n, ast.Attribute) and n.attr == "role" for n in parts)
    return has_role_attr and any(isinstance(n, ast.Constant) and n.value in ROLE_NAMES for n in parts)


def role_checks(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and _is_role_compare(node):
            found.append((node.lineno, "role comparison"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr == "has_role"
                or (node.func.attr == "in_" and isinstance(node.func.value, ast.Attribute)
                    and node.func.value.attr == "role")):
            found.append((node.lineno, node.func.attr))
        elif isinstance(node, ast.Name) and node.id.endswith("_ROLES"):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.FunctionDef) and node.name == "has_role":
            found.append((node.lineno, "def has_role"))
    return found


def test_no_role_checks_outside_the_permission_table():
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(ALLOWED) or rel in KNOWN:
            continue
        for line, what in role_checks(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            offences.append(f"dtks_desktop/{rel}:{line}: {what}")
    assert not offences, ("Role decisions belong in domain/permissions.py (use require/can/sees_full_nik):\n"
                          + "\n".join(offences))


def test_the_detector_sees_what_it_must():
    bad = """
if actor.role != Role.ADMIN: pass
if user.role == "admin": pass
ok = actor.has_role(Role.ADMIN)
IMPORT_ROLES = (Role.OPERATOR,)
q = select(User).where(User.role.in_(["admin"]))
"""
    assert [w for _, w in role_checks(ast.parse(bad))] == ["role comparison", "role comparison", "has_role",
                                                          "IMPORT_ROLES", "in_"]
    # Qt's item data roles are not user roles; a form asking whether the role changed decides nothing.
    assert role_checks(ast.parse("if role == Qt.ItemDataRole.DisplayRole: pass")) == []
    assert role_checks(ast.parse("if self.role.currentData() == self.user.role: pass")) == []
