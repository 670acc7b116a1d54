"""Speed and memory of a matching run (docs/matching.md, "Speed").

    python -m dtks_desktop.demo.benchmark prepare URL --people 100000 --ratio 3 [--kab 11.06] [--keep DIR]
    python -m dtks_desktop.demo.benchmark measure URL [--full]

``prepare`` writes a demo dataset (CSV only) and imports it into the database at URL (a new
SQLite file or an empty PostgreSQL database). The files go to a temporary folder that is deleted
afterwards, or with ``--keep DIR`` to DIR, where they stay (``DIR/ground_truth.csv`` is what
``tuning.evaluate`` and ``benchmarks/bench_matching_peer.py`` compare the results with).
``measure`` runs ``run_matching`` in a child process and prints the wall time, the summary and
the child's peak RSS (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def prepare(url: str, people: int, seed: int, ratio: float, keep: str | Path | None = None,
            kab: str = "33.10", all_nik_damaged: bool | None = None) -> None:
    from dtks_desktop.demo import generator as demo
    from dtks_desktop.services.core import settings
    from dtks_desktop.services.core.database import open_database
    from dtks_desktop.services.importing.run import run_import
    from dtks_desktop.services.core.users import create_user

    db = open_database(url)
    with db.transaction() as s:
        actor = create_user(s, "admin", "rahasia-admin-1", "admin")
        settings.put(s, actor, settings.KAB_KODE, kab)
    with tempfile.TemporaryDirectory(prefix="dtks-bench-") as tmp:
        if keep is not None:
            tmp = Path(keep)
            tmp.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        files = demo.generate_files(Path(tmp), demo.DemoConfig(people=people, seed=seed, dukcapil_ratio=ratio, kab=kab,
                                                    all_nik_damaged=all_nik_damaged),
                                    xlsx=False)
        print(f"generate {time.perf_counter() - t0:.1f}s", flush=True)
        for kind, key in (("dukcapil", "dukcapil"), ("dtks", "dtks_csv")):
            t0 = time.perf_counter()
            r = run_import(db, actor, files[key], kind=kind, write_report_file=False)
            print(f"import {kind}: {r.rows_read} rows {time.perf_counter() - t0:.1f}s", flush=True)
    db.dispose()


def _child(url: str, full: bool) -> None:
    from dtks_desktop.services.core.database import login, open_database
    from dtks_desktop.services.matching.run import run_matching

    db = open_database(url)
    actor = login(db, "admin", "rahasia-admin-1")
    t0 = time.perf_counter()
    summary = run_matching(db, actor, full=full)
    out = summary.as_dict()
    out["wall"] = round(time.perf_counter() - t0, 2)
    print(json.dumps(out))


def measure(url: str, full: bool) -> dict:
    cmd = [sys.executable, "-m", "dtks_desktop.demo.benchmark", "_child", url]
    if full:
        cmd.append("--full")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data.update(process_wall=round(wall, 1), peak_rss_gb=round(peak_kb / 1024 / 1024, 2))
    return data


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["prepare", "measure", "_child"])
    ap.add_argument("url")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ratio", type=float, default=3.0)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="prepare: keep the generated demo files in DIR")
    ap.add_argument("--all-nik-damaged", action="store_true",
                    help="prepare: every NIK of the SIKS-NG file went through a spreadsheet (15 digits kept)")
    ap.add_argument("--no-all-nik-damaged", action="store_true",
                    help="prepare: never a file whose every NIK went through a spreadsheet (an ordinary file)")
    ap.add_argument("--kab", default="33.10", help="prepare: the kabupaten/kota of the demo data (e.g. 11.06, 12.71)")
    args = ap.parse_args(argv)
    if args.what == "prepare":
        prepare(args.url, args.people, args.seed, args.ratio, args.keep, kab=args.kab,
                all_nik_damaged=True if args.all_nik_damaged else (False if args.no_all_nik_damaged else None))
    elif args.what == "_child":
        _child(args.url, args.full)
    else:
        print(json.dumps(measure(args.url, args.full), indent=1))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
