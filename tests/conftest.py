"""Test fixtures: every test gets a fresh database, on SQLite or on PostgreSQL.

Set ``DTKS_TEST_DATABASE_URL`` to a PostgreSQL URL to run the whole suite
against that server (CI does both). The schema and the 91,599 region codes are
loaded once per session; each test then starts from empty data tables.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP_HOME = tempfile.mkdtemp(prefix="dtks-test-home-")
# Never touch a real user's database or config from a test.
os.environ["DTKS_DATA_DIR"] = str(Path(_TMP_HOME) / "data")
os.environ["DTKS_CONFIG_DIR"] = str(Path(_TMP_HOME) / "config")
os.environ.pop("DTKS_DATABASE_URL", None)
# Nor a real keyring (Windows Credential Manager...): tests that need one install their own.
import keyring  # noqa: E402
from keyring.backends import fail as _fail_keyring  # noqa: E402

keyring.set_keyring(_fail_keyring.Keyring())

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402

from dtks_desktop.config import sqlite_url  # noqa: E402
from dtks_desktop.db.models import Base  # noqa: E402
from dtks_desktop.services.core.database import Database, open_database  # noqa: E402
from dtks_desktop.services.core.users import create_user  # noqa: E402

PG_URL = os.environ.get("DTKS_TEST_DATABASE_URL")
KEEP_TABLES = {"regions", "alembic_version"}
ADMIN_PASSWORD = "rahasia-admin-1"


@pytest.fixture(scope="session")
def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> str:
    """A migrated database with regions loaded, made once per session."""
    if PG_URL:
        db = open_database(PG_URL)
        db.dispose()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    db = open_database(sqlite_url(path))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return str(path)


def _truncate_pg(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with db.engine.begin() as conn:
        # A session a previous test forgot to close would hold its locks and block TRUNCATE.
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        existing = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
        names = [t for t in tables if t in existing] + sorted(existing - set(tables) - KEEP_TABLES)
        if names:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def db_url(_template, tmp_path) -> str:
    if PG_URL:
        return PG_URL
    target = tmp_path / "dtks.sqlite"
    shutil.copyfile(_template, target)
    return sqlite_url(target)


@pytest.fixture
def db(db_url) -> Database:
    database = open_database(db_url)
    if PG_URL:
        _truncate_pg(database)
    yield database
    database.dispose()


@pytest.fixture
def admin(db):
    with db.transaction() as s:
        return create_user(s, "admin", ADMIN_PASSWORD, "admin", full_name="Admin Dinsos")


@pytest.fixture
def operator(db, admin):
    with db.transaction() as s:
        return create_user(s, "operator1", "rahasia-operator", "operator", full_name="Sri Wahyuni", by=admin)


@pytest.fixture
def supervisor(db, admin):
    with db.transaction() as s:
        return create_user(s, "supervisor1", "rahasia-supervisor", "supervisor", full_name="Bambang", by=admin)


def pytest_report_header(config):
    return f"DTKS database backend: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (temporary files)'}"


def pytest_sessionstart(session):
    if os.environ.get("DTKS_REQUIRE_POSTGRES") and not PG_URL:
        raise pytest.UsageError("DTKS_REQUIRE_POSTGRES is set but DTKS_TEST_DATABASE_URL is not: refusing to skip PostgreSQL.")
