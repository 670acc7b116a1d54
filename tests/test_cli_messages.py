"""`dtks` messages instead of tracebacks or silent surprises (issue 8, item 9).

- a SQLite path that does not exist (``--db``, DTKS_DATABASE_URL) is an error naming the file;
  nothing is created, except by ``db init`` and for the default database in the data folder;
- ``demo-load`` on a database that already holds data says so in Indonesian;
- a reader that closes the pipe (``dtks … | head``) ends the command quietly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dtks_desktop.cli import main
from dtks_desktop.config import sqlite_url
from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families
from tests.conftest import ADMIN_PASSWORD

REPO = Path(__file__).resolve().parents[1]


def run(capsys, monkeypatch, *argv, password=ADMIN_PASSWORD):
    monkeypatch.setenv("DTKS_PASSWORD", password)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A data and a config folder of our own: no saved connection, no default database yet."""
    monkeypatch.setenv("DTKS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DTKS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("DTKS_DATABASE_URL", raising=False)
    return tmp_path


# --- a mistyped SQLite path ---------------------------------------------------------------------


def test_mistyped_db_path_is_an_error_and_creates_nothing(capsys, monkeypatch, home):
    typo = home / "Dokumen" / "dtsk.sqlite"  # neither the folder nor the file exists
    code, out, err = run(capsys, monkeypatch, "--db", str(typo), "--user", "admin", "db", "info")
    assert code == 1 and out == ""
    assert f"Berkas basis data '{typo}' tidak ada." in err
    assert "db init" in err and "kata sandi" not in err and "Traceback" not in err
    assert not typo.exists() and not typo.parent.exists()

    monkeypatch.setenv("DTKS_DATABASE_URL", sqlite_url(typo))
    code, _, err = run(capsys, monkeypatch, "--user", "admin", "db", "upgrade")
    assert code == 1 and "tidak ada" in err and not typo.parent.exists()


def test_db_init_creates_a_new_file_and_the_default_database_is_made_on_first_run(capsys, monkeypatch, home):
    new = home / "kantor" / "dtks.sqlite"
    code, _, err = run(capsys, monkeypatch, "--db", str(new), "db", "init", "--admin", "kadis",
                       password="rahasia-kadis")
    assert code == 0, err
    assert new.exists()
    code, out, _ = run(capsys, monkeypatch, "--db", str(new), "--user", "kadis", "db", "info",
                       password="rahasia-kadis")
    assert code == 0 and str(new) in out

    # No --db, no environment, nothing saved: the data folder's database, created on first use.
    default = home / "data" / "dtks.sqlite"
    assert not default.exists()
    code, _, err = run(capsys, monkeypatch, "db", "upgrade")
    assert code == 0, err
    assert default.exists()


# --- demo-load on a database with data ----------------------------------------------------------


def test_demo_load_on_a_database_with_data_is_a_message(capsys, monkeypatch, db, db_url, admin):
    with db.transaction() as s:
        bulk_add_families(s, [FamilyRecord(no_kk="3310010101200001", desa_kode="33.10.01.2001", members=[
            MemberRecord("SLAMET", nik="3310011109860001", tanggal_lahir=date(1986, 9, 11), hubungan=1)])])
    code, out, err = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "demo-load", "--people", "200")
    assert code == 1 and out == ""
    assert err.strip() == "Galat: Basis data sudah berisi data; data contoh hanya untuk basis data kosong."


# --- a closed pipe --------------------------------------------------------------------------------


def _run_into_closed_pipe(args: list[str]) -> subprocess.CompletedProcess:
    """Run dtks with a stdout whose reader has already gone (as `dtks … | head` once head exits)."""
    r, w = os.pipe()
    os.close(r)
    env = dict(os.environ, PYTHONPATH=str(REPO), DTKS_PASSWORD=ADMIN_PASSWORD)
    try:
        return subprocess.run([sys.executable, "-m", "dtks_desktop.cli", *args], stdout=w,
                              stderr=subprocess.PIPE, env=env, timeout=120, text=True)
    finally:
        os.close(w)


def test_closed_stdout_ends_quietly(db_url, admin):
    res = _run_into_closed_pipe(["--db", db_url, "--user", "admin", "--json", "db", "info"])
    assert res.stderr == ""  # no traceback, no "Exception ignored … BrokenPipeError"
    assert res.returncode == 141  # 128 + SIGPIPE, as a shell reports for `yes | head`
