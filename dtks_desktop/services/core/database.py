"""Opening a database: connect, migrate, load reference data, log in.

The GUI and the CLI both go through :func:`open_database`, so they see the same
errors (Indonesian, with a way on) and the same schema.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dtks_desktop.config import default_sqlite_path, describe_url, resolve_database_url, sqlite_url
from dtks_desktop.db.engine import DatabaseOpenError, make_engine, session_factory, transaction
from dtks_desktop.db.migrate import upgrade
from dtks_desktop.services.core import regions as regions_service
from dtks_desktop.services.core.common import Cancelled
from dtks_desktop.services.core.users import Actor, LoginError, authenticate, has_users

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    @property
    def description(self) -> str:
        return describe_url(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def transaction(self):
        return transaction(self.sessions)

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(session, *args, **kwargs)`` in a session of its own, closed afterwards.

        How the views' jobs read: a view passes a service function, never a session or SQL.
        """
        with self.sessions() as s:
            return fn(s, *args, **kwargs)

    def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(session, *args, **kwargs)`` in a transaction of its own (commit, or rollback on error).

        How the views' jobs write through a service that takes a session.
        """
        with self.transaction() as s:
            return fn(s, *args, **kwargs)

    def read_interruptible(self, interrupt: QueryInterrupt, fn: Callable[..., T], *args: Any,
                           **kwargs: Any) -> T:
        """Like :meth:`read`, but another thread can stop the query with ``interrupt.cancel()``.

        Raises :class:`Cancelled` when it was interrupted (whatever the driver raised).
        """
        try:
            with self.sessions() as s:
                interrupt.attach(s)
                try:
                    return fn(s, *args, **kwargs)
                finally:
                    interrupt.detach()
                    if interrupt.cancelled:
                        # A cancel request may reach PostgreSQL after the query ended; this
                        # connection must not go back to the pool and meet it in another query.
                        try:
                            s.connection().invalidate()
                        except Exception:  # noqa: BLE001
                            pass
        except Exception as exc:
            if interrupt.cancelled:
                raise Cancelled() from exc
            raise

    def has_users(self) -> bool:
        with self.sessions() as s:
            return has_users(s)

    def dispose(self) -> None:
        self.engine.dispose()


class QueryInterrupt:
    """Lets another thread (the GUI's) stop a query a worker is running, e.g. a stale count.

    SQLite: ``sqlite3.Connection.interrupt()``; PostgreSQL: psycopg's ``cancel()``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dbapi: Any = None
        self._dialect = ""
        self.cancelled = False

    def attach(self, session: Session) -> None:
        conn = session.connection()
        with self._lock:
            self._dbapi = conn.connection.dbapi_connection
            self._dialect = conn.dialect.name

    def detach(self) -> None:
        with self._lock:
            self._dbapi = None

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            dbapi = self._dbapi
            if dbapi is None:
                return
            try:
                if self._dialect == "sqlite":
                    dbapi.interrupt()
                else:
                    dbapi.cancel()
            except Exception:  # noqa: BLE001 - the query may just have finished
                log.debug("could not interrupt a query", exc_info=True)


def open_database(url: str | None = None, *, migrate: bool = True, create: bool = True) -> Database:
    """Open (and if needed create and upgrade) the database. Raises DatabaseOpenError.

    ``create=False``: a SQLite file that does not exist is an error (kind ``"missing"``), not
    a new empty database, except the default database in the data folder, which is created
    on first use. Entry points pass False for a location the user typed (``--db``,
    ``DTKS_DATABASE_URL``, a saved connection) and True only where creating is the point
    (``dtks db init``, a new database chosen in the GUI).
    """
    resolved = resolve_database_url(url)
    if not create and resolved == sqlite_url(default_sqlite_path()):
        create = True
    engine = make_engine(resolved, create=create)
    try:
        if migrate:
            upgrade(engine)
            regions_service.ensure_regions_loaded(engine)
    except DatabaseOpenError:
        engine.dispose()
        raise
    except Exception as exc:  # a database we cannot migrate: never a traceback for the user
        engine.dispose()
        raise DatabaseOpenError(
            f"Basis data tidak dapat disiapkan: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}.",
            "Pilih basis data lain atau hubungi admin.",
            "open",
        ) from exc
    return Database(resolved, engine, session_factory(engine))


def login(db: Database, username: str, password: str) -> Actor:
    """Authenticate; a failed attempt is still written to the audit log."""
    session = db.sessions()
    try:
        actor = authenticate(session, username, password)
        session.commit()
        return actor
    except LoginError:
        session.commit()  # keep the login.failed audit event
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
