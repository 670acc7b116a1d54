"""`dtks verify assign | worksheets | import | progress | round` on the command line (JSON keys, exit codes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from dtks_desktop.cli import EXIT_FORBIDDEN, main

from ..conftest import ADMIN_PASSWORD
from .conftest import DESA, ROUND

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, monkeypatch, *argv, password=ADMIN_PASSWORD):
    monkeypatch.setenv("DTKS_PASSWORD", password)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_assign_worksheets_import_progress(capsys, monkeypatch, db_url, desa, tmp_path):
    base = ("--db", db_url, "--user", "admin")
    code, out, _ = run(capsys, monkeypatch, *base, "verify", "assign", "--desa", DESA, "--petugas", "Siti Aminah",
                       "--role", "PSM", "--rw", "001", "--json")
    data = json.loads(out)
    assert code == 0 and {"desa_kode", "desa", "petugas", "peran", "putaran", "assigned", "moved"} <= set(data)
    assert (data["assigned"], data["peran"], data["putaran"]) == (2, "PSM", ROUND)
    code, out, _ = run(capsys, monkeypatch, *base, "verify", "progress", "--json")
    rows = json.loads(out)
    assert code == 0 and rows == [{"desa_kode": DESA, "desa": rows[0]["desa"], "petugas": "Siti Aminah", "done": 0,
                                   "left": 2}]
    pdf, xlsx = tmp_path / "lk.pdf", tmp_path / "lk.xlsx"
    code, out, _ = run(capsys, monkeypatch, *base, "verify", "worksheets", "--desa", DESA, str(pdf), "--json")
    assert code == 0 and json.loads(out)["pages"] >= 1 and pdf.read_bytes().startswith(b"%PDF")
    code, out, _ = run(capsys, monkeypatch, *base, "verify", "worksheets", "--desa", DESA, "--petugas",
                       "Siti Aminah", str(xlsx))
    assert code == 0 and "2 keluarga, 4 anggota" in out
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    for r in range(8, ws.max_row + 1):
        ws.cell(r, 15).value = "ada"  # Keberadaan
    ws.cell(8, 16).value = "layak"
    wb.save(xlsx)
    code, out, _ = run(capsys, monkeypatch, *base, "verify", "import", str(xlsx), "--json")
    res = json.loads(out)
    assert code == 0 and {"imported", "rejected", "warnings", "problems"} <= set(res)
    assert (res["imported"], res["rejected"], res["members"]) == (2, 0, 4)
    code, out, _ = run(capsys, monkeypatch, *base, "verify", "progress", "--desa", DESA, "--json")
    assert [(r["done"], r["left"]) for r in json.loads(out)] == [(2, 0)]
    # A bad word: refused, exit 1, the problem with row and column.
    ws.cell(9, 15).value = "entah"
    wb.save(xlsx)
    code, out, _ = run(capsys, monkeypatch, *base, "verify", "import", str(xlsx))
    assert code == 1 and "DITOLAK" in out and "baris 9, kolom O (Keberadaan)" in out and "'entah' tidak dikenal" in out


def test_round_and_errors(capsys, monkeypatch, db_url, desa, operator):
    base = ("--db", db_url, "--user", "admin")
    code, out, _ = run(capsys, monkeypatch, *base, "verify", "round", "--json")
    assert code == 0 and json.loads(out) == {"putaran": ROUND}
    code, _, err = run(capsys, monkeypatch, *base, "verify", "round", "--set", "2026-13")
    assert code == 1 and "TAHUN-BULAN" in err and "Traceback" not in err
    code, out, _ = run(capsys, monkeypatch, *base, "verify", "round", "--set", "2027-03")
    assert code == 0 and "2027-03" in out
    code, _, err = run(capsys, monkeypatch, *base, "verify", "assign", "--desa", "33.10.01.9999", "--petugas", "X")
    assert code == 1 and "Kode desa/kelurahan tidak dikenal" in err
    code, _, err = run(capsys, monkeypatch, *base, "verify", "import", "tidak_ada.xlsx")
    assert code == 1 and "tidak ditemukan" in err


def test_a_pencetak_may_not_assign(capsys, monkeypatch, db_url, desa, admin):
    from dtks_desktop.services.core.users import create_user

    with desa.transaction() as s:
        create_user(s, "cetak1", "rahasia-cetak-1", "pencetak", by=admin)
    code, _, err = run(capsys, monkeypatch, "--db", db_url, "--user", "cetak1", "verify", "assign", "--desa", DESA,
                       "--petugas", "X", password="rahasia-cetak-1")
    assert code == EXIT_FORBIDDEN and "tidak boleh menugaskan petugas verifikasi" in err


def test_verify_runs_as_a_subprocess(db_url, desa, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DTKS_PASSWORD": ADMIN_PASSWORD}
    p = subprocess.run([sys.executable, "-m", "dtks_desktop.cli", "--db", db_url, "--user", "admin", "verify",
                        "progress", "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0 and json.loads(p.stdout) == []
