"""WriteBehind: write steps run in order on a worker inside the caller's transaction; an error or
a cancel leaves nothing behind (the transaction rolls back), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.bulk import WriteBehind, bulk_insert
from dtks_desktop.db.models import AuditEvent
from dtks_desktop.services.core.common import Cancelled

COLS = ("at", "user_id", "username", "action", "entity_type", "entity_id", "summary", "old_value", "new_value",
        "reason")


def _rows(lo: int, hi: int) -> list[tuple]:
    return [("2026-12-05 10:00:00", None, "uji", "uji.write", "member", i, f"baris {i}", None, None, None)
            for i in range(lo, hi)]


def _written(db) -> list[int]:
    with db.sessions() as s:
        return list(s.execute(select(AuditEvent.entity_id).where(AuditEvent.action == "uji.write")
                              .order_by(AuditEvent.id)).scalars())


def test_steps_are_written_in_order_and_committed_with_the_transaction(db):
    threads = set()

    def step(s, lo, hi):
        threads.add(threading.get_ident())
        bulk_insert(s, "audit_events", COLS, _rows(lo, hi))

    with db.transaction() as s:
        with WriteBehind(s, depth=1) as wb:
            for lo in range(0, 1000, 100):
                wb.submit(step, s, lo, lo + 100)
            wb.wait()
    assert _written(db) == list(range(1000))
    assert threads and threading.get_ident() not in threads  # the worker wrote


def test_an_error_in_a_step_reaches_the_caller_and_nothing_is_kept(db):
    def bad(_s):
        raise ValueError("baris rusak")

    with pytest.raises(ValueError, match="baris rusak"):
        with db.transaction() as s:
            with WriteBehind(s) as wb:
                wb.submit(bulk_insert, s, "audit_events", COLS, _rows(0, 10))
                wb.submit(bad, s)
                wb.submit(bulk_insert, s, "audit_events", COLS, _rows(10, 20))
                wb.wait()
    assert _written(db) == []
    with db.sessions() as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)
                         .where(AuditEvent.action == "uji.write")).scalar_one() == 0


def test_a_cancel_between_steps_skips_the_rest_and_rolls_back(db):
    ran = []

    def step(s, lo, hi):
        ran.append(lo)
        bulk_insert(s, "audit_events", COLS, _rows(lo, hi))

    with pytest.raises(Cancelled):
        with db.transaction() as s:
            with WriteBehind(s, depth=1) as wb:
                for lo in range(0, 500, 100):
                    if lo == 300:
                        raise Cancelled()
                    wb.submit(step, s, lo, lo + 100)
    assert _written(db) == []
    assert ran == sorted(ran) and len(ran) <= 3
