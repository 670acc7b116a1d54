"""Findings per family and member: the entry page's reads and :func:`save_family`.

A family's findings for a round are saved as a whole (the GUI saves one family at a time; an
import saves every family of the sheet in one transaction): an earlier save of the same family
and round is replaced. Corrections are applied to the registry through the audited edits
(``registry.update_member`` / ``update_household``); a corrected NIK is kept in
``identity_history`` (source ``koreksi_verifikasi``) exactly as a matching correction is, and
the member's matching result, which was about the old NIK, is removed: the next (incremental)
matching run matches the member again as one without a result. The kelayakan moves the family to
``layak`` / ``tidak_layak`` (``family_status.after_finding``); a family in a batch awaiting a
decision keeps its status and :attr:`SaveResult.status_note` says why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, aliased

from dtks_desktop.db.models import DukcapilPerson, Household, IdentityHistory, MatchResult, Member, \
    VerificationAssignment, VerificationFamily, VerificationMember, VerificationPetugas, utcnow
from dtks_desktop.domain.family import hubungan_label
from dtks_desktop.domain.formatting import tanggal
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.nik import parse_nik
from dtks_desktop.domain.permissions import Capability, sees_full_nik
from dtks_desktop.domain.verification import Keberadaan, normalize_rt_rw, parse_keberadaan, parse_kelayakan
from dtks_desktop.services.core import audit, family_status, settings
from dtks_desktop.services.core.common import DataKind
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.registry import update_household, update_member
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.matching.records import cleaned_flags
from dtks_desktop.services.verification.common import NOT_VISITED, SOURCE_APP, VerificationError, current_round, \
    desa_info, family_key, find_petugas, get_or_add_petugas, member_key
from dtks_desktop.services.verification.worksheets import SheetMember

IDENTITY_SOURCE = "koreksi_verifikasi"


class FieldProblem(ValueError):
    """One value of a finding that cannot be used: ``field`` and an Indonesian ``message``."""

    def __init__(self, field_name: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.code = code
        self.message = message


# --- checking one value ------------------------------------------------------------------------

def clean_keberadaan(value: object) -> str | None:
    try:
        k = parse_keberadaan(value)
    except ValueError:
        raise FieldProblem("keberadaan", "keberadaan_tidak_dikenal",
                           f"Keberadaan '{value}' tidak dikenal. Pilih: {', '.join(k.value for k in Keberadaan)}."
                           ) from None
    return k.value if k else None


def clean_kelayakan(value: object) -> str | None:
    try:
        k = parse_kelayakan(value)
    except ValueError:
        raise FieldProblem("kelayakan", "kelayakan_tidak_dikenal",
                           f"Kelayakan '{value}' tidak dikenal. Pilih: layak, tidak layak, mampu.") from None
    return k.value if k else None


def clean_nik(value: str | None, field_name: str = "koreksi_nik") -> str | None:
    """A corrected NIK: 16 digits with a possible birth date and serial, else FieldProblem."""
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    info = parse_nik(s)
    if not info.ok:
        raise FieldProblem(field_name, "nik_koreksi_tidak_sah",
                           f"Koreksi NIK {s} bukan NIK yang sah: {info.errors[0].message}.")
    return s


def clean_rt_rw(value: object, field_name: str) -> str | None:
    try:
        return normalize_rt_rw(value)
    except ValueError:
        label = "RT" if field_name.endswith("rt") else "RW"
        raise FieldProblem(field_name, f"{label.lower()}_tidak_sah",
                           f"Koreksi {label} harus angka paling banyak 3 digit (tertulis: {value}).") from None


def clean_date(value: date | None, field_name: str, label: str, *, today: date | None = None) -> date | None:
    if value is None:
        return None
    ref = today or date.today()
    if value > ref:
        raise FieldProblem(field_name, "tanggal_masa_depan", f"{label} {tanggal(value)} ada di masa depan.")
    if value.year < 1900:
        raise FieldProblem(field_name, "tanggal_mustahil", f"{label} {tanggal(value)} sebelum tahun 1900.")
    return value


def _text(value: object, limit: int) -> str | None:
    s = " ".join(str(value).split()) if value is not None else ""
    return s[:limit] or None


# --- entries --------------------------------------------------------------------------------------

@dataclass
class MemberEntry:
    member_id: int | None  # None: a new member found in the family (keberadaan "anggota baru")
    keberadaan: str | None = None
    koreksi_nama: str | None = None
    koreksi_nik: str | None = None
    koreksi_tanggal_lahir: date | None = None
    catatan: str | None = None

    def is_empty(self) -> bool:
        return not any((self.keberadaan, self.koreksi_nama, self.koreksi_nik, self.koreksi_tanggal_lahir,
                        self.catatan))


@dataclass
class FamilyEntry:
    household_id: int
    kelayakan: str | None = None
    koreksi_alamat: str | None = None
    koreksi_rt: str | None = None
    koreksi_rw: str | None = None
    catatan: str | None = None
    tanggal_kunjungan: date | None = None
    petugas: str | None = None
    members: list[MemberEntry] = field(default_factory=list)


def check_entry(entry: FamilyEntry) -> FamilyEntry:
    """The entry with every value checked and normalised; FieldProblem on the first bad one."""
    members = []
    for m in entry.members:
        k = clean_keberadaan(m.keberadaan)
        nama = _text(m.koreksi_nama, 200)
        if m.member_id is None and k != Keberadaan.ANGGOTA_BARU:
            raise FieldProblem("keberadaan", "anggota_baru_tanpa_tanda",
                               "Baris tanpa anggota DTKS hanya untuk anggota baru: isi Keberadaan 'anggota baru'.")
        if m.member_id is None and not nama:
            raise FieldProblem("koreksi_nama", "anggota_baru_tanpa_nama", "Anggota baru perlu nama (kolom Koreksi Nama).")
        members.append(MemberEntry(m.member_id, k, nama, clean_nik(m.koreksi_nik),
                                   clean_date(m.koreksi_tanggal_lahir, "koreksi_tanggal_lahir", "Koreksi tanggal lahir"),
                                   _text(m.catatan, 2000)))
    return FamilyEntry(entry.household_id, clean_kelayakan(entry.kelayakan), _text(entry.koreksi_alamat, 300),
                       clean_rt_rw(entry.koreksi_rt, "koreksi_rt"), clean_rt_rw(entry.koreksi_rw, "koreksi_rw"),
                       _text(entry.catatan, 2000),
                       clean_date(entry.tanggal_kunjungan, "tanggal_kunjungan", "Tanggal kunjungan"),
                       _text(entry.petugas, 120), members)


@dataclass(frozen=True)
class SaveResult:
    household_id: int
    putaran: str
    members: int
    nik_corrected: int
    registry_changed: bool
    replaced: bool  # an earlier save of this family and round was replaced
    status: str = ""  # the family's status after the save
    status_moved: bool = False  # the kelayakan moved it (layak / tidak_layak)
    status_note: str | None = None  # why the status did not move (a family in an open batch ...)

    @property
    def changes(self) -> frozenset[DataKind]:
        return frozenset({DataKind.REGISTRY} | ({DataKind.MATCHING} if self.nik_corrected else set()))


def save_family(session: Session, actor: Actor, entry: FamilyEntry, *, source: str = SOURCE_APP,
                checked: bool = False) -> SaveResult:
    """Save one family's findings for the current round (replacing an earlier save), apply its
    corrections to the registry and audit it. ``VerificationError`` / ``FieldProblem`` (Indonesian)
    when a value or the family is wrong; nothing is then written by this call."""
    require(session, actor, Capability.VERIFY_ENTER, detail=f"keluarga #{entry.household_id}")
    e = entry if checked else check_entry(entry)
    h = session.get(Household, e.household_id)
    if h is None or h.status in NOT_VISITED:
        raise VerificationError(f"Keluarga #{e.household_id} tidak ada di data DTKS.")
    putaran = current_round(session)
    members = {m.id: m for m in session.execute(select(Member).where(Member.household_id == h.id)).scalars()}
    for m in e.members:
        if m.member_id is not None and m.member_id not in members:
            raise VerificationError(f"Anggota #{m.member_id} bukan anggota keluarga ini.")
    assignment = session.execute(select(VerificationAssignment).where(
        VerificationAssignment.putaran == putaran, VerificationAssignment.household_id == h.id)).scalar_one_or_none()
    petugas_id = assignment.petugas_id if assignment else None
    if e.petugas:
        p = find_petugas(session, e.petugas)
        if p is None:
            p, _ = get_or_add_petugas(session, e.petugas, None)
        petugas_id = p.id
    if assignment is None and petugas_id is not None:
        session.add(VerificationAssignment(putaran=putaran, household_id=h.id, desa_kode=h.desa_kode,
                                           petugas_id=petugas_id, assigned_by=actor.id))
    vf = session.execute(select(VerificationFamily).where(
        VerificationFamily.putaran == putaran, VerificationFamily.household_id == h.id)).scalar_one_or_none()
    replaced = vf is not None
    if vf is None:
        vf = VerificationFamily(putaran=putaran, household_id=h.id, desa_kode=h.desa_kode, sumber=source)
        session.add(vf)
    else:
        session.execute(delete(VerificationMember).where(VerificationMember.family_id == vf.id))
    vf.kelayakan, vf.koreksi_alamat, vf.koreksi_rt, vf.koreksi_rw = (e.kelayakan, e.koreksi_alamat, e.koreksi_rt,
                                                                    e.koreksi_rw)
    vf.catatan, vf.tanggal_kunjungan, vf.petugas_id, vf.sumber = e.catatan, e.tanggal_kunjungan, petugas_id, source
    vf.entered_by = actor.id
    vf.entered_at = utcnow()
    session.flush()
    why = f"Koreksi hasil verifikasi lapangan putaran {putaran}"
    n_nik = 0
    changed = False
    for m in e.members:
        session.add(VerificationMember(family_id=vf.id, member_id=m.member_id, keberadaan=m.keberadaan,
                                       koreksi_nama=m.koreksi_nama, koreksi_nik=m.koreksi_nik,
                                       koreksi_tanggal_lahir=m.koreksi_tanggal_lahir, catatan=m.catatan))
        if m.member_id is None:
            continue
        mem = members[m.member_id]
        edit = {}
        if m.koreksi_nama and m.koreksi_nama != mem.nama:
            edit["nama"] = m.koreksi_nama
        if m.koreksi_tanggal_lahir and m.koreksi_tanggal_lahir != mem.tanggal_lahir:
            edit["tanggal_lahir"] = m.koreksi_tanggal_lahir
        old_nik = mem.nik
        if m.koreksi_nik and m.koreksi_nik != old_nik:
            edit["nik"] = m.koreksi_nik
        if edit:
            update_member(session, actor, mem.id, edit, reason=why)
            changed = True
        if "nik" in edit:
            n_nik += 1
            mem.nik_raw = m.koreksi_nik
            mem.nik_flags = cleaned_flags(mem.nik_flags)
            session.add(IdentityHistory(member_id=mem.id, field="nik", old_value=old_nik, new_value=m.koreksi_nik,
                                        source=IDENTITY_SOURCE, user_id=actor.id))
            # The result was about the old NIK: the next matching run matches the member again.
            session.execute(delete(MatchResult).where(MatchResult.member_id == mem.id))
    hedit = {}
    if e.koreksi_alamat and e.koreksi_alamat != h.alamat:
        hedit["alamat"] = e.koreksi_alamat
    if e.koreksi_rt and e.koreksi_rt != h.rt:
        hedit["rt"] = e.koreksi_rt
    if e.koreksi_rw and e.koreksi_rw != h.rw:
        hedit["rw"] = e.koreksi_rw
    if hedit:
        update_household(session, actor, h.id, hedit, reason=why)
        changed = True
    new = {"putaran": putaran, "kelayakan": e.kelayakan, "tanggal_kunjungan": e.tanggal_kunjungan,
           "petugas_id": petugas_id, "sumber": source,
           "anggota": [{"member_id": m.member_id, "keberadaan": m.keberadaan,
                        "koreksi": [k for k in ("koreksi_nama", "koreksi_nik", "koreksi_tanggal_lahir")
                                    if getattr(m, k)]} for m in e.members]}
    moved, note = family_status.after_finding(session, actor, h, e.kelayakan, putaran)
    new["status_keluarga"] = h.status
    audit.record(session, actor, "verify.finding", entity_type="household", entity_id=h.id,
                 summary=f"Hasil verifikasi KK {h.no_kk or h.id} putaran {putaran}"
                         + (" (diganti)" if replaced else "") + (f", {n_nik} NIK dikoreksi" if n_nik else ""),
                 new=new)
    session.flush()
    return SaveResult(h.id, putaran, len(e.members), n_nik, changed, replaced, h.status, moved, note)


# --- reads for the entry page ---------------------------------------------------------------------

@dataclass(frozen=True)
class FamilyItem:
    household_id: int
    key: str
    kepala: str
    no_kk: str  # masked unless the actor sees full NIKs
    rt: str | None
    rw: str | None
    petugas: str | None
    done: bool
    members: int


def desa_families(session: Session, actor: Actor, desa: str, petugas: str | None = None) -> list[FamilyItem]:
    """The families of a desa (of one petugas when given) for the entry page, done ones marked."""
    kode, _nama, _kec = desa_info(session, desa)
    putaran = current_round(session)
    full = sees_full_nik(actor)
    policy = settings.mask_policy(session)
    A = aliased(VerificationAssignment)
    P = aliased(VerificationPetugas)
    F = aliased(VerificationFamily)
    q = (select(Household.id, Household.no_kk, Household.rt, Household.rw, P.nama, F.id)
         .outerjoin(A, (A.household_id == Household.id) & (A.putaran == putaran))
         .outerjoin(P, P.id == A.petugas_id)
         .outerjoin(F, (F.household_id == Household.id) & (F.putaran == putaran))
         .where(Household.desa_kode == kode, Household.status.not_in(NOT_VISITED)))
    if petugas:
        q = q.where(P.nama_key == " ".join(petugas.split()).upper())
    rows = session.execute(q).all()
    heads: dict[int, tuple[str, int]] = {}
    for hid, nama, hub, n in _heads(session, kode):
        heads[hid] = (nama, n)
    out = []
    for hid, no_kk, rt, rw, pnama, fid in rows:
        kepala, n = heads.get(hid, ("-", 0))
        if n == 0:
            continue
        out.append(FamilyItem(hid, family_key(None, hid), kepala, (no_kk or "") if full else mask_nik(no_kk, policy),
                              rt, rw, pnama, fid is not None, n))
    out.sort(key=lambda f: (f.rw or "", f.rt or "", f.kepala, f.household_id))
    return out


def _heads(session: Session, kode: str):
    """(household id, head's name, hubungan, member count) per family of a desa."""
    rows = session.execute(select(Member.household_id, Member.nama, Member.hubungan)
                           .join(Household, Household.id == Member.household_id)
                           .where(Household.desa_kode == kode, Member.status != "dihapus")
                           .order_by(Member.household_id, Member.hubungan, Member.id)).all()
    out = []
    last = None
    for hid, nama, hub in rows:
        if hid != last:
            out.append([hid, nama, hub, 0])
            last = hid
        out[-1][3] += 1
    return [tuple(r) for r in out]


@dataclass
class MemberRow:
    member_id: int
    key: str
    nama: str
    nik: str  # masked unless the actor sees full NIKs
    hubungan: str
    tanggal_lahir: str
    dukcapil: str
    keberadaan: str | None = None
    koreksi_nama: str | None = None
    koreksi_nik: str | None = None
    koreksi_tanggal_lahir: date | None = None
    catatan: str | None = None


@dataclass
class FamilyDetail:
    household_id: int
    key: str
    no_kk: str
    alamat: str | None
    rt: str | None
    rw: str | None
    dusun: str | None
    petugas: str | None
    putaran: str
    kelayakan: str | None
    koreksi_alamat: str | None
    koreksi_rt: str | None
    koreksi_rw: str | None
    catatan: str | None
    tanggal_kunjungan: date | None
    done: bool
    members: list[MemberRow]
    new_members: list[MemberEntry]

    def as_dict(self) -> dict:
        return asdict(self)


def family_detail(session: Session, actor: Actor, household_id: int) -> FamilyDetail:
    """One family with its members, what the civil registry says, and the findings saved so far."""
    h = session.get(Household, household_id)
    if h is None:
        raise VerificationError(f"Keluarga #{household_id} tidak ada.")
    putaran = current_round(session)
    full = sees_full_nik(actor)
    policy = settings.mask_policy(session)
    a = session.execute(select(VerificationPetugas.nama).join(
        VerificationAssignment, VerificationAssignment.petugas_id == VerificationPetugas.id).where(
        VerificationAssignment.putaran == putaran, VerificationAssignment.household_id == h.id)).scalar_one_or_none()
    vf = session.execute(select(VerificationFamily).where(
        VerificationFamily.putaran == putaran, VerificationFamily.household_id == h.id)).scalar_one_or_none()
    saved: dict[int | None, list[VerificationMember]] = {}
    petugas = a
    if vf is not None:
        for vm in session.execute(select(VerificationMember).where(VerificationMember.family_id == vf.id)
                                  .order_by(VerificationMember.id)).scalars():
            saved.setdefault(vm.member_id, []).append(vm)
        if vf.petugas_id:
            petugas = session.get(VerificationPetugas, vf.petugas_id).nama
    rows = []
    q = (select(Member.id, Member.id_dtks, Member.nama, Member.nik, Member.hubungan, Member.jenis_kelamin,
                Member.tanggal_lahir, MatchResult.status, DukcapilPerson.nama, DukcapilPerson.tanggal_lahir)
         .outerjoin(MatchResult, MatchResult.member_id == Member.id)
         .outerjoin(DukcapilPerson, DukcapilPerson.id == MatchResult.dukcapil_id)
         .where(Member.household_id == h.id, Member.status != "dihapus")
         .order_by(Member.hubungan, Member.tanggal_lahir, Member.id))
    for r in session.execute(q):
        sm = SheetMember(r[0], member_key(r[1], r[0]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
        duk = sm.dukcapil_line
        row = MemberRow(sm.member_id, sm.key, sm.nama, (sm.nik or "") if full else mask_nik(sm.nik, policy),
                        hubungan_label(sm.hubungan), tanggal(sm.tanggal_lahir), duk)
        vm = (saved.get(sm.member_id) or [None])[0]
        if vm is not None:
            row.keberadaan, row.koreksi_nama, row.koreksi_tanggal_lahir, row.catatan = (
                vm.keberadaan, vm.koreksi_nama, vm.koreksi_tanggal_lahir, vm.catatan)
            row.koreksi_nik = (vm.koreksi_nik or None) if full or not vm.koreksi_nik else mask_nik(vm.koreksi_nik,
                                                                                                     policy)
        rows.append(row)
    new = [MemberEntry(None, vm.keberadaan, vm.koreksi_nama, vm.koreksi_nik if full else mask_nik(vm.koreksi_nik,
                                                                                                  policy) or None,
                       vm.koreksi_tanggal_lahir, vm.catatan) for vm in saved.get(None, [])]
    return FamilyDetail(h.id, family_key(None, h.id), (h.no_kk or "") if full else mask_nik(h.no_kk, policy),
                        h.alamat, h.rt, h.rw, h.dusun, petugas, putaran,
                        vf.kelayakan if vf else None, vf.koreksi_alamat if vf else None,
                        vf.koreksi_rt if vf else None, vf.koreksi_rw if vf else None, vf.catatan if vf else None,
                        vf.tanggal_kunjungan if vf else None, vf is not None, rows, new)
