"""Two imports at once (issue 8, item 1): real processes, on SQLite and PostgreSQL.

Every test starts ``python -m dtks_desktop.cli import ...`` (or a small lock-holding script)
as separate processes against the test database, as two PCs or a double click would.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from dtks_desktop.db.models import AuditEvent, Base, Household, ImportBatch, Member
from dtks_desktop.demo import generator as demo
from dtks_desktop.services.core.users import create_user
from tests.conftest import ADMIN_PASSWORD, KEEP_TABLES, PG_URL, _truncate_pg

REPO = Path(__file__).resolve().parents[2]


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env["DTKS_PASSWORD"] = ADMIN_PASSWORD
    env.pop("DTKS_DATABASE_URL", None)
    return env


def _cli(db_url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dtks_desktop.cli", *args, "--db", db_url, "--user", "admin"],
                            cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _import(db_url: str, kind: str, path: Path) -> subprocess.Popen:
    return _cli(db_url, "import", kind, str(path), "--kab", "33.10", "--no-report", "--progress")


def _wait(*procs: subprocess.Popen, timeout: float = 180) -> list[tuple[int, str, str]]:
    out = []
    for p in procs:
        o, e = p.communicate(timeout=timeout)
        out.append((p.returncode, o, e))
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """A SIKS-NG export split into two overlapping files (whole families, each ID DTKS once)."""
    out = tmp_path_factory.mktemp("conc")
    paths = demo.generate_files(out / "demo", demo.DemoConfig(people=1500, seed=7), xlsx=False)
    raw = Path(paths["dtks_csv"]).read_text(encoding="utf-8-sig")
    head_line = next(line for line in raw.splitlines() if line.startswith("ID DTKS"))
    delim = ";" if head_line.count(";") > head_line.count(",") else ","
    rows = list(csv.reader(raw[raw.index(head_line):].splitlines(), delimiter=delim))
    header = rows[0]
    kk = header.index("NOMOR KK")
    data = [r for r in rows[1:] if len(r) == len(header)]
    ids = Counter(r[0] for r in data)
    data = [r for r in data if r[0] and ids[r[0]] == 1]
    families: dict[str, list] = {}
    for r in data:
        families.setdefault(r[kk] or f"row{r[0]}", []).append(r)
    fams = list(families.values())
    cut_a, cut_b = int(len(fams) * 0.6), int(len(fams) * 0.4)

    def write(name: str, fam_list) -> Path:
        p = out / name
        with open(p, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=delim)
            w.writerow(header)
            for f in fam_list:
                w.writerows(f)
        return p

    return {"a": write("dtks_a.csv", fams[:cut_a]), "b": write("dtks_b.csv", fams[cut_b:]),
            "dukcapil": paths["dukcapil"]}


def _state(db) -> tuple:
    """The registry without ids: what two imports must leave whatever their timing."""
    with db.sessions() as s:
        members = sorted(s.execute(
            select(Member.id_dtks, Member.nik, Member.nama, Household.no_kk, Household.alamat, Household.rt)
            .join(Household, Household.id == Member.household_id)).all(), key=repr)
        n_households = s.execute(select(func.count()).select_from(Household)).scalar_one()
    return n_households, members


def _reset(db) -> None:
    if PG_URL:
        _truncate_pg(db)
    else:
        with db.engine.begin() as conn:
            for t in reversed(Base.metadata.sorted_tables):
                if t.name not in KEEP_TABLES:
                    conn.execute(text(f"DELETE FROM {t.name}"))
    with db.transaction() as s:
        create_user(s, "admin", ADMIN_PASSWORD, "admin", full_name="Admin Dinsos")


def _batches(db, kind: str) -> list:
    with db.sessions() as s:
        return list(s.execute(select(ImportBatch.id, ImportBatch.file_name).where(ImportBatch.kind == kind)))


def test_same_file_twice_at_once_is_stored_once(db, db_url, admin, files):
    """Two PCs (or a double click) import the same SIKS-NG file at the same moment: one batch,
    the other is refused as already imported; before, it landed twice (every ID DTKS twice)."""
    a = _import(db_url, "dtks", files["a"])
    b = _import(db_url, "dtks", files["a"])
    results = _wait(a, b)
    codes = sorted(r[0] for r in results)
    assert codes == [0, 1], results
    refused = next(r for r in results if r[0] == 1)
    assert "sudah pernah diimpor" in refused[2] and "Traceback" not in refused[2]
    assert len(_batches(db, "dtks")) == 1
    with db.sessions() as s:
        n = s.execute(select(func.count()).select_from(Member)).scalar_one()
        distinct = s.execute(select(func.count(func.distinct(Member.id_dtks)))).scalar_one()
    assert n == distinct > 0


def test_two_files_at_once_give_the_registry_of_one_after_the_other(db, db_url, admin, files):
    """Two different, overlapping SIKS-NG files at once: the registry is the one that importing
    them one after the other gives (the members both files carry are not added twice)."""
    a = _import(db_url, "dtks", files["a"])
    b = _import(db_url, "dtks", files["b"])
    results = _wait(a, b)
    assert [r[0] for r in results] == [0, 0], results
    together = _state(db)

    _reset(db)
    for key in ("a", "b"):
        rc, _o, e = _wait(_import(db_url, "dtks", files[key]))[0]
        assert rc == 0, e
    assert together == _state(db)


_HOLDER = r"""
import sys
from dtks_desktop.services.core import locks
from dtks_desktop.services.core.database import open_database
db = open_database(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
with db.transaction() as s, locks.hold(s, sys.argv[2].split(","), "operator1", "impor DTKS, ekspor_lama.csv"):
    print("held", flush=True)
    sys.stdin.readline()
print("released", flush=True)
"""


def _go(p: subprocess.Popen) -> None:
    p.stdin.write("\n")
    p.stdin.flush()
    line = p.stdout.readline()
    assert line.strip() == "held", p.stderr.read()


def _holder(db_url: str, kinds: str, *, go: bool = True) -> subprocess.Popen:
    """A process that holds the import lock of ``kinds`` (after ``_go``) until its stdin says so."""
    p = subprocess.Popen([sys.executable, "-c", _HOLDER, db_url, kinds], cwd=REPO, env=_env(),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    assert line.strip() == "ready", p.stderr.read()
    if go:
        _go(p)
    return p


def _logins(db) -> int:
    with db.sessions() as s:
        return s.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login")).scalar_one()


def test_waiting_import_says_who_imports_and_then_runs(db, db_url, admin, files):
    """A second import waits for the one holding the lock, saying who and since when, and runs
    when it is released (never interleaved)."""
    holder = _holder(db_url, "registry,programmes", go=False)
    try:
        imp = _import(db_url, "dtks", files["a"])
        # Take the lock once the import has logged in (on SQLite the login's audit row would
        # otherwise wait for the lock too) and is reading its rows.
        deadline = time.monotonic() + 60
        while _logins(db) == 0:
            assert time.monotonic() < deadline and imp.poll() is None, imp.communicate()
            time.sleep(0.05)
        _go(holder)
        time.sleep(6)  # it checks the rows, then waits at the lock
        assert imp.poll() is None, imp.communicate()
        assert _batches(db, "dtks") == []
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.communicate(timeout=30)
    rc, _o, err = _wait(imp)[0]
    assert rc == 0, err
    assert "Impor lain sedang berjalan oleh operator1 sejak" in err and "ekspor_lama.csv" in err
    assert len(_batches(db, "dtks")) == 1


def test_other_data_does_not_wait(db, db_url, admin, files):
    """On PostgreSQL a civil-registry import does not wait for a SIKS-NG import (other data);
    on SQLite there is one write lock for the file, so it waits there."""
    if not PG_URL:
        pytest.skip("SQLite has a single write lock per database file")
    holder = _holder(db_url, "registry,programmes")
    try:
        rc, _o, err = _wait(_import(db_url, "dukcapil", files["dukcapil"]), timeout=120)[0]
        assert rc == 0, err
        assert "sedang berjalan" not in err
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.communicate(timeout=30)


def test_killed_import_does_not_block_the_next(db, db_url, admin, files):
    """An import killed while holding the lock (kill -9, a PC switched off) leaves nothing that
    blocks: the lock dies with its connection/process, a stale note is ignored."""
    holder = _holder(db_url, "registry,programmes")
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    t0 = time.monotonic()
    rc, _o, err = _wait(_import(db_url, "dtks", files["a"]), timeout=120)[0]
    assert rc == 0, err
    assert "sedang berjalan oleh operator1" not in err
    assert time.monotonic() - t0 < 60
    assert len(_batches(db, "dtks")) == 1


@pytest.mark.slow
def test_sqlite_login_waits_for_a_running_import_instead_of_failing(db, db_url, admin):
    """While another process holds SQLite's write lock for longer than the old 10 s busy
    timeout, ``dtks db info`` (whose login writes an audit row) waits and succeeds; it used to
    fail after 12.8 s with a raw 'database is locked' traceback."""
    if PG_URL:
        pytest.skip("SQLite's write lock")
    path = db_url.split("///", 1)[1]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        info = _cli(db_url, "db", "info")
        time.sleep(14)
        assert info.poll() is None, info.communicate()
    finally:
        conn.execute("COMMIT")
        conn.close()
    rc, out, err = _wait(info)[0]
    assert rc == 0, err
    assert "Traceback" not in err


def test_database_still_locked_gives_an_indonesian_message(monkeypatch, capsys):
    """When SQLite stays locked past the busy timeout, the CLI and the GUI say so in Indonesian
    (no raw ``sqlite3.OperationalError: database is locked`` traceback)."""
    from sqlalchemy.exc import OperationalError

    from dtks_desktop import cli
    from dtks_desktop.cli import core as cli_core
    from dtks_desktop.views.common.widgets import user_message

    exc = OperationalError("INSERT INTO audit_events ...", {}, sqlite3.OperationalError("database is locked"))

    def locked(_args):
        raise exc

    monkeypatch.setattr(cli_core, "cmd_db_info", locked)
    assert cli.main(["db", "info", "--db", "sqlite:///x.sqlite"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert "Basis data sedang dipakai" in err and "coba lagi" in err and "Traceback" not in err
    message, hint = user_message(exc)
    assert "Basis data sedang dipakai" in message and "coba lagi" in hint
