"""`dtks match run | export | accept` on the command line."""

from __future__ import annotations

import csv
import json

from dtks_desktop.cli import EXIT_FORBIDDEN, main

from .conftest import load_civil, load_registry
from ..conftest import ADMIN_PASSWORD


def run(capsys, monkeypatch, *argv):
    monkeypatch.setenv("DTKS_PASSWORD", ADMIN_PASSWORD)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_match_run_export_accept(capsys, monkeypatch, db_url, db, admin, tmp_path):
    code, _, err = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "run")
    assert code == 1 and "Belum ada data Dukcapil" in err and "Traceback" not in err
    load_civil(db)
    load_registry(db)
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "run", "--json")
    data = json.loads(out)
    # NAYLA's NIK lost its last digit in a spreadsheet: the machine restored it itself
    assert code == 0 and data["counts"]["padan"] == 3 and data["members_matched"] == 9
    assert data["restored_auto"] == 1
    code, out, _ = run(capsys, monkeypatch, "match", "run", "--db", db_url, "--user", "admin")
    assert code == 0 and "Padan: 3" in out and "8 tidak berubah" in out and "1 sudah diputuskan" in out
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "accept", "--status",
                       "usulan_koreksi", "--min-score", "10", "--dry-run", "--json")
    assert code == 0 and json.loads(out)["would_accept"] == 1
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "accept", "--status",
                       "usulan_koreksi", "--min-score", "10", "--json")
    assert code == 0 and json.loads(out)["accepted"] == 1
    target = tmp_path / "hasil.csv"
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "export", str(target))
    assert code == 0 and "9 baris" in out
    rows = list(csv.DictReader(open(target, encoding="utf-8-sig")))
    assert len(rows) == 9 and set(rows[0]) == {"id_dtks", "nik_file", "nik_matched", "status", "score", "reasons"}
    nayla = next(r for r in rows if r["id_dtks"] == "D5")
    assert nayla["nik_file"] == "3310015003100000.0" and nayla["nik_matched"] == "3310015003100001"
    assert "dipulihkan otomatis" in nayla["reasons"]
    code, _, err = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "export",
                       str(tmp_path / "tidak-ada" / "x.csv"))
    assert code == 1 and "tidak dapat ditulis" in err


def test_match_needs_user(capsys, monkeypatch, db_url, db):
    code, _, err = run(capsys, monkeypatch, "--db", db_url, "match", "run")
    assert code == 2 and "--user" in err


def test_match_settings_show_and_change(capsys, monkeypatch, db_url, db, admin, operator):
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "settings", "--json")
    assert code == 0 and json.loads(out)["pulih_otomatis"] == 1
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "settings",
                       "pulih_otomatis=0", "match.ambang_pulih=20")
    assert code == 0 and "match.pulih_otomatis = 0" in out and "match.ambang_pulih = 20.0" in out
    code, _, err = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "settings", "ambang=3")
    assert code == 2 and "tidak dikenal" in err and "Traceback" not in err
    monkeypatch.setenv("DTKS_PASSWORD", "rahasia-operator")
    code = main(["--db", db_url, "--user", "operator1", "match", "settings", "pulih_otomatis=1"])
    _, err = capsys.readouterr()
    assert code == EXIT_FORBIDDEN and "tidak boleh mengubah ambang pemadanan" in err and "Traceback" not in err
    # with restoration off, NAYLA's damaged NIK waits for a clerk
    load_civil(db)
    load_registry(db)
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "run", "--json")
    assert code == 0 and json.loads(out)["restored_auto"] == 0
