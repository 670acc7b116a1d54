"""Bulk writes without an ORM object per row.

PostgreSQL gets ``COPY ... FROM STDIN`` through psycopg 3; SQLite gets one
``executemany`` on the raw DB-API connection. Both run inside the caller's
transaction (the SQLAlchemy ``Connection`` or ``Session`` passed in), so a bulk
write is all or nothing together with whatever else that transaction does.
"""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Sequence

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
