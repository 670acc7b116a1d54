"""New families proposed in the field (usulan baru).

Stored as proposals, not in the registry: the village meeting (Musdes/Muskel) decides later.
Each person's NIK is checked as it is typed (:func:`check_nik`: the NIK rules of
``domain/nik.py``, then whether the current civil-registry snapshot knows it, with the name
and birth date it holds), and again when the proposal is saved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DukcapilPerson, VerificationProposal, VerificationProposalMember
from dtks_desktop.domain.formatting import tanggal
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.nik import normalize_sex, parse_nik
from dtks_desktop.domain.permissions import Capability, sees_full_nik
from dtks_desktop.domain.verification import normalize_rt_rw
from dtks_desktop.services.core import audit, settings
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.verification.common import VerificationError, current_round, desa_info, \
    get_or_add_petugas


@dataclass(frozen=True)
class NikCheck:
    nik: str
    valid: bool
    errors: list[str]
    warnings: list[str]
    dukcapil: bool  # the current civil-registry snapshot holds this NIK
    dukcapil_nama: str | None = None
    dukcapil_tanggal_lahir: date | None = None
    dukcapil_jenis_kelamin: str | None = None
    snapshot: bool = True  # False: no civil-registry extract imported yet

    def text(self) -> str:
        """One Indonesian line for the form."""
        if not self.valid:
            return "NIK tidak sah: " + "; ".join(self.errors)
        if not self.snapshot:
            return "NIK sah; data Dukcapil belum diimpor, tidak dapat diperiksa."
        if not self.dukcapil:
            return "NIK sah, tetapi TIDAK ADA di data Dukcapil yang sekarang."
        return (f"Ada di data Dukcapil: {self.dukcapil_nama}, lahir {tanggal(self.dukcapil_tanggal_lahir) or '-'}"
                + (f" ({'laki-laki' if self.dukcapil_jenis_kelamin == 'L' else 'perempuan'})"
                   if self.dukcapil_jenis_kelamin else "") + ".")


def check_nik(session: Session, actor: Actor, nik: str, *, tanggal_lahir: date | None = None,
              jenis_kelamin: str | None = None) -> NikCheck:
    """The NIK rules, then the civil-registry snapshot (name and birth date it holds)."""
    require(session, actor, Capability.VERIFY_ENTER, detail="periksa NIK usulan baru")
    s = (nik or "").strip()
    info = parse_nik(s, record_birth_date=tanggal_lahir, record_sex=jenis_kelamin)
    errors = [i.message for i in info.errors]
    warnings = [i.message for i in info.warnings]
    if errors:
        return NikCheck(s, False, errors, warnings, False)
    has_snapshot = session.execute(select(DukcapilPerson.id).limit(1)).first() is not None
    p = session.execute(select(DukcapilPerson.nama, DukcapilPerson.tanggal_lahir, DukcapilPerson.jenis_kelamin)
                        .where(DukcapilPerson.nik == s).order_by(DukcapilPerson.id).limit(1)).first()
    if p is None:
        return NikCheck(s, True, [], warnings, False, snapshot=has_snapshot)
    return NikCheck(s, True, [], warnings, True, p[0], p[1], p[2])


@dataclass
class ProposedPerson:
    nama: str
    nik: str | None = None
    tanggal_lahir: date | None = None
    jenis_kelamin: str | None = None
    hubungan: int | None = None


@dataclass
class ProposalInput:
    desa_kode: str
    members: list[ProposedPerson]
    no_kk: str | None = None
    alamat: str | None = None
    rt: str | None = None
    rw: str | None = None
    alasan: str | None = None
    petugas: str | None = None


@dataclass(frozen=True)
class ProposalInfo:
    id: int
    putaran: str
    desa_kode: str
    desa: str
    no_kk: str | None
    alamat: str | None
    kepala: str
    members: int
    not_in_dukcapil: int
    petugas: str | None
    status: str
    details: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@changes(DataKind.REGISTRY)
def create_proposal(session: Session, actor: Actor, data: ProposalInput) -> int:
    """Store a proposed family with its members (each NIK valid or empty, checked against the
    civil-registry snapshot). Returns its id. Audited as ``verify.proposal``."""
    require(session, actor, Capability.VERIFY_ENTER, detail=f"usulan baru {data.desa_kode}")
    kode, desa, _kec = desa_info(session, data.desa_kode)
    if not data.members:
        raise VerificationError("Usulan baru perlu paling sedikit satu anggota (kepala keluarga).")
    no_kk = (data.no_kk or "").strip() or None
    if no_kk and not (len(no_kk) == 16 and no_kk.isdigit()):
        raise VerificationError(f"No KK harus 16 digit angka (tertulis: {no_kk}).")
    try:
        rt, rw = normalize_rt_rw(data.rt), normalize_rt_rw(data.rw)
    except ValueError:
        raise VerificationError("RT dan RW harus angka, mis. 002.") from None
    checks = []
    seen = set()
    for i, p in enumerate(data.members, start=1):
        nama = " ".join((p.nama or "").split())
        if not nama:
            raise VerificationError(f"Anggota ke-{i}: nama kosong.")
        nik = (p.nik or "").strip() or None
        chk = None
        if nik:
            if nik in seen:
                raise VerificationError(f"Anggota ke-{i} ({nama}): NIK {nik} sudah ada di usulan ini.")
            seen.add(nik)
            chk = check_nik(session, actor, nik, tanggal_lahir=p.tanggal_lahir, jenis_kelamin=p.jenis_kelamin)
            if not chk.valid:
                raise VerificationError(f"Anggota ke-{i} ({nama}): {chk.text()}")
        if p.tanggal_lahir and p.tanggal_lahir > date.today():
            raise VerificationError(f"Anggota ke-{i} ({nama}): tanggal lahir di masa depan.")
        checks.append((nama, nik, p, chk))
    petugas_id = get_or_add_petugas(session, data.petugas, None)[0].id if data.petugas else None
    prop = VerificationProposal(putaran=current_round(session), desa_kode=kode, no_kk=no_kk,
                                alamat=" ".join((data.alamat or "").split())[:300] or None, rt=rt, rw=rw,
                                alasan=(data.alasan or "").strip() or None, petugas_id=petugas_id,
                                created_by=actor.id)
    session.add(prop)
    session.flush()
    for nama, nik, p, chk in checks:
        session.add(VerificationProposalMember(
            proposal_id=prop.id, nik=nik, nama=nama, tanggal_lahir=p.tanggal_lahir,
            jenis_kelamin=normalize_sex(p.jenis_kelamin) if p.jenis_kelamin else None, hubungan=p.hubungan,
            dukcapil_ada=bool(chk and chk.dukcapil), dukcapil_nama=chk.dukcapil_nama if chk else None,
            dukcapil_tanggal_lahir=chk.dukcapil_tanggal_lahir if chk else None))
    missing = sum(1 for *_x, c in checks if not (c and c.dukcapil))
    audit.record(session, actor, "verify.proposal", entity_type="proposal", entity_id=prop.id,
                 summary=f"Usulan baru {desa}: keluarga {checks[0][0]}, {len(checks)} anggota"
                         + (f", {missing} tidak ada di data Dukcapil" if missing else ""),
                 new={"desa_kode": kode, "no_kk": no_kk, "anggota": [c[0] for c in checks]})
    session.flush()
    return prop.id


def list_proposals(session: Session, actor: Actor, desa: str | None = None) -> list[ProposalInfo]:
    from dtks_desktop.db.models import Region, VerificationPetugas

    full = sees_full_nik(actor)
    policy = settings.mask_policy(session)
    q = select(VerificationProposal).order_by(VerificationProposal.id)
    if desa:
        q = q.where(VerificationProposal.desa_kode == desa_info(session, desa)[0])
    out = []
    for p in session.execute(q).scalars():
        ms = session.execute(select(VerificationProposalMember).where(VerificationProposalMember.proposal_id == p.id)
                             .order_by(VerificationProposalMember.id)).scalars().all()
        desa_name = session.get(Region, p.desa_kode).nama
        pet = session.get(VerificationPetugas, p.petugas_id).nama if p.petugas_id else None
        out.append(ProposalInfo(
            p.id, p.putaran, p.desa_kode, desa_name, p.no_kk if full else (mask_nik(p.no_kk, policy) or None),
            p.alamat, ms[0].nama if ms else "-", len(ms), sum(1 for m in ms if not m.dukcapil_ada), pet, p.status,
            [{"nama": m.nama, "nik": m.nik if full else mask_nik(m.nik, policy), "dukcapil": m.dukcapil_ada}
             for m in ms]))
    return out
