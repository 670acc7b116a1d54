"""Opening a database: connect, migrate, load reference data, log in.

The GUI and the CLI both go through :func:`open_database`, so they see the same
errors (Indonesian, with a way on) and the same schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dtks_desktop.config import default_sqlite_path, describe_url, resolve_database_url, sqlite_url
from dtks_desktop.db.engine import DatabaseOpenError, make_engine, session_factory, transaction
from dtks_desktop.db.migrate import upgrade
from dtks_desktop.services.core import regions as regions_service
from dtks_desktop.services.core.users import Actor, LoginError, authenticate, has_users


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

    def has_users(self) -> bool:
        with self.sessions() as s:
            return has_users(s)

    def dispose(self) -> None:
        self.engine.dispose()


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
