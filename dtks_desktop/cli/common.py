"""What every `dtks` command shares: exit codes, the error type, password prompt, opening the
database, logging in, progress and output."""

from __future__ import annotations

import getpass
import json
import os
import sys
import time

from dtks_desktop.config import ENV_PASSWORD, resolve_database_url
from dtks_desktop.db.engine import DatabaseOpenError
from dtks_desktop.domain.formatting import angka

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_FORBIDDEN = 4  # the user's role may not do this (domain/permissions.py); refused and audited
EXIT_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a Unix tool whose reader went away


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- helpers -----------------------------------------------------------------------------------

def ask_password(prompt: str, *, confirm: bool = False) -> str:
    env = os.environ.get(ENV_PASSWORD)
    if env:
        return env
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(f"Kata sandi tidak diberikan: isi variabel lingkungan {ENV_PASSWORD} atau jalankan di terminal.",
                       EXIT_AUTH)
    pw = getpass.getpass(prompt)
    if confirm and getpass.getpass("Ulangi kata sandi: ") != pw:
        raise CliError("Kedua kata sandi tidak sama.", EXIT_USAGE)
    return pw


def open_db(args, *, create: bool = False):
    """Open the database of ``--db`` / DTKS_DATABASE_URL. Only ``create=True`` (db init) makes a
    SQLite file that does not exist; elsewhere a mistyped path is an error, not a new database.
    A server whose password is kept nowhere on this computer (no keyring) asks for it."""
    from dtks_desktop import config
    from dtks_desktop.services.core.database import open_database

    config.migrate_saved_password()
    url = resolve_database_url(args.db)
    try:
        return open_database(url, create=create)
    except DatabaseOpenError as exc:
        if exc.kind != "auth" or not url.startswith("postgresql") or config.has_password(url):
            hint = exc.hint
            if exc.kind == "missing":
                hint += " Basis data baru dibuat dengan: dtks --db BERKAS db init --admin NAMA."
            raise CliError(f"{exc.message} {hint}".strip()) from None
        # The saved connection has no password (no keyring on this computer): ask for it.
        if not sys.stdin or not sys.stdin.isatty():
            raise CliError(
                f"{exc.message} Kata sandi server tidak tersimpan di komputer ini: tuliskan di --db atau "
                f"{config.ENV_DATABASE_URL} (postgresql://nama:sandi@server/dtks), atau isi PGPASSWORD.",
                EXIT_AUTH) from None
    password = getpass.getpass(f"Kata sandi server PostgreSQL ({config.credential_key(url)}): ")
    try:
        return open_database(config.with_password(url, password), create=create)
    except DatabaseOpenError as exc:
        raise CliError(f"{exc.message} {exc.hint}".strip(), EXIT_AUTH if exc.kind == "auth" else EXIT_ERROR) from None


def login_user(args, db):
    from dtks_desktop.services.core.database import login
    from dtks_desktop.services.core.users import LoginError

    if not args.user:
        raise CliError("Perintah ini perlu pengguna: tambahkan --user NAMA (kata sandi dari DTKS_PASSWORD).",
                       EXIT_USAGE)
    try:
        return login(db, args.user, ask_password(f"Kata sandi {args.user}: "))
    except LoginError as exc:
        raise CliError(str(exc), EXIT_AUTH) from None


class ProgressPrinter:
    """Prints progress to stderr at most twice a second (only on a terminal unless --progress)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, done: int, total: int, text: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        pct = f"{100 * done / total:5.1f}%" if total else ""
        print(f"\r{pct} {text} ({angka(done)}/{angka(total)})", end="", file=sys.stderr, flush=True)
        if total and done >= total:
            print(file=sys.stderr)


def emit(args, data: dict, human: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(human)


def run_as_user(args, fn, errors: tuple[type[BaseException], ...] = ()):
    """Open the database, log the user in and return ``fn(db, actor)``; a service error of one of
    ``errors`` (an Indonesian ``message`` and, where the class has one, a ``hint``) becomes a
    :class:`CliError` (message on stderr, exit code), never a traceback. The database is disposed
    whatever happens."""
    from dtks_desktop.services.importing.readers import ImportFileError

    db = open_db(args)
    try:
        actor = login_user(args, db)
        try:
            return fn(db, actor)
        except (*errors, ImportFileError) as exc:
            message = str(getattr(exc, "message", None) or exc)
            hint = getattr(exc, "hint", "") or ""
            raise CliError(f"{message} {hint}".strip()) from None
    finally:
        db.dispose()
