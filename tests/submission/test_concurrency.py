"""Two supervisors deciding the same batch at the same moment on PostgreSQL: the batch row is
locked, the second waits, then is told who decided first; only one decision is stored."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent
from dtks_desktop.services.submission import approval, batches
from dtks_desktop.services.submission.common import SubmissionError


@pytest.mark.parametrize("second", ["approve", "reject"])
def test_two_supervisors_at_once_one_wins(world, backend, second):
    if backend != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter (SQLite has one writer)")
    with world.db.transaction() as s:
        bid = batches.create_batch(s, world.operator, "kemensos", "PKH", "usulan_baru").id
        approval.submit(s, world.operator, bid)
    outcome: dict = {}

    def other():
        try:
            with world.db.transaction() as s2:
                if second == "approve":
                    approval.approve(s2, world.supervisor2, bid, note="kedua")
                else:
                    approval.reject(s2, world.supervisor2, bid, "kedua")
            outcome["ok"] = True
        except SubmissionError as exc:
            outcome["error"] = exc.message

    with world.db.transaction() as s1:
        approval.approve(s1, world.supervisor, bid, note="pertama")  # holds the row lock until commit
        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.8)
        assert t.is_alive(), "the second supervisor must wait for the first"
    t.join(20)
    assert not t.is_alive()
    assert "ok" not in outcome and "sudah diputuskan" in outcome["error"] and "Bambang" in outcome["error"]
    with world.db.sessions() as s:
        v = batches.get_batch(s, bid)
        decided = s.execute(select(AuditEvent.username).where(
            AuditEvent.action.in_(["batch.approve", "batch.reject"]))).scalars().all()
    assert v.status == "disetujui" and v.decided_by == "supervisor1" and v.note == "pertama"
    assert decided == ["supervisor1"]
