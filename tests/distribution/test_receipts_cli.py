"""`dtks dist receive | fail | undo | search | report | close | reopen`: a period from the KPM list to
the realisation report on the command line (S1's create/clean, then the distribution day), with
the issue's JSON keys, exit codes and Indonesian messages (never a traceback)."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from pypdf import PdfReader

from dtks_desktop.cli import EXIT_FORBIDDEN, main
from dtks_desktop.services.distribution.tokens import token_for
from tests.distribution.conftest import NIK

OP = "rahasia-operator"
SUP = "rahasia-supervisor"


def run(capsys, monkeypatch, db_url, *argv, user="operator1", password=OP):
    monkeypatch.setenv("DTKS_PASSWORD", password)
    code = main(["--db", db_url, "--user", user, *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_distribution_day_on_the_command_line(world, db_url, capsys, monkeypatch, tmp_path):
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "create", "--programme", "BPNT", "--period",
                         "Tahap 1 2027", "--cash", "200.000", "--from-batch", str(world.batch), "--json")
    assert code == 0, err
    pid = str(json.loads(out)["id"])
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "clean", pid, "--json")
    assert code == 0 and json.loads(out)["lengkap"] == 3, err  # ANI, EKO, FAJAR

    code, out, err = run(capsys, monkeypatch, db_url, "dist", "receive", pid, "--nik", NIK["ANI"], "--kuasa",
                         "Suami", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["kpm"]["nama"] == "ANI" and data["kpm"]["receipt_status"] == "diterima" and data["kpm"]["kuasa"] == "Suami"
    # The same KPM again: loud, non-zero, says when; nothing recorded.
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "receive", pid, "--nik", NIK["ANI"])
    assert code != 0 and "sudah diterima" in err and "operator1" in err and "pada " in err
    # By the invitation's QR.
    with world.db.transaction() as s:
        from sqlalchemy import select

        from dtks_desktop.db.models import DistKpm

        eko = s.execute(select(DistKpm.id).where(DistKpm.nik == NIK["EKO"])).scalar_one()
        token = token_for(s, int(pid), eko)
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "receive", pid, "--qr", token)
    assert code == 0 and "DITERIMA: EKO" in out, err
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "receive", pid, "--qr", token[:-1] + ("B" if token[-1] != "B" else "C"))
    assert code != 0 and "tidak sah" in err
    # A returned KPM (BUDI: NIK not padan) and a KPM of another desa at a desa desk are refused.
    code, _, err = run(capsys, monkeypatch, db_url, "dist", "receive", pid, "--nik", NIK["BUDI"])
    assert code != 0 and "bukan Lengkap" in err
    code, _, err = run(capsys, monkeypatch, db_url, "dist", "receive", pid, "--nik", NIK["FAJAR"], "--desa",
                       "33.10.01.2001")
    assert code != 0 and "meja ini" in err
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "fail", pid, "--nik", NIK["FAJAR"], "--reason",
                         "pindah", "--note", "ke Sleman")
    assert code == 0 and "GAGAL SALUR: FAJAR" in out, err
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "search", pid, "ani", "--json")
    assert code == 0 and [r["nama"] for r in json.loads(out)] == ["ANI"]

    # The printer role prints but may not record.
    monkeypatch.setenv("DTKS_PASSWORD", "x")
    code, _, err = run(capsys, monkeypatch, db_url, "dist", "undo", str(eko), "--reason", "salah")
    assert code == EXIT_FORBIDDEN and "tidak boleh" in err
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "undo", str(eko), "--reason", "salah pindai",
                         user="supervisor1", password=SUP)
    assert code == 0 and "dibatalkan" in out, err

    xlsx, pdf = tmp_path / "realisasi.xlsx", tmp_path / "realisasi.pdf"
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "report", pid, "--json", "--xlsx", str(xlsx), "--pdf",
                         str(pdf))
    assert code == 0, err
    rep = json.loads(out)
    assert rep["total"] == {**rep["total"], "target": 3, "diterima": 1, "gagal": 1, "sisa": 1, "nilai": 200_000}
    assert {d["desa"] for d in rep["desa"]} and sum(d["diterima"] for d in rep["desa"]) == 1
    assert load_workbook(xlsx).sheetnames == ["Rekap", "Per desa", "Gagal salur", "Belum menerima"]
    assert "LAPORAN REALISASI" in PdfReader(pdf).pages[0].extract_text()

    code, out, err = run(capsys, monkeypatch, db_url, "dist", "close", pid)
    assert code == EXIT_FORBIDDEN
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "close", pid, "--json", user="supervisor1", password=SUP)
    assert code == 0 and json.loads(out)["status"] == "selesai", err
    code, _, err = run(capsys, monkeypatch, db_url, "dist", "receive", pid, "--nik", NIK["EKO"])
    assert code != 0 and "Selesai" in err
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "reopen", pid, "--reason", "KPM susulan",
                         user="supervisor1", password=SUP)
    assert code == 0 and "dibuka kembali" in out, err
    code, out, err = run(capsys, monkeypatch, db_url, "dist", "report", pid)
    assert code == 0 and "diterima 1" in out and "Rp 200.000" in out
