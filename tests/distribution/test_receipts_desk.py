"""Failing, undoing, closing and reopening, and the desk's search/recent/counts
(services/distribution/receipts.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, DistKpm, DistPeriod
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus
from dtks_desktop.services.distribution import receipts as R
from dtks_desktop.services.distribution.tokens import token_for
from tests.distribution.fixtures_receipts import build_world


@pytest.fixture
def w(db, admin):
    return build_world(db, admin)


def _tx(w, fn, *a, **kw):
    with w.db.transaction() as s:
        return fn(s, *a, **kw)


def test_fail_with_reason_then_late_arrival_needs_a_reason(w):
    k = w.lengkap()[0]
    res = _tx(w, R.fail, w.operator, w.period_id, nik=k["nik"], reason="tidak datang", note=" sakit  di RS ")
    assert res.kpm.receipt_status == ReceiptStatus.GAGAL_SALUR and res.kpm.fail_reason == "tidak_hadir"
    assert res.kpm.fail_note == "sakit di RS" and "GAGAL SALUR" in res.message
    with pytest.raises(R.AlreadyRecorded, match="sudah tercatat gagal salur"):
        _tx(w, R.fail, w.operator, w.period_id, nik=k["nik"], reason="menolak")
    with pytest.raises(R.ReceiptError, match="isi alasannya"):
        _tx(w, R.receive, w.operator, w.period_id, nik=k["nik"])
    res = _tx(w, R.receive, w.operator, w.period_id, nik=k["nik"], reason="datang sore")
    assert res.kpm.receipt_status == ReceiptStatus.DITERIMA and res.kpm.fail_reason is None
    with w.db.sessions() as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "dist.receive")).scalar_one()
        assert ev.reason == "datang sore" and "tidak_hadir" in ev.old_value


def test_fail_refuses_unknown_reason_and_served_kpm(w):
    a, b = w.lengkap()[:2]
    with pytest.raises(R.ReceiptError, match="tidak dikenal"):
        _tx(w, R.fail, w.operator, w.period_id, nik=a["nik"], reason="hujan deras")
    _tx(w, R.receive, w.operator, w.period_id, nik=b["nik"])
    with pytest.raises(R.AlreadyRecorded, match="sudah diterima"):
        _tx(w, R.fail, w.operator, w.period_id, nik=b["nik"], reason="menolak")


def test_undo_by_supervisor_only_with_reason(w):
    k = w.lengkap()[0]
    _tx(w, R.receive, w.operator, w.period_id, kpm_id=k["id"], kuasa="ANAK")
    with pytest.raises(PermissionDenied):
        _tx(w, R.undo, w.operator, k["id"], "salah")
    with pytest.raises(R.ReceiptError, match="Alasan"):
        _tx(w, R.undo, w.supervisor, k["id"], "  ")
    row = _tx(w, R.undo, w.supervisor, k["id"], "salah pindai")
    assert row.receipt_status == ReceiptStatus.BELUM and row.received_at is None and row.kuasa is None
    with pytest.raises(R.ReceiptError, match="tidak ada yang dibatalkan"):
        _tx(w, R.undo, w.supervisor, k["id"], "lagi")
    with w.db.sessions() as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "dist.undo")).scalar_one()
        assert ev.reason == "salah pindai" and "ANAK" in ev.old_value and "operator1" in ev.old_value
    assert _tx(w, R.receive, w.operator, w.period_id, kpm_id=k["id"]).kpm.receipt_status == ReceiptStatus.DITERIMA


def test_close_and_reopen(w):
    k = w.lengkap()[0]
    with pytest.raises(R.ReceiptError, match="belum mencatat penerimaan"):
        _tx(w, R.close_period, w.supervisor, w.period_id)
    _tx(w, R.receive, w.operator, w.period_id, kpm_id=k["id"])
    with pytest.raises(PermissionDenied):
        _tx(w, R.close_period, w.operator, w.period_id)
    v = _tx(w, R.close_period, w.supervisor, w.period_id)
    assert v.status == PeriodStatus.SELESAI and v.closed_at is not None and v.diterima == 1
    with pytest.raises(R.ReceiptError, match="penerimaan tidak dapat dicatat") as e:
        _tx(w, R.receive, w.operator, w.period_id, kpm_id=w.lengkap()[1]["id"])
    assert "reopen" in e.value.hint
    with pytest.raises(R.ReceiptError, match="reopen"):
        _tx(w, R.undo, w.supervisor, k["id"], "salah")
    with pytest.raises(R.ReceiptError, match="Alasan"):
        _tx(w, R.reopen_period, w.supervisor, w.period_id, "")
    v = _tx(w, R.reopen_period, w.supervisor, w.period_id, "KPM susulan")
    assert v.status == PeriodStatus.PENYALURAN and v.closed_at is None
    _tx(w, R.receive, w.operator, w.period_id, kpm_id=w.lengkap()[1]["id"])
    with w.db.sessions() as s:
        assert [a for (a,) in s.execute(select(AuditEvent.action).where(AuditEvent.action.in_(
            ["dist.close", "dist.reopen"])).order_by(AuditEvent.id))] == ["dist.close", "dist.reopen"]


def test_search_by_nik_digits_name_and_qr_masks_for_pencetak(w):
    k = w.lengkap()[3]
    with w.db.sessions() as s:
        assert [r.id for r in R.search(s, w.operator, w.period_id, k["nik"])] == [k["id"]]
        tail = R.search(s, w.operator, w.period_id, k["nik"][-6:])
        assert k["id"] in [r.id for r in tail] and all(r.nik.endswith(k["nik"][-6:]) for r in tail)
        first = k["nama"].split()[0].lower()
        by_name = R.search(s, w.operator, w.period_id, first, limit=50)
        assert k["id"] in [r.id for r in by_name] and all(first.upper() in r.nama.upper() for r in by_name)
        masked = R.search(s, w.pencetak, w.period_id, k["nik"])[0]
        assert masked.nik != k["nik"] and masked.nik[-4:] == k["nik"][-4:]
        assert R.search(s, w.operator, w.period_id, "12") == [] and R.search(s, w.operator, w.period_id, " ") == []
        assert R.search(s, w.operator, w.period_id, k["nama"], desa="33.10.99.9999") == []
        assert R.search(s, w.operator, w.period_id, "KPM-1-000001-AAAAAAAAAA") == []
    with w.db.transaction() as s:
        token = token_for(s, w.period_id, k["id"])
    with w.db.sessions() as s:
        assert [r.id for r in R.search(s, w.operator, w.period_id, token)] == [k["id"]]


def test_recent_and_counts(w):
    ks = w.lengkap()[:4]
    for k in ks[:3]:
        _tx(w, R.receive, w.operator, w.period_id, kpm_id=k["id"])
    _tx(w, R.fail, w.operator, w.period_id, kpm_id=ks[3]["id"], reason="pindah")
    with w.db.sessions() as s:
        rec = R.recent(s, w.operator, w.period_id, limit=10)
        assert [r.id for r in rec] == [ks[3]["id"], ks[2]["id"], ks[1]["id"], ks[0]["id"]]
        c = R.desk_counts(s, w.period_id)
        assert (c.target, c.diterima, c.gagal, c.sisa) == (len(w.lengkap()), 3, 1, len(w.lengkap()) - 4)
        d = R.desk_counts(s, w.period_id, desa=ks[0]["desa"])
        assert d.diterima >= 1 and d.target == sum(1 for k in w.lengkap() if k["desa"] == ks[0]["desa"])
        assert [r.id for r in R.recent(s, w.operator, w.period_id, desa=ks[0]["desa"])][-1] == ks[0]["id"]
