"""`dtks match report ...` and `dtks programmes ...` on the command line."""

from __future__ import annotations

import json
from datetime import date

from openpyxl import load_workbook

from dtks_desktop.cli import main
from dtks_desktop.db.models import ImportBatch, ProgrammeRecipient
from tests.conftest import ADMIN_PASSWORD
from tests.matching.test_match_reports import GENTAN, SENGON, make_registry


def run(capsys, monkeypatch, *argv):
    monkeypatch.setenv("DTKS_PASSWORD", ADMIN_PASSWORD)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_match_report_summary_and_village_lists(capsys, monkeypatch, db_url, db, admin, tmp_path):
    code, _, err = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "report", "summary",
                       str(tmp_path / "rekap.xlsx"))
    assert code == 1 and "Belum ada hasil pemadanan" in err and "Traceback" not in err
    rows = make_registry(db, {SENGON: ["padan", "tidak_padan"], GENTAN: ["usulan_koreksi"]})
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "--json", "match", "report",
                       "summary", str(tmp_path / "rekap.xlsx"), "--kab", "33.10")
    assert code == 0 and json.loads(out)["villages"] == 2
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "report", "desa",
                       str(tmp_path / "sengon.xlsx"), "--desa", SENGON)
    assert code == 0 and "1 orang di 1 desa/kelurahan" in out and "disamarkan" in out
    ws = load_workbook(tmp_path / "sengon.xlsx", read_only=True).active
    cell = ws["E6"].value
    assert cell == f"{rows[1][1][:4]}********{rows[1][1][-4:]}"
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "report", "desa",
                       str(tmp_path / "semua.pdf"))
    assert code == 0 and "halaman" in out
    code, _, err = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "report", "desa",
                       str(tmp_path / "x.docx"))
    assert code == 2 and ".pdf atau .xlsx" in err


def test_programmes_link_rules_double(capsys, monkeypatch, db_url, db, admin):
    make_registry(db, {SENGON: ["padan", "padan"]})
    with db.transaction() as s:
        b = ImportBatch(kind="program", file_name="x.xlsx", file_sha256="0" * 64, file_size=1)
        s.add(b)
        s.flush()
        for prog, row in (("PKH", 1), ("BANSOS_PROVINSI", 2)):
            s.add(ProgrammeRecipient(batch_id=b.id, source_row=row, program=prog, periode="2026",
                                     nik=f"331001{row + 1:02d}0190{row:04d}", tanggal_lahir=date(1990, 1, 1)))
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "programmes", "rules")
    assert code == 0 and "Belum ada aturan" in out
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "programmes", "link")
    assert code == 0 and "2 dari 2 baris" in out
    code, _, err = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "programmes", "rules", "--set",
                       "PKH,PKH,orang")
    assert code == 2 and "kedua program sama" in err
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "programmes", "rules", "--set",
                       "PKH,BANSOS_PROVINSI,keluarga")
    assert code == 0 and "PKH dan BANSOS_PROVINSI tidak boleh diterima bersamaan oleh satu keluarga" in out
    code, out, _ = run(capsys, monkeypatch, "--db", db_url, "--user", "admin", "--json", "programmes", "double")
    data = json.loads(out)
    assert code == 0 and data["total"] == 1 and data["rows"][0]["programmes"] == "PKH (2026) + BANSOS_PROVINSI (2026)"
