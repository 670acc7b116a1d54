"""A wheel must carry every sub-package: pyproject lists them explicitly (resources/ is mapped)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "dtks_desktop").rglob("__init__.py")}
    assert found - listed == set()
    assert "dtks_desktop.resources" in listed
