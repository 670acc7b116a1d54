"""Realisation (services/distribution/report.py): totals reconcile exactly with the receipts
recorded; failed/remaining lists; progress series; the .xlsx and the PDF on the documents engine."""

from __future__ import annotations

import json
import random
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from dtks_desktop.db.models import DistKpm, IssuedDocument
from dtks_desktop.domain.distribution import CleanStatus, FailReason
from dtks_desktop.domain.workflow.distribution import ReceiptStatus
from dtks_desktop.services.distribution import receipts as RC
from dtks_desktop.services.distribution import report as RP
from tests.distribution.fixtures_receipts import build_world


def _play(w, seed: int = 7):
    """A distribution day: receipts, failures, a double scan, an undo, a late arrival after a failure."""
    rnd = random.Random(seed)
    ks = w.lengkap()
    rnd.shuffle(ks)
    received, failed = [], []
    for i, k in enumerate(ks[: int(len(ks) * 0.7)]):
        with w.db.transaction() as s:
            if i % 9 == 4:
                RC.fail(s, w.operator, w.period_id, nik=k["nik"], reason=rnd.choice(list(FailReason)).value,
                        note="uji" if i % 2 else None)
                failed.append(k["id"])
            else:
                RC.receive(s, w.operator, w.period_id, kpm_id=k["id"], kuasa="ISTRI" if i % 5 == 0 else None)
                received.append(k["id"])
    with pytest.raises(RC.AlreadyRecorded):  # a second scan counts nothing
        with w.db.transaction() as s:
            RC.receive(s, w.operator, w.period_id, kpm_id=received[0])
    with w.db.transaction() as s:
        RC.undo(s, w.supervisor, received[1], "salah pindai")
    received.remove(received[1])
    with w.db.transaction() as s:
        RC.receive(s, w.operator, w.period_id, kpm_id=failed[0], reason="datang sore hari")
    received.append(failed.pop(0))
    return received, failed


def _direct(db, period_id, status, desa=None):
    with db.sessions() as s:
        q = select(func.count()).select_from(DistKpm).where(DistKpm.period_id == period_id,
                                                            DistKpm.receipt_status == status)
        if desa:
            q = q.where(DistKpm.desa_kode == desa)
        return s.execute(q).scalar_one()


def test_totals_reconcile_exactly_with_the_receipts_recorded(db, admin):
    w = build_world(db, admin)
    received, failed = _play(w)
    with db.sessions() as s:
        rep = RP.realisation(s, w.period_id)
        series = RP.progress_series(s, w.period_id)
        gagal_rows = RP.failed_rows(s, w.supervisor, w.period_id)
        sisa_rows = RP.remaining_rows(s, w.supervisor, w.period_id)
    t = rep.total
    assert t.diterima == len(received) == _direct(db, w.period_id, ReceiptStatus.DITERIMA)
    assert t.gagal == len(failed) == _direct(db, w.period_id, ReceiptStatus.GAGAL_SALUR)
    assert t.target == len(w.lengkap()) and t.sisa == t.target - t.diterima - t.gagal
    assert t.nilai == 600_000 * len(received)
    assert sorted(r.id for r in gagal_rows) == sorted(failed) and len(sisa_rows) == t.sisa
    assert {r.id for r in sisa_rows}.isdisjoint(received) and all(r.clean_status == CleanStatus.LENGKAP for r in sisa_rows)
    for field in ("target", "diterima", "gagal", "sisa"):
        assert sum(getattr(d, field) for d in rep.desa) == getattr(t, field)
        assert sum(getattr(k, field) for k in rep.kecamatan) == getattr(t, field)
    assert sum(d.nilai for d in rep.desa) == t.nilai
    for d in rep.desa[:5]:
        assert d.diterima == _direct(db, w.period_id, ReceiptStatus.DITERIMA, d.kode)
    assert series and series[-1][1] == t.diterima and [n for _, n in series] == sorted(n for _, n in series)
    assert sum(rep.fail_reasons.values()) == t.gagal
    d = rep.as_dict()
    assert set(d["total"]) >= {"target", "diterima", "gagal", "sisa", "nilai"} and d["total"]["nilai"] == t.nilai
    assert set(d["desa"][0]) >= {"kode", "desa", "kecamatan", "target", "diterima", "gagal", "sisa", "nilai"}
    assert d["period"]["id"] == w.period_id and json.dumps(d)
    # One kecamatan only.
    kec = rep.kecamatan[0].kode
    with db.sessions() as s:
        part = RP.realisation(s, w.period_id, kecamatan=kec)
    assert part.total.target == rep.kecamatan[0].target and all(x.kode.startswith(kec + ".") for x in part.desa)


def test_goods_value_is_a_quantity(db, admin):
    w = build_world(db, admin, cash=None, goods=("beras", "10", "kg"))
    for k in w.lengkap()[:3]:
        with db.transaction() as s:
            RC.receive(s, w.operator, w.period_id, kpm_id=k["id"])
    with db.sessions() as s:
        rep = RP.realisation(s, w.period_id)
    assert rep.total.nilai == Decimal(30) and rep.satuan == "kg" and rep.total.nilai_label == "30 kg beras"
    assert rep.as_dict()["total"]["nilai"] == 30


def test_export_xlsx_has_the_four_sheets_and_masks_nik(db, admin, tmp_path):
    w = build_world(db, admin)
    received, failed = _play(w)
    out = tmp_path / "realisasi.xlsx"
    with db.sessions() as s:
        RP.export_xlsx(s, w.supervisor, w.period_id, out)
        rep = RP.realisation(s, w.period_id)
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Rekap", "Per desa", "Gagal salur", "Belum menerima"]
    per_desa = list(wb["Per desa"].iter_rows(values_only=True))
    assert per_desa[-1][1] == "JUMLAH" and per_desa[-1][4:8] == (rep.total.target, rep.total.diterima,
                                                                  rep.total.gagal, rep.total.sisa)
    gagal = list(wb["Gagal salur"].iter_rows(values_only=True))
    assert len(gagal) - 1 == len(failed)
    full = {k["nik"] for k in w.kpm}
    niks = [r[6] for r in gagal[1:]] + [r[6] for r in list(wb["Belum menerima"].iter_rows(values_only=True))[1:]]
    assert niks and not (set(niks) & full) and all("*" in n or "x" in n.lower() for n in niks)
    assert len(list(wb["Belum menerima"].iter_rows(values_only=True))) - 1 == rep.total.sisa


def test_bad_output_names(db, admin, tmp_path):
    w = build_world(db, admin)
    with db.sessions() as s, pytest.raises(RP.DistError, match="xlsx"):
        RP.export_xlsx(s, w.supervisor, w.period_id, tmp_path / "realisasi.csv")
    with db.transaction() as s, pytest.raises(RP.DistError, match="pdf"):
        RP.print_report(s, w.supervisor, w.period_id, tmp_path / "realisasi.xlsx")


def test_print_report_issues_a_document_with_the_totals(db, admin, tmp_path):
    w = build_world(db, admin)
    received, failed = _play(w)
    out = tmp_path / "realisasi.pdf"
    with db.transaction() as s:
        RP.print_report(s, w.pencetak, w.period_id, out)  # printing is every role's
    with db.sessions() as s:
        rep = RP.realisation(s, w.period_id)
        doc = s.execute(select(IssuedDocument).where(IssuedDocument.doc_type == "laporan_realisasi")).scalar_one()
    assert doc.pdf == out.read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    flat = " ".join(text.split())
    assert "LAPORAN REALISASI PENYALURAN" in flat and "BPNT" in flat and "Tahap 1 2027" in flat
    assert f"Rp {rep.total.nilai:,}".replace(",", ".") in flat
    assert "Daftar KPM gagal salur" in flat and "JUMLAH" in flat
    assert not any(k["nik"] in flat for k in w.kpm)  # masked on the printed list
