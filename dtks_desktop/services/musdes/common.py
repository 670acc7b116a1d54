"""What the Musdes services share: the error, the plain views they return, meeting lookups and the
office setting ``musdes.kop`` (whose letterhead the Berita Acara carries)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import MusdesMeeting, MusdesParticipant, Region
from dtks_desktop.domain.musdes import KIND_LABELS, MeetingKind, UNSUR_LABELS, Unsur
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.regions import repair_code
from dtks_desktop.domain.workflow.musdes import CURRENT_STATES, MEETING, MeetingStatus
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor

__all__ = ["MusdesError", "MeetingView", "Participant", "DecisionRow", "Totals", "PrintResult", "ParticipantsImport",
           "KOP_KEY", "KOP_VALUES", "kop_setting", "set_kop", "desa_info", "meeting_row", "current_row", "view_of"]

#: The office setting: the Berita Acara carries the village's letterhead (``desa``) or the office's (``dinas``).
KOP_KEY = "musdes.kop"
KOP_VALUES = ("desa", "dinas")


class MusdesError(Exception):
    """A Musdes request that cannot be done; ``message`` is Indonesian and says what to fix."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # pragma: no cover - trivial
        return f"{self.message} {self.hint}".strip()


@dataclass(frozen=True)
class Participant:
    nama: str
    unsur: str
    jabatan: str = ""

    @property
    def unsur_label(self) -> str:
        try:
            return UNSUR_LABELS[Unsur(self.unsur)]
        except ValueError:
            return self.unsur

    def as_dict(self) -> dict:
        return {"nama": self.nama, "unsur": self.unsur, "unsur_label": self.unsur_label, "jabatan": self.jabatan}


@dataclass(frozen=True)
class MeetingView:
    id: int
    desa_kode: str
    desa_nama: str
    kecamatan_nama: str
    kind: str  # "musdes" | "muskel"
    kind_label: str  # "Musyawarah Desa" | "Musyawarah Kelurahan"
    putaran: str
    tanggal: date
    jam: time
    tempat: str
    ketua: str | None
    notulis: str | None
    agenda: str
    status: str
    status_label: str
    returned_at: date | None
    scan_sha256: str | None
    nomor: str | None
    participants: tuple[Participant, ...] = ()
    warnings: tuple[str, ...] = ()
    replaces_id: int | None = None
    family_status: tuple[str, ...] = ()  # what finalizing did to family statuses (Indonesian lines)

    def as_dict(self) -> dict:
        return {"id": self.id, "desa_kode": self.desa_kode, "desa_nama": self.desa_nama,
                "kecamatan_nama": self.kecamatan_nama, "kind": self.kind, "kind_label": self.kind_label,
                "putaran": self.putaran, "tanggal": self.tanggal.isoformat(), "jam": self.jam.strftime("%H:%M"),
                "tempat": self.tempat, "ketua": self.ketua, "notulis": self.notulis, "agenda": self.agenda,
                "status": self.status, "status_label": self.status_label,
                "returned_at": self.returned_at.isoformat() if self.returned_at else None,
                "scan_sha256": self.scan_sha256, "nomor": self.nomor,
                "participants": [p.as_dict() for p in self.participants], "warnings": list(self.warnings),
                "replaces_id": self.replaces_id, "family_status": list(self.family_status)}


@dataclass(frozen=True)
class DecisionRow:
    id: int
    household_id: int | None  # None: a person of a family proposed in the field (not in the registry)
    member_id: int | None
    id_dtks: str
    nama: str
    nik_masked: str
    hubungan: str
    decision: str
    decision_label: str
    reason: str | None
    reason_label: str
    source: str  # "verifikasi" | "pemadanan" | "petugas"
    match_status: str | None
    override_reason: str | None
    note: str = ""
    padan: bool = False
    alamat: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "household_id": self.household_id, "member_id": self.member_id,
                "id_dtks": self.id_dtks, "nama": self.nama, "nik": self.nik_masked, "hubungan": self.hubungan,
                "decision": self.decision, "decision_label": self.decision_label, "reason": self.reason,
                "reason_label": self.reason_label, "source": self.source, "match_status": self.match_status,
                "nik_padan": self.padan, "override_reason": self.override_reason, "note": self.note}


@dataclass(frozen=True)
class Totals:
    """Members per decision (and families: a family counts once, under its members' decisions)."""

    tetap: int
    usulan_baru: int
    hapus: int
    perbaikan_data: int
    hapus_by_reason: dict[str, int]
    families: int
    members: int
    families_by_decision: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"tetap": self.tetap, "usulan_baru": self.usulan_baru, "hapus": self.hapus,
                "perbaikan_data": self.perbaikan_data, "hapus_by_reason": dict(self.hapus_by_reason),
                "families": self.families, "members": self.members,
                "families_by_decision": dict(self.families_by_decision)}


@dataclass(frozen=True)
class PrintResult:
    path: Path
    pages: int
    document_ids: tuple[int, ...]
    nomor: str | None
    desa_kode: str = ""
    desa_nama: str = ""

    def as_dict(self) -> dict:
        return {"path": str(self.path), "pages": self.pages, "document_ids": list(self.document_ids),
                "nomor": self.nomor, "desa_kode": self.desa_kode, "desa": self.desa_nama}


@dataclass(frozen=True)
class ParticipantProblem:
    row: int | None
    column: str | None
    message: str
    level: str = "error"  # "error" (row not stored) | "warning"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "level": self.level}


@dataclass(frozen=True)
class ParticipantsImport:
    imported: int
    rejected: int
    warnings: int
    problems: tuple[ParticipantProblem, ...] = ()

    def as_dict(self) -> dict:
        return {"imported": self.imported, "rejected": self.rejected, "warnings": self.warnings,
                "problems": [p.as_dict() for p in self.problems]}


# --- settings --------------------------------------------------------------------------------------

def kop_setting(session: Session) -> str:
    value = (settings.get(session, KOP_KEY, "") or "").strip().lower()
    return value if value in KOP_VALUES else "desa"


@changes(DataKind.SETTINGS)
def set_kop(session: Session, actor: Actor, value: str) -> str:
    """Which letterhead the Berita Acara carries: ``desa`` (the village's) or ``dinas`` (the office's)."""
    require(session, actor, Capability.OFFICE_SETTINGS, detail=KOP_KEY)
    v = (value or "").strip().lower()
    if v not in KOP_VALUES:
        raise MusdesError(f"Pengaturan {KOP_KEY} harus 'desa' (kop desa/kelurahan) atau 'dinas' (kop kantor), "
                          f"bukan '{value}'.")
    settings.put(session, actor, KOP_KEY, v, reason="Kop berita acara musyawarah",
                 capability=Capability.OFFICE_SETTINGS)
    return v


# --- lookups ---------------------------------------------------------------------------------------

def desa_info(session: Session, kode: str) -> tuple[str, str, str, str]:
    """(kode, desa name, kecamatan code, kecamatan name); MusdesError for an unknown code."""
    k = repair_code(kode) or (kode or "").strip()
    row = session.execute(select(Region.kode, Region.nama, Region.parent_kode, Region.level)
                          .where(Region.kode == k)).one_or_none()
    if row is None or row.level != 4:
        raise MusdesError(f"Kode desa/kelurahan tidak dikenal: {kode or 'kosong'}.",
                          "Tulis kode Kemendagri 10 digit bertitik, mis. 33.10.01.2001.")
    kec = session.execute(select(Region.nama).where(Region.kode == row.parent_kode)).scalar_one_or_none() or ""
    return row.kode, row.nama, row.parent_kode or "", kec


def meeting_row(session: Session, meeting_id: int) -> MusdesMeeting:
    row = session.get(MusdesMeeting, meeting_id)
    if row is None:
        raise MusdesError(f"Musyawarah #{meeting_id} tidak ada.", "Lihat daftarnya: dtks musdes list.")
    return row


def current_row(session: Session, desa_kode: str) -> MusdesMeeting | None:
    """The meeting that counts for the desa: the newest in draf, dicetak or final."""
    q = (select(MusdesMeeting).where(MusdesMeeting.desa_kode == desa_kode,
                                     MusdesMeeting.status.in_([s.value for s in CURRENT_STATES]))
         .order_by(MusdesMeeting.id.desc()).limit(1))
    return session.execute(q).scalars().first()


def view_of(session: Session, row: MusdesMeeting) -> MeetingView:
    _, desa, _, kec = desa_info(session, row.desa_kode)
    parts = session.execute(select(MusdesParticipant).where(MusdesParticipant.meeting_id == row.id)
                            .order_by(MusdesParticipant.urut, MusdesParticipant.id)).scalars()
    return MeetingView(
        id=row.id, desa_kode=row.desa_kode, desa_nama=desa, kecamatan_nama=kec, kind=row.kind,
        kind_label=KIND_LABELS[MeetingKind(row.kind)], putaran=row.putaran, tanggal=row.tanggal, jam=row.jam,
        tempat=row.tempat, ketua=row.ketua, notulis=row.notulis, agenda=row.agenda or "", status=row.status,
        status_label=MEETING.label(row.status), returned_at=row.returned_at, scan_sha256=row.scan_sha256,
        nomor=row.nomor, participants=tuple(Participant(p.nama, p.unsur, p.jabatan or "") for p in parts),
        warnings=tuple(json.loads(row.warnings)) if row.warnings else (), replaces_id=row.replaces_id)


def require_open(row: MusdesMeeting) -> None:
    """MusdesError unless the meeting's details and decisions may still change."""
    if row.status not in (MeetingStatus.DRAF, MeetingStatus.DICETAK):
        hint = MEETING.hints.get(MeetingStatus(row.status), "")
        raise MusdesError(f"Musyawarah #{row.id} berstatus {MEETING.label(row.status)}: keputusan dan datanya tidak "
                          "dapat diubah lagi.", hint)
