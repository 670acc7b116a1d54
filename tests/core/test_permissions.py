"""The one permission table and the services' guard."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent
from dtks_desktop.domain.permissions import (
    CAPABILITY_LABELS, CAPABILITY_ROLES, Capability, PermissionDenied, can, roles_with, sees_full_nik,
)
from dtks_desktop.domain.status import Role
from dtks_desktop.services.core.permissions import DENIED_ACTION, require
from dtks_desktop.services.core.users import create_user


def test_every_capability_has_roles_and_a_label():
    assert set(CAPABILITY_ROLES) == set(Capability) == set(CAPABILITY_LABELS)
    assert all(CAPABILITY_ROLES[c] for c in Capability)
    assert all(can(Role.ADMIN, c) for c in Capability)  # the admin can do everything


@pytest.mark.parametrize("role, cap, allowed", [
    (Role.PENCETAK, Capability.IMPORT_RUN, False),
    (Role.PENCETAK, Capability.MATCH_EXPORT, False),
    (Role.PENCETAK, Capability.DOCS_PRINT, True),
    (Role.OPERATOR, Capability.AUDIT_VIEW, False),
    (Role.OPERATOR, Capability.USERS_VIEW, False),
    (Role.OPERATOR, Capability.MATCH_SETTINGS, False),
    (Role.OPERATOR, Capability.IMPORT_RUN, True),
    (Role.SUPERVISOR, Capability.BATCH_APPROVE, True),
    (Role.SUPERVISOR, Capability.USERS_MANAGE, False),
    ("bukan-peran", Capability.DATA_VIEW, False),
    (None, Capability.DATA_VIEW, False),
])
def test_can(role, cap, allowed):
    assert can(role, cap) is allowed


def test_full_nik_only_for_clerks():
    assert [r for r in Role if sees_full_nik(r)] == roles_with(Capability.NIK_FULL)
    assert not sees_full_nik(Role.PENCETAK)


def test_refusal_message_names_the_role_and_the_holders():
    exc = PermissionDenied(Role.PENCETAK, Capability.IMPORT_RUN)
    assert "Operator cetak" in exc.message and "mengimpor berkas" in exc.message
    assert "Operator (petugas data)" in exc.hint and "Administrator" in exc.hint


def test_guard_audits_a_refusal_even_when_the_callers_transaction_rolls_back(db, admin):
    with db.transaction() as s:
        printer = create_user(s, "cetak1", "rahasia-cetak", Role.PENCETAK, by=admin)
    with pytest.raises(PermissionDenied):
        with db.transaction() as s:
            require(s, printer, Capability.IMPORT_RUN, detail="dtks_3310.csv")
    require(db, admin, Capability.IMPORT_RUN)  # allowed: nothing written
    with db.sessions() as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action == DENIED_ACTION)).scalars().all()
    assert [(e.username, e.summary) for e in events] == [("cetak1", "Ditolak: import.run (dtks_3310.csv)")]
