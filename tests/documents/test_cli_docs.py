"""`dtks docs …` over the services: JSON shapes, exit codes, Indonesian errors."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from dtks_desktop.cli import main
from dtks_desktop.services.documents import issued as I

from tests.conftest import ADMIN_PASSWORD
from tests.documents.conftest import DAY, PROFILE, SIGNER, SK_DATA


def run(capsys, monkeypatch, url, *argv, user="admin", password=ADMIN_PASSWORD):
    monkeypatch.setenv("DTKS_PASSWORD", password)
    code = main(["--db", url, "--user", user, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_number_void_register_template(capsys, monkeypatch, db_url, db, clerks, tmp_path):
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "number", "surat_keluar", "--purpose",
                       "Undangan rapat koordinasi", "--json", "--date", "2026-12-04")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"nomor", "id", "type", "year", "seq", "purpose", "created_by", "created_at"}
    assert (data["nomor"], data["type"], data["year"], data["seq"], data["created_by"]) == (
        "460/1/Dinsos/2026", "surat_keluar", 2026, 1, "admin")
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "number", "surat_keluar", "--purpose", "Kedua",
                       "--date", "2026-12-04", user="pencetak1", password="rahasia-pencetak-1")
    assert (code, out.strip()) == (0, "460/2/Dinsos/2026")

    code, _, err = run(capsys, monkeypatch, db_url, "docs", "void", "460/1/Dinsos/2026", "--reason", "batal rapat",
                       user="operator1", password="rahasia-operator-1")
    assert code == 4 and "tidak boleh" in err
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "void", "460/1/Dinsos/2026", "--reason", "batal rapat")
    assert code == 0 and "dibatalkan" in out
    code, _, err = run(capsys, monkeypatch, db_url, "docs", "void", "460/1/Dinsos/2026", "--reason", "lagi")
    assert code == 1 and "sudah dibatalkan" in err and "Traceback" not in err

    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "register", "--year", "2026", "--json")
    rows = json.loads(out)
    assert [(r["nomor"], r["voided"], r["void_reason"]) for r in rows] == [
        ("460/2/Dinsos/2026", False, None), ("460/1/Dinsos/2026", True, "batal rapat")]
    xlsx = tmp_path / "agenda.xlsx"
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "register", "--xlsx", str(xlsx))
    assert code == 0 and load_workbook(xlsx).active["B2"].value == "460/1/Dinsos/2026"

    code, _, err = run(capsys, monkeypatch, db_url, "docs", "number", "surat_sakti", "--purpose", "x")
    assert code == 1 and "tidak dikenal" in err
    code, _, err = run(capsys, monkeypatch, db_url, "docs", "template", "surat_keluar", "460/{nomor}/{year}")
    assert code == 1 and "{nomor}" in err
    code, _, err = run(capsys, monkeypatch, db_url, "docs", "template", "surat_keluar", "400.9.2/{seq}/Dinsos",
                       user="pencetak1", password="rahasia-pencetak-1")
    assert code == 4
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "template", "surat_keluar", "400.9.2/{seq}/Dinsos")
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "number", "surat_keluar", "--purpose", "x",
                       "--date", "2026-12-05")
    assert out.strip() == "400.9.2/1/Dinsos"  # a new template is a new series: its own sequence


def test_list_reprint_verify(capsys, monkeypatch, db_url, db, clerks, tmp_path):
    with db.transaction() as s:
        doc = I.issue(s, clerks["admin"], "surat_keterangan", SK_DATA, when=DAY, signer=SIGNER, profile=PROFILE)
        doc_id, pdf, code_text = doc.id, doc.pdf, I.code_of(s, doc)
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "list", "--json")
    rows = json.loads(out)
    assert [set(r) for r in rows] == [{"id", "type", "nomor", "sha256", "created_by", "created_at"}]
    assert rows[0]["id"] == doc_id and rows[0]["nomor"] == "460/1/Dinsos/2026"

    out_pdf = tmp_path / "ulang.pdf"
    code, _, _ = run(capsys, monkeypatch, db_url, "docs", "reprint", str(doc_id), str(out_pdf))
    assert code == 0 and out_pdf.read_bytes() == pdf

    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "verify", str(out_pdf), "--json",
                       user="pencetak1", password="rahasia-pencetak-1")
    v = json.loads(out)
    assert code == 0 and v["genuine"] is True and v["id"] == doc_id and v["nomor"] == "460/1/Dinsos/2026"
    assert set(v) == {"genuine", "id", "type", "nomor", "created_at", "created_by", "message"}
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "verify", "--code", code_text)
    assert code == 0 and out.startswith("ASLI")

    changed = tmp_path / "ubah.pdf"
    i = pdf.index(b"/Producer")
    changed.write_bytes(pdf[:i + 3] + bytes([pdf[i + 3] ^ 1]) + pdf[i + 4:])
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "verify", str(changed))
    assert code == 1 and "sudah diubah" in out
    code, out, _ = run(capsys, monkeypatch, db_url, "docs", "verify", "--code", "DS-000001-AAAAAA", "--json")
    assert code == 1 and json.loads(out)["genuine"] is False

    from sqlalchemy import update
    from dtks_desktop.db.models import IssuedDocument
    with db.transaction() as s:
        s.execute(update(IssuedDocument).values(parameters='{"data":{}}'))
    code, _, err = run(capsys, monkeypatch, db_url, "docs", "reprint", str(doc_id), str(tmp_path / "x.pdf"))
    assert code == 1 and "tidak dicetak ulang" in err and not (tmp_path / "x.pdf").exists()
    code, _, err = run(capsys, monkeypatch, db_url, "docs", "reprint", "999", str(tmp_path / "x.pdf"))
    assert code == 1 and "tidak ada" in err


def test_keterangan_issues_the_letter_for_one_family(capsys, monkeypatch, db_url, db, admin, tmp_path):
    """`dtks docs keterangan` and the Data page share services.documents.keterangan: the family's
    active members, NIK and No KK masked, a number from the register, the keperluan."""
    import subprocess
    from datetime import date

    from dtks_desktop.services.core.registry import FamilyRecord, MemberRecord, bulk_add_families
    from dtks_desktop.services.core import settings as settings_service

    with db.transaction() as s:
        settings_service.set_office_kab(s, admin, "33.10")
        bulk_add_families(s, [FamilyRecord(
            no_kk="3310011201200003", desa_kode="33.10.01.2001", alamat="Dk. Krajan", rt="001", rw="002",
            id_dtks="3310010001", members=[
                MemberRecord("SLAMET RIYADI", nik="3310010101800001", tanggal_lahir=date(1980, 1, 1), hubungan=1),
                MemberRecord("SITI AMINAH", nik="3310014101850002", tanggal_lahir=date(1985, 1, 1), hubungan=2),
                MemberRecord("MBAH KARSO", nik="3310010101400003", tanggal_lahir=date(1940, 1, 1), hubungan=6,
                             status="meninggal")])])
    out = tmp_path / "sk.pdf"
    code, stdout, err = run(capsys, monkeypatch, db_url, "docs", "keterangan", "3310010001", str(out),
                            "--keperluan", "pendaftaran sekolah anak", "--date", "2026-12-04", "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert data["type"] == "surat_keterangan" and data["nomor"] == "460/1/Dinsos/2026"
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert "SURAT KETERANGAN TERDAFTAR DTKS" in text and "460/1/Dinsos/2026" in text
    assert "SITI AMINAH" in text and "MBAH KARSO" not in text  # active members only
    assert "3310010101800001" not in text and "3310011201200003" not in text and "Desa Sengon" in text
    assert "pendaftaran sekolah anak" in text

    code, _, err = run(capsys, monkeypatch, db_url, "docs", "keterangan", "999", str(tmp_path / "x.pdf"),
                       "--keperluan", "berobat")
    assert code == 1 and "tidak ada di DTKS" in err and not (tmp_path / "x.pdf").exists()
    code, _, err = run(capsys, monkeypatch, db_url, "docs", "keterangan", "3310011201200003",
                       str(tmp_path / "y.pdf"), "--keperluan", "  ")
    assert code == 1 and "Keperluan surat keterangan wajib diisi" in err
