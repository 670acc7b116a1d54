"""Meetings: create one per desa and round (its decisions pre-filled from the field verification and
the matching), change its details and participants, and finalize it when the signed Berita Acara
comes back (which moves the families it decided on: ``family_status.after_musdes``). A final
meeting is changed only by a new meeting for the same desa and round: the new one starts from the
old one's decisions, and the old one stays readable with status ``diganti``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import DukcapilPerson, Household, MatchResult, Member, MusdesDecision, MusdesMeeting, MusdesParticipant, \
    VerificationFamily, VerificationMember, VerificationProposal, VerificationProposalMember
from dtks_desktop.domain.formatting import tanggal as fmt_tanggal
from dtks_desktop.domain.musdes import REMOVING_KELAYAKAN, Decision, Reason, is_padan, meeting_kind, parse_unsur, \
    reason_for_keberadaan, terms
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.verification import Keberadaan
from dtks_desktop.domain.workflow.matching import MatchStatus
from dtks_desktop.domain.workflow.musdes import MEETING, MeetingStatus
from dtks_desktop.domain.workflow.registry import HouseholdStatus, MemberStatus
from dtks_desktop.services.core import audit, family_status, workflow
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.musdes.common import MeetingView, MusdesError, Participant, ParticipantProblem, \
    ParticipantsImport, current_row, desa_info, meeting_row, require_open, view_of
from dtks_desktop.services.verification.common import current_round

__all__ = ["create_meeting", "get_meeting", "current_meeting", "list_meetings", "update_meeting", "set_participants",
           "import_participants", "finalize", "cancel_meeting", "default_agenda", "first_finding_date"]

#: The decision column "is the NIK padan" (named by the model, not spelled as a match-status word here).
PADAN_COL = MusdesDecision.padan.key
MAX_SCAN_BYTES = 25 * 1024 * 1024
MAX_TEXT = {"tempat": 200, "ketua": 120, "notulis": 120, "agenda": 2000}


def default_agenda(desa_kode: str, desa_nama: str) -> str:
    t = terms(desa_kode)
    return (f"Verifikasi dan validasi Data Terpadu Kesejahteraan Sosial (DTKS) {t.unit} {desa_nama}: penetapan "
            "keluarga yang tetap, usulan baru, penghapusan data beserta alasannya, dan perbaikan data.")


def first_finding_date(session: Session, desa_kode: str, putaran: str) -> date | None:
    """The day of the round's first finding in the desa (visit date, else the day it was entered)."""
    visit, entered = session.execute(
        select(func.min(VerificationFamily.tanggal_kunjungan), func.min(VerificationFamily.entered_at))
        .where(VerificationFamily.desa_kode == desa_kode, VerificationFamily.putaran == putaran)).one()
    if visit is not None:
        return visit
    if entered is not None:
        return entered.date() if isinstance(entered, datetime) else entered
    return None


def _parse_time(value) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    text = str(value or "").strip().replace(".", ":")
    try:
        h, m = text.split(":")
        return time(int(h), int(m))
    except (ValueError, TypeError):
        raise MusdesError(f"Jam musyawarah '{value}' tidak valid: tulis JJ:MM, mis. 09:00.") from None


def _parse_date(value, what: str = "Tanggal musyawarah") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise MusdesError(f"{what} '{value}' tidak valid: tulis TAHUN-BULAN-HARI, mis. 2026-12-04.") from None


def _text(field: str, value, *, required: bool = False) -> str | None:
    text = " ".join(str(value or "").split()) if field != "agenda" else str(value or "").strip()
    if not text:
        if required:
            raise MusdesError(f"{field.capitalize()} musyawarah wajib diisi.")
        return None
    if len(text) > MAX_TEXT[field]:
        raise MusdesError(f"{field.capitalize()} musyawarah paling panjang {MAX_TEXT[field]} karakter.")
    return text


def _check_date(session: Session, desa_kode: str, putaran: str, tanggal: date) -> None:
    if tanggal > date.today():
        raise MusdesError(f"Tanggal musyawarah {fmt_tanggal(tanggal)} belum terjadi (di masa depan).",
                          "Catat musyawarah setelah dilaksanakan, dengan tanggal pelaksanaannya.")
    first = first_finding_date(session, desa_kode, putaran)
    if first is not None and tanggal < first:
        raise MusdesError(f"Tanggal musyawarah {fmt_tanggal(tanggal)} lebih awal dari temuan verifikasi lapangan "
                          f"pertama desa ini pada putaran {putaran} ({fmt_tanggal(first)}).",
                          "Musyawarah membahas hasil verifikasi: periksa tanggalnya.")


# --- prefill ---------------------------------------------------------------------------------------

def _prefill_rows(session: Session, meeting_id: int, desa_kode: str, putaran: str) -> tuple[list[dict], int]:
    """Decision rows from the registry, the round's findings, the matching and the proposals;
    and the number of families with findings."""
    VF, VM = VerificationFamily, VerificationMember
    q = (select(Household.id, Household.no_kk, Household.alamat, Household.rt, Household.rw, Household.status,
                Member.id, Member.id_dtks, Member.nama, Member.nik, Member.hubungan, Member.status,
                MatchResult.status, MatchResult.decision,
                VF.id, VF.kelayakan, VF.koreksi_alamat, VF.koreksi_rt, VF.koreksi_rw,
                VM.keberadaan, VM.koreksi_nama, VM.koreksi_nik, VM.koreksi_tanggal_lahir)
         .join(Member, Member.household_id == Household.id)
         .outerjoin(MatchResult, MatchResult.member_id == Member.id)
         .outerjoin(VF, and_(VF.household_id == Household.id, VF.putaran == putaran))
         .outerjoin(VM, and_(VM.family_id == VF.id, VM.member_id == Member.id))
         .where(Household.desa_kode == desa_kode, Household.status != HouseholdStatus.DIHAPUS.value,
                Member.status != MemberStatus.DIHAPUS.value)
         .order_by(Household.rw, Household.rt, Household.id, Member.hubungan, Member.id))
    rows: list[dict] = []
    families_found: set[int] = set()
    for (hid, no_kk, alamat, rt, rw, hstatus, mid, id_dtks, nama, nik, hub, mstatus, mstat, mdec,
         vfid, kelayakan, k_alamat, k_rt, k_rw, keberadaan, k_nama, k_nik, k_tgl) in session.execute(q):
        padan = is_padan(mstat, mdec)
        decision, reason, source, notes = Decision.TETAP, None, "pemadanan", []
        if vfid is not None:
            families_found.add(hid)
            source = "verifikasi"
        removal = reason_for_keberadaan(keberadaan)
        fixes = [label for label, v in (("nama", k_nama), ("NIK", k_nik), ("tanggal lahir", k_tgl),
                                        ("alamat", k_alamat), ("RT", k_rt), ("RW", k_rw)) if v]
        if removal is not None:
            decision, reason = Decision.HAPUS, removal
            notes.append(f"Keberadaan: {keberadaan}")
        elif kelayakan in REMOVING_KELAYAKAN:
            decision, reason = Decision.HAPUS, Reason.MAMPU
            notes.append(f"Kelayakan keluarga: {kelayakan}")
        elif hstatus == HouseholdStatus.USULAN_BARU.value:
            if padan:
                decision = Decision.USULAN_BARU
            else:
                notes.append("Usulan baru, tetapi NIK belum padan dengan Dukcapil: diusulkan hanya dengan alasan "
                             "pengecualian")
        elif fixes:
            decision = Decision.PERBAIKAN_DATA
            notes.append("Koreksi " + ", ".join(fixes))
        if vfid is None and mstat == MatchStatus.GANDA:
            notes.append("Ganda menurut pemadanan, tanpa temuan lapangan: bahas dalam musyawarah")
        rows.append({"meeting_id": meeting_id, "household_id": hid, "member_id": mid, "proposal_member_id": None,
                     "id_dtks": id_dtks, "nama": nama, "nik": nik, "no_kk": no_kk, "hubungan": hub, "alamat": alamat,
                     "rt": rt, "rw": rw, "decision": decision.value, "reason": reason.value if reason else None,
                     "source": source, "match_status": mstat, PADAN_COL: padan, "override_reason": None,
                     "note": "; ".join(notes) or None, "urut": len(rows) + 1})
    # New members found in the field in a registered family (keberadaan "anggota baru"): proposed new
    # when their NIK is in the current civil-registry snapshot, otherwise only with an override.
    batch_id = session.execute(select(func.max(DukcapilPerson.batch_id))).scalar()
    newcomers = session.execute(
        select(Household.id, Household.no_kk, Household.alamat, Household.rt, Household.rw,
               VM.koreksi_nama, VM.koreksi_nik, VM.id)
        .join(VF, VF.household_id == Household.id)
        .join(VM, VM.family_id == VF.id)
        .where(Household.desa_kode == desa_kode, VF.putaran == putaran, VM.member_id.is_(None),
               VM.keberadaan == Keberadaan.ANGGOTA_BARU.value)
        .order_by(Household.rw, Household.rt, Household.id, VM.id)).all()
    for hid, no_kk, alamat, rt, rw, k_nama, k_nik, vmid in newcomers:
        ada = bool(k_nik) and batch_id is not None and session.execute(
            select(DukcapilPerson.id).where(DukcapilPerson.batch_id == batch_id, DukcapilPerson.nik == k_nik)
            .limit(1)).first() is not None
        families_found.add(hid)
        rows.append({"meeting_id": meeting_id, "household_id": hid, "member_id": None, "proposal_member_id": None,
                     "id_dtks": None, "nama": k_nama or "(tanpa nama)", "nik": k_nik, "no_kk": no_kk, "hubungan": None,
                     "alamat": alamat, "rt": rt, "rw": rw,
                     "decision": (Decision.USULAN_BARU if ada else Decision.TETAP).value, "reason": None,
                     "source": "verifikasi",
                     "match_status": (MatchStatus.PADAN if ada else MatchStatus.TIDAK_PADAN).value,
                     PADAN_COL: ada, "override_reason": None,
                     "note": "Anggota baru dari lapangan" + ("" if ada else
                                                             "; NIK tidak ada di data Dukcapil: diusulkan hanya "
                                                             "dengan alasan pengecualian"),
                     "urut": len(rows) + 1})
    props = session.execute(
        select(VerificationProposal.no_kk, VerificationProposal.alamat, VerificationProposal.rt,
               VerificationProposal.rw, VerificationProposalMember.id, VerificationProposalMember.nama,
               VerificationProposalMember.nik, VerificationProposalMember.hubungan,
               VerificationProposalMember.dukcapil_ada)
        .join(VerificationProposalMember, VerificationProposalMember.proposal_id == VerificationProposal.id)
        .where(VerificationProposal.desa_kode == desa_kode, VerificationProposal.putaran == putaran,
               VerificationProposal.status == "usulan_baru")
        .order_by(VerificationProposal.id, VerificationProposalMember.hubungan, VerificationProposalMember.id))
    for no_kk, alamat, rt, rw, pmid, nama, nik, hub, ada in props:
        rows.append({"meeting_id": meeting_id, "household_id": None, "member_id": None, "proposal_member_id": pmid,
                     "id_dtks": None, "nama": nama, "nik": nik, "no_kk": no_kk, "hubungan": hub, "alamat": alamat,
                     "rt": rt, "rw": rw,
                     "decision": (Decision.USULAN_BARU if ada else Decision.TETAP).value, "reason": None,
                     "source": "verifikasi", "match_status": (MatchStatus.PADAN if ada else MatchStatus.TIDAK_PADAN).value,
                     PADAN_COL: bool(ada),
                     "override_reason": None,
                     "note": None if ada else ("Usulan baru dari lapangan; NIK tidak ada di data Dukcapil: diusulkan "
                                               "hanya dengan alasan pengecualian"),
                     "urut": len(rows) + 1})
    return rows, len(families_found)


def _copy_rows(session: Session, old_id: int, new_id: int) -> list[dict]:
    cols = [c.key for c in MusdesDecision.__table__.columns if c.key not in ("id", "meeting_id")]
    out = []
    for d in session.execute(select(MusdesDecision).where(MusdesDecision.meeting_id == old_id)
                             .order_by(MusdesDecision.urut, MusdesDecision.id)).scalars():
        row = {c: getattr(d, c) for c in cols}
        row["meeting_id"] = new_id
        out.append(row)
    return out


# --- meetings --------------------------------------------------------------------------------------

@changes(DataKind.REGISTRY, DataKind.AUDIT)
def create_meeting(session: Session, actor: Actor, desa_kode: str, tanggal, jam, tempat: str, *,
                   ketua: str | None = None, notulis: str | None = None, agenda: str | None = None) -> MeetingView:
    """Record a meeting of ``desa_kode`` in the current verification round, its decisions pre-filled.

    Refused: an unknown desa, a date in the future or before the round's first finding in the desa,
    a meeting of the desa still open in this round. A final meeting of the round is replaced (the
    new one starts from its decisions). A desa without findings is allowed with a warning."""
    require(session, actor, Capability.MUSDES_RECORD, detail=desa_kode)
    kode, desa, _, _ = desa_info(session, desa_kode)
    tanggal = _parse_date(tanggal)
    jam = _parse_time(jam)
    tempat_t = _text("tempat", tempat, required=True)
    putaran = current_round(session)
    _check_date(session, kode, putaran, tanggal)
    old = current_row(session, kode)
    replaced = None
    if old is not None and old.putaran == putaran:
        if old.status != MeetingStatus.FINAL:
            raise MusdesError(f"{terms(kode).unit} {desa} sudah punya musyawarah #{old.id} pada putaran {putaran} "
                              f"(status {MEETING.label(old.status)}).",
                              "Ubah musyawarah itu, atau batalkan dulu (dtks musdes cancel).")
        replaced = old
    from dtks_desktop.services.documents.officials import list_officials

    officials = next(iter(list_officials(session, kode)), None)
    kind = meeting_kind(kode)
    row = MusdesMeeting(desa_kode=kode, kind=kind.value, putaran=putaran, tanggal=tanggal, jam=jam, tempat=tempat_t,
                        ketua=_text("ketua", ketua) or (officials.kepala if officials and officials.kepala else None),
                        notulis=_text("notulis", notulis) or (officials.sekretaris if officials and officials.sekretaris
                                                              else None),
                        agenda=_text("agenda", agenda) or default_agenda(kode, desa), status=MeetingStatus.DRAF.value,
                        replaces_id=replaced.id if replaced else None, created_by=actor.id if actor else None)
    session.add(row)
    session.flush()
    warnings: list[str] = []
    if replaced is not None:
        workflow.apply(session, actor, MEETING, replaced, MeetingStatus.DIGANTI.value, action="musdes.replace",
                       summary=f"Musyawarah #{replaced.id} diganti musyawarah #{row.id}")
        rows = _copy_rows(session, replaced.id, row.id)
        for p in session.execute(select(MusdesParticipant).where(MusdesParticipant.meeting_id == replaced.id)).scalars():
            session.add(MusdesParticipant(meeting_id=row.id, urut=p.urut, nama=p.nama, unsur=p.unsur,
                                          jabatan=p.jabatan))
        warnings.append(f"Mengganti musyawarah #{replaced.id} yang sudah final; keputusannya disalin sebagai awal.")
    else:
        rows, _ = _prefill_rows(session, row.id, kode, putaran)
        found = session.execute(select(func.count()).select_from(VerificationFamily).where(
            VerificationFamily.desa_kode == kode, VerificationFamily.putaran == putaran)).scalar_one()
        if not found:
            warnings.append(f"{terms(kode).unit} {desa} belum punya temuan verifikasi lapangan pada putaran {putaran}: "
                            "keputusan diisi dari pemadanan saja. Bila tidak ada musyawarah, cetak SPTJM "
                            "(dtks musdes sptjm).")
    if not rows:
        warnings.append(f"Tidak ada keluarga {terms(kode).unit.lower()} ini di DTKS dan tidak ada usulan baru.")
    if rows:
        session.execute(insert(MusdesDecision), rows)
    row.warnings = json.dumps(warnings, ensure_ascii=False) if warnings else None
    audit.record(session, actor, "musdes.create", entity_type="musdes_meeting", entity_id=row.id,
                 summary=f"{terms(kode).meeting} {desa} ({kode}) {fmt_tanggal(tanggal)}: {len(rows)} keputusan",
                 new={"desa": kode, "putaran": putaran, "tanggal": tanggal.isoformat(), "jam": jam.strftime("%H:%M"),
                      "tempat": tempat_t, "replaces": replaced.id if replaced else None})
    session.flush()
    return view_of(session, row)


def get_meeting(session: Session, meeting_id: int) -> MeetingView:
    return view_of(session, meeting_row(session, meeting_id))


def current_meeting(session: Session, desa_kode: str) -> MeetingView | None:
    kode, *_ = desa_info(session, desa_kode)
    row = current_row(session, kode)
    return view_of(session, row) if row else None


def list_meetings(session: Session, *, kecamatan: str | None = None, desa: str | None = None) -> list[MeetingView]:
    q = select(MusdesMeeting).order_by(MusdesMeeting.desa_kode, MusdesMeeting.id)
    if desa:
        q = q.where(MusdesMeeting.desa_kode == desa.strip())
    elif kecamatan:
        q = q.where(MusdesMeeting.desa_kode.startswith(kecamatan.strip() + "."))
    return [view_of(session, r) for r in session.execute(q).scalars()]


@changes(DataKind.REGISTRY, DataKind.AUDIT)
def update_meeting(session: Session, actor: Actor, meeting_id: int, **fields) -> MeetingView:
    """Change the date, time, place, chair, minute-taker or agenda of an open meeting."""
    require(session, actor, Capability.MUSDES_RECORD, detail=f"musyawarah #{meeting_id}")
    row = meeting_row(session, meeting_id)
    require_open(row)
    allowed = {"tanggal", "jam", "tempat", "ketua", "notulis", "agenda"}
    unknown = set(fields) - allowed
    if unknown:
        raise MusdesError(f"Kolom {', '.join(sorted(unknown))} tidak dikenal; yang dapat diubah: "
                          f"{', '.join(sorted(allowed))}.")
    new: dict = {}
    for k, v in fields.items():
        if k == "tanggal":
            v = _parse_date(v)
            _check_date(session, row.desa_kode, row.putaran, v)
        elif k == "jam":
            v = _parse_time(v)
        else:
            v = _text(k, v, required=(k == "tempat"))
        if getattr(row, k) != v:
            new[k] = v
    if new:
        old = {k: getattr(row, k) for k in new}
        for k, v in new.items():
            setattr(row, k, v)
        audit.record(session, actor, "musdes.update", entity_type="musdes_meeting", entity_id=row.id,
                     summary=f"Musyawarah #{row.id}: " + ", ".join(sorted(new)),
                     old={k: str(v) if v is not None else None for k, v in old.items()},
                     new={k: str(v) if v is not None else None for k, v in new.items()})
        session.flush()
    return view_of(session, row)


def _clean_participants(items) -> list[Participant]:
    out = []
    for i, p in enumerate(items, 1):
        if isinstance(p, dict):
            p = Participant(p.get("nama", ""), p.get("unsur", ""), p.get("jabatan", "") or "")
        nama = " ".join(str(p.nama or "").split())
        if not nama:
            raise MusdesError(f"Peserta ke-{i}: nama kosong.")
        if len(nama) > 120:
            raise MusdesError(f"Peserta ke-{i} ({nama[:30]}…): nama paling panjang 120 karakter.")
        try:
            unsur = parse_unsur(p.unsur)
        except ValueError as exc:
            raise MusdesError(f"Peserta ke-{i} ({nama}): {exc}") from None
        jabatan = " ".join(str(p.jabatan or "").split())[:120]
        out.append(Participant(nama, (unsur.value if unsur else "lainnya"), jabatan))
    return out


@changes(DataKind.REGISTRY, DataKind.AUDIT)
def set_participants(session: Session, actor: Actor, meeting_id: int, participants) -> MeetingView:
    """Replace the participant list of an open meeting (in the order given)."""
    require(session, actor, Capability.MUSDES_RECORD, detail=f"musyawarah #{meeting_id}")
    row = meeting_row(session, meeting_id)
    require_open(row)
    clean = _clean_participants(participants)
    old = session.execute(select(MusdesParticipant).where(MusdesParticipant.meeting_id == row.id)).scalars().all()
    for p in old:
        session.delete(p)
    session.flush()
    for i, p in enumerate(clean, 1):
        session.add(MusdesParticipant(meeting_id=row.id, urut=i, nama=p.nama, unsur=p.unsur, jabatan=p.jabatan))
    audit.record(session, actor, "musdes.participants", entity_type="musdes_meeting", entity_id=row.id,
                 summary=f"Musyawarah #{row.id}: {len(clean)} peserta (sebelumnya {len(old)})",
                 new={"peserta": len(clean)}, old={"peserta": len(old)})
    session.flush()
    return view_of(session, row)


#: Header texts of a participant list (``header_key``: case, spaces and punctuation ignored).
PARTICIPANT_HEADERS = {
    "nama": ("NAMA", "NAMA PESERTA", "NAMA LENGKAP", "PESERTA", "NAMA HADIR"),
    "unsur": ("UNSUR", "ELEMEN", "UNSUR/ELEMEN", "UNSUR PESERTA", "KELOMPOK", "PERWAKILAN", "ASAL UNSUR",
              "UNSUR / ELEMEN", "ELEMEN MASYARAKAT"),
    "jabatan": ("JABATAN", "JABATAN/UNSUR", "KEDUDUKAN", "KETERANGAN", "JABATAN/KETERANGAN", "INSTANSI"),
}


def import_participants(db, actor: Actor, meeting_id: int, path) -> ParticipantsImport:
    """Read participants from a CSV or .xlsx (columns Nama, Unsur/Elemen, Jabatan; found by their
    header texts) and replace the meeting's list. A row with a name and an unknown element is
    rejected with its row and column; the others are stored in one transaction. A file that
    cannot be read, or has no Nama column, stores nothing."""
    from dtks_desktop.services.importing.mapping.fields import HEADER_SCAN_ROWS, header_key
    from dtks_desktop.services.importing.readers import ImportFileError, column_letter, describe_location, open_table

    require(db, actor, Capability.MUSDES_RECORD, detail=f"musyawarah #{meeting_id}")
    p = Path(path)
    index = {header_key(t): f for f, texts in PARTICIPANT_HEADERS.items() for t in texts}
    table = open_table(p)
    try:
        rows = list(table.iter_rows())
    finally:
        close = getattr(table, "close", None)
        if close:
            close()
    header = None
    for number, values in rows[:HEADER_SCAN_ROWS]:
        cols: dict[str, int] = {}
        for i, v in enumerate(values):
            if v is None or not str(v).strip():
                continue
            f = index.get(header_key(v))
            if f and f not in cols:
                cols[f] = i
        if "nama" in cols:
            header = (number, cols)
            break
    if header is None:
        raise ImportFileError(f'Berkas "{p.name}": kolom Nama tidak ditemukan. Judul kolom yang dikenal: Nama, '
                              "Unsur (atau Elemen), Jabatan.", code="judul_tidak_ditemukan", path=p)
    header_row, cols = header
    problems: list[ParticipantProblem] = []
    people: list[Participant] = []
    rejected = warned = 0

    def cell(values, f):
        i = cols.get(f)
        v = values[i] if i is not None and i < len(values) else None
        return " ".join(str(v).split()) if v is not None else ""

    for number, values in rows:
        if number <= header_row:
            continue
        nama = cell(values, "nama")
        if not nama:
            if any(cell(values, f) for f in ("unsur", "jabatan")):
                rejected += 1
                problems.append(ParticipantProblem(number, f"{column_letter(cols['nama'])} (Nama)",
                                                   f"{describe_location(p.name, number, cols['nama'], 'Nama')}: nama "
                                                   "kosong."))
            continue
        raw = cell(values, "unsur")
        try:
            unsur = parse_unsur(raw)
        except ValueError as exc:
            rejected += 1
            i = cols["unsur"]
            problems.append(ParticipantProblem(number, f"{column_letter(i)} (Unsur)",
                                               f"{describe_location(p.name, number, i, 'Unsur')}: {exc}"))
            continue
        if unsur is None:
            warned += 1
            problems.append(ParticipantProblem(number, None, f"{describe_location(p.name, number)}: unsur {nama} kosong;"
                                               " dicatat sebagai Lainnya.", "warning"))
        people.append(Participant(nama[:120], (unsur.value if unsur else "lainnya"), cell(values, "jabatan")[:120]))
    if not people:
        raise ImportFileError(f'Berkas "{p.name}" tidak berisi peserta di bawah baris judul (baris {header_row}).',
                              code="kosong", path=p)
    with db.transaction() as s:
        set_participants(s, actor, meeting_id, people)
    return ParticipantsImport(len(people), rejected, warned, tuple(problems))


@changes(DataKind.REGISTRY, DataKind.AUDIT)
def cancel_meeting(session: Session, actor: Actor, meeting_id: int, reason: str) -> MeetingView:
    """Cancel an open meeting (with a reason); its record stays."""
    require(session, actor, Capability.MUSDES_RECORD, detail=f"musyawarah #{meeting_id}")
    row = meeting_row(session, meeting_id)
    try:
        workflow.apply(session, actor, MEETING, row, MeetingStatus.BATAL.value, reason=reason, action="musdes.cancel",
                       summary=f"Musyawarah #{row.id} dibatalkan")
    except workflow.TransitionError as exc:
        raise MusdesError(exc.message) from None
    session.flush()
    return view_of(session, row)


@changes(DataKind.REGISTRY, DataKind.AUDIT)
def finalize(session: Session, actor: Actor, desa_kode: str, returned, scan: Path | None = None) -> MeetingView:
    """The signed Berita Acara came back on ``returned`` (a scanned PDF may be attached, stored with
    its SHA-256): the meeting's decisions become final. Later changes need a new meeting.

    In the same transaction every family with decisions in the meeting moves by them
    (``family_status.after_musdes``: ``usul_hapus`` / ``usul_masuk`` / ``tetap``); a family in a
    batch awaiting a decision, or removed, keeps its status and the view's ``family_status`` says so."""
    require(session, actor, Capability.MUSDES_FINALIZE, detail=desa_kode)
    kode, desa, _, _ = desa_info(session, desa_kode)
    row = current_row(session, kode)
    if row is None:
        raise MusdesError(f"{terms(kode).unit} {desa} belum punya musyawarah.", "Buat dulu: dtks musdes create.")
    returned = _parse_date(returned, "Tanggal kembali")
    if returned < row.tanggal:
        raise MusdesError(f"Tanggal kembali {fmt_tanggal(returned)} lebih awal dari tanggal musyawarah "
                          f"{fmt_tanggal(row.tanggal)}.")
    if returned > date.today():
        raise MusdesError(f"Tanggal kembali {fmt_tanggal(returned)} di masa depan.")
    data = None
    if scan is not None:
        sp = Path(scan)
        try:
            size = os.path.getsize(sp)
            if size > MAX_SCAN_BYTES:
                raise MusdesError(f"Pindaian {sp.name} terlalu besar ({size // (1024 * 1024)} MB; paling besar 25 MB).")
            data = sp.read_bytes()
        except OSError as exc:
            raise MusdesError(f"Pindaian {sp} tidak dapat dibaca ({exc.strerror or exc}).") from None
        if not data.startswith(b"%PDF"):
            raise MusdesError(f"Pindaian {sp.name} bukan berkas PDF.", "Simpan hasil pindaian sebagai PDF.")
    try:
        workflow.apply(session, actor, MEETING, row, MeetingStatus.FINAL.value, action="musdes.finalize",
                       summary=f"Musyawarah #{row.id} {desa}: berita acara kembali {fmt_tanggal(returned)}",
                       new={"returned_at": returned.isoformat(),
                            "scan_sha256": hashlib.sha256(data).hexdigest() if data else None})
    except workflow.TransitionError as exc:
        raise MusdesError(exc.message) from None
    row.returned_at = returned
    if data is not None:
        row.scan, row.scan_sha256, row.scan_name = data, hashlib.sha256(data).hexdigest(), Path(scan).name
    session.flush()
    report = family_status.after_musdes(session, actor, row)
    session.flush()
    return dataclasses.replace(view_of(session, row), family_status=tuple(report.lines()))
