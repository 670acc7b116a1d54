"""Families done / left per desa and petugas in the current round."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from dtks_desktop.db.models import Region, VerificationAssignment, VerificationFamily, VerificationPetugas
from dtks_desktop.services.verification.common import current_round, desa_info


@dataclass(frozen=True)
class ProgressRow:
    desa_kode: str
    desa: str
    petugas: str
    done: int
    left: int

    def as_dict(self) -> dict:
        return asdict(self)


def progress(session: Session, desa: str | None = None) -> list[ProgressRow]:
    """Per desa and petugas: families assigned this round with findings saved (``done``) and
    without (``left``). A family with findings is always assigned (saving assigns it)."""
    putaran = current_round(session)
    A = aliased(VerificationAssignment)
    F = aliased(VerificationFamily)
    q = (select(A.desa_kode, Region.nama, VerificationPetugas.nama, func.count(A.id), func.count(F.id))
         .join(VerificationPetugas, VerificationPetugas.id == A.petugas_id)
         .outerjoin(Region, Region.kode == A.desa_kode)
         .outerjoin(F, (F.household_id == A.household_id) & (F.putaran == putaran))
         .where(A.putaran == putaran)
         .group_by(A.desa_kode, Region.nama, VerificationPetugas.nama)
         .order_by(A.desa_kode, VerificationPetugas.nama))
    if desa:
        kode, _n, _k = desa_info(session, desa)
        q = q.where(A.desa_kode == kode)
    return [ProgressRow(k or "", n or "", p, int(done), int(total) - int(done))
            for k, n, p, total, done in session.execute(q)]


@dataclass(frozen=True)
class PageInfo:
    """What the verification page needs once: the round, the office's kecamatan, the petugas."""

    putaran: str
    kecamatan: list[tuple[str, str]]
    petugas: list[tuple[str, str]]  # (name, role label)


def page_info(session: Session) -> PageInfo:
    from dtks_desktop.services.core import browse
    from dtks_desktop.services.verification.common import list_petugas

    kab = browse.office_kab_kode(session)
    kec = browse.kecamatan_options(session, kab) if kab else []
    return PageInfo(current_round(session), kec, [(p.nama, p.peran_label) for p in list_petugas(session)])
