"""``dtks-desktop --smoke-test SECONDS``: CI's start check of the wheel and the bundle must be real.

It passes only when the application opened its database and showed its first window, and fails
(exit code 3) on the database error dialog, on an error message box and on an unhandled exception.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from dtks_desktop.smoke import EXIT_FAILED

REPO = Path(__file__).resolve().parents[1]


def _gui(tmp_path: Path, *args: str, script: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen",
               DTKS_DATA_DIR=str(tmp_path / "data"), DTKS_CONFIG_DIR=str(tmp_path / "config"))
    env.pop("DTKS_DATABASE_URL", None)
    cmd = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "dtks_desktop", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)


def test_first_start_shows_the_first_run_dialog_on_a_new_database(tmp_path):
    r = _gui(tmp_path, "--smoke-test", "0.5")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Smoke test OK: FirstAdminDialog shown" in r.stdout
    assert "Smoke test OK: FirstAdminDialog shown" in (tmp_path / "data" / "dtks-desktop.log").read_text("utf-8")
    # The default database was really created and migrated.
    with sqlite3.connect(tmp_path / "data" / "dtks.sqlite") as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_a_database_with_users_shows_the_login(db, db_url, admin, tmp_path):
    r = _gui(tmp_path, "--smoke-test", "0.5", "--db", db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Smoke test OK: LoginDialog shown" in r.stdout


def test_a_database_that_cannot_be_opened_fails(tmp_path):
    r = _gui(tmp_path, "--smoke-test", "0.5", "--db", str(tmp_path / "missing" / "x.sqlite"))
    assert r.returncode == EXIT_FAILED, r.stdout + r.stderr
    assert "Smoke test FAILED: DatabaseErrorDialog" in r.stdout


def test_an_error_message_box_fails(tmp_path):
    script = (
        "import sys\n"
        "import dtks_desktop.views.shell.dialogs as d\n"
        "def boom(self, *a, **k):\n"
        "    raise RuntimeError('boom')\n"
        "d.FirstAdminDialog.__init__ = boom\n"
        "from dtks_desktop.app import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    r = _gui(tmp_path, "--smoke-test", "0.5", script=script)
    assert r.returncode == EXIT_FAILED, r.stdout + r.stderr
    assert "Smoke test FAILED: message box" in r.stdout


def test_an_unhandled_exception_fails(tmp_path):
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "import dtks_desktop.app as a\n"
        "run = a.AppController.run\n"
        "def patched(self):\n"
        "    QTimer.singleShot(200, lambda: 1 / 0)\n"
        "    return run(self)\n"
        "a.AppController.run = patched\n"
        "sys.exit(a.main(sys.argv[1:]))\n"
    )
    r = _gui(tmp_path, "--smoke-test", "5", script=script)
    assert r.returncode == EXIT_FAILED, r.stdout + r.stderr
    assert "Smoke test FAILED: unhandled exception: ZeroDivisionError" in r.stdout
