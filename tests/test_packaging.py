"""A wheel (and the Windows bundle built from it) must carry every package of the app.

The packages are found by setup.py; these tests catch a folder that discovery would skip
(no ``__init__.py``) before CI's wheel build does (.ci/run builds the wheel, checks its files
with installer/check_wheel.py and starts the installed app).
"""

import runpy
import tomllib
from pathlib import Path

import dtks_desktop

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "dtks_desktop"


def _discovered() -> set[str]:
    setup = runpy.run_path(str(ROOT / "setup.py"), run_name="setup_under_test")  # no setup() call
    return set(setup["discover_packages"](str(ROOT)))


def _source_dirs() -> list[Path]:
    """Every folder of dtks_desktop/ that holds Python files (caches excluded)."""
    return sorted(
        d for d in [PKG, *PKG.rglob("*")]
        if d.is_dir() and "__pycache__" not in d.parts and any(d.glob("*.py"))
    )


def test_every_folder_with_python_files_is_a_package():
    missing = [str(d.relative_to(ROOT)) for d in _source_dirs() if not (d / "__init__.py").is_file()]
    assert missing == [], f"folders without __init__.py (setuptools would leave them out of the wheel): {missing}"


def test_discovery_finds_every_package_and_the_mapped_resources():
    found = _discovered()
    expected = {".".join(d.relative_to(ROOT).parts) for d in _source_dirs()}
    assert expected - found == set()
    # resources/ (top level) is installed as dtks_desktop.resources through package-dir.
    assert "dtks_desktop.resources" in found
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["setuptools"]["package-dir"]["dtks_desktop.resources"] == "resources"
    assert (ROOT / "resources" / "__init__.py").is_file()
    # Nothing outside the app (tests, benchmarks) is installed.
    assert all(p == "dtks_desktop" or p.startswith("dtks_desktop.") for p in found)


def test_no_hand_written_package_list_in_pyproject():
    # A hand-written list is what forgot importing/matching/documents once (commit 3a35252).
    setuptools_cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "packages" not in setuptools_cfg


def test_runtime_data_files_are_package_data():
    """Every non-Python file the app ships matches a package-data pattern of pyproject.toml."""
    from fnmatch import fnmatch

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["*"]
    shipped = [p for base in (PKG, ROOT / "resources") for p in base.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc")]
    assert shipped, "expected the migration template and the region data"
    uncovered = [str(p.relative_to(ROOT)) for p in shipped if not any(fnmatch(p.name, pat) for pat in patterns)]
    assert uncovered == [], f"not in [tool.setuptools.package-data] (the wheel would miss them): {uncovered}"


def test_version_is_the_same_in_pyproject_and_the_package():
    # `dtks --version` / `dtks-desktop --version` print dtks_desktop.__version__.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == dtks_desktop.__version__


def test_bundle_launchers_call_freeze_support_first_and_import_only_the_stable_entry_points():
    """The bundle's entry scripts: no relative import, freeze_support() before anything else."""
    import ast

    entries = {"launch_gui.py": "dtks_desktop.app", "launch_cli.py": "dtks_desktop.cli"}
    for name, module in entries.items():
        tree = ast.parse((ROOT / "installer" / name).read_text(encoding="utf-8"))
        guard = [n for n in tree.body if isinstance(n, ast.If)]
        assert len(guard) == 1, name
        first = guard[0].body[0]
        assert ast.unparse(first) == "multiprocessing.freeze_support()", name
        froms = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert [(n.module, n.level, [a.name for a in n.names]) for n in froms] == [(module, 0, ["main"])], name
    spec = (ROOT / "installer" / "dtks_desktop.spec").read_text(encoding="utf-8")
    assert 'Analysis([str(HERE / "launch_gui.py")]' in spec
    assert 'Analysis([str(HERE / "launch_cli.py")]' in spec
