"""Does the wheel hold every file of the app?  python installer/check_wheel.py WHEEL [REPO]

Every file under dtks_desktop/ and resources/ of the source tree (caches excluded) must be in
the wheel, resources/ as dtks_desktop/resources/. That covers each sub-package, the Alembic
migrations (versions/*.py) and their script.py.mako, the region data, and the embedded document
fonts with their licence (resources/fonts/). A file that is not
needed at run time belongs outside these two folders. Standard library only.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

SKIP_DIRS = {"__pycache__"}
SKIP_SUFFIXES = {".pyc", ".pyo"}


def expected_files(repo: Path) -> set[str]:
    out = set()
    for src, dest in (("dtks_desktop", "dtks_desktop"), ("resources", "dtks_desktop/resources")):
        base = repo / src
        for p in base.rglob("*"):
            if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(base).parts) \
                    and p.suffix not in SKIP_SUFFIXES:
                out.add(f"{dest}/{p.relative_to(base).as_posix()}")
    return out


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    wheel = Path(argv[0])
    repo = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1]
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    expected = expected_files(repo)
    missing = sorted(expected - names)
    must = ["dtks_desktop/db/migrations/script.py.mako", "dtks_desktop/db/migrations/env.py",
            "dtks_desktop/resources/__init__.py"]
    missing += [m for m in must if m not in names and m not in missing]
    if not any(n.startswith("dtks_desktop/db/migrations/versions/0001") for n in names):
        missing.append("dtks_desktop/db/migrations/versions/0001_*.py")
    if not any(n.startswith("dtks_desktop/resources/") and n.endswith(".csv") for n in names):
        missing.append("dtks_desktop/resources/*.csv")
    # The embedded document fonts (documents/fonts.py) and their licence: without them every PDF fails.
    for font in ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf", "LICENSE-DejaVu.txt"):
        name = f"dtks_desktop/resources/fonts/{font}"
        if name not in names and name not in missing:
            missing.append(name)
    if missing:
        print(f"Wheel check FAILED: {wheel.name} lacks {len(missing)} file(s) of the app:", file=sys.stderr)
        for m in missing:
            print(f"  {m}", file=sys.stderr)
        print("A new package needs an __init__.py; a new data file type a pattern in "
              "[tool.setuptools.package-data] of pyproject.toml.", file=sys.stderr)
        return 1
    packages = sorted({n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")})
    print(f"Wheel check: {wheel.name} holds all {len(expected)} files of dtks_desktop/ and resources/ "
          f"({len(packages)} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
