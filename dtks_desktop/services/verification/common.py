"""What the verification services share: the round, petugas, errors and the keys of a family
and a member on a worksheet."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Region, VerificationPetugas
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.verification import PERAN_LABELS, Peran, default_round, parse_round
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor

#: The current verification round, ``YYYY-MM``. Unset: this month's, fixed by the first assignment.
ROUND_KEY = "verify.putaran"
#: Household statuses that are not visited (not in the registry, or removed).
NOT_VISITED = ("dihapus", "usulan_baru")
#: Where findings came from.
SOURCE_APP, SOURCE_IMPORT = "aplikasi", "impor"


class VerificationError(Exception):
    """A verification request that cannot be done; ``message`` is Indonesian."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def current_round(session: Session) -> str:
    """The round findings are entered for: the office setting, else this month."""
    value = settings.get(session, ROUND_KEY)
    return value or default_round()


@changes(DataKind.SETTINGS)
def set_round(session: Session, actor: Actor, text: str) -> str:
    """Start another verification round (``2026-12``); worksheets of another round are then refused."""
    require(session, actor, Capability.VERIFY_ASSIGN, detail="putaran verifikasi")
    try:
        value = parse_round(text)
    except ValueError as exc:
        raise VerificationError(str(exc)) from None
    settings.put(session, actor, ROUND_KEY, value, reason="Putaran verifikasi lapangan",
                 capability=Capability.VERIFY_ASSIGN)
    return value


def fix_round(session: Session, actor: Actor) -> str:
    """The current round, stored when it was only the default (so that it does not change with the month)."""
    value = current_round(session)
    if settings.get(session, ROUND_KEY) is None:
        settings.put(session, actor, ROUND_KEY, value, reason="Putaran verifikasi pertama",
                     capability=Capability.VERIFY_ASSIGN)
    return value


def name_key(nama: str) -> str:
    return " ".join(nama.split()).upper()


def find_petugas(session: Session, nama: str) -> VerificationPetugas | None:
    return session.execute(select(VerificationPetugas).where(VerificationPetugas.nama_key == name_key(nama))
                           ).scalar_one_or_none()


def get_or_add_petugas(session: Session, nama: str, peran: Peran | None) -> tuple[VerificationPetugas, bool]:
    """The petugas of that name (its role changed when ``peran`` is given), or a new one."""
    nama = " ".join((nama or "").split())
    if not nama:
        raise VerificationError("Nama petugas kosong.")
    if len(nama) > 120:
        raise VerificationError("Nama petugas terlalu panjang (paling banyak 120 huruf).")
    p = find_petugas(session, nama)
    if p is None:
        p = VerificationPetugas(nama=nama, nama_key=name_key(nama), peran=(peran or Peran.PETUGAS_PENDATA).value)
        session.add(p)
        session.flush()
        return p, True
    if peran is not None and p.peran != peran.value:
        p.peran = peran.value
    return p, False


@dataclass(frozen=True)
class PetugasInfo:
    id: int
    nama: str
    peran: str

    @property
    def peran_label(self) -> str:
        return PERAN_LABELS.get(Peran(self.peran), self.peran)

    def as_dict(self) -> dict:
        return {"id": self.id, "nama": self.nama, "peran": self.peran_label}


def list_petugas(session: Session) -> list[PetugasInfo]:
    rows = session.execute(select(VerificationPetugas).order_by(VerificationPetugas.nama_key)).scalars()
    return [PetugasInfo(p.id, p.nama, p.peran) for p in rows]


def desa_info(session: Session, kode: str) -> tuple[str, str, str]:
    """(kode, desa name, kecamatan name) of a desa/kelurahan code; VerificationError when unknown."""
    k = (kode or "").strip()
    row = session.execute(select(Region.kode, Region.nama, Region.parent_kode, Region.level)
                          .where(Region.kode == k)).one_or_none()
    if row is None or row.level != 4:
        raise VerificationError(f"Kode desa/kelurahan tidak dikenal: {k or 'kosong'}.",
                                "Tulis kode Kemendagri 10 digit bertitik, mis. 33.10.01.2001.")
    kec = session.execute(select(Region.nama).where(Region.kode == row.parent_kode)).scalar_one_or_none() or ""
    return row.kode, row.nama, kec


#: A family or member without an ID DTKS is written with the application's own number.
FAMILY_PREFIX, MEMBER_PREFIX = "KEL-", "ART-"
_OWN_RE = re.compile(r"(KEL|ART)-(\d{1,12})", re.IGNORECASE)


def family_key(id_dtks: str | None, household_id: int) -> str:
    return id_dtks or f"{FAMILY_PREFIX}{household_id}"


def member_key(id_dtks: str | None, member_id: int) -> str:
    return id_dtks or f"{MEMBER_PREFIX}{member_id}"


def own_number(key: str, prefix: str) -> int | None:
    """The application's number in ``KEL-12`` / ``ART-40`` (None for an ID DTKS)."""
    m = _OWN_RE.fullmatch(key.strip())
    if m and m.group(1).upper() + "-" == prefix:
        return int(m.group(2))
    return None
