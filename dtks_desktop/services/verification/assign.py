"""Families of a desa (or one RW of it) to a petugas, for the current round."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Household, VerificationAssignment
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.verification import PERAN_LABELS, Peran, normalize_rt_rw, parse_peran
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.common import DataKind
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.verification.common import NOT_VISITED, VerificationError, desa_info, fix_round, \
    get_or_add_petugas


@dataclass(frozen=True)
class AssignResult:
    desa_kode: str
    desa: str
    petugas: str
    peran: str
    putaran: str
    rw: str | None
    assigned: int  # families now with this petugas that had none
    moved: int  # families taken from another petugas
    unchanged: int  # already with this petugas
    changes: frozenset = frozenset({DataKind.REGISTRY, DataKind.SETTINGS})

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("changes")
        return d

    def summary_text(self) -> str:
        where = f"{self.desa}" + (f" RW {self.rw}" if self.rw else "")
        return (f"{self.assigned + self.moved + self.unchanged} keluarga {where} ditugaskan kepada {self.petugas} "
                f"({self.peran}), putaran {self.putaran}: {self.assigned} baru, {self.moved} dipindahkan dari "
                f"petugas lain, {self.unchanged} sudah sebelumnya.")


def assign(session: Session, actor: Actor, desa: str, petugas: str, *, peran: str | Peran | None = None,
           rw: str | None = None) -> AssignResult:
    """Give the families of ``desa`` (only RW ``rw`` when given) to the petugas ``petugas``.

    A petugas unknown by that name is added (role ``peran``, default Petugas Pendata); a known
    one keeps its role unless ``peran`` is given. A family already with another petugas in this
    round moves to this one. One audit event.
    """
    require(session, actor, Capability.VERIFY_ASSIGN, detail=f"desa {desa}")
    kode, nama, _kec = desa_info(session, desa)
    role = None
    if peran is not None and peran != "":
        try:
            role = parse_peran(peran) if not isinstance(peran, Peran) else peran
        except ValueError:
            raise VerificationError(f"Peran petugas tidak dikenal: {peran}. Pilih PSM, Petugas Pendata atau TKSK."
                                    ) from None
    want_rw = None
    if rw not in (None, ""):
        try:
            want_rw = normalize_rt_rw(rw)
        except ValueError:
            raise VerificationError(f"RW harus angka, mis. 002 (tertulis: {rw}).") from None
    putaran = fix_round(session, actor)
    p, _new = get_or_add_petugas(session, petugas, role)
    families = session.execute(select(Household.id, Household.rw).where(
        Household.desa_kode == kode, Household.status.not_in(NOT_VISITED)).order_by(Household.id)).all()
    ids = []
    for hid, hrw in families:
        if want_rw is not None:
            try:
                if normalize_rt_rw(hrw) != want_rw:
                    continue
            except ValueError:
                continue
        ids.append(hid)
    if not ids:
        where = f"{nama}" + (f" RW {want_rw}" if want_rw else "")
        raise VerificationError(f"Tidak ada keluarga DTKS di {where}.",
                                "Periksa kode desa dan RW, atau impor data DTKS desa itu dulu.")
    existing = {a.household_id: a for a in session.execute(
        select(VerificationAssignment).where(VerificationAssignment.putaran == putaran,
                                             VerificationAssignment.desa_kode == kode)).scalars()}
    n_new = n_moved = n_same = 0
    for hid in ids:
        a = existing.get(hid)
        if a is None:
            session.add(VerificationAssignment(putaran=putaran, household_id=hid, desa_kode=kode, petugas_id=p.id,
                                               assigned_by=actor.id))
            n_new += 1
        elif a.petugas_id != p.id:
            a.petugas_id, a.assigned_by = p.id, actor.id
            n_moved += 1
        else:
            n_same += 1
    label = PERAN_LABELS[Peran(p.peran)]
    result = AssignResult(kode, nama, p.nama, label, putaran, want_rw, n_new, n_moved, n_same)
    audit.record(session, actor, "verify.assign", entity_type="desa", summary=result.summary_text(),
                 new=result.as_dict())
    session.flush()
    return result
