"""The package list of DTKS Desktop, found automatically (everything else is in pyproject.toml).

Every package under ``dtks_desktop/`` is found, so a new sub-package cannot be left out of the
wheel or the Windows bundle. This file exists only because of the one mapped package: the
top-level ``resources/`` folder is installed as ``dtks_desktop.resources`` (see ``package-dir``
in pyproject.toml), and pyproject's ``[tool.setuptools.packages.find]`` can only name what it
finds, so it would drop that package. tests/test_packaging.py checks the result.
"""

from setuptools import find_packages, setup

MAPPED = ["dtks_desktop.resources"]  # package-dir in pyproject.toml says where it lives


def discover_packages(root: str = ".") -> list[str]:
    return sorted(find_packages(where=root, include=["dtks_desktop", "dtks_desktop.*"]) + MAPPED)


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import discover_packages
    setup(packages=discover_packages())
