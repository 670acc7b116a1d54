"""Bulk writes without an ORM object per row.

PostgreSQL gets ``COPY ... FROM STDIN`` through psycopg 3; SQLite gets one
``executemany`` on the raw DB-API connection. Both run inside the caller's
transaction (the SQLAlchemy ``Connection`` or ``Session`` passed in), so a bulk
write is all or nothing together with whatever else that transaction does.
"""

from __future__ import annotations

import queue
import threading
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Sequence

from sqlalchemy import Connection
from sqlalchemy.orm import Session

CHUNK = 20_000


def _connection(bind: Connection | Session) -> Connection:
    return bind.connection() if isinstance(bind, Session) else bind


def bulk_insert(
    bind: Connection | Session,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``. Returns the count."""
    conn = _connection(bind)
    dbapi = conn.connection.dbapi_connection
    q = conn.dialect.identifier_preparer.quote
    cols = ", ".join(q(c) for c in columns)
    count = 0
    if conn.dialect.name == "postgresql":
        cur = dbapi.cursor()
        with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})"
    cur = dbapi.cursor()
    it = iter(rows)
    while True:
        chunk = list(islice(it, CHUNK))
        if not chunk:
            break
        cur.executemany(sql, chunk)
        count += len(chunk)
    return count


def next_ids(bind: Connection | Session, table: str, count: int) -> int:
    """Reserve ``count`` consecutive primary keys for ``table``; returns the first one.

    Used by bulk paths that must know the ids of the parents they insert (families
    before their members) without a round-trip per row. Must be called inside the
    same transaction that inserts the rows.
    """
    conn = _connection(bind)
    if conn.dialect.name == "postgresql":
        seq = f"{table}_id_seq"
        # Lock against concurrent reservations from other PCs, then move the sequence.
        conn.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        start = conn.exec_driver_sql(
            f"SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), "
            f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {seq})) + 1"
        ).scalar_one()
        if count > 0:
            conn.exec_driver_sql(f"SELECT setval('{seq}', {start + count - 1}, true)")
        return int(start)
    start = conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").scalar_one()
    return int(start)


def bulk_update(
    bind: Connection | Session,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    key: str = "id",
) -> int:
    """Update ``columns`` of many rows by primary key. ``rows`` are (key, *values) tuples.

    PostgreSQL: COPY into a temporary table, then one ``UPDATE ... FROM``.
    SQLite: one ``executemany`` of ``UPDATE ... WHERE id = ?``.
    """
    conn = _connection(bind)
    dbapi = conn.connection.dbapi_connection
    q = conn.dialect.identifier_preparer.quote
    columns = [q(c) for c in columns]
    rows = list(rows)
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        tmp = f"_upd_{table}"
        cur = dbapi.cursor()
        cur.execute(f"DROP TABLE IF EXISTS {tmp}")
        cur.execute(
            f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {key}, {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cur.copy(f"COPY {tmp} ({key}, {', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        sets = ", ".join(f"{c} = {tmp}.{c}" for c in columns)
        cur.execute(f"UPDATE {table} SET {sets} FROM {tmp} WHERE {table}.{key} = {tmp}.{key}")
        cur.execute(f"DROP TABLE {tmp}")
        return len(rows)
    sets = ", ".join(f"{c} = ?" for c in columns)
    cur = dbapi.cursor()
    cur.executemany(f"UPDATE {table} SET {sets} WHERE {key} = ?", [tuple(r[1:]) + (r[0],) for r in rows])
    return len(rows)


class WriteBehind:
    """Runs write steps one after another, in the order given, on one worker thread while the
    caller prepares the next step: the database works (the PostgreSQL server process, SQLite's C
    code without the GIL) while Python builds the next rows.

    A 1,000,000-member matching run writes a million result rows and, on a file whose every NIK
    went through a spreadsheet, 917,000 NIK restorations with their history and audit rows. On
    PostgreSQL the server spent about 66 s on those statements while the client waited, after the
    client had spent 17 s building the rows while the server waited: building and writing took
    100 s one after the other and 81 s side by side (2-core machine); on SQLite, where both sides
    share the GIL, 58 s and 53 s.

    Use as a context manager inside the caller's transaction::

        with WriteBehind(conn) as wb:
            for chunk in chunks:
                wb.submit(bulk_insert, session, table, columns, build(chunk))
            wb.wait()

    Between ``submit`` and ``wait`` the caller must not use the connection itself (the worker
    does). At most ``depth`` steps wait in line (their rows are in memory). An error in a step
    is raised by the next ``submit`` or by ``wait``; later steps are skipped. Leaving the block
    with an exception (a cancel) lets the running step end, skips the rest, and returns: the
    caller's transaction then rolls back everything. A SQLite database in memory (tests) cannot
    be used from another thread: the steps then run at once in the caller's thread.
    """

    def __init__(self, bind: Connection | Session, depth: int = 2) -> None:
        self.inline = _in_memory(_connection(bind))
        self._q: queue.Queue = queue.Queue(maxsize=max(depth, 1))
        self._error: BaseException | None = None
        self._stop = False
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "WriteBehind":
        if not self.inline:
            self._thread = threading.Thread(target=self._work, name="dtks-write-behind", daemon=True)
            self._thread.start()
        return self

    def _work(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            if self._error is not None or self._stop:
                continue  # skip what is left after an error or a cancel
            fn, args = item
            try:
                fn(*args)
            except BaseException as e:  # handed to the caller's thread
                self._error = e

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        if self._error is not None:
            raise self._error
        if self.inline:
            fn(*args)
            return
        self._q.put((fn, args))

    def wait(self) -> None:
        """Every step submitted is written (or the first error is raised)."""
        if self._thread is not None:
            self._q.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._thread is not None:
            if exc_type is not None:
                self._stop = True
            self._q.put(None)
            self._thread.join()
            self._thread = None
        if exc_type is None and self._error is not None:
            raise self._error


def _in_memory(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and (conn.engine.url.database or ":memory:") == ":memory:"


def read_ahead(bind: Connection | Session, fetch: Callable[[], Sequence], depth: int = 2) -> Iterator[Sequence]:
    """The chunks of ``fetch()`` (e.g. a cursor's ``fetchmany``) until an empty one, the next ones
    fetched by a worker thread while the caller works on this one: the database (SQLite's C code
    without the GIL, the PostgreSQL server and the socket) works while Python builds its tables.

    At most ``depth`` chunks wait in memory. An error in ``fetch`` is raised where the caller takes
    the next chunk. When the caller stops early (an error, a cancel, ``break``), the worker stops
    before the generator ends, so the cursor may be closed at once. Between chunks the caller must
    not use the connection itself. A SQLite database in memory (tests) cannot be used from another
    thread: it is then read in the caller's thread, chunk by chunk.
    """
    if _in_memory(_connection(bind)):
        while rows := fetch():
            yield rows
        return
    q: queue.Queue = queue.Queue(maxsize=max(depth, 1))
    stop = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set():
                rows = fetch()
                q.put(rows)
                if not rows:
                    return
        except BaseException as e:  # handed to the caller's thread
            q.put(e)

    thread = threading.Thread(target=work, name="dtks-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if isinstance(item, BaseException):
                raise item
            if not item:
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # a worker blocked on a full queue: make room until it sees the stop
            try:
                q.get_nowait()
            except queue.Empty:
                pass
            thread.join(0.01)
