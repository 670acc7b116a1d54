"""The submission batch's machine: ``draft`` → ``diajukan`` → ``disetujui`` | ``ditolak`` (with a
note); ``ditolak`` → ``draft``; ``disetujui`` → ``dikirim`` (exported) → ``hasil_diterima``.

Who may approve is also the capability ``BATCH_APPROVE``; the four-eyes rule (never the creator
or the submitter) is the service's, since it depends on the batch, not the role.
"""

from __future__ import annotations

from enum import StrEnum

from dtks_desktop.domain.workflow.machine import CLERKS, LEADS, Machine, Rule


class BatchStatus(StrEnum):
    DRAFT = "draft"
    DIAJUKAN = "diajukan"
    DISETUJUI = "disetujui"
    DITOLAK = "ditolak"
    DIKIRIM = "dikirim"
    HASIL_DITERIMA = "hasil_diterima"


BATCH_STATUS_LABELS: dict[BatchStatus | None, str] = {
    BatchStatus.DRAFT: "Draf",
    BatchStatus.DIAJUKAN: "Diajukan (menunggu persetujuan)",
    BatchStatus.DISETUJUI: "Disetujui",
    BatchStatus.DITOLAK: "Ditolak",
    BatchStatus.DIKIRIM: "Dikirim",
    BatchStatus.HASIL_DITERIMA: "Hasil diterima",
}

BATCH_STATUS_COLOURS: dict[BatchStatus | None, str] = {
    BatchStatus.DRAFT: "#757575",
    BatchStatus.DIAJUKAN: "#1565c0",
    BatchStatus.DISETUJUI: "#2e7d32",
    BatchStatus.DITOLAK: "#c62828",
    BatchStatus.DIKIRIM: "#6a1b9a",
    BatchStatus.HASIL_DITERIMA: "#00695c",
}

BATCH_HINTS: dict[BatchStatus | None, str] = {
    BatchStatus.DRAFT: "Ajukan dulu batch ini (dtks batch submit).",
    BatchStatus.DIAJUKAN: "Batch menunggu keputusan supervisor.",
    BatchStatus.DITOLAK: "Kembalikan ke draf atau buat batch baru.",
    BatchStatus.DISETUJUI: "Batch yang disetujui tidak dapat diubah; ekspor untuk dikirim.",
}

#: Batches whose rows keep a decision out of another batch of the same programme.
OPEN_STATES = frozenset({BatchStatus.DRAFT, BatchStatus.DIAJUKAN, BatchStatus.DISETUJUI, BatchStatus.DIKIRIM})
#: States in which the rows are frozen (after approval).
FROZEN_STATES = frozenset({BatchStatus.DISETUJUI, BatchStatus.DIKIRIM, BatchStatus.HASIL_DITERIMA})

B = BatchStatus

BATCH: Machine[BatchStatus] = Machine(
    "submission_batch", BatchStatus, BATCH_STATUS_LABELS, {
        (B.DRAFT, B.DIAJUKAN): Rule(CLERKS, reason_required=False),
        (B.DIAJUKAN, B.DISETUJUI): Rule(LEADS, reason_required=False),
        (B.DIAJUKAN, B.DITOLAK): Rule(LEADS, reason_required=True),
        (B.DITOLAK, B.DRAFT): Rule(CLERKS, reason_required=False),
        (B.DISETUJUI, B.DIKIRIM): Rule(CLERKS, reason_required=False),
        (B.DIKIRIM, B.HASIL_DITERIMA): Rule(CLERKS, reason_required=False),
    }, BATCH_STATUS_COLOURS, BATCH_HINTS)
