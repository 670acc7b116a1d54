"""Apply Alembic migrations automatically; refuse a database made by a newer app."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from dtks_desktop.db.engine import DatabaseOpenError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_not_newer(engine: Engine) -> None:
    rev = current_revision(engine)
    if rev is None:
        return
    script = ScriptDirectory.from_config(alembic_config())
    try:
        script.get_revision(rev)
    except Exception:
        raise DatabaseOpenError(
            "Basis data ini dibuat oleh versi DTKS Desktop yang lebih baru "
            f"(revisi skema {rev}).",
            "Perbarui aplikasi DTKS Desktop di komputer ini, atau pilih basis data lain.",
            "too_new",
        ) from None


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision. Returns the revision now in force."""
    check_not_newer(engine)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return head_revision()
