"""The village meeting's machine: ``draf`` → ``dicetak`` (Berita Acara printed) → ``final``
(the signed Berita Acara came back); ``draf``/``dicetak`` → ``batal``; a final meeting is
changed only by a new meeting record for the same desa and round, which moves the old one to
``diganti`` (it stays readable).
"""

from __future__ import annotations

from enum import StrEnum

from dtks_desktop.domain.workflow.machine import ALL, CLERKS, LEADS, Machine, Rule


class MeetingStatus(StrEnum):
    DRAF = "draf"
    DICETAK = "dicetak"
    FINAL = "final"
    BATAL = "batal"
    DIGANTI = "diganti"


MEETING_STATUS_LABELS: dict[MeetingStatus | None, str] = {
    MeetingStatus.DRAF: "Draf",
    MeetingStatus.DICETAK: "Berita acara dicetak",
    MeetingStatus.FINAL: "Final (berita acara kembali)",
    MeetingStatus.BATAL: "Batal",
    MeetingStatus.DIGANTI: "Diganti musyawarah baru",
}

MEETING_STATUS_COLOURS: dict[MeetingStatus | None, str] = {
    MeetingStatus.DRAF: "#757575",
    MeetingStatus.DICETAK: "#1565c0",
    MeetingStatus.FINAL: "#2e7d32",
    MeetingStatus.BATAL: "#c62828",
    MeetingStatus.DIGANTI: "#6a1b9a",
}

MEETING_HINTS: dict[MeetingStatus | None, str] = {
    MeetingStatus.DRAF: "Cetak berita acara dulu.",
    MeetingStatus.FINAL: "Keputusan musyawarah yang sudah final hanya diubah dengan musyawarah baru "
                         "(dtks musdes create untuk desa yang sama).",
    MeetingStatus.BATAL: "Musyawarah yang batal tidak dapat diubah; buat musyawarah baru.",
    MeetingStatus.DIGANTI: "Musyawarah ini sudah diganti musyawarah baru; ubah yang baru.",
}

#: States in which decisions, participants and details may still change.
OPEN_STATES = frozenset({MeetingStatus.DRAF, MeetingStatus.DICETAK})
#: States of the meeting that counts for a desa and round (at most one).
CURRENT_STATES = frozenset({MeetingStatus.DRAF, MeetingStatus.DICETAK, MeetingStatus.FINAL})

M = MeetingStatus

MEETING: Machine[MeetingStatus] = Machine(
    "musdes_meeting", MeetingStatus, MEETING_STATUS_LABELS, {
        (M.DRAF, M.DICETAK): Rule(ALL, reason_required=False),  # printing (docs.print: every role)
        (M.DICETAK, M.DRAF): Rule(CLERKS, reason_required=False),  # a decision changed after printing
        (M.DICETAK, M.FINAL): Rule(LEADS, reason_required=False),  # the signed BA came back
        (M.DRAF, M.BATAL): Rule(CLERKS),
        (M.DICETAK, M.BATAL): Rule(CLERKS),
        (M.FINAL, M.DIGANTI): Rule(CLERKS, reason_required=False),  # a new meeting for the same desa and round
    }, MEETING_STATUS_COLOURS, MEETING_HINTS)
