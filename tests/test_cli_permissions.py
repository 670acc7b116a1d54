"""`dtks` commands check no role themselves: the service refuses, the CLI prints the Indonesian
message and its hint (never a traceback) and exits with EXIT_FORBIDDEN (4); the refusal is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dtks_desktop.cli import EXIT_FORBIDDEN, main
from dtks_desktop.db.models import AuditEvent, ImportBatch, Setting
from dtks_desktop.services.core.users import create_user

PASSWORDS = {"cetak1": "rahasia-cetak-1", "operator1": "rahasia-operator-1", "supervisor1": "rahasia-supervisor-1"}


@pytest.fixture
def users(db, admin):
    with db.transaction() as s:
        create_user(s, "cetak1", PASSWORDS["cetak1"], "pencetak", by=admin)
        create_user(s, "operator1", PASSWORDS["operator1"], "operator", by=admin)
        create_user(s, "supervisor1", PASSWORDS["supervisor1"], "supervisor", by=admin)


def _as(capsys, monkeypatch, db_url, user, *argv):
    monkeypatch.setenv("DTKS_PASSWORD", PASSWORDS[user])
    monkeypatch.setenv("DTKS_NEW_PASSWORD", "rahasia-baru-12")
    code = main(["--db", db_url, "--user", user, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _denied(db) -> list[tuple[str, str]]:
    with db.sessions() as s:
        return [tuple(r) for r in s.execute(select(AuditEvent.username, AuditEvent.summary)
                                            .where(AuditEvent.action == "permission.denied")
                                            .order_by(AuditEvent.id)).all()]


def _refused(code: int, err: str, what: str) -> None:
    assert code == EXIT_FORBIDDEN, err
    assert err.startswith("Galat: Peran Anda (") and f"tidak boleh {what}." in err
    assert "Hak ini dimiliki:" in err and "Traceback" not in err


@pytest.mark.parametrize("user, argv, what, capability", [
    ("cetak1", ["import", "dtks", "{tmp}/dtks_3310.csv"], "mengimpor berkas", "import.run"),
    ("cetak1", ["import", "program", "{tmp}/dtks_3310.csv", "--program", "PKH"], "mengimpor berkas", "import.run"),
    ("cetak1", ["match", "run"], "menjalankan pemadanan", "match.run"),
    ("cetak1", ["match", "export", "{tmp}/hasil.csv"], "mengekspor hasil pemadanan dengan NIK lengkap",
     "match.export"),
    ("cetak1", ["audit"], "membaca log audit", "audit.view"),
    ("operator1", ["audit"], "membaca log audit", "audit.view"),
    ("cetak1", ["user", "list"], "melihat daftar pengguna", "users.view"),
    ("operator1", ["user", "list"], "melihat daftar pengguna", "users.view"),
    ("supervisor1", ["user", "add", "budi", "--role", "operator"], "mengelola pengguna", "users.manage"),
    ("supervisor1", ["user", "unlock", "cetak1"], "mengelola pengguna", "users.manage"),
    ("operator1", ["match", "settings", "pulih_otomatis=0"], "mengubah ambang pemadanan", "match.settings"),
    ("operator1", ["match", "accept", "--status", "usulan_koreksi", "--min-score", "90"],
     "menerima hasil pemadanan sekaligus", "match.bulk_accept"),
    ("operator1", ["match", "accept", "--status", "usulan_koreksi", "--min-score", "90", "--dry-run"],
     "menerima hasil pemadanan sekaligus", "match.bulk_accept"),
    ("cetak1", ["programmes", "link"], "mencocokkan daftar program dengan DTKS", "programmes.link"),
    ("operator1", ["programmes", "rules", "--set", "PKH,BPNT,keluarga"], "mengubah aturan penerimaan ganda",
     "programmes.rules"),
    ("cetak1", ["demo-load", "--people", "50"], "mengisi basis data dengan data contoh", "demo.load"),
])
def test_command_refused_for_the_role(capsys, monkeypatch, db_url, db, users, tmp_path, user, argv, what, capability):
    (tmp_path / "dtks_3310.csv").write_text("ID DTKS;NIK;NAMA\nD1;3310011205700001;SLAMET\n", encoding="utf-8")
    with db.sessions() as s:
        settings_before = sorted(s.execute(select(Setting.key, Setting.value)).all())
    code, out, err = _as(capsys, monkeypatch, db_url, user, *[a.format(tmp=tmp_path) for a in argv])
    _refused(code, err, what)
    assert out == ""
    denied = _denied(db)
    assert len(denied) == 1 and denied[0][0] == user and denied[0][1].startswith(f"Ditolak: {capability}")
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 0
        assert sorted(s.execute(select(Setting.key, Setting.value)).all()) == settings_before
    assert not (tmp_path / "hasil.csv").exists() and not list(tmp_path.glob(".hasil.csv*"))


def test_the_right_roles_pass(capsys, monkeypatch, db_url, db, users, tmp_path):
    code, out, err = _as(capsys, monkeypatch, db_url, "supervisor1", "match", "settings", "pulih_otomatis=0")
    assert code == 0 and "match.pulih_otomatis = 0" in out, err
    code, out, err = _as(capsys, monkeypatch, db_url, "supervisor1", "audit", "--action", "settings.update")
    assert code == 0 and "match.pulih_otomatis" in out, err
    code, out, err = _as(capsys, monkeypatch, db_url, "operator1", "match", "export", str(tmp_path / "hasil.csv"))
    assert code == 0 and (tmp_path / "hasil.csv").exists(), err
    code, out, err = _as(capsys, monkeypatch, db_url, "supervisor1", "audit", "--action", "match.export")
    assert code == 0 and "operator1" in out and "hasil.csv" in out, err
    assert _denied(db) == []
