"""Registry statuses: a person's presence (keberadaan ART) and a family's place in the cycle.

Two machines (:data:`MEMBER`, :data:`HOUSEHOLD`) of :mod:`.machine`: every change needs a reason
and is applied, with its history and audit event, by ``services.core.workflow.change_status``.
"""

from __future__ import annotations

from enum import StrEnum

from dtks_desktop.domain.status import Role
from dtks_desktop.domain.workflow.machine import CLERKS as _CLERKS, LEADS as _SUPERVISORS, Machine, Rule


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



MEMBER: Machine[MemberStatus] = Machine(
    "member", MemberStatus, MEMBER_STATUS_LABELS, {k: Rule(v) for k, v in MEMBER_TRANSITIONS.items()})
HOUSEHOLD: Machine[HouseholdStatus] = Machine(
    "household", HouseholdStatus, HOUSEHOLD_STATUS_LABELS, {k: Rule(v) for k, v in HOUSEHOLD_TRANSITIONS.items()})
MACHINES = {"member": MEMBER, "household": HOUSEHOLD}
