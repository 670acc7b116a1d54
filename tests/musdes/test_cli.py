"""`dtks musdes`: the JSON keys, exit codes and the whole desa from findings to printed Berita Acara."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ADMIN_PASSWORD
from tests.musdes.conftest import DESA, OTHER_DESA

ROOT = Path(__file__).resolve().parents[2]


def dtks(db_url, *args, user="admin", password=ADMIN_PASSWORD):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DTKS_PASSWORD": password}
    return subprocess.run([sys.executable, "-m", "dtks_desktop.cli", "--db", db_url, "--user", user, *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


def test_a_desa_from_findings_to_final_on_the_command_line(world, db_url, tmp_path, operator):
    r = dtks(db_url, "musdes", "create", "--desa", DESA, "--date", "2026-12-04", "--time", "09:00", "--place",
             "Balai Desa Sengon", "--json")
    assert r.returncode == 0, r.stderr
    mid = json.loads(r.stdout)["id"]
    csv = tmp_path / "peserta.csv"
    csv.write_text("Nama,Unsur,Jabatan\nSUPARNO,perangkat desa,Kepala Desa\nH. SUTOYO,tokoh masyarakat,\n"
                   "KH. ABDUL GHONI,tokoh agama,Ulama\n", encoding="utf-8")
    r = dtks(db_url, "musdes", "participants", str(mid), "--file", str(csv), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["imported"] == 3, r.stderr
    r = dtks(db_url, "musdes", "decisions", "--desa", DESA, "--json")
    data = json.loads(r.stdout)
    assert set(data) >= {"decisions", "totals"}
    assert set(data["decisions"][0]) >= {"id_dtks", "nama", "decision", "reason"}
    assert {d["id_dtks"]: (d["decision"], d["reason"]) for d in data["decisions"]}["V1"] == ("hapus", "meninggal")
    assert data["totals"]["hapus"] == 2 and data["totals"]["hapus_by_reason"]["mampu"] == 1
    r = dtks(db_url, "musdes", "decide", "--desa", DESA, "--id-dtks", "V2", "--decision", "hapus", "--reason",
             "pindah", "--json")
    assert r.returncode == 0, r.stderr
    r = dtks(db_url, "musdes", "decide", "--desa", DESA, "--id-dtks", "V2", "--decision", "hapus", "--reason", "kabur")
    assert r.returncode == 1 and "tidak dikenal" in r.stderr and "Traceback" not in r.stderr
    r = dtks(db_url, "musdes", "decide", "--desa", DESA, "--id-dtks", "V9", "--decision", "tetap")
    assert r.returncode == 1 and "bukan Desa Sengon" in r.stderr
    out = tmp_path / "ba.pdf"
    r = dtks(db_url, "musdes", "print", "--desa", DESA, str(out), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["nomor"] == "400.9.2/1/BA-Musdes/2026" and out.exists()
    r = dtks(db_url, "musdes", "finalize", "--desa", DESA, "--returned", "2026-12-05", user="operator1",
             password="rahasia-operator")
    assert r.returncode == 4 and "tidak boleh" in r.stderr
    r = dtks(db_url, "musdes", "finalize", "--desa", DESA, "--returned", "2026-12-05", "--scan", str(out), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["status"] == "final", r.stderr
    r = dtks(db_url, "musdes", "sptjm", "--desa", OTHER_DESA, str(tmp_path / "sptjm.pdf"))
    assert r.returncode == 0 and (tmp_path / "sptjm.pdf").exists(), r.stderr
    r = dtks(db_url, "musdes", "print", str(tmp_path / "x.pdf"))
    assert r.returncode == 2
