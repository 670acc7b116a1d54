from __future__ import annotations

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import User
from dtks_desktop.services.core import audit
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.core.database import login
from dtks_desktop.services.core.users import LoginError, UserError, create_user, list_users, set_active, set_role


def test_first_user_must_be_admin(db):
    with pytest.raises(UserError, match="administrator"):
        with db.transaction() as s:
            create_user(s, "budi", "rahasia-budi-1", "operator")


def test_password_is_hashed_with_argon2(db, admin):
    with db.sessions() as s:
        h = s.execute(select(User.password_hash).where(User.username == "admin")).scalar_one()
    assert h.startswith("$argon2id$") and "rahasia" not in h


def test_login_right_and_wrong_password_are_audited(db, admin):
    actor = login(db, "Admin", "rahasia-admin-1")  # user names are case-insensitive
    assert actor.username == "admin" and actor.role == "admin"
    with pytest.raises(LoginError, match="salah"):
        login(db, "admin", "salah-sekali")
    with pytest.raises(LoginError, match="salah"):
        login(db, "tidak-ada", "salah-sekali")
    with db.sessions() as s:
        actions = [e.action for e in audit.list_events(s, actor=admin)]
    assert actions.count("login") == 1 and actions.count("login.failed") == 2


def test_only_admin_adds_users_and_rules(db, admin, operator):
    with pytest.raises(PermissionDenied, match="tidak boleh mengelola pengguna") as refused:
        with db.transaction() as s:
            create_user(s, "x1", "rahasia-xxxx", "operator", by=operator)
    assert "Administrator" in refused.value.hint
    with pytest.raises(UserError, match="sudah dipakai"):
        with db.transaction() as s:
            create_user(s, "OPERATOR1", "rahasia-xxxx", "operator", by=admin)
    with pytest.raises(UserError, match="minimal"):
        with db.transaction() as s:
            create_user(s, "x2", "pendek", "operator", by=admin)
    with pytest.raises(UserError, match="tidak dikenal"):
        with db.transaction() as s:
            create_user(s, "x3", "rahasia-xxxx", "bos", by=admin)
    with db.sessions() as s:
        assert [u.username for u in list_users(s, actor=admin)] == ["admin", "operator1"]


def test_last_admin_cannot_be_demoted_or_disabled(db, admin):
    with pytest.raises(UserError, match="terakhir"):
        with db.transaction() as s:
            set_role(s, admin, "admin", "operator")
    with pytest.raises(UserError, match="terakhir"):
        with db.transaction() as s:
            set_active(s, admin, "admin", False)


def test_disabled_user_cannot_log_in(db, admin, operator):
    with db.transaction() as s:
        set_active(s, admin, "operator1", False)
    with pytest.raises(LoginError):
        login(db, "operator1", "rahasia-operator")


def test_audit_filters(db, admin, operator):
    with db.sessions() as s:
        created = audit.list_events(s, audit.AuditFilter(action="user.create"), actor=admin)
        assert {e.summary.split()[1] for e in created} == {"admin", "operator1"}
        assert audit.count_events(s, audit.AuditFilter(username="admin", action="user.create"), actor=admin) == 2
        assert audit.count_events(s, audit.AuditFilter(text="operator1"), actor=admin) >= 1
