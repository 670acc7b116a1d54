"""Alembic environment. Migrations run from the app (``db.migrate.upgrade``), never by hand."""

from alembic import context

from dtks_desktop.db.models import Base

target_metadata = Base.metadata
config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only when someone runs the alembic CLI directly
        from dtks_desktop.config import resolve_database_url
        from dtks_desktop.db.engine import make_engine

        engine = make_engine(resolve_database_url())
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
