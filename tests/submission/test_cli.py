"""`dtks batch`: the JSON keys, exit codes and the whole path create → submit → approve → export →
results on the command line, four eyes held by the services."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent
from tests.conftest import ADMIN_PASSWORD
from tests.submission.conftest import DESA_A, PEOPLE

ROOT = Path(__file__).resolve().parents[2]


def dtks(db_url, *args, user="admin", password=ADMIN_PASSWORD):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DTKS_PASSWORD": password}
    return subprocess.run([sys.executable, "-m", "dtks_desktop.cli", "--db", db_url, "--user", user, *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


OP = {"user": "operator1", "password": "rahasia-operator"}
SUP = {"user": "supervisor1", "password": "rahasia-supervisor"}


def test_the_whole_path_on_the_command_line(world, db_url, tmp_path):
    r = dtks(db_url, "batch", "create", "--target", "kemensos", "--programme", "PKH", "--kind", "usulan_baru",
             "--kecamatan", "33.10.01", "--json", **OP)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"id", "rows", "excluded"} and data["rows"] == 3
    assert data["excluded"] == {"nik_tidak_padan": 1, "alamat_tidak_lengkap": 1}
    bid = str(data["id"])
    r = dtks(db_url, "batch", "approve", bid, "--note", "ok", **SUP)
    assert r.returncode == 1 and "bukan menunggu persetujuan" in r.stderr and "Traceback" not in r.stderr
    assert dtks(db_url, "batch", "submit", bid, "--json", **OP).returncode == 0
    r = dtks(db_url, "batch", "approve", bid, "--note", "ok", **OP)
    assert r.returncode == 4 and "tidak boleh" in r.stderr
    r = dtks(db_url, "batch", "approve", bid, "--note", "ok", "--json", **SUP)
    assert r.returncode == 0, r.stderr
    v = json.loads(r.stdout)
    assert v["status"] == "disetujui" and v["frozen"] and len(v["sha256"]) == 64
    r = dtks(db_url, "batch", "show", bid, "--json", **OP)
    show = json.loads(r.stdout)
    assert set(show) >= {"batch", "per_desa", "excluded", "sample", "diff_previous", "rows"}
    assert len(show["rows"]) == 3 and all("*" in x["nik"] for x in show["rows"])
    out = tmp_path / "kirim"
    r = dtks(db_url, "batch", "export", bid, str(out), "--json", **OP)
    assert r.returncode == 0, r.stderr
    exp = json.loads(r.stdout)
    assert set(exp) == {"files", "nomor"} and len(exp["files"]) == 4 and all(Path(f).exists() for f in exp["files"])
    f = tmp_path / "hasil.csv"
    f.write_text(f"NIK,Hasil,Alasan\n{PEOPLE['ANI'][2]},ditetapkan,\n{PEOPLE['FAJAR'][2]},ditolak,mampu\n",
                 encoding="utf-8")
    r = dtks(db_url, "batch", "results", str(f), "--json", **OP)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert set(res) >= {"batch_id", "imported", "rejected", "warnings", "ditetapkan", "ditolak", "problems",
                        "per_desa"}
    assert (res["batch_id"], res["ditetapkan"], res["ditolak"]) == (int(bid), 1, 1)
    r = dtks(db_url, "batch", "show", bid, **OP)
    assert r.returncode == 0 and "Hasil diterima" in r.stdout
    with world.db.sessions() as s:
        trail = s.execute(select(AuditEvent.action, AuditEvent.username)
                          .where(AuditEvent.entity_type == "submission_batch").order_by(AuditEvent.id)).all()
    assert [a for a, _ in trail] == ["batch.create", "batch.submit", "batch.approve", "batch.export",
                                     "batch.export.files", "batch.results", "batch.results.import"]
    assert dict(trail)["batch.approve"] == "supervisor1" and dict(trail)["batch.create"] == "operator1"


def test_four_eyes_and_bad_input_on_the_command_line(world, db_url, tmp_path):
    r = dtks(db_url, "batch", "create", "--target", "kemensos", "--programme", "PKH", "--kind", "hapus",
             "--desa", DESA_A, "--json", **SUP)
    bid = str(json.loads(r.stdout)["id"])
    assert dtks(db_url, "batch", "submit", bid, **SUP).returncode == 0
    r = dtks(db_url, "batch", "approve", bid, **SUP)
    assert r.returncode == 1 and "empat mata" in r.stderr
    r = dtks(db_url, "batch", "reject", bid, **SUP)
    assert r.returncode == 2
    r = dtks(db_url, "batch", "create", "--target", "kemensos", "--programme", "BLT", "--kind", "hapus", **OP)
    assert r.returncode == 1 and "bukan program untuk kemensos" in r.stderr
    r = dtks(db_url, "batch", "create", "--target", "dinas", "--programme", "PKH", "--kind", "hapus", **OP)
    assert r.returncode == 2
    r = dtks(db_url, "batch", "results", str(tmp_path / "tidak-ada.csv"), **OP)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    r = dtks(db_url, "batch", "show", "999", **OP)
    assert r.returncode == 1 and "Batch #999 tidak ada" in r.stderr


def test_family_statuses_are_reported_by_submit_reject_and_results(world, db_url, tmp_path):
    """The human output names where the families went (DODI's family: Musdes hapus → diajukan → back)."""
    r = dtks(db_url, "batch", "create", "--target", "kemensos", "--programme", "PKH", "--kind", "hapus", "--json", **OP)
    bid = str(json.loads(r.stdout)["id"])
    r = dtks(db_url, "batch", "submit", bid, **OP)
    assert r.returncode == 0, r.stderr
    assert "Status keluarga: 1 ke Diajukan." in r.stdout, r.stdout
    r = dtks(db_url, "batch", "reject", bid, "--note", "Lampirkan akta kematian", **SUP)
    assert r.returncode == 0 and "Status keluarga: 1 ke Usul hapus (Musdes)." in r.stdout, r.stdout + r.stderr
