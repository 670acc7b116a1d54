"""`dtks dist` preparing a period on the command line: create → clean → returned → completed → map →
point/slots → export, with the JSON keys of the issue, exit codes and Indonesian messages (never a
traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import ADMIN_PASSWORD
from tests.distribution.conftest import DESA_A, DESA_B, KPM_HEADER, kpm_row, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
OP = {"user": "operator1", "password": "rahasia-operator"}
PEN = {"user": "pencetak1", "password": "rahasia-pencetak"}


def dtks(db_url, *args, user="admin", password=ADMIN_PASSWORD):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DTKS_PASSWORD": password}
    return subprocess.run([sys.executable, "-m", "dtks_desktop.cli", "--db", db_url, "--user", user, *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


def test_preparing_a_period_on_the_command_line(world, db_url, tmp_path):
    r = dtks(db_url, "dist", "create", "--programme", "BPNT", "--period", "Tahap 1 2027", "--goods", "beras:10:kg",
             "--from-batch", str(world.batch), "--json", **OP)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert {"id", "kpm", "tidak_terdaftar", "rejected", "problems"} <= set(data) and data["kpm"] == 6
    pid = str(data["id"])
    r = dtks(db_url, "dist", "clean", pid, "--json", **OP)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["lengkap"], data["dikembalikan"]) == (3, 3)
    assert data["reasons"] == {"nik_tidak_padan": 1, "rt_kosong": 1, "meninggal": 1}
    out = tmp_path / "kembali.xlsx"
    r = dtks(db_url, "dist", "returned", pid, str(out), **OP)
    assert r.returncode == 0 and out.exists(), r.stderr
    # the desa fills CITRA's RT
    wb = load_workbook(out)
    ws = wb.worksheets[1]
    header = [c.value for c in ws[5]]
    for row in ws.iter_rows(min_row=6):
        if row[header.index("Nama")].value == "CITRA":
            row[header.index("RT")].value = "4"
    done = tmp_path / "lengkap.xlsx"
    wb.save(done)
    r = dtks(db_url, "dist", "completed", pid, str(done), "--json", **OP)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["lengkap"] == 1
    r = dtks(db_url, "dist", "completed", pid, str(done), **OP)
    assert r.returncode != 0 and "sudah diimpor pada ronde 2" in r.stderr and "Traceback" not in r.stderr
    r = dtks(db_url, "dist", "map", pid, "--json", **OP)
    tree = json.loads(r.stdout)
    assert tree["kpm"] == 6 and tree["lengkap"] == 4 and tree["nilai"] == 40
    r = dtks(db_url, "dist", "map", pid, "--depth", "rt", **OP)
    assert "RT 004" in r.stdout and "Traceback" not in r.stderr
    r = dtks(db_url, "dist", "point", "add", pid, "--desa", DESA_A, "--kind", "balai_desa", "--nama", "Balai Desa",
             "--tanggal", "2027-02-15", "--mulai", "08:00", "--selesai", "10:00", "--json", **OP)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["slots"] == 2
    r = dtks(db_url, "dist", "slots", pid, "--json", **OP)
    assert json.loads(r.stdout) == {"assigned": 3}  # ANI, EKO, CITRA in DESA_A (FAJAR's desa has no point)
    r = dtks(db_url, "dist", "point", "list", pid, "--json", **OP)
    assert json.loads(r.stdout)[0]["kpm"] == 3
    ptpos = tmp_path / "ptpos.xlsx"
    r = dtks(db_url, "dist", "export", pid, str(ptpos), **OP)
    assert r.returncode == 0 and ptpos.exists(), r.stderr
    r = dtks(db_url, "dist", "show", pid, "--json", **OP)
    show = json.loads(r.stdout)
    assert show["status"] == "siap" and [x["round"] for x in show["rounds"]] == [1, 2] and len(show["points"]) == 1
    r = dtks(db_url, "dist", "list", **OP)
    assert "Tahap 1 2027" in r.stdout


def test_refusals_on_the_command_line(world, db_url, tmp_path):
    r = dtks(db_url, "dist", "create", "--programme", "BPNT", "--period", "T1", "--cash", "200000",
             "--from-batch", str(world.hapus_batch), **OP)
    assert r.returncode != 0 and "usulan hapus" in r.stderr and "Traceback" not in r.stderr
    r = dtks(db_url, "dist", "create", "--programme", "BPNT", "--period", "T1", "--cash", "200000",
             "--from-batch", str(world.batch), **PEN)
    assert r.returncode == 4 and "tidak boleh" in r.stderr
    f = write_xlsx(tmp_path / "kpm.xlsx", KPM_HEADER, [kpm_row(1, "ANI"), kpm_row(2, "FAJAR"), kpm_row(3, "ANI")])
    r = dtks(db_url, "dist", "create", "--programme", "sembako", "--period", "T2", "--cash", "200.000",
             "--from-file", str(f), "--json", **OP)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["rejected"] == 1 and "baris 4" in r.stderr and data["problems"][0]["row"] == 4
    r = dtks(db_url, "dist", "programme", "add", "BANSOS_KAB", "Bansos Kabupaten", **OP)
    assert r.returncode == 4
    r = dtks(db_url, "dist", "programme", "add", "BANSOS_KAB", "Bansos Kabupaten")
    assert r.returncode == 0, r.stderr
    r = dtks(db_url, "dist", "rules", "--set", "dusun_wajib=ya", "--json", user="supervisor1",
             password="rahasia-supervisor")
    assert r.returncode == 0 and json.loads(r.stdout)["dusun_wajib"] is True, r.stderr
    r = dtks(db_url, "dist", "point", "add", "99", "--desa", DESA_B, "--nama", "X", "--tanggal", "2027-02-15",
             "--mulai", "08:00", "--selesai", "09:00", **OP)
    assert r.returncode != 0 and "tidak ada" in r.stderr
