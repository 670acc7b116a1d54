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
    cols = ", ".join(columns)
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
        conn.exec_driver_sql(f"SELECT setval('{seq}', {start + count - 1}, true)")
        return int(start)
    start = conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").scalar_one()
    return int(start)
