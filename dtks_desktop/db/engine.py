"""Engine and session factory for SQLite (embedded) and PostgreSQL (shared).

Opening a database never shows the user a traceback: every failure becomes a
:class:`DatabaseOpenError` whose message is Indonesian and says what to do next.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from dtks_desktop.config import normalize_url

SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseOpenError(Exception):
    """The database cannot be opened. ``message`` is for the user; ``hint`` says the way on."""

    def __init__(self, message: str, hint: str = "", kind: str = "open") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.kind = kind  # "not_sqlite" | "missing" | "corrupt" | "unreachable" | "auth" | "too_new" | "open"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.message} {self.hint}".strip()


class ConcurrentChangeError(Exception):
    """Another PC (or another window) changed the same row since it was read: nothing was saved."""

    def __init__(self) -> None:
        self.message = ("Data ini baru saja diubah oleh pengguna lain (mungkin dari komputer lain); "
                        "perubahan Anda tidak disimpan.")
        self.hint = "Muat ulang data, periksa perubahan itu, lalu ulangi bila masih perlu."
        super().__init__(self.message)


# How long a write waits for SQLite's single write lock. An import holds it for its whole store
# transaction (a minute or two for 1,000,000 rows), and everything else -- a login's audit row, a
# clerk's edit -- must wait for that, not fail after a few seconds.
BUSY_TIMEOUT_SECONDS = 300

BUSY_MESSAGE = "Basis data sedang dipakai oleh proses lain (misalnya impor yang sedang menyimpan data)."
BUSY_HINT = "Tunggu sampai proses itu selesai, lalu coba lagi."


def busy_message(exc: BaseException | None) -> tuple[str, str] | None:
    """(message, hint) in Indonesian when ``exc`` (or what caused it) is SQLite's "database is
    locked" after the busy timeout; ``None`` for any other error."""
    seen = 0
    while exc is not None and seen < 5:
        orig = getattr(exc, "orig", None)
        for e in (exc, orig):
            if isinstance(e, sqlite3.OperationalError) and (
                    "database is locked" in str(e) or "database is busy" in str(e)):
                return BUSY_MESSAGE, BUSY_HINT
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MB page cache
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def _check_sqlite_file(path: Path, create: bool) -> None:
    if not path.exists():
        if not create:
            # A mistyped --db path must not silently become a new, empty database (whose
            # login then fails with "wrong password").
            raise DatabaseOpenError(
                f"Berkas basis data '{path}' tidak ada.",
                "Periksa nama berkas dan foldernya, atau pilih basis data yang lain.",
                "missing",
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    if path.is_dir():
        raise DatabaseOpenError(
            f"'{path}' adalah folder, bukan berkas basis data.",
            "Pilih berkas basis data DTKS (.sqlite) yang lain.",
            "not_sqlite",
        )
    if path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != SQLITE_MAGIC:
        raise DatabaseOpenError(
            f"Berkas '{path.name}' bukan basis data DTKS Desktop (bukan berkas SQLite).",
            "Pilih berkas basis data yang lain atau buat basis data baru.",
            "not_sqlite",
        )


def make_engine(url: str, *, echo: bool = False, create: bool = True) -> Engine:
    """Create an engine and prove that it connects. Raises DatabaseOpenError.

    ``create``: a SQLite file that does not exist may be created (with its folders); when
    False it is an error of kind ``"missing"`` and nothing is created.
    """
    url = normalize_url(url)
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        if u.database and u.database != ":memory:":
            _check_sqlite_file(Path(u.database), create)
        engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        try:
            with engine.connect() as conn:
                mode = conn.exec_driver_sql("PRAGMA journal_mode=WAL").scalar()
                result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
                if result != "ok":
                    raise DatabaseOpenError(
                        f"Basis data '{u.database}' rusak ({result}).",
                        "Pulihkan dari cadangan atau pilih berkas lain.",
                        "corrupt",
                    )
                del mode
        except DatabaseOpenError:
            engine.dispose()
            raise
        except (OperationalError, DBAPIError, sqlite3.DatabaseError) as exc:
            engine.dispose()
            raise DatabaseOpenError(
                f"Basis data '{u.database}' tidak dapat dibuka: {_short(exc)}.",
                "Pilih berkas basis data yang lain.",
                "corrupt",
            ) from None
        return engine
    if backend == "postgresql":
        engine = create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={"connect_timeout": 5, "application_name": "DTKS Desktop"},
        )
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError) as exc:
            engine.dispose()
            msg = _short(exc)
            if "authentication" in msg or "no password supplied" in msg:
                raise DatabaseOpenError(
                    f"Server PostgreSQL menolak nama pengguna atau kata sandi ({u.username}@{u.host}).",
                    "Periksa pengaturan koneksi.",
                    "auth",
                ) from None
            if "does not exist" in msg:
                raise DatabaseOpenError(
                    f"Basis data '{u.database}' tidak ada di server {u.host}.",
                    "Minta admin membuat basis data itu, atau ubah pengaturan koneksi.",
                    "unreachable",
                ) from None
            raise DatabaseOpenError(
                f"Server PostgreSQL {u.host}:{u.port or 5432} tidak dapat dihubungi.",
                "Periksa jaringan dan alamat server di pengaturan koneksi, atau pakai basis data lokal.",
                "unreachable",
            ) from None
        return engine
    raise DatabaseOpenError(
        f"Jenis basis data '{backend}' tidak didukung.",
        "Gunakan berkas SQLite atau server PostgreSQL.",
        "open",
    )


def _short(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine_or_factory) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    factory = engine_or_factory if isinstance(engine_or_factory, sessionmaker) else session_factory(engine_or_factory)
    session = factory()
    try:
        yield session
        session.commit()
    except StaleDataError:
        # A version counter did not match: somebody else saved this row first. Never overwrite.
        session.rollback()
        raise ConcurrentChangeError() from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(bind) -> bool:
    return bind.dialect.name == "postgresql"


__all__ = [
    "ConcurrentChangeError",
    "DatabaseOpenError",
    "BUSY_TIMEOUT_SECONDS",
    "busy_message",
    "SQLAlchemyError",
    "make_engine",
    "session_factory",
    "transaction",
    "is_postgres",
]
