"""Database-wide write locks for the services that rewrite whole kinds of data.

An import (and a matching run's write) takes the lock of the data it writes for its whole
store transaction, *before* it reads what is already there, so that two imports started at
the same moment on two PCs (or by a double click) never interleave: the second one waits
until the first has committed and then sees its rows ("already imported", the members it
added), or gives up with an Indonesian message.

- **PostgreSQL:** one transaction-scoped advisory lock per kind of data
  (``pg_try_advisory_xact_lock``, retried while waiting so the wait can be cancelled and
  reported). It is released by the commit or rollback, and by the server when the
  connection dies (a killed process never leaves a stale lock). Who holds it and since when
  come from ``pg_locks`` + ``pg_stat_activity``: the holder names itself in
  ``application_name`` for the length of its transaction (``SET LOCAL``).
- **SQLite:** ``BEGIN IMMEDIATE`` (the database's single write lock), retried the same way.
  SQLite cannot tell who holds its lock, so the holder writes a small note next to the
  database file (``<file>-lock.json``: user, what, since, host, pid) and removes it when it
  is done. The note is only *shown* while the lock is really taken, and a note left by a
  killed process on this computer is recognised (its pid is gone) and ignored; the lock
  itself dies with the process.

Kinds of data (locks are always taken in this order, so two writers never deadlock):

=============  ========================================================  ==========================
lock           data                                                      taken by
=============  ========================================================  ==========================
``registry``   members, households (the DTKS registry)                   SIKS-NG import, matching
``dukcapil``   the civil-registry snapshot                               Dukcapil import, matching
``programmes`` programme lists and their links to the registry           programme import, SIKS-NG
                                                                         import, matching,
                                                                         ``programmes link``
=============  ========================================================  ==========================
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Sequence

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from dtks_desktop.services.core.common import CancelFlag, check_cancel
from dtks_desktop.domain.formatting import jam, tanggal_jam

REGISTRY = "registry"
DUKCAPIL = "dukcapil"
PROGRAMMES = "programmes"
ORDER = (REGISTRY, DUKCAPIL, PROGRAMMES)
LABELS = {REGISTRY: "data DTKS", DUKCAPIL: "data Dukcapil", PROGRAMMES: "daftar program"}

# pg_advisory_xact_lock(int4, int4): one class for this application, one object per kind.
PG_CLASS = 0x44544B53  # "DTKS"
PG_OBJECT = {REGISTRY: 1, DUKCAPIL: 2, PROGRAMMES: 3}

DEFAULT_WAIT_SECONDS = 30 * 60.0  # a waiting import gives up after this (a running one takes minutes)
POLL_SECONDS = 0.5


class LockBusy(Exception):
    """Another import / matching run holds the lock longer than we are willing to wait."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.message} {self.hint}".strip()


def _fmt_since(since: datetime | None) -> str:
    if since is None:
        return ""
    local = since.astimezone()
    today = datetime.now(local.tzinfo).date()
    return f" sejak {jam(local)}" if local.date() == today else f" sejak {tanggal_jam(local)}"


def describe_holder(who: str | None, since: datetime | None) -> str:
    """'Impor lain sedang berjalan oleh … sejak …' from a holder ``user|what`` (generic when unknown)."""
    if not who:
        return f"Proses lain sedang menulis ke basis data{_fmt_since(since)}"
    user, _, what = who.partition("|")
    if what.startswith("impor "):
        return f"Impor lain sedang berjalan oleh {user}{_fmt_since(since)} ({what[6:]})"
    if what:
        return f"{what[:1].upper()}{what[1:]} sedang berjalan oleh {user}{_fmt_since(since)}"
    return f"Proses lain sedang berjalan oleh {user}{_fmt_since(since)}"


# --- SQLite: the note next to the file --------------------------------------------------------------

def _sqlite_path(session: Session) -> Path | None:
    db = make_url(str(session.get_bind().url)).database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def _note_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-lock.json")


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return bool(ok) and code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_sqlite_note(db_path: Path) -> tuple[str | None, datetime | None]:
    """(who, since) from the holder's note, or (None, None) when absent, unreadable or stale."""
    try:
        data = json.loads(_note_path(db_path).read_text(encoding="utf-8"))
        who = str(data["who"])
        since = datetime.fromisoformat(data["since"])
        if data.get("host") == socket.gethostname() and not _pid_alive(int(data["pid"])):
            return None, None  # left behind by a process that was killed
        return who, since
    except (OSError, ValueError, KeyError, TypeError):
        return None, None


def _write_note(db_path: Path, who: str) -> Path | None:
    note = _note_path(db_path)
    tmp = note.with_name(f"{note.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"who": who, "since": datetime.now(timezone.utc).isoformat(),
                                   "host": socket.gethostname(), "pid": os.getpid()}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, note)
        return note
    except OSError:  # a read-only folder: the lock still works, only the note is missing
        try:
            tmp.unlink()
        except OSError:
            pass
        return None


def _remove_note(note: Path | None) -> None:
    if note is None:
        return
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
        if data.get("pid") == os.getpid() and data.get("host") == socket.gethostname():
            note.unlink()
    except (OSError, ValueError):
        pass


def _is_busy(exc: BaseException) -> bool:
    text_ = str(exc).lower()
    return "database is locked" in text_ or "database is busy" in text_


# --- PostgreSQL ---------------------------------------------------------------------------------------

_PG_HOLDER = text(
    "SELECT a.application_name, a.xact_start, a.usename FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :c AND l.objid = :o AND l.objsubid = 2 "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1")

APP_PREFIX = "DTKS Desktop: "


def _pg_holder(session: Session, kind: str) -> tuple[str | None, datetime | None]:
    row = session.execute(_PG_HOLDER, {"c": PG_CLASS, "o": PG_OBJECT[kind]}).first()
    if row is None:
        return None, None
    app, since, user = row
    if app and app.startswith(APP_PREFIX):
        return app[len(APP_PREFIX):], since
    return (f"pengguna basis data {user}" if user else None), since


# --- the lock ---------------------------------------------------------------------------------------

@contextmanager
def hold(session: Session, kinds: Sequence[str], user: str, what: str, *, waiting: Callable[[str], None] | None = None,
         cancel: CancelFlag | None = None, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> Iterator[None]:
    """Take the write locks of ``kinds`` for the rest of ``session``'s transaction.

    Must be the first thing the transaction does (on SQLite it *begins* the transaction with
    ``BEGIN IMMEDIATE``). ``user`` and ``what`` ("impor Data DTKS, dtks.csv", "pemadanan")
    name the holder for others who wait. While waiting, ``waiting(message)`` is called about
    twice a second with who holds the lock and since when; ``cancel()`` stops the wait (raises
    ``Cancelled``). After ``wait_seconds`` raises :class:`LockBusy`. The locks end with the
    transaction (commit or rollback).
    """
    who = f"{user}|{what}"
    kinds = [k for k in ORDER if k in set(kinds)]
    bind = session.get_bind()
    deadline = time.monotonic() + wait_seconds
    note: Path | None = None
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT set_config('application_name', :n, true)"),
                        {"n": (APP_PREFIX + who)[:63]})
        for kind in kinds:
            args = {"c": PG_CLASS, "o": PG_OBJECT[kind]}
            while not session.execute(text("SELECT pg_try_advisory_xact_lock(:c, :o)"), args).scalar_one():
                holder, since = _pg_holder(session, kind)
                _waited(holder, since, kind, deadline, waiting, cancel)
    elif bind.dialect.name == "sqlite":
        conn = session.connection()
        dbapi = conn.connection.dbapi_connection
        if dbapi.in_transaction:
            raise RuntimeError("locks.hold must begin the transaction (it already wrote)")
        db_path = _sqlite_path(session)
        (old_timeout,) = dbapi.execute("PRAGMA busy_timeout").fetchone()
        dbapi.execute("PRAGMA busy_timeout=1000")
        try:
            while True:
                try:
                    dbapi.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                holder, since = read_sqlite_note(db_path) if db_path else (None, None)
                _waited(holder, since, None, deadline, waiting, cancel, poll=0.0)
        finally:
            dbapi.execute(f"PRAGMA busy_timeout={int(old_timeout)}")
        if db_path is not None:
            note = _write_note(db_path, who)
    try:
        yield
    finally:
        _remove_note(note)


def _waited(holder: str | None, since: datetime | None, kind: str | None, deadline: float,
            waiting: Callable[[str], None] | None, cancel: CancelFlag | None, *,
            poll: float = POLL_SECONDS) -> None:
    what = describe_holder(holder, since)
    if kind is not None and holder is None:
        what = f"Proses lain sedang menulis {LABELS[kind]}{_fmt_since(since)}"
    if time.monotonic() > deadline:
        raise LockBusy(f"{what}; proses ini tidak menunggu lebih lama dan tidak mengubah apa pun.",
                       "Coba lagi setelah proses itu selesai.")
    if waiting is not None:
        waiting(f"{what}; menunggu sampai selesai…")
    check_cancel(cancel)
    if poll:
        time.sleep(poll)


__all__ = ["hold", "LockBusy", "REGISTRY", "DUKCAPIL", "PROGRAMMES", "describe_holder", "read_sqlite_note"]
