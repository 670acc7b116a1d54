"""Roles of the users of DTKS Desktop.

Roles live here; what each role may do is ``domain/permissions.py``; statuses and their
transitions are machines in ``domain/workflow/``.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"  # clerk: imports, matching review, verification entry
    PENCETAK = "pencetak"  # operator cetak: prints minutes, letters and lists
    SUPERVISOR = "supervisor"  # approves submission batches
    ADMIN = "admin"  # users, settings, everything


ROLE_LABELS: dict[Role, str] = {
    Role.OPERATOR: "Operator (petugas data)",
    Role.PENCETAK: "Operator cetak",
    Role.SUPERVISOR: "Supervisor",
    Role.ADMIN: "Administrator",
}



# Status vocabularies and their transitions live in domain/workflow/ (one machine for every
# workflow); these names are kept here while callers move over.
from dtks_desktop.domain.workflow.machine import TransitionError  # noqa: E402
from dtks_desktop.domain.workflow.matching import MATCH_STATUS_LABELS as _MSL  # noqa: E402
from dtks_desktop.domain.workflow.registry import (  # noqa: E402
    HOUSEHOLD_STATUS_LABELS, HOUSEHOLD_TRANSITIONS, MACHINES, MEMBER_STATUS_LABELS, MEMBER_TRANSITIONS,
    HouseholdStatus, MemberStatus)

MATCH_STATUS_LABELS: dict[str, str] = {str(k): v for k, v in _MSL.items()}


def allowed_targets(kind: str, from_status: str, role: str) -> list[str]:
    """Statuses the given role may move an entity to from ``from_status``."""
    return [str(t) for t in MACHINES[kind].allowed_targets(from_status, role)]


def check_transition(kind: str, from_status: str, to_status: str, role: str, reason: str | None = None):
    """Raise :class:`TransitionError` unless ``role`` may change ``from_status`` to ``to_status``."""
    if kind not in MACHINES:
        raise ValueError(f"unknown status kind {kind!r}")
    return MACHINES[kind].check(from_status, to_status, role, reason)
