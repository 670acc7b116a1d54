"""Status vocabularies and the allowed transitions of the workflow.

This module is the single source of truth for which status may follow which,
and which role may make that change. The service that applies a change
(``services.workflow.change_status``) calls :func:`check_transition` and writes
the status history and the audit event in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
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

#: Roles that may see a full NIK on screen. Printed lists always mask.
ROLES_FULL_NIK: frozenset[Role] = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})


class MemberStatus(StrEnum):
    """Presence of a person in the registry (keberadaan ART)."""

    AKTIF = "aktif"
    MENINGGAL = "meninggal"
    PINDAH = "pindah"
    TIDAK_DITEMUKAN = "tidak_ditemukan"
    GANDA = "ganda"
    DIHAPUS = "dihapus"


MEMBER_STATUS_LABELS: dict[MemberStatus, str] = {
    MemberStatus.AKTIF: "Aktif",
    MemberStatus.MENINGGAL: "Meninggal",
    MemberStatus.PINDAH: "Pindah",
    MemberStatus.TIDAK_DITEMUKAN: "Tidak ditemukan",
    MemberStatus.GANDA: "Ganda",
    MemberStatus.DIHAPUS: "Dihapus",
}


class HouseholdStatus(StrEnum):
    """Where a family stands in the current cycle, from registry to decision."""

    TERDAFTAR = "terdaftar"  # in the registry as imported
    USULAN_BARU = "usulan_baru"  # proposed for addition, not yet in the registry
    VERIFIKASI = "verifikasi"  # worksheet sent to the field
    LAYAK = "layak"  # field verification: eligible
    TIDAK_LAYAK = "tidak_layak"  # field verification: not eligible
    TETAP = "tetap"  # Musdes decided: keep
    USUL_HAPUS = "usul_hapus"  # Musdes decided: propose removal
    USUL_MASUK = "usul_masuk"  # Musdes decided: propose addition
    DIAJUKAN = "diajukan"  # in a submission batch awaiting approval
    DISETUJUI = "disetujui"  # approved by the supervisor / sent
    DITOLAK = "ditolak"  # rejected by the supervisor
    DIHAPUS = "dihapus"  # removed from the registry


HOUSEHOLD_STATUS_LABELS: dict[HouseholdStatus, str] = {
    HouseholdStatus.TERDAFTAR: "Terdaftar",
    HouseholdStatus.USULAN_BARU: "Usulan baru",
    HouseholdStatus.VERIFIKASI: "Dalam verifikasi",
    HouseholdStatus.LAYAK: "Layak",
    HouseholdStatus.TIDAK_LAYAK: "Tidak layak",
    HouseholdStatus.TETAP: "Tetap (Musdes)",
    HouseholdStatus.USUL_HAPUS: "Usul hapus (Musdes)",
    HouseholdStatus.USUL_MASUK: "Usul masuk (Musdes)",
    HouseholdStatus.DIAJUKAN: "Diajukan",
    HouseholdStatus.DISETUJUI: "Disetujui",
    HouseholdStatus.DITOLAK: "Ditolak",
    HouseholdStatus.DIHAPUS: "Dihapus",
}

#: Outcome of matching a member against the civil registry (pemadanan).
MATCH_STATUS_LABELS: dict[str, str] = {
    "padan": "Padan",
    "padan_catatan": "Padan dengan catatan",
    "usulan_koreksi": "Usulan koreksi NIK",
    "nik_orang_lain": "NIK milik orang lain",
    "ganda": "Ganda",
    "tidak_padan": "Tidak padan",
}

_ALL = frozenset(Role)
_CLERKS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
_SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})

M = MemberStatus
H = HouseholdStatus

#: (from, to) -> roles allowed to make the change.
MEMBER_TRANSITIONS: dict[tuple[MemberStatus, MemberStatus], frozenset[Role]] = {
    (M.AKTIF, M.MENINGGAL): _CLERKS,
    (M.AKTIF, M.PINDAH): _CLERKS,
    (M.AKTIF, M.TIDAK_DITEMUKAN): _CLERKS,
    (M.AKTIF, M.GANDA): _CLERKS,
    (M.PINDAH, M.AKTIF): _CLERKS,
    (M.TIDAK_DITEMUKAN, M.AKTIF): _CLERKS,
    (M.GANDA, M.AKTIF): _CLERKS,
    # Undoing a recorded death is a correction only a supervisor may make.
    (M.MENINGGAL, M.AKTIF): _SUPERVISORS,
    (M.MENINGGAL, M.DIHAPUS): _SUPERVISORS,
    (M.PINDAH, M.DIHAPUS): _SUPERVISORS,
    (M.TIDAK_DITEMUKAN, M.DIHAPUS): _SUPERVISORS,
    (M.GANDA, M.DIHAPUS): _SUPERVISORS,
    (M.DIHAPUS, M.AKTIF): _SUPERVISORS,
}

HOUSEHOLD_TRANSITIONS: dict[tuple[HouseholdStatus, HouseholdStatus], frozenset[Role]] = {
    (H.TERDAFTAR, H.VERIFIKASI): _CLERKS,
    (H.USULAN_BARU, H.VERIFIKASI): _CLERKS,
    (H.VERIFIKASI, H.LAYAK): _CLERKS,
    (H.VERIFIKASI, H.TIDAK_LAYAK): _CLERKS,
    (H.LAYAK, H.VERIFIKASI): _CLERKS,  # re-visit
    (H.TIDAK_LAYAK, H.VERIFIKASI): _CLERKS,
    (H.TERDAFTAR, H.TETAP): _CLERKS,
    (H.TERDAFTAR, H.USUL_HAPUS): _CLERKS,
    (H.LAYAK, H.TETAP): _CLERKS,
    (H.LAYAK, H.USUL_MASUK): _CLERKS,
    (H.TIDAK_LAYAK, H.USUL_HAPUS): _CLERKS,
    (H.TIDAK_LAYAK, H.TETAP): _CLERKS,  # the meeting may overrule the field result
    (H.USULAN_BARU, H.USUL_MASUK): _CLERKS,
    (H.TETAP, H.DIAJUKAN): _CLERKS,
    (H.USUL_HAPUS, H.DIAJUKAN): _CLERKS,
    (H.USUL_MASUK, H.DIAJUKAN): _CLERKS,
    (H.DIAJUKAN, H.DISETUJUI): _SUPERVISORS,
    (H.DIAJUKAN, H.DITOLAK): _SUPERVISORS,
    (H.DITOLAK, H.VERIFIKASI): _CLERKS,
    (H.DISETUJUI, H.TERDAFTAR): _SUPERVISORS,  # next cycle
    (H.DISETUJUI, H.DIHAPUS): _SUPERVISORS,
    (H.DIHAPUS, H.TERDAFTAR): _SUPERVISORS,
}


class TransitionError(Exception):
    """A status change that the workflow does not allow. The message is Indonesian."""


@dataclass(frozen=True, slots=True)
class Transition:
    kind: str  # "member" | "household"
    from_status: str
    to_status: str


def _labels(kind: str) -> dict:
    return MEMBER_STATUS_LABELS if kind == "member" else HOUSEHOLD_STATUS_LABELS


def allowed_targets(kind: str, from_status: str, role: str) -> list[str]:
    """Statuses the given role may move an entity to from ``from_status``."""
    table = _table(kind)
    return [str(t) for (f, t), roles in table.items() if f == from_status and role in roles]


def _table(kind: str) -> dict:
    if kind == "member":
        return MEMBER_TRANSITIONS
    if kind == "household":
        return HOUSEHOLD_TRANSITIONS
    raise ValueError(f"unknown status kind {kind!r}")


def check_transition(kind: str, from_status: str, to_status: str, role: str, reason: str | None = None) -> Transition:
    """Raise :class:`TransitionError` unless ``role`` may change ``from_status`` to ``to_status``.

    A reason is required for every change: the audit trail must say why.
    """
    table = _table(kind)
    labels = _labels(kind)
    enum = MemberStatus if kind == "member" else HouseholdStatus
    try:
        f, t = enum(from_status), enum(to_status)
    except ValueError as exc:
        raise TransitionError(f"Status tidak dikenal: {exc}") from None
    if f == t:
        raise TransitionError(f"Status sudah {labels[f]}.")
    roles = table.get((f, t))
    if roles is None:
        raise TransitionError(f"Perubahan status dari {labels[f]} ke {labels[t]} tidak diperbolehkan.")
    if role not in roles:
        names = ", ".join(ROLE_LABELS[r] for r in sorted(roles))
        raise TransitionError(
            f"Perubahan status dari {labels[f]} ke {labels[t]} hanya boleh dilakukan oleh: {names}."
        )
    if not reason or not reason.strip():
        raise TransitionError("Alasan perubahan status wajib diisi.")
    return Transition(kind, str(f), str(t))
