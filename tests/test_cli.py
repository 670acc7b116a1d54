"""The `dtks` command line: same services as the GUI, clear messages, exit codes."""

from __future__ import annotations

import json

import pytest

from dtks_desktop.cli import main


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
    assert code == 2 and "administrator" in err


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
