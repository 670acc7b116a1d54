"""Where the database is and where the app keeps its files.

Order of precedence for the database URL: an explicit ``--db URL``, then the
environment variable ``DTKS_DATABASE_URL``, then the connection saved from the
settings dialog (``config.json`` in the user's config folder), then the default
SQLite file in the user's data folder.

The password of a saved PostgreSQL connection is never written to ``config.json``:
it goes to the operating system's keyring (Windows Credential Manager, macOS
Keychain, Secret Service) under :data:`KEYRING_SERVICE`. Where no keyring is usable
(a headless Linux) it is not kept at all: the app asks for it at start, the CLI
takes it from ``--db``/``DTKS_DATABASE_URL``/``PGPASSWORD`` or asks.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "DTKS Desktop"
APP_AUTHOR = "DinasSosial"
ENV_DATABASE_URL = "DTKS_DATABASE_URL"
ENV_PASSWORD = "DTKS_PASSWORD"
KEYRING_SERVICE = "DTKS Desktop"

log = logging.getLogger(__name__)


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


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only where the OS has modes."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    try:
        os.chmod(tmp, 0o600)  # a left-over .tmp keeps its old mode through O_CREAT
    except OSError:
        pass
    tmp.replace(path)


def save_config(values: dict) -> None:
    cfg = load_config()
    cfg.update(values)
    _write_private(_config_file(), json.dumps(cfg, indent=2))


# --------------------------------------------------------------------------- keyring


def _keyring():
    """The OS keyring backend, or None where there is none that keeps secrets out of files."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except Exception:  # noqa: BLE001 - no keyring package or a broken one: no keyring
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    if isinstance(backend, fail.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith("keyring.backends.null") or "Plaintext" in name:
        return None  # remembers nothing, or a plain-text file: not a keyring
    return backend


def keyring_available() -> bool:
    return _keyring() is not None


def credential_key(url: str) -> str:
    """How a server password is named in the keyring: ``user@host:port/database``."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return f"{u.username or ''}@{u.host or 'localhost'}:{u.port or 5432}/{u.database or ''}"


def _is_server_url(url: str) -> bool:
    return url.startswith("postgresql")


def split_password(url: str) -> tuple[str, str | None]:
    """``(url without password, password or None)`` of a server URL; other URLs unchanged."""
    from sqlalchemy.engine import URL, make_url

    if not _is_server_url(url):
        return url, None
    u = make_url(url)
    if u.password is None:
        return url, None
    bare = URL.create(u.drivername, u.username, None, u.host, u.port, u.database, u.query)
    return bare.render_as_string(hide_password=False), str(u.password)


def with_password(url: str, password: str | None) -> str:
    """``url`` with ``password`` put in (a server URL that has none yet)."""
    from sqlalchemy.engine import make_url

    if not password or not _is_server_url(url):
        return url
    u = make_url(url)
    if u.password is not None:
        return url
    return u.set(password=password).render_as_string(hide_password=False)


def has_password(url: str) -> bool:
    return split_password(url)[1] is not None


def store_password(url: str, password: str) -> bool:
    """Put a server password into the keyring. False when there is no usable keyring."""
    backend = _keyring()
    if backend is None:
        return False
    try:
        backend.set_password(KEYRING_SERVICE, credential_key(url), password)
    except Exception:  # noqa: BLE001 - a locked or refusing keyring is "no keyring"
        log.warning("The keyring refused the server password", exc_info=True)
        return False
    return True


def stored_password(url: str) -> str | None:
    backend = _keyring()
    if backend is None:
        return None
    try:
        return backend.get_password(KEYRING_SERVICE, credential_key(url))
    except Exception:  # noqa: BLE001
        log.warning("The keyring could not be read", exc_info=True)
        return None


def forget_password(url: str) -> None:
    backend = _keyring()
    if backend is None:
        return
    try:
        backend.delete_password(KEYRING_SERVICE, credential_key(url))
    except Exception:  # noqa: BLE001 - nothing stored, or a keyring that cannot delete
        pass


def _migrate_plain_password(cfg: dict) -> dict:
    """A config.json of an older version may hold the server password: move it out of the file.

    Into the keyring where there is one; otherwise it is dropped (the app asks at start).
    """
    url = cfg.get("database_url")
    if not url or not isinstance(url, str):
        return cfg
    try:
        bare, password = split_password(normalize_url(url))
    except Exception:  # noqa: BLE001 - a URL we cannot parse is left to the open dialog
        return cfg
    if password is None:
        return cfg
    if not store_password(bare, password):
        log.warning("No keyring: the server password was removed from config.json; it will be asked at start")
    cfg = dict(cfg, database_url=bare)
    save_config({"database_url": bare})
    return cfg


def migrate_saved_password() -> None:
    """Take a plain password of an older version out of config.json (called at every start,
    also when ``--db`` or ``DTKS_DATABASE_URL`` means the saved connection is not used)."""
    try:
        _migrate_plain_password(load_config())
    except OSError:
        log.warning("config.json could not be cleaned of its server password", exc_info=True)


def saved_database_url() -> str | None:
    """The saved connection, with its password from the keyring when there is one."""
    cfg = _migrate_plain_password(load_config())
    url = cfg.get("database_url") or None
    if url and _is_server_url(normalize_url(url)) and not has_password(normalize_url(url)):
        url = with_password(normalize_url(url), stored_password(normalize_url(url)))
    return url


def save_database_url(url: str | None) -> bool:
    """Remember the connection; a server password goes to the keyring, never into the file.

    Returns False when the URL had a password and no keyring could take it (it is then not
    kept anywhere; the app asks for it at the next start).
    """
    if not url:
        save_config({"database_url": None})
        return True
    url = normalize_url(url)
    bare, password = split_password(url)
    stored = True
    if password is not None:
        stored = store_password(bare, password)
    elif _is_server_url(url):
        forget_password(bare)  # the connection now has no password: drop an old one
    save_config({"database_url": bare})
    return stored


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
