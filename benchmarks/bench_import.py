"""Benchmark of the import (issue 3): a SIKS-NG DTKS export into an empty database.

Times the real service ``services.importing.run.run_import`` (read, check every row,
store in one transaction), called as the GUI calls it (no .xlsx problem report unless
``--with-report``), on a synthetic but realistically damaged SIKS-NG export from
``services.demo`` (Kabupaten Klaten), and -- unless ``--skip-pandas`` -- "the obvious
alternative" on the same file: ``pandas.read_csv`` / ``pandas.read_excel`` with
``dtype=str`` followed by ``DataFrame.to_sql`` into a plain table. pandas does no
validation at all (no NIK or date checks, no region lookup, no families, no problem
list, no duplicate detection), so the comparison is generous to pandas; pandas is also
told the delimiter, the encoding and the header row, which the importer has to find out
for itself.

Every measured run is a fresh child process against a fresh database: SQLite in a new
temporary file, PostgreSQL in a database that is dropped and re-created first
(``dtks_bench_import`` for the importer, ``dtks_bench_import_pandas`` for pandas; no
other database is touched). Reported per run:

- wall time, and CPU time (``resource.getrusage``, user + system) of the child *and* of
  the row-check worker processes the import spawns -- both, because the machine may be
  shared; for PostgreSQL the CPU time of the server backends serving the child (from
  ``/proc/<pid>/stat``, so only when the server runs on this machine) is added as ``+x``;
- peak memory: the summed RSS of the child and its workers, sampled every 0.1 s (the
  child's own ``ru_maxrss`` and the largest worker's are printed too);
- the import's own summary (rows_read = imported + rejected, nothing lost), the counts in
  the database, and the seconds of each phase from the import's progress messages.

All runs of one invocation import ``dtks_desktop`` from a copy taken at the start
(``--no-snapshot`` to use the live tree), and the commit, the uncommitted changes and a
fingerprint of the sources are printed, because the import code may be changing while a
long benchmark runs. ``--repeat N`` reports the fastest of N runs.

Generated files are cached in ``benchmarks/.cache/siksng_p<people>_s<seed>/`` (about
60 s to generate 1,000,000 people), so re-runs reuse them.

Usage::

    python benchmarks/bench_import.py --rows 1000000 --kind csv --db both
    python benchmarks/bench_import.py --rows 200000 --kind xlsx --db both --repeat 2
    python benchmarks/bench_import.py --rows 200000 --kind xlsx --db sqlite --pandas-excel-engine calamine
    python benchmarks/bench_import.py --rows 200000 --kind csv --db sqlite --skip-pandas --workers 4
    python benchmarks/bench_import.py --rows 200000 --kind csv --db sqlite --profile /tmp/import.prof

Targets (issue 3): 1,000,000-row CSV in <= 30 s, 200,000-row xlsx in <= 20 s, on SQLite
and PostgreSQL, peak memory <= 1.5 GB. ``--rows`` is the number of registry people given
to the generator (the target sizes); the export holds about 1 % more data rows
(duplicated people), and the table shows the data rows actually read.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
KAB = "33.10"

TARGET_SECONDS = {"csv": (1_000_000, 30.0), "xlsx": (200_000, 20.0)}
TARGET_PEAK_MB = 1.5 * 1024  # 1.5 GiB, in MiB

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DB = "dtks_bench_import"
PG_DB_PANDAS = "dtks_bench_import_pandas"


# --------------------------------------------------------------------------- helpers (both sides)

def _cpu() -> float:
    """CPU seconds of this process plus its finished (waited-for) children, e.g. the import's row-check workers."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    rc = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime + rc.ru_utime + rc.ru_stime


class TreeMemory(threading.Thread):
    """Samples the summed RSS of this process and all its descendants (the import spawns row-check workers,
    whose memory ru_maxrss of this process does not include). RSS sums count shared pages twice, so this
    slightly overstates the real peak."""

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_mb = 0.0
        self.max_procs = 1
        self._stop_evt = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    @staticmethod
    def _tree(pid: int) -> list[int]:
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            try:
                for tid in os.listdir(f"/proc/{p}/task"):
                    with open(f"/proc/{p}/task/{tid}/children") as fh:
                        todo.extend(int(c) for c in fh.read().split())
            except OSError:
                pass
        return out

    def sample(self) -> None:
        total, n = 0, 0
        for p in self._tree(os.getpid()):
            try:
                with open(f"/proc/{p}/statm") as fh:
                    total += int(fh.read().split()[1]) * self._page
                n += 1
            except (OSError, IndexError, ValueError):
                pass
        self.peak_mb = max(self.peak_mb, total / 2**20)
        self.max_procs = max(self.max_procs, n)

    def run(self) -> None:
        while not self._stop_evt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_evt.set()
        self.join()
        self.sample()


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _rss_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _proc_cpu(pid: int) -> float | None:
    """utime + stime of a local process in seconds, or None (not local / not readable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _pg_backends(engine, dbname: str) -> dict[int, float]:
    """CPU seconds so far of every server backend connected to ``dbname`` (local server only)."""
    from sqlalchemy import text

    with engine.connect() as c:
        pids = [r[0] for r in c.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": dbname})]
    out = {}
    for pid in pids:
        cpu = _proc_cpu(pid)
        if cpu is not None:
            out[pid] = cpu
    return out


def _tree_fingerprint(root: Path) -> str:
    """A short hash of every .py file of the dtks_desktop package under ``root``: which code was measured."""
    h = hashlib.sha256()
    pkg = root / "dtks_desktop"
    for f in sorted(pkg.rglob("*.py")):
        if "__pycache__" not in f.parts:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:10]


def _snapshot(work: Path) -> Path:
    """Copy the dtks_desktop package (and its region data) so every child of one run measures the same code."""
    snap = work / "code"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "dtks_desktop", snap / "dtks_desktop", ignore=ignore)
    if (REPO / "resources").is_dir() and not (snap / "dtks_desktop" / "resources").exists():
        # the editable install maps dtks_desktop.resources to <repo>/resources
        shutil.copytree(REPO / "resources", snap / "dtks_desktop" / "resources", ignore=ignore)
    return snap


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True,
                              timeout=30).stdout.rstrip()
    except (OSError, subprocess.SubprocessError):
        return ""


class Phases:
    """The import's own progress messages, timed: where the seconds go (digits dropped, so
    "Memeriksa baris 5.000" and "Memeriksa baris 10.000" are one phase)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.marks: list[tuple[float, str]] = []

    def progress(self, done: int, total: int, text: str = "") -> None:
        label = re.sub(r"[\d.,]+", "N", text).strip() or "?"
        if not self.marks or self.marks[-1][1] != label:
            self.marks.append((time.perf_counter(), label))

    def durations(self, end: float) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        prev_t, prev_l = self.start, "(start)"
        for t, label in self.marks + [(end, "")]:
            if t - prev_t > 0.005 or prev_l != "(start)":
                out.append((prev_l, round(t - prev_t, 2)))
            prev_t, prev_l = t, label
        return out


# --------------------------------------------------------------------------- child: generate

def child_generate(people: int, seed: int, outdir: Path, xlsx: bool) -> dict:
    from dtks_desktop.demo import generator as demo

    t0 = time.perf_counter()
    demo.generate_files(outdir, demo.DemoConfig(people=people, seed=seed, kab=KAB, dukcapil_ratio=1.0), xlsx=xlsx)
    return {"seconds": round(time.perf_counter() - t0, 1)}


# --------------------------------------------------------------------------- child: DTKS Desktop import

def _pg_quote_workaround(db) -> bool:
    """Work around unquoted reserved column names in ``db.bulk.bulk_insert`` on PostgreSQL.

    At commit a2fbf08/71620df ``bulk_insert`` writes ``COPY import_problems (..., column, ...)``
    without quoting, and ``column`` is reserved in PostgreSQL, so every DTKS import that has a
    problem row fails there. Probe for it with an empty COPY (rolled back); if it fails, make
    every loaded ``bulk_insert`` quote the names it is given (the same SQL otherwise, so the
    timing is unaffected). Returns True when the workaround was needed.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from dtks_desktop.db import bulk

    try:
        with db.engine.connect() as c:
            with c.begin() as t:
                bulk.bulk_insert(c, "import_problems", ("source_row", "column"), [])
                t.rollback()
        return False
    except (SQLAlchemyError, Exception) as exc:  # psycopg.errors.SyntaxError
        if "syntax error" not in str(exc):
            raise
    original = bulk.bulk_insert
    quote = db.engine.dialect.identifier_preparer.quote

    def bulk_insert(bind, table, columns, rows):
        return original(bind, table, tuple(quote(c) for c in columns), rows)

    for name, mod in list(sys.modules.items()):
        if name.startswith("dtks_desktop") and getattr(mod, "bulk_insert", None) is original:
            mod.bulk_insert = bulk_insert
    return True


def child_import(url: str, path: Path, workdir: Path, profile: str | None, with_report: bool) -> dict:
    from sqlalchemy import func, select

    from dtks_desktop.db.models import Household, ImportProblem, Member
    from dtks_desktop.services.core import settings, users
    from dtks_desktop.services.core.database import open_database
    from dtks_desktop.services.importing.run import run_import

    load0 = os.getloadavg()[0]
    t_setup = time.perf_counter()
    db = open_database(url)
    with db.transaction() as s:
        actor = users.create_user(s, "admin", "rahasia-admin", "admin")
        settings.put(s, actor, settings.KAB_KODE, KAB)
    setup_s = time.perf_counter() - t_setup
    pg = db.dialect == "postgresql"
    workaround = _pg_quote_workaround(db) if pg else False
    dbname = db.engine.url.database
    rss_before = _rss_mb()
    srv0 = _pg_backends(db.engine, dbname) if pg else {}

    # Called as the GUI calls it (no report_dir): since commit f0cb7bb the .xlsx problem report is written
    # on demand, before that always (into DTKS_DATA_DIR, a temporary folder here). --with-report asks for it.
    report_kw: dict = {}
    if with_report:
        import inspect

        if "write_report_file" in inspect.signature(run_import).parameters:
            report_kw["write_report_file"] = True
        report_kw["report_dir"] = workdir / "reports"

    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
    phases = Phases()
    mem = TreeMemory()
    mem.start()
    c0, w0 = _cpu(), time.perf_counter()
    phases.start = w0
    if prof:
        prof.enable()
    result = run_import(db, actor, path, kind="dtks", progress=phases.progress, **report_kw)
    if prof:
        prof.disable()
    wall, cpu = time.perf_counter() - w0, _cpu() - c0
    mem.stop()
    self_peak = _maxrss_mb()
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak = max(self_peak, mem.peak_mb)
    try:
        from dtks_desktop.services.importing.parallel import worker_count

        workers = worker_count()
    except ImportError:
        workers = 0
    server_cpu = None
    if pg:
        srv1 = _pg_backends(db.engine, dbname)
        if srv1:
            server_cpu = sum(v - srv0.get(pid, 0.0) for pid, v in srv1.items())
    with db.sessions() as s:
        counts = {
            "members": s.execute(select(func.count()).select_from(Member)).scalar_one(),
            "households": s.execute(select(func.count()).select_from(Household)).scalar_one(),
            "problems": s.execute(select(func.count()).select_from(ImportProblem)).scalar_one(),
        }
    db.dispose()
    if prof:
        prof.dump_stats(profile)
    return {
        "wall": wall, "cpu": cpu, "server_cpu": server_cpu, "peak_mb": peak, "rss_before_mb": rss_before,
        "self_peak_mb": self_peak, "worker_peak_mb": workers_peak, "max_procs": mem.max_procs, "workers": workers,
        "setup_s": setup_s, "phases": phases.durations(time.perf_counter() - w0 + phases.start),
        "result": result.as_dict(), "report_written": bool(result.report), "db_counts": counts,
        "load": [load0, os.getloadavg()[0]],
        "code_from": str(Path(sys.modules["dtks_desktop"].__file__).parent), "pg_quote_workaround": workaround,
    }


# --------------------------------------------------------------------------- child: pandas

def child_pandas(url: str, path: Path, kind: str, layout: dict, method: str, chunksize: int | None,
                 engine_name: str | None) -> dict:
    import pandas as pd
    from sqlalchemy import create_engine, text

    load0 = os.getloadavg()[0]
    engine = create_engine(url)
    with engine.connect():
        pass  # connect before timing, like the importer's open_database
    pg = engine.dialect.name == "postgresql"
    dbname = engine.url.database
    srv0 = _pg_backends(engine, dbname) if pg else {}
    skip = layout["header_row"] - 1  # title rows and the blank row under them
    c0, w0 = _cpu(), time.perf_counter()
    if kind == "csv":
        df = pd.read_csv(path, sep=layout["delimiter"], dtype=str, keep_default_na=False, skiprows=skip,
                         encoding="utf-8-sig")
    else:
        kw = {"engine": engine_name} if engine_name else {}
        df = pd.read_excel(path, dtype=str, keep_default_na=False, skiprows=skip, **kw)
    read_s = time.perf_counter() - w0
    df.to_sql("pandas_import", engine, if_exists="replace", index=False,
              method=None if method == "none" else "multi", chunksize=chunksize)
    wall, cpu = time.perf_counter() - w0, _cpu() - c0
    peak = _maxrss_mb()
    server_cpu = None
    if pg:
        srv1 = _pg_backends(engine, dbname)
        if srv1:
            server_cpu = sum(v - srv0.get(pid, 0.0) for pid, v in srv1.items())
    with engine.connect() as c:
        n = c.execute(text("SELECT count(*) FROM pandas_import")).scalar_one()
    engine.dispose()
    return {"wall": wall, "cpu": cpu, "read_s": read_s, "server_cpu": server_cpu, "peak_mb": peak,
            "rows_in_table": n, "df_rows": len(df), "load": [load0, os.getloadavg()[0]],
            "pandas": pd.__version__}


# --------------------------------------------------------------------------- parent

def _pg_recreate(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://{server.split('://', 1)[1]}/{name}"


def _pg_drop(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


CODE_DIR: Path | None = None  # the snapshot of dtks_desktop the children import (None: the live tree)


def _run_child(mode: str, payload: dict, env_dir: Path, extra_env: dict | None = None) -> dict:
    """Run this file as a child process in ``mode``; return the JSON it writes."""
    out = env_dir / f"{mode}-{time.time_ns()}.json"
    env = dict(os.environ, DTKS_DATA_DIR=str(env_dir / "data"), DTKS_CONFIG_DIR=str(env_dir / "config"),
               **(extra_env or {}))
    env.pop("DTKS_DATABASE_URL", None)
    if CODE_DIR is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(CODE_DIR), os.environ.get("PYTHONPATH"))))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--child-args", json.dumps(payload),
           "--child-out", str(out)]
    proc = subprocess.run(cmd, env=env, cwd=str(REPO))
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"child {mode} failed (exit {proc.returncode}); see its output above")
    return json.loads(out.read_text())


def ensure_files(people: int, seed: int, kind: str, env_dir: Path) -> tuple[Path, dict]:
    d = CACHE / f"siksng_p{people}_s{seed}"
    target = d / ("dtks_siksng_3310.xlsx" if kind == "xlsx" else "dtks_siksng_3310.csv")
    meta_p = d / "ground_truth_meta.json"
    if not (target.exists() and meta_p.exists()):
        print(f"Generating {people:,} people (seed {seed}) into {d} ...", flush=True)
        info = _run_child("generate", {"people": people, "seed": seed, "outdir": str(d), "xlsx": kind == "xlsx"},
                          env_dir)
        print(f"  generated in {info['seconds']} s", flush=True)
    meta = json.loads(meta_p.read_text())
    if kind == "xlsx" and not target.exists():
        raise SystemExit(f"No xlsx for {people:,} people: {meta.get('xlsx_skipped')}")
    return target, meta


def _fmt_s(wall: float, cpu: float, server: float | None) -> str:
    s = f"{wall:.1f} / {cpu:.1f}"
    if server is not None:
        s += f"+{server:.1f}"
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="registry people to generate (default 1,000,000)")
    ap.add_argument("--kind", choices=("csv", "xlsx"), default="csv")
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-pandas", action="store_true", help="do not time the pandas alternative")
    ap.add_argument("--pg-server", default=PG_SERVER, help=f"PostgreSQL server, no database (default {PG_SERVER})")
    ap.add_argument("--pandas-method", choices=("none", "multi"), default="none",
                    help="to_sql method: none = method=None, one executemany (SQLAlchemy's insertmanyvalues "
                         "batches on PostgreSQL) -- on this machine 30-40x faster than 'multi' on PostgreSQL, "
                         "where 'multi' spends its time compiling huge INSERT statements")
    ap.add_argument("--pandas-chunksize", type=int, default=0,
                    help="to_sql chunksize (default: none for method=None, 2000 for 'multi')")
    ap.add_argument("--pandas-excel-engine", default="openpyxl",
                    help="read_excel engine (default openpyxl, pandas 3.1's default for .xlsx; 'calamine' is "
                         "the faster one the importer uses)")
    ap.add_argument("--profile", metavar="FILE.prof",
                    help="also run one extra SQLite import under cProfile and print its hotspots (not timed)")
    ap.add_argument("--json", metavar="FILE", help="append the results as JSON lines to FILE")
    ap.add_argument("--keep-db", action="store_true", help="keep the SQLite files / PostgreSQL databases")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per database (each on a fresh database in a fresh process); the fastest is "
                         "reported -- useful on a shared machine")
    ap.add_argument("--workers", type=int, default=None,
                    help="row-check worker processes of the import (sets DTKS_IMPORT_WORKERS; default: the app's "
                         "own choice, one per core up to 4; 0 or 1 = check in the importing process)")
    ap.add_argument("--with-report", action="store_true",
                    help="also write the .xlsx problem report inside the timed import (the GUI writes it on demand)")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="import dtks_desktop from the working tree in every child instead of from a copy taken "
                         "at the start (the default, so that all runs of one invocation measure the same code)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--child-args", help=argparse.SUPPRESS)
    ap.add_argument("--child-out", help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a.child:
        p = json.loads(a.child_args)
        if a.child == "generate":
            res = child_generate(p["people"], p["seed"], Path(p["outdir"]), p["xlsx"])
        elif a.child == "import":
            res = child_import(p["url"], Path(p["path"]), Path(p["workdir"]), p.get("profile"),
                               p.get("with_report", False))
        elif a.child == "pandas":
            res = child_pandas(p["url"], Path(p["path"]), p["kind"], p["layout"], p["method"], p["chunksize"],
                               p["engine"])
        else:
            raise SystemExit(f"unknown child mode {a.child}")
        Path(a.child_out).write_text(json.dumps(res, default=str))
        return

    global CODE_DIR
    dbs = ["sqlite", "postgresql"] if a.db == "both" else [a.db]
    work = Path(tempfile.mkdtemp(prefix="dtks_bench_import_"))
    if not a.keep_db:
        atexit.register(shutil.rmtree, work, True)
    commit = _git("log", "-1", "--format=%h")
    dirty = _git("status", "--short", "dtks_desktop")
    if not a.no_snapshot:
        CODE_DIR = _snapshot(work)
    code = _tree_fingerprint(CODE_DIR or REPO)
    print(f"# DTKS Desktop import benchmark  {_dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"commit {commit}" + (" + uncommitted changes in dtks_desktop:" if dirty else " (clean dtks_desktop)"))
    for line in dirty.splitlines()[:15]:
        print(f"    {line}")
    print(f"code measured: {'snapshot ' + str(CODE_DIR) if CODE_DIR else 'live working tree'}, "
          f"fingerprint {code} (sha256 of dtks_desktop/**/*.py)")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")

    path, meta = ensure_files(a.rows, a.seed, a.kind, work)
    layout, summary = meta["export_layout"], meta["summary"]
    size_mb = path.stat().st_size / 1e6
    print(f"file {path} ({size_mb:.0f} MB): {summary['export_rows']:,} data rows "
          f"(header on row {layout['header_row']}, {len(layout['title_rows'])} title rows, "
          f"delimiter {layout['delimiter']!r}); ground truth: {summary['expected_import']:,} to import, "
          f"{summary['expected_reject']:,} to reject", flush=True)

    rows_out = []
    try:
        for dbk in dbs:
            # --- DTKS Desktop (each repetition: fresh database, fresh process; the fastest one is reported)
            wenv = {"DTKS_IMPORT_WORKERS": str(a.workers)} if a.workers is not None else None
            runs = []
            for rep in range(a.repeat):
                if dbk == "sqlite":
                    dbfile = work / "import.sqlite"
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{dbfile}{suffix}").unlink(missing_ok=True)
                    url = f"sqlite:///{dbfile}"
                else:
                    url = _pg_recreate(a.pg_server, PG_DB)
                print(f"\n[{dbk}] DTKS Desktop run_import"
                      + (f" (run {rep + 1} of {a.repeat})" if a.repeat > 1 else "") + " ...", flush=True)
                runs.append(_run_child("import", {"url": url, "path": str(path), "workdir": str(work),
                                                  "with_report": a.with_report}, work, wenv))
                if a.repeat > 1:
                    print(f"[{dbk}]   {runs[-1]['wall']:.1f} s wall, {runs[-1]['cpu']:.1f} s CPU, "
                          f"load {runs[-1]['load'][0]:.1f}->{runs[-1]['load'][1]:.1f}", flush=True)
            imp = min(runs, key=lambda x: x["wall"])
            imp["all_walls"] = [round(x["wall"], 1) for x in runs]
            if a.repeat > 1:
                print(f"[{dbk}] fastest of {a.repeat} runs (walls {imp['all_walls']}):")
            r = imp["result"]
            ok = r["imported"] + r["rejected"] == r["rows_read"]
            print(f"[{dbk}] {imp['wall']:.1f} s wall, {imp['cpu']:.1f} s CPU"
                  + (f" (+{imp['server_cpu']:.1f} s server backend CPU)" if imp["server_cpu"] is not None else "")
                  + f", peak memory {imp['peak_mb']:.0f} MB ("
                  + (f"summed RSS of {imp['max_procs']} processes: importer {imp['self_peak_mb']:.0f} MB, largest "
                     f"worker {imp['worker_peak_mb']:.0f} MB" if imp["max_procs"] > 1 else "one process, no workers")
                  + f"; after open_database {imp['rss_before_mb']:.0f} MB), worker_count() = {imp['workers']},"
                  f" load {imp['load'][0]:.1f}->{imp['load'][1]:.1f}")
            if CODE_DIR is not None and not imp["code_from"].startswith(str(CODE_DIR)):
                raise SystemExit(f"child imported dtks_desktop from {imp['code_from']}, not from the snapshot")
            print(f"[{dbk}] import summary: rows_read={r['rows_read']:,} imported={r['imported']:,} "
                  f"rejected={r['rejected']:,} warnings={r['warnings']:,} problems={r['problems']:,} "
                  f"(.xlsx report {'written' if imp['report_written'] else 'not written'}) -> "
                  f"imported + rejected {'==' if ok else '!='} rows_read"
                  f" ({'nothing lost' if ok else 'ROWS LOST'})")
            if imp.get("pg_quote_workaround"):
                print(f"[{dbk}] NOTE: bulk_insert does not quote the reserved column name \"column\" of "
                      "import_problems (COPY fails on PostgreSQL); measured with the benchmark's quoting "
                      "workaround (same SQL otherwise)")
            print(f"[{dbk}] phases (from the import's progress messages): "
                  + "; ".join(f"{label} {sec:.1f} s" for label, sec in imp["phases"] if sec >= 0.05))
            dc = imp["db_counts"]
            print(f"[{dbk}] in the database: {dc['members']:,} members, {dc['households']:,} households, "
                  f"{dc['problems']:,} problem rows; run_import's own seconds={r['seconds']}", flush=True)
            if dbk == "sqlite" and not a.keep_db:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{dbfile}{suffix}").unlink(missing_ok=True)

            # --- pandas
            pd_res = None
            if not a.skip_pandas:
                method = a.pandas_method
                chunk = a.pandas_chunksize or (2000 if method == "multi" else None)
                if dbk == "sqlite":
                    pfile = work / "pandas.sqlite"
                    purl = f"sqlite:///{pfile}"
                else:
                    purl = _pg_recreate(a.pg_server, PG_DB_PANDAS)
                eng = a.pandas_excel_engine if a.kind == "xlsx" else None
                label = (f"read_{'csv' if a.kind == 'csv' else 'excel'}"
                         + (f"(engine={eng})" if eng else "") + f" + to_sql(method={method!r}"
                         + (f", chunksize={chunk}" if chunk else "") + ")")
                print(f"[{dbk}] pandas {label} ...", flush=True)
                pruns = []
                for rep in range(a.repeat):
                    if rep:
                        if dbk == "sqlite":
                            pfile.unlink(missing_ok=True)
                        else:
                            purl = _pg_recreate(a.pg_server, PG_DB_PANDAS)
                    pruns.append(_run_child("pandas", {"url": purl, "path": str(path), "kind": a.kind,
                                                       "layout": layout, "method": method, "chunksize": chunk,
                                                       "engine": eng}, work))
                pd_res = min(pruns, key=lambda x: x["wall"])
                pd_res["all_walls"] = [round(x["wall"], 1) for x in pruns]
                pd_res["label"] = label
                print(f"[{dbk}] pandas{' (fastest of ' + str(pd_res['all_walls']) + ')' if a.repeat > 1 else ''}: "
                      f"{pd_res['wall']:.1f} s wall ({pd_res['read_s']:.1f} s reading), "
                      f"{pd_res['cpu']:.1f} s CPU"
                      + (f" (+{pd_res['server_cpu']:.1f} s server)" if pd_res["server_cpu"] is not None else "")
                      + f", peak RSS {pd_res['peak_mb']:.0f} MB, {pd_res['rows_in_table']:,} rows stored, "
                      f"load {pd_res['load'][0]:.1f}->{pd_res['load'][1]:.1f}", flush=True)
                if dbk == "sqlite" and not a.keep_db:
                    pfile.unlink(missing_ok=True)
                elif dbk == "postgresql" and not a.keep_db:
                    _pg_drop(a.pg_server, PG_DB_PANDAS)
            if dbk == "postgresql" and not a.keep_db:
                _pg_drop(a.pg_server, PG_DB)
            rows_out.append((dbk, imp, pd_res))
    finally:
        if not a.keep_db:
            for f in work.glob("*.sqlite*"):
                f.unlink(missing_ok=True)

    # --- table
    tgt_rows, tgt_s = TARGET_SECONDS[a.kind]
    print()
    print(f"commit {commit}{' (+ uncommitted dtks_desktop changes)' if dirty else ''}, code fingerprint {code}; "
          f"seconds are wall / CPU (CPU of the process and its row-check workers, +server backend CPU for "
          f"PostgreSQL); peak MB = summed RSS of the importing process and its workers; ratio = DTKS Desktop "
          f"wall time / pandas wall time (below 1: DTKS Desktop is faster)")
    print()
    print("| file | rows | database | DTKS Desktop s (wall / CPU) | rows/s | peak MB | pandas s (wall / CPU) "
          "| ratio | target met |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---|")
    for dbk, imp, pdr in rows_out:
        r = imp["result"]
        rate = r["rows_read"] / imp["wall"]
        if a.rows == tgt_rows:
            met = imp["wall"] <= tgt_s and imp["peak_mb"] <= TARGET_PEAK_MB
            why = []
            if imp["wall"] > tgt_s:
                why.append(f"> {tgt_s:.0f} s")
            if imp["peak_mb"] > TARGET_PEAK_MB:
                why.append("> 1.5 GB")
            target = "yes" if met else "no (" + ", ".join(why) + ")"
        else:
            target = f"n/a (target is for {tgt_rows:,} rows)"
        pd_cell = _fmt_s(pdr["wall"], pdr["cpu"], pdr["server_cpu"]) if pdr else "skipped"
        ratio = f"{imp['wall'] / pdr['wall']:.2f}" if pdr else "-"
        print(f"| {path.name} ({size_mb:.0f} MB) | {r['rows_read']:,} | {dbk} | "
              f"{_fmt_s(imp['wall'], imp['cpu'], imp['server_cpu'])} | {rate:,.0f} | {imp['peak_mb']:.0f} | "
              f"{pd_cell} | {ratio} | {target} |")
    print()
    for dbk, imp, pdr in rows_out:
        r = imp["result"]
        print(f"- {dbk}: rows_read {r['rows_read']:,} = imported {r['imported']:,} + rejected {r['rejected']:,}"
              f" ({'ok' if r['imported'] + r['rejected'] == r['rows_read'] else 'MISMATCH'}); ground truth "
              f"{summary['export_rows']:,} rows, {summary['expected_reject']:,} to reject; "
              f"{r['problems']:,} problems listed")
        if pdr:
            print(f"  pandas ({pdr['label']}, pandas {pdr['pandas']}): {pdr['rows_in_table']:,} rows stored, "
                  f"peak {pdr['peak_mb']:.0f} MB")
    if not a.skip_pandas:
        print("\nNote: pandas does no validation at all -- no NIK/KK/date checks, no region lookup, no families, "
              "no duplicate detection, no problem report -- and is told the delimiter, encoding and header row; "
              "the comparison is generous to pandas.")

    if a.json:
        with open(a.json, "a", encoding="utf-8") as fh:
            for dbk, imp, pdr in rows_out:
                fh.write(json.dumps({"when": _dt.datetime.now().isoformat(timespec="seconds"), "commit": commit,
                                     "dirty": bool(dirty), "code": code, "kind": a.kind, "people": a.rows,
                                     "seed": a.seed,
                                     "file_mb": round(size_mb, 1), "db": dbk, "import": imp, "pandas": pdr},
                                    default=str) + "\n")

    if a.profile:
        import pstats

        print(f"\nProfiling one more SQLite import under cProfile -> {a.profile} (row checks in-process, "
              "DTKS_IMPORT_WORKERS=1, so that they are profiled too; slower than the timed runs) ...",
              flush=True)
        pw = Path(tempfile.mkdtemp(prefix="dtks_bench_import_prof_"))
        try:
            res = _run_child("import", {"url": f"sqlite:///{pw / 'p.sqlite'}", "path": str(path),
                                        "workdir": str(pw), "profile": a.profile,
                                        "with_report": a.with_report}, pw,
                             {"DTKS_IMPORT_WORKERS": "1"})
        finally:
            shutil.rmtree(pw, ignore_errors=True)
        print(f"profiled run: {res['wall']:.1f} s wall")
        st = pstats.Stats(a.profile)
        st.sort_stats("tottime").print_stats(25)
        st.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
