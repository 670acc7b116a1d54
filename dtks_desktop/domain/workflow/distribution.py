"""Distribution machines (issue 14): a period (tahap) and one KPM's receipt.

Period: ``draf`` (KPM list loaded) → ``siap`` (cleaned by the PT Pos rules at least once; documents
print) → ``penyaluran`` (the first receipt was recorded) → ``selesai`` (closed by a supervisor; no
more receipts). ``draf``/``siap`` → ``batal`` (leads, with a reason). Cleaning again keeps ``siap``.

Receipt: ``belum`` → ``diterima`` (with date, time, officer, kuasa) | ``gagal_salur`` (with a
reason). ``gagal_salur`` → ``diterima`` when the family comes after all (clerks, reason). An entry
made by mistake is undone by a supervisor (``diterima``/``gagal_salur`` → ``belum``, reason).
Recording is OPERATOR/SUPERVISOR/ADMIN (capability ``DIST_RECEIVE``); the printer role may not.
"""

from __future__ import annotations

from enum import StrEnum

from dtks_desktop.domain.status import Role
from dtks_desktop.domain.workflow.machine import CLERKS, LEADS, Machine, Rule


class PeriodStatus(StrEnum):
    DRAF = "draf"
    SIAP = "siap"
    PENYALURAN = "penyaluran"
    SELESAI = "selesai"
    BATAL = "batal"


PERIOD_STATUS_LABELS: dict[PeriodStatus | None, str] = {
    PeriodStatus.DRAF: "Draf (daftar KPM dimuat)",
    PeriodStatus.SIAP: "Siap salur (sudah dibersihkan)",
    PeriodStatus.PENYALURAN: "Penyaluran berjalan",
    PeriodStatus.SELESAI: "Selesai",
    PeriodStatus.BATAL: "Batal",
}

PERIOD_STATUS_COLOURS: dict[PeriodStatus | None, str] = {
    PeriodStatus.DRAF: "#757575",
    PeriodStatus.SIAP: "#1565c0",
    PeriodStatus.PENYALURAN: "#ef6c00",
    PeriodStatus.SELESAI: "#2e7d32",
    PeriodStatus.BATAL: "#c62828",
}

PERIOD_HINTS: dict[PeriodStatus | None, str] = {
    PeriodStatus.DRAF: "Bersihkan dulu daftar KPM (dtks dist clean).",
    PeriodStatus.SELESAI: "Tahap ini sudah ditutup; penerimaan tidak dapat dicatat lagi.",
    PeriodStatus.BATAL: "Tahap ini dibatalkan.",
}

#: Periods in which receipts may be recorded.
RECEIVING_STATES = frozenset({PeriodStatus.SIAP, PeriodStatus.PENYALURAN})

#: Roles that record receipts (the printer role prints but does not record).
RECEIVERS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})

P = PeriodStatus

PERIOD: Machine[PeriodStatus] = Machine(
    "dist_period", PeriodStatus, PERIOD_STATUS_LABELS, {
        (P.DRAF, P.SIAP): Rule(CLERKS, reason_required=False),
        (P.SIAP, P.PENYALURAN): Rule(RECEIVERS, reason_required=False),
        (P.PENYALURAN, P.SELESAI): Rule(LEADS, reason_required=False),
        (P.SELESAI, P.PENYALURAN): Rule(LEADS, reason_required=True),  # reopened for a late correction
        (P.DRAF, P.BATAL): Rule(LEADS, reason_required=True),
        (P.SIAP, P.BATAL): Rule(LEADS, reason_required=True),
    }, PERIOD_STATUS_COLOURS, PERIOD_HINTS)


class ReceiptStatus(StrEnum):
    BELUM = "belum"
    DITERIMA = "diterima"
    GAGAL_SALUR = "gagal_salur"


RECEIPT_STATUS_LABELS: dict[ReceiptStatus | None, str] = {
    ReceiptStatus.BELUM: "Belum menerima",
    ReceiptStatus.DITERIMA: "Diterima",
    ReceiptStatus.GAGAL_SALUR: "Gagal salur",
}

RECEIPT_STATUS_COLOURS: dict[ReceiptStatus | None, str] = {
    ReceiptStatus.BELUM: "#757575",
    ReceiptStatus.DITERIMA: "#2e7d32",
    ReceiptStatus.GAGAL_SALUR: "#c62828",
}

R = ReceiptStatus

RECEIPT: Machine[ReceiptStatus] = Machine(
    "dist_receipt", ReceiptStatus, RECEIPT_STATUS_LABELS, {
        (R.BELUM, R.DITERIMA): Rule(RECEIVERS, reason_required=False),
        (R.BELUM, R.GAGAL_SALUR): Rule(RECEIVERS, reason_required=True),
        (R.GAGAL_SALUR, R.DITERIMA): Rule(RECEIVERS, reason_required=True),
        (R.DITERIMA, R.BELUM): Rule(LEADS, reason_required=True),
        (R.GAGAL_SALUR, R.BELUM): Rule(LEADS, reason_required=True),
    }, RECEIPT_STATUS_COLOURS, {})
