"""Receipts on the distribution day (issue 14, services/distribution/receipts.py): by QR, NIK or a
search pick; each bad input refused with a clear message and nothing written; nothing counted twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, DistKpm, DistPeriod
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus
from dtks_desktop.services.distribution import receipts as R
from dtks_desktop.services.distribution.tokens import make_token, token_for
from tests.distribution.fixtures_receipts import build_world


@pytest.fixture
def w(db, admin):
    return build_world(db, admin)


def _state(db, period_id):
    with db.sessions() as s:
        rows = sorted(s.execute(select(DistKpm.id, DistKpm.receipt_status, DistKpm.received_at, DistKpm.recorded_by,
                                       DistKpm.kuasa, DistKpm.fail_reason).where(DistKpm.period_id == period_id)).all())
        status = s.execute(select(DistPeriod.status).where(DistPeriod.id == period_id)).scalar_one()
        events = s.execute(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.action.like("dist%"))).scalar_one()
    return rows, status, events


def _receive(w, actor=None, **kw):
    with w.db.transaction() as s:
        return R.receive(s, actor or w.operator, kw.pop("period_id", w.period_id), **kw)


def _refused(w, exc_type=R.ReceiptError, actor=None, **kw):
    before = _state(w.db, w.period_id)
    with pytest.raises(exc_type) as e:
        _receive(w, actor, **kw)
    assert _state(w.db, w.period_id) == before, "a refused receipt wrote something"
    return e.value


def test_receive_by_qr_records_who_when_and_moves_the_period(w):
    k = w.lengkap()[0]
    with w.db.transaction() as s:  # the first token makes the office secret
        token = token_for(s, w.period_id, k["id"])
    res = _receive(w, qr=f"  {token.lower()}\n", kuasa="  Siti   Aminah ")
    assert res.kpm.id == k["id"] and res.kpm.receipt_status == ReceiptStatus.DITERIMA
    assert res.kpm.recorded_by == "operator1" and res.kpm.kuasa == "Siti Aminah" and res.kpm.via == "qr"
    assert "DITERIMA" in res.message and "Rp 600.000" in res.message and res.period_moved
    assert res.kpm.nik == k["nik"]  # clerks see full NIKs on screen
    with w.db.sessions() as s:
        p = s.get(DistPeriod, w.period_id)
        assert p.status == PeriodStatus.PENYALURAN
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "dist.receive")).scalar_one()
        assert ev.entity_id == k["id"] and ev.username == "operator1" and "Siti Aminah" in ev.summary
        assert s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "dist_period.status")).scalar_one() == 1
    d = res.as_dict()
    assert d["kpm"]["receipt_status"] == "diterima" and d["at"]


def test_receive_by_nik_and_by_pick(w):
    a, b = w.lengkap()[:2]
    assert _receive(w, nik=f"{a['nik'][:6]} {a['nik'][6:]}").kpm.via == "nik"
    assert _receive(w, kpm_id=b["id"]).kpm.via == "nama"
    assert not _receive(w, nik=w.lengkap()[2]["nik"]).period_moved  # only the first receipt moves it


def test_second_receipt_is_refused_loudly_with_when_and_who_and_nothing_counted_twice(w):
    k = w.lengkap()[0]
    _receive(w, nik=k["nik"])
    with w.db.transaction() as s:  # the first token makes the office secret
        token = token_for(s, w.period_id, k["id"])
    for kw in ({"nik": k["nik"]}, {"qr": token}, {"kpm_id": k["id"]}):
        e = _refused(w, R.AlreadyRecorded, actor=w.supervisor, **kw)
        assert "sudah diterima" in e.message and "operator1" in e.message and e.row.id == k["id"]
    with w.db.sessions() as s:
        assert s.execute(select(func.count()).select_from(DistKpm).where(
            DistKpm.receipt_status == ReceiptStatus.DITERIMA)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "dist.receive")).scalar_one() == 1


def test_forged_and_altered_qr_are_refused(w):
    k = w.lengkap()[0]
    e = _refused(w, qr=make_token(b"bukan-rahasia-kantor-ini", w.period_id, k["id"]))
    assert "tidak sah" in e.message
    with w.db.transaction() as s:  # the first token makes the office secret
        token = token_for(s, w.period_id, k["id"])
    other = w.lengkap()[1]["id"]
    altered = token.replace(f"-{k['id']:06d}-", f"-{other:06d}-")
    assert "tidak sah" in _refused(w, qr=altered).message
    assert "tidak dikenal" in _refused(w, qr="https://contoh.id/bukan-undangan").message


def test_qr_of_another_period_is_refused(w):
    with w.db.transaction() as s:
        other_kpm = s.execute(select(DistKpm.id).where(DistKpm.period_id == w.other_period_id)).scalars().first()
        token = token_for(s, w.other_period_id, other_kpm)
    e = _refused(w, qr=token)
    assert "tahap lain" in e.message and "PKH" in e.message


def test_kpm_of_another_desa_is_refused_at_a_desa_desk(w):
    k = w.lengkap()[0]
    desk = next(x["desa"] for x in w.lengkap() if x["desa"] != k["desa"])
    e = _refused(w, nik=k["nik"], desa=desk)
    assert "bukan" in e.message and "meja ini" in e.message
    assert _receive(w, nik=k["nik"], desa=k["desa"]).kpm.id == k["id"]


def test_returned_kpm_cannot_receive(w):
    k = w.returned()[0]
    e = _refused(w, nik=k["nik"])
    assert "Dikembalikan" in e.message and "bukan Lengkap" in e.message


def test_unknown_nik_and_bad_nik(w):
    assert "tidak ada dalam daftar KPM" in _refused(w, nik="3310019999999999").message
    assert "16 angka" in _refused(w, nik="33100112").message
    assert "tepat satu" in _refused(w, nik=w.lengkap()[0]["nik"], kpm_id=w.lengkap()[0]["id"]).message


@pytest.mark.parametrize("status", [PeriodStatus.DRAF, PeriodStatus.SELESAI, PeriodStatus.BATAL])
def test_period_not_receiving_refuses(db, admin, status):
    w = build_world(db, admin, status=status.value)
    e = _refused(w, nik=w.lengkap()[0]["nik"])
    assert "penerimaan tidak dapat dicatat" in e.message


def test_pencetak_may_not_record(w):
    before = _state(w.db, w.period_id)
    with pytest.raises(PermissionDenied):
        _receive(w, actor=w.pencetak, nik=w.lengkap()[0]["nik"])
    assert _state(w.db, w.period_id)[:2] == before[:2]


def test_scan_takes_the_desk_input_as_qr_or_nik(w):
    a, b = w.lengkap()[:2]
    with w.db.transaction() as s:
        token = token_for(s, w.period_id, a["id"])
    with w.db.transaction() as s:
        assert R.scan(s, w.operator, w.period_id, f"]Q1{token}\r").kpm.via == "qr"  # scanner prefix tolerated
    with w.db.transaction() as s:
        assert R.scan(s, w.operator, w.period_id, f" {b['nik']} ").kpm.via == "nik"
    before = _state(w.db, w.period_id)
    with pytest.raises(R.ReceiptError, match="bukan kode QR"):
        with w.db.transaction() as s:
            R.scan(s, w.operator, w.period_id, "budi santoso")
    with pytest.raises(R.AlreadyRecorded, match="sudah diterima"):
        with w.db.transaction() as s:
            R.scan(s, w.operator, w.period_id, token)
    assert _state(w.db, w.period_id) == before
