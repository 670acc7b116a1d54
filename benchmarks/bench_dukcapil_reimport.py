"""Benchmark (issue 8, item 3): re-importing a civil-registry extract over the previous one.

A newer Dukcapil extract replaces the previous snapshot; the import compares the two by NIK
(new, changed, gone). Target: the re-import of a 400,000-person extract takes no more than
twice the first import, on SQLite and PostgreSQL.

Data: ``services.demo`` (``dtks demo-data``) with ``--people N/2`` (the civil registry holds
two persons per registry person), Kabupaten Klaten. The later extract is the same file with
every 100th person gone and every 50th name corrected, so the counts are known.

Each database is fresh: SQLite in a temporary file, PostgreSQL in a scratch database
(``dtks_bench_conc``) that is created and dropped again; no other database is touched.

Usage::

    python benchmarks/bench_dukcapil_reimport.py --persons 400000 --db both
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
CACHE = HERE / ".cache"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DB = "dtks_bench_conc"


def extracts(persons: int, seed: int) -> tuple[Path, Path]:
    from dtks_desktop.demo import generator as demo

    out = CACHE / f"dukcapil_reimport_{persons}_s{seed}"
    first, later = out / "dukcapil_3310.csv", out / "dukcapil_later.csv"
    if first.exists() and later.exists():
        return first, later
    paths = demo.generate_files(out / "demo", demo.DemoConfig(people=persons // 2, seed=seed, dukcapil_ratio=2.0),
                                xlsx=False)
    lines = Path(paths["dukcapil"]).read_text(encoding="utf-8").splitlines()
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [lines[0]]
    for i, line in enumerate(lines[1:]):
        if i % 100 == 0:
            continue
        if i % 50 == 1:
            cells = line.split(",")
            cells[2] += " X"
            line = ",".join(cells)
        rows.append(line)
    later.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return first, later


def run(url: str, first: Path, later: Path) -> list[tuple]:
    from dtks_desktop.services.core.database import open_database
    from dtks_desktop.services.importing.run import run_import
    from dtks_desktop.services.core.users import create_user

    db = open_database(url)
    try:
        with db.transaction() as s:
            admin = create_user(s, "admin", "rahasia-admin-1", "admin")
        out = []
        for path in (first, later):
            t0 = time.perf_counter()
            r = run_import(db, admin, path, kind="dukcapil", kab="33.10")
            out.append((path.name, time.perf_counter() - t0, r))
        return out
    finally:
        db.dispose()


def pg(cmd: str) -> None:
    subprocess.run(["psql", PG_SERVER + "/postgres", "-qc", cmd], check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=400_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    first, later = extracts(args.persons, args.seed)
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"# {platform.node()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, commit {commit}")
    print(f"# {first.name}: {args.persons:,} persons; {later.name}: the later extract")
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for backend in backends:
        if backend == "sqlite":
            tmp = tempfile.mkdtemp(prefix="dtks-bench-conc-")
            url = f"sqlite:///{tmp}/dtks.sqlite"
        else:
            pg(f"DROP DATABASE IF EXISTS {PG_DB}")
            pg(f"CREATE DATABASE {PG_DB}")
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"
        try:
            res = run(url, first, later)
        finally:
            if backend == "postgresql":
                pg(f"DROP DATABASE IF EXISTS {PG_DB}")
        (n1, t1, r1), (n2, t2, r2) = res
        print(f"{backend:10} first import {t1:7.1f} s ({r1.imported:,} new)   re-import {t2:7.1f} s "
              f"({r2.imported:,} new, {r2.updated:,} changed, {r2.unchanged:,} same, {r2.gone:,} gone)   "
              f"ratio {t2 / t1:.2f}  load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
