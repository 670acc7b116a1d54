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
