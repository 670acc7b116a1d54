"""read_ahead: a worker thread fetches the next chunks of a cursor while the caller builds; the
chunks come in order, an error reaches the caller, and a caller that stops early stops the worker
(SQLite and PostgreSQL; an in-memory SQLite database is read in the caller's thread)."""

from __future__ import annotations

import threading

import pytest

from dtks_desktop.db.bulk import bulk_insert, read_ahead
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.services.core.database import open_database
from dtks_desktop.services.matching.run import _cursor

from .test_write_behind import COLS, _rows

SQL = "SELECT entity_id FROM audit_events WHERE action = 'uji.write' ORDER BY entity_id"


@pytest.fixture
def rows_in_db(db):
    with db.transaction() as s:
        bulk_insert(s, "audit_events", COLS, _rows(0, 1000))
    return db


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dtks-read-ahead"]


def test_chunks_arrive_in_order_fetched_by_a_worker(rows_in_db):
    fetched_by = set()
    with rows_in_db.sessions() as s, _cursor(s, SQL, "uji_read") as cur:
        def fetch():
            fetched_by.add(threading.get_ident())
            return cur.fetchmany(64)

        got = [r[0] for chunk in read_ahead(s, fetch, depth=2) for r in chunk]
    assert got == list(range(1000))
    assert threading.get_ident() not in fetched_by  # the worker fetched
    assert not _workers()


def test_an_error_while_fetching_reaches_the_caller(rows_in_db):
    calls = []

    def fetch():
        calls.append(1)
        if len(calls) == 3:
            raise ValueError("sambungan terputus")
        return [(len(calls),)]

    with rows_in_db.sessions() as s:
        got = []
        with pytest.raises(ValueError, match="sambungan terputus"):
            for chunk in read_ahead(s, fetch):
                got.extend(chunk)
    assert got == [(1,), (2,)]
    assert not _workers()


def test_a_caller_that_stops_early_stops_the_worker_before_the_cursor_closes(rows_in_db):
    fetches = []
    with rows_in_db.sessions() as s, _cursor(s, SQL, "uji_read_stop") as cur:
        def fetch():
            fetches.append(1)
            return cur.fetchmany(10)

        with pytest.raises(Cancelled):
            for n, _chunk in enumerate(read_ahead(s, fetch, depth=2)):
                if n == 2:
                    raise Cancelled()
        assert not _workers()  # stopped while the cursor is still open
        stopped_at = len(fetches)
    assert stopped_at <= 3 + 2 + 1  # the chunks taken, the queue, the one in hand: not the whole table


def test_an_in_memory_database_is_read_in_the_callers_thread():
    db = open_database("sqlite://")
    try:
        seen = []
        chunks = iter([[(1,)], [(2,)], []])
        with db.sessions() as s:
            def fetch():
                seen.append(threading.get_ident())
                return next(chunks)

            assert [c for c in read_ahead(s, fetch)] == [[(1,)], [(2,)]]
        assert set(seen) == {threading.get_ident()}
    finally:
        db.dispose()
