"""Two PCs recording the same KPM at the same instant: exactly one receipt, the other desk is told
``sudah diterima``; nothing counted twice (issue 14, bad input)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent, DistKpm, DistPeriod
from dtks_desktop.domain.workflow.distribution import PeriodStatus, ReceiptStatus
from dtks_desktop.services.core.database import open_database
from dtks_desktop.services.distribution import receipts as R
from tests.distribution.fixtures_receipts import build_world


def _race(dbs, actors, period_id, kpm_id, *, via_nik=None):
    """Run one receive per database handle in its own thread, released together."""
    start = threading.Barrier(len(dbs))
    results: list = [None] * len(dbs)

    def desk(i):
        start.wait()
        try:
            with dbs[i].transaction() as s:
                kw = {"nik": via_nik} if via_nik else {"kpm_id": kpm_id}
                results[i] = R.receive(s, actors[i], period_id, **kw)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(len(dbs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _check_one_winner(w, results, kpm_id):
    won = [r for r in results if isinstance(r, R.ReceiveResult)]
    lost = [r for r in results if not isinstance(r, R.ReceiveResult)]
    assert len(won) == 1, results
    assert lost and all(isinstance(e, R.AlreadyRecorded) and "sudah diterima" in e.message for e in lost), lost
    with w.db.sessions() as s:
        assert s.execute(select(DistKpm.receipt_status).where(DistKpm.id == kpm_id)).scalar_one() \
            == ReceiptStatus.DITERIMA
        assert s.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "dist.receive", AuditEvent.entity_id == kpm_id)).scalar_one() == 1


def test_two_pcs_same_kpm_same_instant(db, admin):
    """Two engines (two PCs), released together, several KPM in turn; the first race also moves the
    period siap -> penyaluran exactly once."""
    w = build_world(db, admin)
    other_pc = open_database(db.url)
    try:
        for k in w.lengkap()[:5]:
            results = _race([db, other_pc], [w.operator, w.supervisor], w.period_id, k["id"], via_nik=k["nik"])
            _check_one_winner(w, results, k["id"])
        with db.sessions() as s:
            assert s.get(DistPeriod, w.period_id).status == PeriodStatus.PENYALURAN
            assert s.execute(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "dist_period.status")).scalar_one() == 1
            assert s.execute(select(func.count()).select_from(DistKpm).where(
                DistKpm.receipt_status == ReceiptStatus.DITERIMA)).scalar_one() == 5
    finally:
        other_pc.dispose()


def test_both_read_belum_before_either_writes_postgresql(db, admin, backend, monkeypatch):
    """The worst interleaving, forced: both desks have read the KPM as ``belum`` before either
    writes. The conditional UPDATE lets one through; the other updates no row and is refused."""
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE: the second desk cannot read before the first commits")
    w = build_world(db, admin)
    read_both = threading.Barrier(2, timeout=30)
    real = R.find_kpm

    def find_then_wait(*a, **kw):
        out = real(*a, **kw)
        assert out[0].receipt_status == ReceiptStatus.BELUM
        read_both.wait()
        return out

    monkeypatch.setattr(R, "find_kpm", find_then_wait)
    other_pc = open_database(db.url)
    try:
        for k in w.lengkap()[:3]:
            results = _race([db, other_pc], [w.operator, w.supervisor], w.period_id, k["id"])
            _check_one_winner(w, results, k["id"])
    finally:
        other_pc.dispose()


def test_eight_desks_hammering_the_same_kpm(db, admin):
    w = build_world(db, admin)
    k = w.lengkap()[0]
    pcs = [open_database(db.url) for _ in range(3)]
    try:
        handles = [db, *pcs, db, *pcs]
        results = _race(handles, [w.operator] * len(handles), w.period_id, k["id"])
        _check_one_winner(w, results, k["id"])
    finally:
        for p in pcs:
            p.dispose()
