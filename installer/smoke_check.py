"""Does an installed DTKS Desktop work? Start its two programs the way an office uses them.

    python installer/smoke_check.py DTKS GUI

DTKS is the command line (venv/bin/dtks, or dtks / dtks.exe of the PyInstaller bundle) and GUI
the desktop program (venv/bin/dtks-desktop, or "DTKS Desktop" / "DTKS Desktop.exe"). CI runs it
on the wheel installed in a fresh virtual environment and on the bundle (.ci/run); run it on
Windows after building the bundle there. Standard library only; everything happens in a
temporary folder (data and config folders included), from a working directory outside the
source tree, with PYTHONPATH removed, so only the installed code can run.

The checks: ``dtks --version`` and ``--help``; ``dtks db init`` on a new SQLite file (all
migrations); ``dtks demo-data`` (CSV and Excel writers); an import of 42,000 civil-registry rows
with up to two worker processes (the importer's "spawn" workers re-run the executable: in a frozen
build they only work if the entry script calls ``freeze_support()`` first; on Linux the check
also sees the workers among the child processes); a DTKS import, matching and the PDF/Excel
reports; then the GUI with ``--smoke-test`` on a new database (first-run dialog) and on the one
made above (login). Any failure prints what the program said and exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PASSWORD = "Smoke-Check-2026"
PEOPLE = 3000
DUKCAPIL_RATIO = 14  # 42,000 civil-registry rows: over the importer's PARALLEL_FROM_ROWS (40,000)
WORKERS = 2


class Failed(Exception):
    pass


class Checker:
    def __init__(self, dtks: Path, gui: Path, work: Path, expect_version: str | None) -> None:
        self.dtks = dtks
        self.gui = gui
        self.work = work
        self.expect_version = expect_version
        self.db = work / "smoke.sqlite"
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("PYTHONPATH", "PYTHONHOME", "DTKS_DATABASE_URL", "DTKS_DEBUG")}
        self.env.update(DTKS_DATA_DIR=str(work / "data"), DTKS_CONFIG_DIR=str(work / "config"),
                        DTKS_PASSWORD=PASSWORD, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")

    # ------------------------------------------------------------------ helpers
    def run(self, what: str, cmd: list, *, env: dict | None = None, timeout: float = 300,
            watch_workers: bool = False) -> subprocess.CompletedProcess:
        started = time.monotonic()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=self.work, env=env or self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        seen: dict[int, str] = {}
        if watch_workers:
            watcher = threading.Thread(target=_watch_children, args=(proc, seen), daemon=True)
            watcher.start()
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise Failed(f"{what}: no end after {timeout:.0f} s\n{_tail(out, err)}") from None
        if watch_workers:
            watcher.join(5)
        r = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
        r.seconds = time.monotonic() - started  # type: ignore[attr-defined]
        r.children = seen  # type: ignore[attr-defined]
        if r.returncode != 0:
            raise Failed(f"{what}: exit code {r.returncode}\n{_tail(out, err)}")
        return r

    def ok(self, what: str, r: subprocess.CompletedProcess, detail: str = "") -> None:
        print(f"  ok  {what} ({r.seconds:.1f} s){': ' + detail if detail else ''}", flush=True)

    def cli_json(self, what: str, *args, **kw) -> dict:
        r = self.run(what, [self.dtks, "--db", self.db, "--user", "admin", "--json", *args], **kw)
        try:
            data = json.loads(r.stdout)
        except ValueError:
            raise Failed(f"{what}: output is not JSON\n{_tail(r.stdout, r.stderr)}") from None
        r.data = data  # type: ignore[attr-defined]
        return r

    # ------------------------------------------------------------------ checks
    def command_line(self) -> None:
        r = self.run("dtks --version", [self.dtks, "--version"])
        version = r.stdout.strip()
        if not version.startswith("DTKS Desktop ") or (self.expect_version and version.split()[-1] != self.expect_version):
            raise Failed(f"dtks --version printed {version!r}, expected 'DTKS Desktop {self.expect_version or 'X.Y.Z'}'")
        self.ok("dtks --version", r, version)
        r = self.run("dtks --help", [self.dtks, "--help"])
        if "demo-data" not in r.stdout:
            raise Failed(f"dtks --help does not list the commands\n{_tail(r.stdout, r.stderr)}")
        self.ok("dtks --help", r)

        r = self.run("dtks db init", [self.dtks, "--db", self.db, "db", "init", "--admin", "admin", "--kab", "33.10",
                                      "--json"], env=dict(self.env, DTKS_NEW_PASSWORD=PASSWORD))
        self.ok("dtks db init (new SQLite file, all migrations)", r, json.loads(r.stdout)["kabupaten"])

        demo = self.work / "demo"
        r = self.run("dtks demo-data", [self.dtks, "demo-data", demo, "--people", PEOPLE,
                                        "--dukcapil-ratio", DUKCAPIL_RATIO])
        files = sorted(p.name for p in demo.iterdir())
        if not any(n.endswith(".xlsx") for n in files):
            raise Failed(f"dtks demo-data wrote no Excel file: {files}")
        self.ok("dtks demo-data", r, f"{len(files)} files")

        dukcapil = next(demo.glob("dukcapil_*.csv"))
        r = self.cli_json("dtks import dukcapil (worker processes)", "import", "dukcapil", dukcapil,
                          env=dict(self.env, DTKS_IMPORT_WORKERS=str(WORKERS)), watch_workers=True)
        rows = r.data["rows_read"]
        if rows < 40_000 or r.data["imported"] != rows:
            raise Failed(f"dtks import dukcapil: {r.data}")
        workers = [c for c in r.children.values() if "spawn_main" in c or "multiprocessing-fork" in c]
        if sys.platform.startswith("linux"):
            # The pool starts a worker only when none is idle at a submit (ProcessPoolExecutor's
            # on-demand spawning), so on a busy machine one worker may do every chunk: what this
            # proves is that a spawned worker runs the installed code, not how many the pool made.
            if not 1 <= len(workers) <= WORKERS:
                raise Failed(f"dtks import dukcapil: expected 1 to {WORKERS} worker processes, saw "
                             f"{sorted(r.children.values()) or 'no child process'}")
            how = f"{len(workers)} workers seen"
        else:
            how = "workers not watched on this system"
        self.ok("dtks import dukcapil (worker processes)", r, f"{rows:,} rows, {how}, report {r.data['report']}")

        dtks_file = next(demo.glob("dtks_*.csv"))
        r = self.cli_json("dtks import dtks", "import", "dtks", dtks_file)
        if r.data["imported"] < PEOPLE * 0.9:
            raise Failed(f"dtks import dtks: {r.data}")
        self.ok("dtks import dtks", r, f"{r.data['imported']:,} members")

        r = self.cli_json("dtks match run", "match", "run")
        if r.data["members_matched"] != r.data["members_total"] or not r.data["counts"].get("padan"):
            raise Failed(f"dtks match run: {r.data}")
        self.ok("dtks match run", r, f"{r.data['counts']['padan']:,} padan")

        pdf = self.work / "rekap.pdf"
        r = self.run("dtks match report summary", [self.dtks, "--db", self.db, "--user", "admin", "match", "report",
                                                   "summary", pdf])
        if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF"):
            raise Failed(f"dtks match report summary wrote no PDF\n{_tail(r.stdout, r.stderr)}")
        self.ok("dtks match report summary (PDF)", r, f"{pdf.stat().st_size:,} bytes")
        xlsx = self.work / "desa.xlsx"
        r = self.run("dtks match report desa", [self.dtks, "--db", self.db, "--user", "admin", "match", "report",
                                                "desa", xlsx])
        if not xlsx.is_file() or not xlsx.read_bytes().startswith(b"PK"):
            raise Failed(f"dtks match report desa wrote no Excel file\n{_tail(r.stdout, r.stderr)}")
        self.ok("dtks match report desa (Excel)", r, f"{xlsx.stat().st_size:,} bytes")

    def desktop(self, seconds: float) -> None:
        # A first start: new data folder, the default database is created, the first-run dialog.
        fresh = self.work / "gui-first"
        env = dict(self.env, DTKS_DATA_DIR=str(fresh / "data"), DTKS_CONFIG_DIR=str(fresh / "config"))
        self._gui("GUI first start", ["--smoke-test", seconds], env, fresh / "data", "FirstAdminDialog")
        # The database made by the command line: the login.
        self._gui("GUI on the database of dtks db init", ["--smoke-test", seconds, "--db", self.db], self.env,
                  self.work / "data", "LoginDialog")

    def _gui(self, what: str, args: list, env: dict, data_dir: Path, window: str) -> None:
        log = data_dir / "dtks-desktop.log"
        try:
            r = self.run(what, [self.gui, *args], env=env, timeout=240)
        except Failed as exc:
            raise Failed(f"{exc}\n{_log_tail(log)}") from None
        # The GUI program has no console on Windows: its verdict is read from its log file.
        text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
        lines = [ln for ln in text.splitlines() if "Smoke test OK:" in ln]
        if not lines or f"Smoke test OK: {window} shown" not in lines[-1]:
            raise Failed(f"{what}: no 'Smoke test OK: {window} shown' in {log}\n{_tail(r.stdout, r.stderr)}\n"
                         f"{_log_tail(log)}")
        self.ok(what, r, lines[-1].split("Smoke test OK: ", 1)[1])


def _watch_children(proc: subprocess.Popen, seen: dict[int, str]) -> None:
    """Linux: remember the command lines of the child processes of ``proc`` while it runs."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        return
    while proc.poll() is None:
        for entry in proc_dir.iterdir():
            if not entry.name.isdigit() or int(entry.name) in seen:
                continue
            try:
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                if ppid == proc.pid:
                    seen[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                        errors="replace").strip()
            except (OSError, ValueError, IndexError):
                continue
        time.sleep(0.05)


def _tail(out: str | None, err: str | None, n: int = 40) -> str:
    parts = []
    for name, text in (("stdout", out), ("stderr", err)):
        if text and text.strip():
            parts.append(f"--- {name} ---\n" + "\n".join(text.strip().splitlines()[-n:]))
    return "\n".join(parts) or "(no output)"


def _log_tail(log: Path, n: int = 40) -> str:
    if not log.is_file():
        return f"(no log file {log})"
    return f"--- {log} ---\n" + "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dtks", type=Path, help="the command-line program (dtks, dtks.exe)")
    ap.add_argument("gui", type=Path, help="the desktop program (dtks-desktop, 'DTKS Desktop.exe')")
    ap.add_argument("--seconds", type=float, default=3.0, help="how long the GUI's first window stays up")
    ap.add_argument("--expect-version", help="the version `dtks --version` must print")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args(argv)
    for exe in (a.dtks, a.gui):
        if not exe.is_file():
            print(f"Smoke check FAILED: {exe} does not exist", file=sys.stderr)
            return 1
    work = Path(tempfile.mkdtemp(prefix="dtks-smoke-"))
    started = time.monotonic()
    print(f"Smoke check of {a.dtks} and {a.gui} (in {work})", flush=True)
    try:
        checker = Checker(a.dtks.resolve(), a.gui.resolve(), work, a.expect_version)
        checker.command_line()
        checker.desktop(a.seconds)
    except Failed as exc:
        print(f"Smoke check FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"Smoke check passed in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
