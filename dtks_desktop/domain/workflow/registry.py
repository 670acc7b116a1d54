"""Registry statuses: a person's presence (keberadaan ART) and a family's place in the cycle.

Two machines (:data:`MEMBER`, :data:`HOUSEHOLD`) of :mod:`.machine`: every change needs a reason
and is applied, with its history and audit event, by ``services.core.workflow.apply`` (a clerk's
one change: ``change_status``; the stages: ``services.core.family_status``).

Where a family stands follows the stages, each in its own transaction:

1. **Verification** (a finding saved, in the app or from a worksheet): kelayakan ``layak`` →
   ``layak``; ``tidak layak`` or ``mampu`` → ``tidak_layak`` (:data:`KELAYAKAN_STATUS`). From every
   status of a registered family (a new cycle starts from ``tetap``, ``disetujui``, ``ditolak``...)
   except the :data:`HELD` ones: a family in a batch awaiting a decision (``diajukan``) or removed
   (``dihapus``) keeps its status; the finding is saved and the result says why.
2. **Musdes final** (the signed Berita Acara back): every family with decisions in the meeting
   moves by its members' decisions (:func:`musdes_outcome`): all its members ``hapus`` →
   ``usul_hapus``; a family ``usulan_baru`` or any ``usulan_baru`` decision (a new member too) →
   ``usul_masuk``; otherwise (tetap, perbaikan data, removal of single members) → ``tetap``. From
   any status but the :data:`HELD` ones (reported, not moved).
3. **Batch submitted** → ``diajukan`` (a family not in a Musdes outcome state is first brought to
   the outcome of its last final meeting). **Batch rejected / back to draft** → the outcome of its
   last final meeting again, unless the family is still awaiting a decision in another batch.
   Approval and export leave ``diajukan``: the decision is made above.
4. **Results imported**: once none of the family's batch rows awaits a result, it moves by the
   results received while it waited (:func:`result_outcome`): any removal accepted and no member
   left → ``dihapus``; anything ``ditetapkan`` → ``disetujui``; all ``ditolak`` → ``ditolak``.
   A member whose removal was accepted → ``dihapus`` (:data:`MEMBER_BY_RESULT`).

Recording a stage is a clerk's act (the four-eyes approval is on the batch), so these paths are
open to clerks; the reason (which finding, meeting or batch) is always required.
"""

from __future__ import annotations

from enum import StrEnum

from collections.abc import Iterable

from dtks_desktop.domain.musdes import Decision
from dtks_desktop.domain.status import Role
from dtks_desktop.domain.verification import Kelayakan
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
    # Recording the result from above (the approval was the batch's, four eyes).
    (H.DIAJUKAN, H.DISETUJUI): _CLERKS,
    (H.DIAJUKAN, H.DITOLAK): _CLERKS,
    (H.DIAJUKAN, H.DIHAPUS): _CLERKS,
    (H.DITOLAK, H.VERIFIKASI): _CLERKS,
    (H.DISETUJUI, H.TERDAFTAR): _SUPERVISORS,  # next cycle
    (H.DISETUJUI, H.DIHAPUS): _SUPERVISORS,
    (H.DIHAPUS, H.TERDAFTAR): _SUPERVISORS,
}


#: Statuses a stage does not move: a family in a batch awaiting a decision, or removed.
HELD = frozenset({H.DIAJUKAN, H.DIHAPUS})
#: What a final Musdes makes of a family.
MUSDES_OUTCOMES = frozenset({H.TETAP, H.USUL_HAPUS, H.USUL_MASUK})
#: Field verification: the petugas's kelayakan → the family's status.
KELAYAKAN_STATUS: dict[Kelayakan, HouseholdStatus] = {
    Kelayakan.LAYAK: H.LAYAK, Kelayakan.TIDAK_LAYAK: H.TIDAK_LAYAK, Kelayakan.MAMPU: H.TIDAK_LAYAK}
#: Families a petugas visits (a proposed family not yet in the registry is not visited).
VISITED = frozenset(H) - HELD - {H.USULAN_BARU}

for _f in VISITED:  # 1. a finding (a new cycle from tetap, disetujui, ditolak ...)
    for _t in (H.LAYAK, H.TIDAK_LAYAK):
        if _f != _t:
            HOUSEHOLD_TRANSITIONS.setdefault((_f, _t), _CLERKS)
for _f in frozenset(H) - {H.DIHAPUS}:  # 2. a final meeting; and back from a batch (diajukan) to it
    for _t in MUSDES_OUTCOMES:
        if _f != _t:
            HOUSEHOLD_TRANSITIONS.setdefault((_f, _t), _CLERKS)
del _f, _t


def musdes_outcome(household_status: str | None, decisions: Iterable[tuple[int | None, str]]) -> HouseholdStatus | None:
    """What a final meeting makes of a family from its decision rows ``(member id or None for a new
    member found in the field, decision)``: every registered member ``hapus`` (and no one proposed)
    → ``usul_hapus``; a family ``usulan_baru`` or any ``usulan_baru`` → ``usul_masuk``; else
    ``tetap``. None without decisions."""
    rows = list(decisions)
    if not rows:
        return None
    members = [d for mid, d in rows if mid is not None]
    proposed = any(d == Decision.USULAN_BARU for _, d in rows)
    if members and not proposed and all(d == Decision.HAPUS for d in members):
        return H.USUL_HAPUS
    if proposed or household_status == H.USULAN_BARU:
        return H.USUL_MASUK
    return H.TETAP


def result_outcome(results: Iterable[tuple[str, bool]], members_left: int) -> HouseholdStatus | None:
    """What the results from above make of a family: ``results`` are ``(row kind, ditetapkan)`` of
    its rows decided while it waited; ``members_left`` its members not removed. An accepted removal
    that leaves nobody → ``dihapus``; anything accepted → ``disetujui``; all refused → ``ditolak``."""
    rows = list(results)
    if not rows:
        return None
    if members_left == 0 and any(ok and kind == Decision.HAPUS for kind, ok in rows):
        return H.DIHAPUS
    return H.DISETUJUI if any(ok for _, ok in rows) else H.DITOLAK


#: The member machine for recording a removal accepted above: from any presence to ``dihapus``,
#: a clerk's act with the batch as reason (by hand, removal stays a supervisor's change).
MEMBER_RESULT_TRANSITIONS = {**MEMBER_TRANSITIONS, **{(m, M.DIHAPUS): _CLERKS for m in M if m != M.DIHAPUS}}


MEMBER: Machine[MemberStatus] = Machine(
    "member", MemberStatus, MEMBER_STATUS_LABELS, {k: Rule(v) for k, v in MEMBER_TRANSITIONS.items()})
HOUSEHOLD: Machine[HouseholdStatus] = Machine(
    "household", HouseholdStatus, HOUSEHOLD_STATUS_LABELS, {k: Rule(v) for k, v in HOUSEHOLD_TRANSITIONS.items()})
MEMBER_BY_RESULT: Machine[MemberStatus] = Machine(
    "member", MemberStatus, MEMBER_STATUS_LABELS, {k: Rule(v) for k, v in MEMBER_RESULT_TRANSITIONS.items()})
MACHINES = {"member": MEMBER, "household": HOUSEHOLD}
