"""kill -9 in the middle of a write leaves the database exactly as before — on SQLite and PostgreSQL.

A real `dtks` process imports a file (or runs the matching); the test waits until that process
holds an open write transaction, kills it with SIGKILL (a power cut, Task Manager's "End task"),
then checks that nothing of the interrupted work is in the database, and that the same work
then runs to the end (no stale lock, no half-written batch that blocks a retry).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from dtks_desktop.db.models import (
    AuditEvent, DukcapilPerson, Household, ImportBatch, ImportProblem, Member, MatchResult, MatchRun,
)
from dtks_desktop.demo import generator as demo
from dtks_desktop.services.core import settings
from dtks_desktop.services.importing.run import run_import

from ..conftest import ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["DTKS_PASSWORD"] = ADMIN_PASSWORD
    return env


def _start(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dtks_desktop.cli", "--db", url, "--user", "admin", *args],
                            cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _writer_active(db, backend: str) -> bool:
    """True while another connection holds an open transaction that has written something."""
    if backend == "postgresql":
        with db.engine.connect() as c:
            return bool(c.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")).scalar())
    # SQLite: a writer holds the RESERVED lock; BEGIN IMMEDIATE without waiting then fails.
    path = db.engine.url.database
    probe = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with probe.connect() as c:
            c.exec_driver_sql("BEGIN IMMEDIATE")
            c.exec_driver_sql("ROLLBACK")
        return False
    except Exception as exc:  # sqlite3.OperationalError: database is locked
        return "locked" in str(exc) or "busy" in str(exc)
    finally:
        probe.dispose()


def _kill_while_writing(proc: subprocess.Popen, db, backend: str, *, settle: float, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the process ended before it was seen writing (exit {proc.returncode}): {err.decode()[-2000:]}")
        if _writer_active(db, backend):
            time.sleep(settle)  # somewhere inside the write, not at its first statement
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker processes
                proc.wait(timeout=30)
                return
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("no write transaction seen")


def _counts(db) -> dict:
    with db.sessions() as s:
        return {m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
                for m in (Member, Household, ImportBatch, ImportProblem, DukcapilPerson, MatchRun, MatchResult)}


def _import_audit(db) -> int:
    with db.sessions() as s:
        return s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action.like("import.%"))).scalar_one()


def _wait_released(db, backend: str) -> None:
    """PostgreSQL notices a killed client when the socket closes; give it a moment."""
    for _ in range(200):
        if not _writer_active(db, backend):
            return
        time.sleep(0.05)


@pytest.fixture
def files(tmp_path):
    return demo.generate_files(tmp_path / "demo", demo.DemoConfig(people=12000, seed=21), xlsx=False)


@pytest.fixture
def office(db, admin):
    with db.transaction() as s:
        settings.put(s, admin, settings.KAB_KODE, "33.10")
    return admin


def _all_or_nothing(db, before: dict, action: str) -> bool:
    """The database holds either nothing of the killed work (True) or all of it (False): a batch
    that was committed has its end time, its counts and its audit event, written last in the
    same transaction."""
    now = _counts(db)
    if now == before:
        assert _import_audit(db) == 0
        return True
    with db.sessions() as s:
        batch = s.execute(select(ImportBatch)).scalars().one()
        assert batch.finished_at is not None
        assert now["members"] - before["members"] == batch.imported
        assert s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == action)).scalar_one() == 1
    return False


@pytest.mark.slow
@pytest.mark.parametrize("settle", [0.0, 0.1])
def test_kill_during_dtks_import_leaves_nothing_and_the_retry_works(db, db_url, office, files, backend, settle):
    before = _counts(db)
    proc = _start(db_url, "import", "dtks", str(files["dtks_csv"]), "--no-report", "--json")
    _kill_while_writing(proc, db, backend, settle=settle)
    _wait_released(db, backend)
    if not _all_or_nothing(db, before, "import.dtks"):
        return  # killed after the commit: everything is there, nothing to retry
    # The same file imports afterwards: no half batch says "sudah pernah diimpor", no lock is left.
    done = subprocess.run([sys.executable, "-m", "dtks_desktop.cli", "--db", db_url, "--user", "admin", "import",
                           "dtks", str(files["dtks_csv"]), "--no-report", "--json"], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = _counts(db)
    assert after["import_batches"] == 1 and after["members"] > 10000


@pytest.mark.slow
def test_kill_during_civil_registry_reimport_keeps_the_previous_snapshot(db, db_url, office, files, backend):
    first = run_import(db, office, files["dukcapil"], kind="dukcapil")
    before = _counts(db)
    assert before["dukcapil_persons"] == first.imported
    # A newer extract (same people, one more row changed) would replace the snapshot: kill it midway.
    newer = files["dukcapil"].with_name("dukcapil_baru.csv")
    newer.write_bytes(files["dukcapil"].read_bytes() + b"\n")  # another SHA-256, the same rows
    proc = _start(db_url, "import", "dukcapil", str(newer), "--no-report", "--json")
    _kill_while_writing(proc, db, backend, settle=0.05)
    _wait_released(db, backend)
    now = _counts(db)
    if now != before:  # killed after the commit: the whole new snapshot and nothing of the old one
        with db.sessions() as s:
            batches = set(s.execute(select(DukcapilPerson.batch_id).distinct()).scalars())
        assert now["import_batches"] == 2 and batches == {first.batch_id + 1}
        assert now["dukcapil_persons"] == before["dukcapil_persons"]


@pytest.mark.slow
def test_kill_during_matching_run_leaves_the_previous_results(db, db_url, office, files, backend):
    run_import(db, office, files["dtks_csv"], kind="dtks")
    run_import(db, office, files["dukcapil"], kind="dukcapil")
    before = _counts(db)
    with db.sessions() as s:
        niks_before = sorted(s.execute(select(Member.id, Member.nik)).all())
    proc = _start(db_url, "match", "run", "--json")
    _kill_while_writing(proc, db, backend, settle=0.05)
    _wait_released(db, backend)
    now = _counts(db)
    if now != before:  # killed after the commit: one whole run, a result for every member
        assert now["match_runs"] == 1 and now["match_results"] > 0
        return
    with db.sessions() as s:  # no run, no results, no restored NIK
        assert sorted(s.execute(select(Member.id, Member.nik)).all()) == niks_before
    done = subprocess.run([sys.executable, "-m", "dtks_desktop.cli", "--db", db_url, "--user", "admin", "match",
                           "run", "--json"], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _counts(db)["match_runs"] == 1
