"""`dtks layout list/show/set/reset` and `dtks batch programmes [set]`: JSON keys, messages,
exit codes; only an administrator changes them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from dtks_desktop.cli import EXIT_ERROR, EXIT_FORBIDDEN, EXIT_OK, main
from dtks_desktop.db.models import AuditEvent
from dtks_desktop.services.core.users import create_user
from tests.conftest import ADMIN_PASSWORD

PASSWORDS = {"admin": ADMIN_PASSWORD, "supervisor1": "rahasia-supervisor-1"}


@pytest.fixture
def users(db, admin):
    with db.transaction() as s:
        create_user(s, "supervisor1", PASSWORDS["supervisor1"], "supervisor", by=admin)


def run(capsys, monkeypatch, db_url, *argv, user="admin"):
    monkeypatch.setenv("DTKS_PASSWORD", PASSWORDS[user])
    code = main(["--db", db_url, "--user", user, *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_list_show_set_reset(db, db_url, users, capsys, monkeypatch, tmp_path):
    code, out, _ = run(capsys, monkeypatch, db_url, "layout", "list", "--json")
    assert code == EXIT_OK
    items = {i["key"]: i for i in json.loads(out)}
    assert {"batch.kemensos", "batch.kemensos.PKH", "batch.provinsi", "batch.provinsi.BANSOS_PROVINSI"} <= set(items)
    assert set(items["batch.kemensos"]) == {"key", "label", "parent", "configured", "is_default", "own", "columns"}
    assert items["batch.kemensos.PKH"]["parent"] == "batch.kemensos" and items["batch.kemensos"]["is_default"]

    code, out, _ = run(capsys, monkeypatch, db_url, "layout", "show", "batch.kemensos")
    assert code == EXIT_OK and out.startswith("Berkas unggah batch ke Kemensos (batch.kemensos): bawaan")
    assert "NIK                          nik            NIK  [teks, wajib]" in out
    assert "Format per program: batch.kemensos.PKH, batch.kemensos.BPNT, batch.kemensos.PBI-JK" in out

    f = tmp_path / "pkh.json"
    f.write_text(json.dumps([{"header": "NIK", "field": "nik"}, {"header": "NAMA KPM", "field": "nama"}]))
    code, out, err = run(capsys, monkeypatch, db_url, "layout", "set", "batch.kemensos.PKH", str(f), user="supervisor1")
    assert code == EXIT_FORBIDDEN and "format berkas" in err
    code, out, _ = run(capsys, monkeypatch, db_url, "layout", "set", "batch.kemensos.pkh", str(f))
    assert code == EXIT_OK and out.strip() == "Format batch.kemensos.PKH disimpan: 2 kolom (NIK, NAMA KPM)."
    code, out, _ = run(capsys, monkeypatch, db_url, "layout", "show", "batch.kemensos.PKH", "--json")
    shown = json.loads(out)
    assert shown["own"] and shown["columns"] == [{"header": "NIK", "field": "nik"}, {"header": "NAMA KPM", "field": "nama"}]

    # what show --json printed can be set back (its columns are used)
    g = tmp_path / "shown.json"
    g.write_text(out)
    code, out, _ = run(capsys, monkeypatch, db_url, "layout", "set", "batch.kemensos", str(g))
    assert code == EXIT_OK
    code, out, _ = run(capsys, monkeypatch, db_url, "layout", "list")
    assert "batch.kemensos.BPNT" in out and "mengikuti batch.kemensos" in out

    code, out, _ = run(capsys, monkeypatch, db_url, "layout", "reset", "batch.kemensos.PKH")
    assert code == EXIT_OK and out.strip() == "Format batch.kemensos.PKH kini memakai format batch.kemensos (2 kolom)."
    code, out, _ = run(capsys, monkeypatch, db_url, "layout", "reset", "batch.kemensos")
    assert out.strip() == "Format batch.kemensos kini memakai format bawaan (15 kolom)."
    with db.sessions() as s:
        actions = list(s.execute(select(AuditEvent.action, AuditEvent.username)
                                 .where(AuditEvent.action.like("layout.%")).order_by(AuditEvent.id)))
    assert actions == [("layout.set", "admin"), ("layout.set", "admin"), ("layout.reset", "admin"),
                       ("layout.reset", "admin")]


@pytest.mark.parametrize("content, expected", [
    (None, "tidak ditemukan"),
    ("[{", "bukan JSON yang sah"),
    ('{"a": 1}', "isinya harus daftar kolom"),
    ('[{"header": "NIK"}]', 'kolom ke-1 harus berbentuk {"header": "…", "field": "…"}'),
    ('[{"header": "NIK", "field": "nik"}, {"header": "NIK", "field": "nama"}]', "dianggap sama"),
    ('[{"header": "NIK", "field": "nik"}]', "Isian wajib belum ada: Nama (nama)."),
])
def test_set_with_a_bad_file(db, db_url, capsys, monkeypatch, tmp_path, content, expected, admin):
    f = tmp_path / "format.json"
    if content is not None:
        f.write_text(content)
    code, _, err = run(capsys, monkeypatch, db_url, "layout", "set", "batch.kemensos", str(f))
    assert code == EXIT_ERROR and err.startswith("Galat: ") and expected in err


def test_unknown_key(db, db_url, capsys, monkeypatch, admin):
    code, _, err = run(capsys, monkeypatch, db_url, "layout", "show", "batch.kemensos.ABC")
    assert code == EXIT_ERROR and "'ABC' bukan program untuk Berkas unggah batch ke Kemensos" in err


def test_batch_programmes(db, db_url, users, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, db_url, "batch", "programmes", "--json")
    assert code == EXIT_OK and json.loads(out) == {"kemensos": ["PKH", "BPNT", "PBI-JK"],
                                                   "provinsi": ["BANSOS_PROVINSI"], "provinsi_bawaan": True}
    code, _, err = run(capsys, monkeypatch, db_url, "batch", "programmes", "set", "RTLH", user="supervisor1")
    assert code == EXIT_FORBIDDEN and "program provinsi" in err
    code, _, err = run(capsys, monkeypatch, db_url, "batch", "programmes", "set", "RTLH,PKH")
    assert code == EXIT_ERROR and "PKH: program nasional" in err
    code, out, _ = run(capsys, monkeypatch, db_url, "batch", "programmes", "set", "rtlh, jamsosda", "BANSOS_LANSIA")
    assert code == EXIT_OK and out.strip() == ("Program provinsi disimpan: RTLH, JAMSOSDA, BANSOS_LANSIA. Tidak lagi "
                                               "dipakai untuk batch baru: BANSOS_PROVINSI (batch yang sudah ada tetap).")
    code, out, _ = run(capsys, monkeypatch, db_url, "batch", "programmes")
    assert out.splitlines() == ["Kemensos: PKH, BPNT, PBI-JK (tetap)", "Provinsi: RTLH, JAMSOSDA, BANSOS_LANSIA"]
    code, out, _ = run(capsys, monkeypatch, db_url, "layout", "list")
    assert "batch.provinsi.BANSOS_LANSIA" in out and "batch.provinsi.BANSOS_PROVINSI" not in out
