"""What the submission services share: the error, the plain views they return, lookups and the
content hash of a batch's rows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Region, SubmissionBatch, SubmissionBatchRow, User
from dtks_desktop.domain.submission import EXCLUSION_LABELS, Exclusion, KIND_LABELS, Kind, Result, TARGET_LABELS, Target
from dtks_desktop.domain.workflow.submission import BATCH, FROZEN_STATES
from dtks_desktop.services.core.common import DataKind

__all__ = ["SubmissionError", "BatchView", "BatchRow", "ExcludedRow", "ApprovalSummary", "ExportResult",
           "ResultProblem", "ResultsImport", "batch_row", "view_of", "content_hash", "region_name", "HASHED_FIELDS"]


class SubmissionError(Exception):
    """A submission request that cannot be done; ``message`` is Indonesian and says what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BatchView:
    id: int
    target: str
    target_label: str
    programme: str
    kind: str
    kind_label: str
    scope_label: str
    status: str
    status_label: str
    rows: int
    excluded: dict[str, int]
    created_by: str | None
    created_at: datetime | None
    submitted_by: str | None
    submitted_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    note: str | None
    sha256: str | None
    frozen: bool
    family_status: tuple[str, ...] = ()  # what the last step did to family statuses (Indonesian lines)

    def as_dict(self) -> dict:
        def iso(d):
            return d.isoformat() if d else None
        return {"id": self.id, "target": self.target, "target_label": self.target_label, "programme": self.programme,
                "kind": self.kind, "kind_label": self.kind_label, "scope_label": self.scope_label,
                "status": self.status, "status_label": self.status_label, "rows": self.rows,
                "excluded": dict(self.excluded), "created_by": self.created_by, "created_at": iso(self.created_at),
                "submitted_by": self.submitted_by, "submitted_at": iso(self.submitted_at),
                "decided_by": self.decided_by, "decided_at": iso(self.decided_at), "note": self.note,
                "sha256": self.sha256, "frozen": self.frozen, "family_status": list(self.family_status)}


@dataclass(frozen=True)
class BatchRow:
    id: int
    desa_kode: str
    desa_nama: str
    kecamatan_nama: str
    id_dtks: str
    nama: str
    nik_masked: str
    no_kk_masked: str
    alamat: str
    kind: str
    reason: str | None

    def as_dict(self) -> dict:
        return {"id": self.id, "desa_kode": self.desa_kode, "desa": self.desa_nama, "kecamatan": self.kecamatan_nama,
                "id_dtks": self.id_dtks, "nama": self.nama, "nik": self.nik_masked, "no_kk": self.no_kk_masked,
                "alamat": self.alamat, "kind": self.kind, "reason": self.reason}


@dataclass(frozen=True)
class ExcludedRow:
    id_dtks: str
    nama: str
    desa_nama: str
    reason: str
    reason_label: str

    def as_dict(self) -> dict:
        return {"id_dtks": self.id_dtks, "nama": self.nama, "desa": self.desa_nama, "reason": self.reason,
                "reason_label": self.reason_label}


@dataclass(frozen=True)
class ApprovalSummary:
    batch: BatchView
    per_desa: list[tuple[str, str, str, int]]  # (kecamatan, desa, kind, count)
    excluded: list[ExcludedRow]
    sample: list[BatchRow]
    diff_previous: dict  # {"added": int, "removed": int, "previous_batch_id": int | None}

    def as_dict(self) -> dict:
        return {"batch": self.batch.as_dict(),
                "per_desa": [{"kecamatan": k, "desa": d, "kind": kind, "count": n} for k, d, kind, n in self.per_desa],
                "excluded": [e.as_dict() for e in self.excluded], "sample": [r.as_dict() for r in self.sample],
                "diff_previous": dict(self.diff_previous)}


@dataclass(frozen=True)
class ExportResult:
    files: list[Path]
    nomor: str | None

    def as_dict(self) -> dict:
        return {"files": [str(f) for f in self.files], "nomor": self.nomor}


@dataclass(frozen=True)
class ResultProblem:
    row: int | None
    column: str | None
    message: str
    level: str = "error"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "level": self.level}


@dataclass(frozen=True)
class ResultsImport:
    imported: int
    rejected: int
    warnings: int
    problems: tuple[ResultProblem, ...] = ()
    ditetapkan: int = 0
    ditolak: int = 0
    batch_id: int | None = None
    per_desa: tuple[tuple[str, str, int, int], ...] = field(default=())  # (kecamatan, desa, ditetapkan, ditolak)
    family_status: dict = field(default_factory=dict)  # StageReport.as_dict(): families moved, kept, why

    @property
    def changes(self) -> frozenset[DataKind]:
        return frozenset({DataKind.AUDIT, DataKind.REGISTRY})

    def as_dict(self) -> dict:
        return {"batch_id": self.batch_id, "imported": self.imported, "rejected": self.rejected,
                "warnings": self.warnings, Result.DITETAPKAN.value: self.ditetapkan, Result.DITOLAK.value: self.ditolak,
                "problems": [p.as_dict() for p in self.problems],
                "per_desa": [{"kecamatan": k, "desa": d, Result.DITETAPKAN.value: a, Result.DITOLAK.value: r}
                             for k, d, a, r in self.per_desa], "family_status": dict(self.family_status)}


#: The row fields the frozen SHA-256 covers (everything the upload file and letters print).
HASHED_FIELDS = ("id", "person_key", "household_id", "member_id", "desa_kode", "id_dtks", "nama", "nik", "no_kk",
                 "hubungan", "alamat", "rt", "rw", "kind", "reason")


def content_hash(session: Session, batch_id: int) -> str:
    """SHA-256 over the batch's rows (in id order, the :data:`HASHED_FIELDS` as canonical JSON)."""
    h = hashlib.sha256()
    cols = [getattr(SubmissionBatchRow, f) for f in HASHED_FIELDS]
    for row in session.execute(select(*cols).where(SubmissionBatchRow.batch_id == batch_id)
                               .order_by(SubmissionBatchRow.id)):
        h.update(json.dumps(list(row), ensure_ascii=False, separators=(",", ":"), default=str).encode())
        h.update(b"\n")
    return h.hexdigest()


def region_name(session: Session, kode: str | None) -> str:
    if not kode:
        return ""
    return session.execute(select(Region.nama).where(Region.kode == kode)).scalar_one_or_none() or kode


def _username(session: Session, uid: int | None) -> str | None:
    if uid is None:
        return None
    return session.execute(select(User.username).where(User.id == uid)).scalar_one_or_none()


def batch_row(session: Session, batch_id: int, *, lock: bool = False) -> SubmissionBatch:
    q = select(SubmissionBatch).where(SubmissionBatch.id == batch_id)
    if lock:
        q = q.with_for_update().execution_options(populate_existing=True)
    row = session.execute(q).scalars().first()
    if row is None:
        raise SubmissionError(f"Batch #{batch_id} tidak ada. Lihat daftarnya di halaman Pengajuan.")
    return row


def scope_label(session: Session, b: SubmissionBatch) -> str:
    if b.desa_kode:
        return f"Desa/Kelurahan {region_name(session, b.desa_kode)} ({b.desa_kode})"
    if b.kecamatan_kode:
        return f"Kecamatan {region_name(session, b.kecamatan_kode)} ({b.kecamatan_kode})"
    return "Seluruh kabupaten/kota"


def view_of(session: Session, b: SubmissionBatch) -> BatchView:
    from sqlalchemy import func
    n = session.execute(select(func.count()).select_from(SubmissionBatchRow)
                        .where(SubmissionBatchRow.batch_id == b.id)).scalar_one()
    excluded = json.loads(b.excluded) if b.excluded else {}
    return BatchView(
        id=b.id, target=b.target, target_label=TARGET_LABELS[Target(b.target)], programme=b.programme, kind=b.kind,
        kind_label=KIND_LABELS[Kind(b.kind)], scope_label=scope_label(session, b), status=b.status,
        status_label=BATCH.label(b.status), rows=n, excluded={k: int(v) for k, v in excluded.items()},
        created_by=_username(session, b.created_by), created_at=b.created_at,
        submitted_by=_username(session, b.submitted_by), submitted_at=b.submitted_at,
        decided_by=_username(session, b.decided_by), decided_at=b.decided_at, note=b.note, sha256=b.sha256,
        frozen=b.status in {s.value for s in FROZEN_STATES})


def exclusion_label(reason: str) -> str:
    try:
        return EXCLUSION_LABELS[Exclusion(reason)]
    except ValueError:
        return reason

