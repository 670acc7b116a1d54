"""Row-checking workers die with their parent (issue 8, item 7).

A real `dtks import` runs in a subprocess on a file big enough to be checked by two spawned
workers; once they are alive the parent is killed with SIGKILL (no clean-up of its own runs).
The workers and multiprocessing's resource tracker must be gone within a few seconds instead of
staying alive (≈146 MB each) until someone kills them by hand.

Processes are found through /proc (Linux); the mechanism itself (a watchdog on the parent's
sentinel in each worker) is the same on Windows.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dtks_desktop.services.core import settings
from tests.conftest import ADMIN_PASSWORD

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")

HEADER = ["ID DTKS", "KECAMATAN", "DESA/KELURAHAN", "ALAMAT", "RT", "RW", "NOMOR KK", "NOMOR NIK", "NAMA",
          "TANGGAL LAHIR", "JENIS KELAMIN", "HUBUNGAN KELUARGA"]


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")  # a zombie has exited; only reaping is left


def _children(parent: int) -> dict[int, str]:
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        st = _stat(int(entry.name))
        if st is None or st[1] != parent or st[0] in ("Z", "X"):
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        out[int(entry.name)] = cmd
    return out


def _big_file(path: Path, rows: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEADER)
        for i in range(rows):
            kk = f"331001160616{i // 4:04d}"[-16:]
            w.writerow([f"D{i:07d}", "Prambanan", "Sengon", f"Dk. Krajan {i}", "1", "2", kk,
                        f"3310011109{86 + i % 10:02d}{i % 10000:04d}", f"WARGA NOMOR {i}",
                        f"{i % 28 + 1:02d}-09-1986", "L" if i % 2 else "P", "1" if i % 4 == 0 else "3"])
    return path


@pytest.mark.slow
def test_workers_and_resource_tracker_die_with_a_killed_import(db, db_url, admin, tmp_path):
    with db.transaction() as s:
        settings.put(s, admin, settings.KAB_KODE, "33.10")
    data = _big_file(tmp_path / "besar.csv", 300_000)
    env = dict(os.environ, PYTHONPATH=str(REPO), DTKS_PASSWORD=ADMIN_PASSWORD, DTKS_IMPORT_WORKERS="2")
    proc = subprocess.Popen([sys.executable, "-m", "dtks_desktop.cli", "--db", db_url, "--user", "admin",
                             "import", "dtks", str(data), "--no-report"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        kids: dict[int, str] = {}
        while time.monotonic() < deadline:
            kids = {p: c for p, c in _children(proc.pid).items() if "multiprocessing" in c}
            workers = [p for p, c in kids.items() if "spawn_main" in c]
            if len(workers) >= 2 and any("resource_tracker" in c for c in kids.values()):
                break
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace")
            time.sleep(0.05)
        else:
            pytest.fail(f"the import never started its workers: {kids}")
        time.sleep(0.5)  # the workers are checking rows now
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in kids):
            time.sleep(0.05)
        left = {p: c for p, c in kids.items() if _alive(p)}
        assert not left, f"still alive after the parent was killed: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in list(_children(proc.pid)) + [p for p in locals().get("kids", {})]:
            if _alive(p):
                os.kill(p, signal.SIGKILL)
        proc.stderr.close()
