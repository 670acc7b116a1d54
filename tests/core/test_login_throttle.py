"""Failed logins are throttled per typed name: a growing wait, then a temporary lock (issue 8, item 10).

Runs on SQLite and PostgreSQL (the count lives in the database so every PC and the CLI share it).
Time passing is simulated by moving the stored times back, never by sleeping.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dtks_desktop.db.models import AuditEvent
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.core.database import login
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.core.users import LoginError, list_users

from ..conftest import ADMIN_PASSWORD

OPERATOR_PASSWORD = "rahasia-operator"


def _try(db, username, password) -> str | None:
    """One login; None when it worked, else the message shown to the user."""
    try:
        login(db, username, password)
    except LoginError as exc:
        return str(exc)
    return None


def _time_passes(db, username: str, seconds: float) -> None:
    """Move the stored failure and lock times back, as if ``seconds`` had passed."""
    from dtks_desktop.db.models import LoginThrottle
    from dtks_desktop.services.core.users import _aware

    with db.transaction() as s:
        row = s.get(LoginThrottle, username.lower())
        assert row is not None, "no failed logins stored for " + username
        if row.last_failed_at is not None:
            row.last_failed_at = _aware(row.last_failed_at) - timedelta(seconds=seconds)
        if row.locked_until is not None:
            row.locked_until = _aware(row.locked_until) - timedelta(seconds=seconds)


def _fail_until_locked(db, username: str, limit: int = 50) -> str:
    """Wrong passwords, waiting out each delay, until the name is locked; returns the lock message."""
    for _ in range(limit):
        msg = _try(db, username, "salah-salah-salah")
        assert msg is not None
        if "dikunci sampai" in msg.lower():
            return msg
        wait = re.search(r"dalam (\d+) detik", msg)
        if wait:
            _time_passes(db, username, int(wait.group(1)))
    raise AssertionError("never locked")


def _actions(db) -> list[str]:
    with db.sessions() as s:
        return list(s.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_twenty_quick_wrong_tries_then_the_right_password_is_refused(db, admin):
    """Before: 20 wrong tries in a row, then the right one was accepted at once."""
    for _ in range(20):
        assert _try(db, "admin", "tebak-tebakan") is not None
    msg = _try(db, "admin", ADMIN_PASSWORD)
    assert msg is not None, "the right password was accepted right after 20 failures"
    assert "coba lagi dalam" in msg.lower() or "dikunci sampai" in msg.lower()


def test_delay_grows_after_the_third_failure_and_is_enforced_by_the_service(db, admin):
    with db.transaction() as s:
        settings_service.put(s, admin, settings_service.LOGIN_MAX_FAILURES, "10")
    assert _try(db, "admin", "salah-1") == "Nama pengguna atau kata sandi salah."
    assert _try(db, "admin", "salah-2") == "Nama pengguna atau kata sandi salah."
    assert _try(db, "admin", "salah-3") == "Nama pengguna atau kata sandi salah. Coba lagi dalam 2 detik."
    # Too early: refused before the password is even looked at, the right one too.
    msg = _try(db, "admin", ADMIN_PASSWORD)
    assert msg is not None and re.search(r"Coba lagi dalam [12] detik\.$", msg)
    _time_passes(db, "admin", 2)
    assert _try(db, "admin", "salah-4") == "Nama pengguna atau kata sandi salah. Coba lagi dalam 4 detik."
    _time_passes(db, "admin", 3)
    assert "Coba lagi dalam 1 detik" in _try(db, "admin", ADMIN_PASSWORD)
    _time_passes(db, "admin", 1)
    assert _try(db, "admin", "salah-5") == "Nama pengguna atau kata sandi salah. Coba lagi dalam 8 detik."
    _time_passes(db, "admin", 8)
    assert _try(db, "admin", ADMIN_PASSWORD) is None  # waited long enough: in
    # A successful login resets the count: the next failure is a plain one again.
    assert _try(db, "admin", "salah-6") == "Nama pengguna atau kata sandi salah."
    actions = _actions(db)
    assert actions.count("login.refused") == 2
    assert actions.count("login.failed") == 6


def test_lock_after_max_failures_then_expires(db, admin):
    with db.transaction() as s:
        settings_service.put(s, admin, settings_service.LOGIN_MAX_FAILURES, "4")
        settings_service.put(s, admin, settings_service.LOGIN_LOCK_MINUTES, "30")
    msg = _fail_until_locked(db, "admin")
    assert msg.startswith("Nama pengguna atau kata sandi salah. Akun dikunci sampai ")
    assert re.search(r"sampai \d\d:\d\d \(sekitar 30 menit lagi\)", msg)
    assert _actions(db).count("login.failed") == 4
    assert "login.locked" in _actions(db)

    # Locked: even the right password is refused, with the time to come back.
    msg = _try(db, "admin", ADMIN_PASSWORD)
    assert msg is not None and msg.startswith("Akun dikunci sampai ")
    assert "administrator" in msg
    assert _actions(db)[-1] == "login.refused"

    _time_passes(db, "admin", 29 * 60)
    assert "sekitar 1 menit lagi" in _try(db, "admin", ADMIN_PASSWORD)
    _time_passes(db, "admin", 61)
    assert _try(db, "admin", ADMIN_PASSWORD) is None  # the lock is over


def test_unknown_names_get_the_same_answers_as_real_ones(db, admin, operator):
    def answers(username: str) -> list[str]:
        out = []
        for _ in range(7):
            msg = _try(db, username, "salah-salah-salah")
            out.append(re.sub(r"\d\d:\d\d", "HH:MM", msg))
            wait = re.search(r"dalam (\d+) detik", msg)
            if wait and "salah." in msg:
                _time_passes(db, username, int(wait.group(1)))
        return out

    real = answers("operator1")
    ghost = answers("tidak-ada-orangnya")
    assert real == ghost
    assert "Akun dikunci sampai HH:MM" in real[4]  # default: locked at the 5th failure
    # Case and spaces do not give a fresh count.
    assert _try(db, "  TIDAK-ADA-ORANGNYA ", "x").startswith("Akun dikunci sampai")


def test_a_lock_on_one_user_does_not_touch_another(db, admin, operator):
    _fail_until_locked(db, "operator1")
    assert _try(db, "admin", ADMIN_PASSWORD) is None


def test_admin_unlocks_a_user_and_it_is_audited(db, admin, operator, supervisor):
    from dtks_desktop.services.core.users import unlock_user

    _fail_until_locked(db, "operator1")
    with db.sessions() as s:
        info = {u.username: u for u in list_users(s, actor=admin)}
    assert info["operator1"].locked_until is not None
    assert info["admin"].locked_until is None

    with pytest.raises(PermissionDenied, match="tidak boleh mengelola pengguna") as refused:
        with db.transaction() as s:
            unlock_user(s, supervisor, "operator1")
    assert "Administrator" in refused.value.hint
    with db.transaction() as s:
        assert unlock_user(s, admin, "operator1") is True
    with db.transaction() as s:
        assert unlock_user(s, admin, "operator1") is False  # nothing left to clear, nothing audited
    assert _actions(db).count("user.unlock") == 1
    assert _try(db, "operator1", OPERATOR_PASSWORD) is None
    with db.sessions() as s:
        assert {u.username: u for u in list_users(s, actor=admin)}["operator1"].locked_until is None


def test_admin_password_reset_also_unlocks(db, admin, operator):
    from dtks_desktop.services.core.users import change_password

    _fail_until_locked(db, "operator1")
    with db.transaction() as s:
        change_password(s, admin, "operator1", "sandi-baru-123")
    assert _try(db, "operator1", "sandi-baru-123") is None


def test_failed_counts_are_shared_through_the_database(db, db_url, admin):
    """A second PC (another engine on the same database) sees the count and the lock."""
    from dtks_desktop.services.core.database import open_database

    other = open_database(db_url)
    try:
        _try(db, "admin", "salah-1")
        _try(other, "admin", "salah-2")
        assert _try(db, "admin", "salah-3").endswith("Coba lagi dalam 2 detik.")
        assert "Coba lagi dalam" in _try(other, "admin", ADMIN_PASSWORD)
    finally:
        other.dispose()


def test_a_pc_with_a_skewed_clock_does_not_lock_out_the_others(db, admin, monkeypatch):
    """The wait is measured with the database's clock, not the PC's: a PC two hours ahead that
    failed three times must not make the others wait two hours."""
    from datetime import datetime

    from dtks_desktop.services.core import users as users_module

    class TwoHoursAhead(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(hours=2)

        @classmethod
        def utcnow(cls):
            return datetime.utcnow() + timedelta(hours=2)

    with monkeypatch.context() as m:  # the PC whose clock is wrong
        m.setattr(users_module, "datetime", TwoHoursAhead)
        m.setattr(users_module, "utcnow", lambda: TwoHoursAhead.now(users_module.timezone.utc))
        for i in range(3):
            _try(db, "admin", f"salah-{i}")
    _time_passes(db, "admin", 2)
    assert _try(db, "admin", ADMIN_PASSWORD) is None  # another PC, right clock, 2 s later: in
