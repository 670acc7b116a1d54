"""The `dtks` command line: same services as the GUI, clear messages, exit codes."""

from __future__ import annotations

import json

import pytest

from dtks_desktop.cli import EXIT_FORBIDDEN, main


def run(capsys, *argv, password=None, monkeypatch=None):
    if monkeypatch is not None:
        if password is None:
            monkeypatch.delenv("DTKS_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("DTKS_PASSWORD", password)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(db_url, db):
    # `db` makes sure the schema exists and (on PostgreSQL) that tables are empty.
    return db_url


def test_init_user_add_and_info(capsys, monkeypatch, url):
    code, out, _ = run(capsys, "--db", url, "db", "init", "--admin", "kadis", password="rahasia-kadis", monkeypatch=monkeypatch)
    assert code == 0 and "kadis" in out
    monkeypatch.setenv("DTKS_NEW_PASSWORD", "rahasia-operator")
    code, out, _ = run(capsys, "--db", url, "--user", "kadis", "user", "add", "sri", "--role", "operator",
                       password="rahasia-kadis", monkeypatch=monkeypatch)
    assert code == 0 and "sri" in out
    code, out, _ = run(capsys, "db", "info", "--db", url, "--user", "kadis", "--json", password="rahasia-kadis",
                       monkeypatch=monkeypatch)
    info = json.loads(out)
    assert code == 0 and info["users"] == 2 and info["regions"] == 91_599


def test_init_twice_is_refused(capsys, monkeypatch, url):
    run(capsys, "--db", url, "db", "init", "--admin", "kadis", password="rahasia-kadis", monkeypatch=monkeypatch)
    code, _, err = run(capsys, "--db", url, "db", "init", "--admin", "lain", password="rahasia-lain1", monkeypatch=monkeypatch)
    assert code == 1 and "sudah punya pengguna" in err


def test_wrong_password_and_missing_user(capsys, monkeypatch, url):
    run(capsys, "--db", url, "db", "init", "--admin", "kadis", password="rahasia-kadis", monkeypatch=monkeypatch)
    code, out, err = run(capsys, "--db", url, "--user", "kadis", "db", "info", password="salah-salah", monkeypatch=monkeypatch)
    assert code == 3 and "salah" in err and "Traceback" not in err
    code, _, err = run(capsys, "--db", url, "db", "info", password="rahasia-kadis", monkeypatch=monkeypatch)
    assert code == 2 and "--user" in err


def test_operator_cannot_add_users(capsys, monkeypatch, url):
    run(capsys, "--db", url, "db", "init", "--admin", "kadis", password="rahasia-kadis", monkeypatch=monkeypatch)
    monkeypatch.setenv("DTKS_NEW_PASSWORD", "rahasia-operator")
    run(capsys, "--db", url, "--user", "kadis", "user", "add", "sri", "--role", "operator", password="rahasia-kadis",
        monkeypatch=monkeypatch)
    code, _, err = run(capsys, "--db", url, "--user", "sri", "user", "add", "x", "--role", "admin",
                       password="rahasia-operator", monkeypatch=monkeypatch)
    assert code == EXIT_FORBIDDEN and "tidak boleh mengelola pengguna" in err and "Administrator" in err


def test_bad_database_file(capsys, monkeypatch, tmp_path):
    bad = tmp_path / "data.sqlite"
    bad.write_text("ini bukan basis data")
    code, _, err = run(capsys, "--db", str(bad), "db", "upgrade", monkeypatch=monkeypatch)
    assert code == 1 and "bukan basis data" in err and "Traceback" not in err


def test_demo_load_and_audit(capsys, monkeypatch, url):
    run(capsys, "--db", url, "db", "init", "--admin", "kadis", password="rahasia-kadis", monkeypatch=monkeypatch)
    code, out, _ = run(capsys, "--db", url, "--user", "kadis", "--json", "demo-load", "--people", "200",
                       password="rahasia-kadis", monkeypatch=monkeypatch)
    assert code == 0 and 180 <= json.loads(out)["members"] <= 200
    code, out, _ = run(capsys, "--db", url, "--user", "kadis", "audit", "--action", "demo.load",
                       password="rahasia-kadis", monkeypatch=monkeypatch)
    assert code == 0 and "fiktif" in out


def test_demo_data_writes_files(capsys, monkeypatch, tmp_path):
    code, out, _ = run(capsys, "demo-data", str(tmp_path / "out"), "--people", "300", "--seed", "5", "--json",
                       monkeypatch=monkeypatch)
    files = json.loads(out)["files"]
    assert code == 0 and {"dukcapil", "dtks_xlsx", "dtks_csv", "ground_truth"} <= set(files)
    code, _, err = run(capsys, "demo-data", str(tmp_path / "x"), "--kab", "99.99", monkeypatch=monkeypatch)
    assert code == 2 and "99.99" in err


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "demo-data" in capsys.readouterr().out


@pytest.mark.slow
def test_locked_user_gets_a_clear_message_and_admin_unlocks(capsys, monkeypatch, url):
    """After repeated wrong passwords the CLI refuses even the right one (exit 3, 'dikunci sampai'),
    like the GUI; `dtks user unlock` by an admin lets the user in again."""
    import re

    run(capsys, "--db", url, "db", "init", "--admin", "kadis", password="rahasia-kadis", monkeypatch=monkeypatch)
    monkeypatch.setenv("DTKS_NEW_PASSWORD", "rahasia-operator")
    run(capsys, "--db", url, "--user", "kadis", "user", "add", "sri", "--role", "operator",
        password="rahasia-kadis", monkeypatch=monkeypatch)
    # 20 wrong tries about a second apart (the scenario); the clock is moved rather than
    # waited for, so the outcome does not depend on how fast this machine runs the CLI.
    from .core.test_login_throttle import _time_passes

    from dtks_desktop.services.core.database import open_database

    db = open_database(url)
    try:
        for _ in range(20):
            code, _, err = run(capsys, "--db", url, "--user", "sri", "db", "info", password="tebak-tebakan",
                               monkeypatch=monkeypatch)
            assert code == 3 and "Traceback" not in err
            _time_passes(db, "sri", 1)
    finally:
        db.dispose()
    code, _, err = run(capsys, "--db", url, "--user", "sri", "db", "info", password="rahasia-operator",
                       monkeypatch=monkeypatch)
    assert code == 3 and re.search(r"Akun dikunci sampai \d\d:\d\d", err)

    code, out, _ = run(capsys, "--db", url, "--user", "kadis", "--json", "user", "list", password="rahasia-kadis",
                       monkeypatch=monkeypatch)
    listed = {u["username"]: u for u in json.loads(out)["users"]}
    assert code == 0 and listed["sri"]["locked_until"] and listed["kadis"]["locked_until"] is None

    code, _, err = run(capsys, "--db", url, "--user", "sri", "user", "unlock", "sri", password="rahasia-operator",
                       monkeypatch=monkeypatch)
    assert code == 3  # still locked: cannot even log in to try
    code, out, _ = run(capsys, "--db", url, "--user", "kadis", "user", "unlock", "sri", password="rahasia-kadis",
                       monkeypatch=monkeypatch)
    assert code == 0 and "dibuka" in out
    code, _, _ = run(capsys, "--db", url, "--user", "sri", "db", "info", password="rahasia-operator",
                     monkeypatch=monkeypatch)
    assert code == 0
    code, out, _ = run(capsys, "--db", url, "--user", "kadis", "audit", "--action", "user.unlock",
                       password="rahasia-kadis", monkeypatch=monkeypatch)
    assert code == 0 and "sri" in out
