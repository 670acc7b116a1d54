"""Opening databases: migrations, reference data, and every way it can go wrong."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from dtks_desktop.config import normalize_url, resolve_database_url, sqlite_url
from dtks_desktop.db.engine import DatabaseOpenError
from dtks_desktop.db.migrate import current_revision, head_revision
from dtks_desktop.services.core.database import open_database
from dtks_desktop.services.core.regions import ensure_regions_loaded


def test_new_database_is_migrated_and_has_all_regions(db):
    assert current_revision(db.engine) == head_revision()
    with db.sessions() as s:
        n = s.execute(text("SELECT COUNT(*) FROM regions")).scalar_one()
        levels = dict(s.execute(text("SELECT level, COUNT(*) FROM regions GROUP BY level")).all())
    assert n == 91_599
    assert levels == {1: 38, 2: 514, 3: 7_285, 4: 83_762}


def test_region_loading_is_idempotent(db):
    again = ensure_regions_loaded(db.engine)
    assert again.already_loaded and again.rows == 91_599


def test_sqlite_pragmas(tmp_path):
    db = open_database(sqlite_url(tmp_path / "x.sqlite"))
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()


def test_not_a_sqlite_file_gives_clear_message(tmp_path):
    fake = tmp_path / "laporan.sqlite"
    fake.write_bytes(b"%PDF-1.4 this is a pdf, not a database" * 20)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(sqlite_url(fake))
    assert err.value.kind == "not_sqlite"
    assert "laporan.sqlite" in err.value.message and "bukan" in err.value.message
    assert fake.read_bytes().startswith(b"%PDF")  # untouched


def test_corrupt_sqlite_file_gives_clear_message(tmp_path):
    path = tmp_path / "rusak.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    con.commit()
    con.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # keep the magic, destroy the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseOpenError) as err:
        open_database(sqlite_url(path))
    assert err.value.kind in {"corrupt", "open"}
    assert err.value.message


def test_unreachable_postgres_gives_clear_message():
    with pytest.raises(DatabaseOpenError) as err:
        open_database("postgresql://nobody@127.0.0.1:1/dtks")
    assert err.value.kind == "unreachable"
    assert "tidak dapat dihubungi" in err.value.message
    assert err.value.hint


def test_database_from_newer_app_is_refused(tmp_path):
    url = sqlite_url(tmp_path / "baru.sqlite")
    db = open_database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    with pytest.raises(DatabaseOpenError) as err:
        open_database(url)
    assert err.value.kind == "too_new"
    assert "lebih baru" in err.value.message


def test_url_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("DTKS_DATABASE_URL", raising=False)
    assert resolve_database_url().startswith("sqlite:///")
    monkeypatch.setenv("DTKS_DATABASE_URL", "postgresql://u@h/db")
    assert resolve_database_url() == "postgresql+psycopg://u@h/db"
    assert resolve_database_url(str(tmp_path / "a.sqlite")).endswith("/a.sqlite")
    assert normalize_url("postgres://x@y/z") == "postgresql+psycopg://x@y/z"


def test_models_and_migrations_agree(db):
    """Every schema change must come with a migration: autogenerate finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from dtks_desktop.db.models import Base

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
