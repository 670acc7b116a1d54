"""Where the database is and where the app keeps its files.

Order of precedence for the database URL: an explicit ``--db URL``, then the
environment variable ``DTKS_DATABASE_URL``, then the connection saved from the
settings dialog (``config.json`` in the user's config folder), then the default
SQLite file in the user's data folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "DTKS Desktop"
APP_AUTHOR = "DinasSosial"
ENV_DATABASE_URL = "DTKS_DATABASE_URL"
ENV_PASSWORD = "DTKS_PASSWORD"


def data_dir() -> Path:
    override = os.environ.get("DTKS_DATA_DIR")
    path = Path(override) if override else Path(user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    override = os.environ.get("DTKS_CONFIG_DIR")
    path = Path(override) if override else Path(user_config_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_sqlite_path() -> Path:
    return data_dir() / "dtks.sqlite"


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve().as_posix()}"


def _config_file() -> Path:
    return config_dir() / "config.json"


def load_config() -> dict:
    try:
        return json.loads(_config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_config(values: dict) -> None:
    cfg = load_config()
    cfg.update(values)
    path = _config_file()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(cfg, indent=2), encoding="utf-8")
    tmp.replace(path)


def saved_database_url() -> str | None:
    return load_config().get("database_url") or None


def save_database_url(url: str | None) -> None:
    save_config({"database_url": url})


def resolve_database_url(explicit: str | None = None) -> str:
    """The database URL to use, by the order documented in this module."""
    for candidate in (explicit, os.environ.get(ENV_DATABASE_URL), saved_database_url()):
        if candidate:
            return normalize_url(candidate)
    return sqlite_url(default_sqlite_path())


def normalize_url(url: str) -> str:
    """Accept a plain file path or the usual PostgreSQL spellings; use psycopg 3."""
    url = url.strip()
    if "://" not in url:
        return sqlite_url(url)
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def describe_url(url: str) -> str:
    """A short, password-free description for the status bar."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return f"SQLite: {u.database}"
    host = u.host or "localhost"
    port = f":{u.port}" if u.port else ""
    return f"PostgreSQL: {u.database}@{host}{port}"
