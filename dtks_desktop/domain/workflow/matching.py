"""Matching (pemadanan) vocabulary and the machine of a clerk's decision on a result.

A result has a machine-made **status** (how the member's NIK and identity compare with the civil
registry) and a **decision**: none yet (waiting in the review queue), ``otomatis`` (the machine
restored a NIK damaged by a spreadsheet), ``diterima`` or ``ditolak`` (a clerk decided). The
decision follows :data:`DECISION`: accept/reject an open result or a restoration, undo or reopen
a decided one (back to the queue, or back to the restoration it confirmed or rejected). Only a
run writes ``otomatis`` on an open result (the machine's own decision, not a clerk's).
Labels and colours for the views come from here.
"""

from __future__ import annotations

from enum import StrEnum

from dtks_desktop.domain.workflow.machine import CLERKS, OPEN, Machine, Rule


class MatchStatus(StrEnum):
    PADAN = "padan"
    PADAN_CATATAN = "padan_catatan"
    USULAN_KOREKSI = "usulan_koreksi"
    NIK_ORANG_LAIN = "nik_orang_lain"
    GANDA = "ganda"
    TIDAK_PADAN = "tidak_padan"


MATCH_STATUS_LABELS: dict[MatchStatus, str] = {
    MatchStatus.PADAN: "Padan",
    MatchStatus.PADAN_CATATAN: "Padan dengan catatan",
    MatchStatus.USULAN_KOREKSI: "Usulan koreksi NIK",
    MatchStatus.NIK_ORANG_LAIN: "NIK milik orang lain",
    MatchStatus.GANDA: "Ganda",
    MatchStatus.TIDAK_PADAN: "Tidak padan",
}

#: Shorter labels for narrow columns (the full label is the tooltip).
MATCH_STATUS_SHORT: dict[MatchStatus, str] = {
    MatchStatus.PADAN: "Padan",
    MatchStatus.PADAN_CATATAN: "Padan (catatan)",
    MatchStatus.USULAN_KOREKSI: "Koreksi NIK",
    MatchStatus.NIK_ORANG_LAIN: "NIK orang lain",
    MatchStatus.GANDA: "Ganda",
    MatchStatus.TIDAK_PADAN: "Tidak padan",
}

MATCH_STATUS_COLOURS: dict[MatchStatus, str] = {
    MatchStatus.PADAN: "#2e7d32",
    MatchStatus.PADAN_CATATAN: "#558b2f",
    MatchStatus.USULAN_KOREKSI: "#e65100",
    MatchStatus.NIK_ORANG_LAIN: "#c62828",
    MatchStatus.GANDA: "#6a1b9a",
    MatchStatus.TIDAK_PADAN: "#616161",
}

#: Every status in the engine's order (its integer codes index this tuple).
MATCH_STATUSES: tuple[MatchStatus, ...] = tuple(MatchStatus)
#: Statuses the machine accepts itself: the member's NIK is the civil-registry person's.
AGREEING_STATUSES = frozenset({MatchStatus.PADAN, MatchStatus.PADAN_CATATAN})
#: Statuses that propose a NIK different from the member's.
PROPOSING_STATUSES = frozenset({MatchStatus.USULAN_KOREKSI, MatchStatus.NIK_ORANG_LAIN})
#: Statuses whose ``nik_matched`` points at a civil-registry person (a second member pointing at the
#: same person is ``ganda``).
LINKING_STATUSES = AGREEING_STATUSES | PROPOSING_STATUSES
#: Statuses in the review queue by default (padan and padan_catatan are accepted by the machine), in queue order.
REVIEW_STATUSES = (MatchStatus.USULAN_KOREKSI, MatchStatus.NIK_ORANG_LAIN, MatchStatus.GANDA, MatchStatus.TIDAK_PADAN)
#: Status of a NIK the machine restored (found once the spreadsheet damage is undone).
RESTORED_STATUS = MatchStatus.PADAN_CATATAN


class Decision(StrEnum):
    OTOMATIS = "otomatis"  # restored by the machine (a spreadsheet-damaged NIK with one fitting person)
    DITERIMA = "diterima"
    DITOLAK = "ditolak"


DECISION_LABELS: dict[Decision | None, str] = {
    OPEN: "Menunggu keputusan",
    Decision.OTOMATIS: "Dipulihkan otomatis",
    Decision.DITERIMA: "Diterima",
    Decision.DITOLAK: "Ditolak",
}

DECISION_COLOURS: dict[Decision | None, str] = {
    OPEN: "#757575",
    Decision.OTOMATIS: "#1565c0",
    Decision.DITERIMA: "#455a64",
    Decision.DITOLAK: "#455a64",
}

#: Decisions that accept the machine's link or proposal.
ACCEPTING = frozenset({Decision.DITERIMA, Decision.OTOMATIS})

#: Why a path from a state is refused, and what to do instead.
DECISION_HINTS: dict[Decision | None, str] = {
    OPEN: "Hanya keputusan petugas (diterima/ditolak) yang dapat dibuka kembali.",
    Decision.OTOMATIS: "NIK yang dipulihkan otomatis ditolak dengan tombol Tolak.",
    Decision.DITERIMA: "Hasil ini sudah diputuskan; batalkan keputusan itu dulu bila ingin mengubahnya.",
    Decision.DITOLAK: "Hasil ini sudah diputuskan; batalkan keputusan itu dulu bila ingin mengubahnya.",
}

#: A decision needs no typed reason (the result and its explanation say why); every change is audited.
DECISION: Machine[Decision] = Machine(
    "match_decision", Decision, DECISION_LABELS, {
        (OPEN, Decision.DITERIMA): Rule(CLERKS, reason_required=False),  # terima / pilih
        (OPEN, Decision.DITOLAK): Rule(CLERKS, reason_required=False),  # tolak
        (Decision.OTOMATIS, Decision.DITERIMA): Rule(CLERKS, reason_required=False),  # confirm a restoration
        (Decision.OTOMATIS, Decision.DITOLAK): Rule(CLERKS, reason_required=False),  # the restoration was wrong
        (Decision.DITERIMA, OPEN): Rule(CLERKS, reason_required=False),  # undo / reopen
        (Decision.DITOLAK, OPEN): Rule(CLERKS, reason_required=False),
        # undo / reopen a clerk's verdict on a restoration: it is the machine's restoration again
        (Decision.DITERIMA, Decision.OTOMATIS): Rule(CLERKS, reason_required=False),
        (Decision.DITOLAK, Decision.OTOMATIS): Rule(CLERKS, reason_required=False),
    }, DECISION_COLOURS, DECISION_HINTS)
