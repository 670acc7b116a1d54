"""Printing a meeting's documents: the Berita Acara (numbered in the letter register), Lampiran I–III
and the daftar hadir, each an issued document (stored, SHA-256, authenticity code and QR code in
its footer, its own "Halaman x dari y"), written one after the other into one PDF. Printing moves
the meeting to ``dicetak``. A whole kecamatan is printed desa by desa (one file each, progress,
cancel between desa); the SPTJM is for a village that held no meeting.

Nothing is printed half-filled: before anything is rendered the village head (village officials)
and the signatory chosen for ``berita_acara_musdes`` must be set; the message names the setting.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Household, MusdesDecision, MusdesMeeting, Region, VerificationFamily, \
    VerificationProposal, VerificationProposalMember
from dtks_desktop.documents.engine import DocContext, render
from dtks_desktop.documents.layout import Stamp
from dtks_desktop.documents.musdes_common import village_letterhead
from dtks_desktop.documents.types import berita_acara, daftar_hadir, lampiran_musdes, sptjm
from dtks_desktop.domain.family import hubungan_label
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.musdes import COMMUNITY_UNSUR, REASON_LABELS, UNSUR_LABELS, Decision, Reason, Unsur, terms
from dtks_desktop.domain.permissions import Capability
from dtks_desktop.domain.workflow.musdes import MEETING, MeetingStatus
from dtks_desktop.domain.workflow.registry import HouseholdStatus
from dtks_desktop.services.core import audit, settings, workflow
from dtks_desktop.services.core.common import CancelFlag, DataKind, Progress, changes, check_cancel
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.documents import issued
from dtks_desktop.services.documents.office import load_profile
from dtks_desktop.services.documents.officials import list_officials
from dtks_desktop.services.documents.signers import signer_for
from dtks_desktop.services.musdes.common import MusdesError, PrintResult, current_row, desa_info, kop_setting, view_of
from dtks_desktop.services.musdes.decisions import totals as decision_totals
from dtks_desktop.services.verification.common import current_round

__all__ = ["print_desa", "print_kecamatan", "print_sptjm", "check_ready", "SIGNER_TYPE"]

SIGNER_TYPE = "berita_acara_musdes"


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in s if c.isalnum()).casefold()


def _officials(session: Session, kode: str, desa: str, *, for_what: str):
    t = terms(kode)
    o = next(iter(list_officials(session, kode)), None)
    if o is None or not o.kepala:
        raise MusdesError(f"Nama {t.head} {desa} belum diisi, jadi {for_what} tidak dicetak.",
                          f"Isi di Kantor & Dokumen → Perangkat Desa, atau: dtks village-officials set {kode} "
                          f"--kepala \"NAMA\".")
    return o


def _signer(session: Session):
    s = signer_for(session, SIGNER_TYPE)
    if s is None:
        raise MusdesError("Penanda tangan 'Berita acara Musdes/Muskel' (Mengetahui) belum dipilih di pengaturan, jadi "
                          "berita acara tidak dicetak.",
                          f"Pilih di Kantor & Dokumen → Penanda Tangan, atau: dtks signer use {SIGNER_TYPE} ID.")
    return s


def check_ready(session: Session, desa_kode: str) -> MusdesMeeting:
    """The meeting to print for the desa, after checking every setting the documents need."""
    kode, desa, _, _ = desa_info(session, desa_kode)
    t = terms(kode)
    row = current_row(session, kode)
    if row is None:
        raise MusdesError(f"{t.unit} {desa} belum punya {t.meeting.lower()}.",
                          "Catat dulu (dtks musdes create), atau cetak SPTJM bila tidak ada musyawarah "
                          "(dtks musdes sptjm).")
    if row.status == MeetingStatus.FINAL:
        raise MusdesError(f"Musyawarah #{row.id} {desa} sudah final; dokumennya tidak dicetak baru.",
                          "Cetak ulang dokumen yang terbit: dtks docs reprint ID (lihat dtks docs list).")
    _officials(session, kode, desa, for_what="berita acara")
    _signer(session)
    return row


def _base(session: Session, kode: str) -> dict:
    kode, desa, kec_kode, kec = desa_info(session, kode)
    t = terms(kode)
    profile = load_profile(session)
    kab = ""
    if profile.kab_kode:
        kab = session.execute(select(Region.nama).where(Region.kode == profile.kab_kode)).scalar_one_or_none() or ""
    return {"desa_kode": kode, "desa": desa, "kecamatan": kec, "kecamatan_kode": kec_kode, "kabupaten": kab,
            "unit": t.unit, "meeting": t.meeting, "head": t.head, "place": desa,
            "bpd_title": "Ketua LPM" if t.kind == "kelurahan" else "Ketua BPD", "pemerintah": profile.pemerintah}


def _renderer(profile, module, data: dict, when: date, *, kop: str, signer=None, footer: str):
    def render_fn(nomor: str | None, stamp: Stamp) -> tuple[bytes, int]:
        ctx = DocContext(profile=profile, when=when, nomor=nomor, signer=signer, stamp=stamp,
                         orientation=module.ORIENTATION)
        if kop == "desa":
            ctx.head = village_letterhead(data, profile.logo)
        return render(ctx, lambda: module.story(ctx, data), title=module.TITLE.title(),
                      footer_left=f"{footer}{' — ' + nomor if nomor else ''}")
    return render_fn


def _camat(signer, kecamatan: str) -> dict:
    """The 'Mengetahui' column: the chosen signatory when they are the Camat of this kecamatan (or
    not a Camat at all); for another kecamatan's Camat, the title with dotted lines."""
    jab = signer.jabatan or ""
    if jab.casefold().startswith("camat") and _fold(kecamatan) not in _fold(jab):
        return {"title": f"Camat {kecamatan}", "nama": None, "nip": None, "pangkat": None}
    return {"title": jab, "nama": signer.nama, "nip": signer.nip or None, "pangkat": signer.pangkat or None}


def _lists(session: Session, meeting_id: int, policy) -> tuple[list, list, list, int]:
    q = (select(MusdesDecision).where(MusdesDecision.meeting_id == meeting_id,
                                      MusdesDecision.decision != Decision.TETAP.value)
         .order_by(MusdesDecision.urut, MusdesDecision.id))
    baru, hapus, perbaikan, exc = [], [], [], 0
    for d in session.execute(q).scalars():
        rtrw = "/".join(x or "-" for x in (d.rt, d.rw)) if (d.rt or d.rw) else ""
        hub = hubungan_label(d.hubungan) if d.hubungan else ""
        nik = mask_nik(d.nik, policy) or "-"
        key = d.id_dtks or (f"ART-{d.member_id}" if d.member_id else "")
        if d.decision == Decision.USULAN_BARU:
            note = "NIK padan" if d.padan else f"Pengecualian: {d.override_reason or ''}"
            exc += 0 if d.padan else 1
            baru.append([d.nama, nik, mask_nik(d.no_kk, policy) or "-", hub, d.alamat or "", rtrw, note])
        elif d.decision == Decision.HAPUS:
            hapus.append([key, d.nama, nik, hub, d.alamat or "", rtrw, REASON_LABELS[Reason(d.reason)]])
        else:
            perbaikan.append([key, d.nama, nik, hub, d.alamat or "", rtrw, (d.note or "Perbaikan data")
                              .replace("Koreksi ", "Koreksi: ", 1)])
    return baru, hapus, perbaikan, exc


def _tmp(out: Path) -> Path:
    return out.with_name(out.name + ".tmp")


def _concat(parts: list[bytes], tmp: Path) -> None:
    """The parts one after the other into ``tmp`` (renamed to the real name once committed)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    with open(tmp, "wb") as fh:
        writer.write(fh)


def _print_in(session: Session, actor: Actor, desa_kode: str, out_pdf: Path, *, progress: Progress | None,
              cancel: CancelFlag | None) -> PrintResult:
    require(session, actor, Capability.DOCS_PRINT, detail=f"berita acara musyawarah {desa_kode}")
    row = check_ready(session, desa_kode)
    view = view_of(session, row)
    base = _base(session, row.desa_kode)
    officials = _officials(session, row.desa_kode, base["desa"], for_what="berita acara")
    signer = _signer(session)
    profile = load_profile(session)
    kop = kop_setting(session)
    policy = settings.mask_policy(session)
    tot = decision_totals(session, row.id)
    baru, hapus, perbaikan, exc = _lists(session, row.id, policy)
    wakil = [[p.nama, UNSUR_LABELS[Unsur(p.unsur)]] for p in view.participants
             if p.unsur in {u.value for u in COMMUNITY_UNSUR}][:2]
    common = {**base, "tanggal": row.tanggal.isoformat(), "jam": row.jam.strftime("%H:%M"), "tempat": row.tempat,
              "kepala": officials.kepala, "ketua_bpd": officials.ketua_bpd or None}
    ba_data = {**common, "ketua": row.ketua, "notulis": row.notulis, "agenda": row.agenda or "",
               "putaran": row.putaran, "peserta": len(view.participants), "wakil": wakil, "totals": tot.as_dict(),
               "pengecualian": exc, "camat": _camat(signer, base["kecamatan"])}
    footer = f"{terms(row.desa_kode).meeting_short} {base['desa']}"
    steps = 3
    step = 0

    def tick(text: str) -> None:
        nonlocal step
        check_cancel(cancel)
        if progress:
            progress(step, steps, text)
        step += 1

    tick(f"Berita acara {base['desa']}")
    ba = issued.issue_with(session, actor, berita_acara.CODE, {"data": ba_data, "kop": kop,
                                                              "signer": asdict(signer)},
                           _renderer(profile, berita_acara, ba_data, row.tanggal, kop=kop, signer=signer,
                                     footer=f"BA {footer}"),
                           purpose=f"Berita Acara {terms(row.desa_kode).meeting} {base['desa']} ({row.desa_kode})",
                           when=row.tanggal)
    tick(f"Lampiran {base['desa']}")
    lamp_data = {**common, "nomor_ba": ba.nomor, "baru": baru, "hapus": hapus, "perbaikan": perbaikan}
    lamp = issued.issue_with(session, actor, lampiran_musdes.CODE, {"data": lamp_data, "kop": kop},
                             _renderer(profile, lampiran_musdes, lamp_data, row.tanggal, kop=kop,
                                       footer=f"Lampiran BA {footer}"),
                             purpose=f"Lampiran BA {ba.nomor}", when=row.tanggal)
    tick(f"Daftar hadir {base['desa']}")
    hadir_data = {**common, "nomor_ba": ba.nomor, "kosong": 5,
                  "peserta": [[p.nama, UNSUR_LABELS[Unsur(p.unsur)], p.jabatan] for p in view.participants]}
    hadir = issued.issue_with(session, actor, daftar_hadir.CODE, {"data": hadir_data, "kop": kop},
                              _renderer(profile, daftar_hadir, hadir_data, row.tanggal, kop=kop,
                                        footer=f"Daftar hadir {footer}"),
                              purpose=f"Daftar hadir BA {ba.nomor}", when=row.tanggal)
    check_cancel(cancel)
    out = Path(out_pdf)
    _concat([ba.pdf, lamp.pdf, hadir.pdf], _tmp(out))
    if row.status == MeetingStatus.DRAF:
        workflow.apply(session, actor, MEETING, row, MeetingStatus.DICETAK.value, action="musdes.print",
                       summary=f"Berita acara {base['desa']} dicetak: {ba.nomor}",
                       new={"nomor": ba.nomor, "dokumen": [ba.id, lamp.id, hadir.id]})
    else:
        audit.record(session, actor, "musdes.print", entity_type="musdes_meeting", entity_id=row.id,
                     summary=f"Berita acara {base['desa']} dicetak lagi: {ba.nomor}",
                     new={"nomor": ba.nomor, "dokumen": [ba.id, lamp.id, hadir.id]})
    row.nomor = ba.nomor
    row.document_ids = ",".join(str(x) for x in (ba.id, lamp.id, hadir.id))
    row.printed_at = datetime.now(timezone.utc)
    session.flush()
    if progress:
        progress(steps, steps, f"Berita acara {base['desa']} selesai")
    return PrintResult(out, ba.pages + lamp.pages + hadir.pages, (ba.id, lamp.id, hadir.id), ba.nomor,
                       row.desa_kode, base["desa"])


@changes(DataKind.DOCUMENTS, DataKind.REGISTRY, DataKind.AUDIT)
def print_desa(db, actor: Actor, desa_kode: str, out_pdf, *, progress: Progress | None = None,
               cancel: CancelFlag | None = None) -> PrintResult:
    """Berita Acara + Lampiran I–III + daftar hadir of the desa's meeting into ``out_pdf`` (one
    transaction: cancelled or refused, no number is taken and no file written)."""
    out = Path(out_pdf)
    try:
        with db.transaction() as s:
            res = _print_in(s, actor, desa_kode, out, progress=progress, cancel=cancel)
        os.replace(_tmp(out), out)  # only once the numbers are committed
    finally:
        _tmp(out).unlink(missing_ok=True)
    return res


def _slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_") or "desa"


@changes(DataKind.DOCUMENTS, DataKind.REGISTRY, DataKind.AUDIT)
def print_kecamatan(db, actor: Actor, kecamatan_kode: str, outdir, *, progress: Progress | None = None,
                    cancel: CancelFlag | None = None) -> list[PrintResult]:
    """Every desa of the kecamatan with an open meeting, one file each in ``outdir``
    (``BA_<kode>_<desa>.pdf``). Every desa is checked before the first is printed (no half a
    kecamatan for a missing village head); cancelling stops between desa (those printed stay)."""
    kec = (kecamatan_kode or "").strip()
    with db.sessions() as s:
        require(s, actor, Capability.DOCS_PRINT, detail=f"berita acara kecamatan {kec}")
        row = s.execute(select(Region.kode, Region.nama, Region.level).where(Region.kode == kec)).one_or_none()
        if row is None or row.level != 3:
            raise MusdesError(f"Kode kecamatan tidak dikenal: {kec or 'kosong'}.",
                              "Tulis kode Kemendagri bertitik, mis. 33.10.01.")
        desas = s.execute(select(Region.kode, Region.nama).where(Region.parent_kode == kec, Region.level == 4)
                          .order_by(Region.kode)).all()
        todo, problems = [], []
        for kode, nama in desas:
            m = current_row(s, kode)
            if m is None or m.status == MeetingStatus.FINAL:
                continue
            try:
                check_ready(s, kode)
            except MusdesError as exc:
                problems.append(exc.message)
                continue
            todo.append((kode, nama))
    if problems:
        raise MusdesError("Tidak ada yang dicetak: " + " ".join(problems),
                          "Lengkapi pengaturannya lalu cetak lagi satu kecamatan.")
    if not todo:
        raise MusdesError(f"Kecamatan {row.nama} belum punya musyawarah yang siap dicetak.",
                          "Catat musyawarah per desa dulu (dtks musdes create).")
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for i, (kode, nama) in enumerate(todo):
        check_cancel(cancel)
        if progress:
            progress(i, len(todo), f"{nama} ({i + 1}/{len(todo)})")
        results.append(print_desa(db, actor, kode, out / f"BA_{kode.replace('.', '')}_{_slug(nama)}.pdf",
                                  cancel=cancel))
    if progress:
        progress(len(todo), len(todo), f"{len(todo)} desa selesai")
    return results


@changes(DataKind.DOCUMENTS, DataKind.AUDIT)
def print_sptjm(db, actor: Actor, desa_kode: str, out_pdf, *, when: date | None = None) -> PrintResult:
    """The SPTJM of a village that held no meeting in the round (signed by the Kepala Desa/Lurah
    over a meterai). Refused when the desa has a meeting in this round."""
    with db.transaction() as s:
        require(s, actor, Capability.DOCS_PRINT, detail=f"SPTJM {desa_kode}")
        kode, desa, _, _ = desa_info(s, desa_kode)
        t = terms(kode)
        putaran = current_round(s)
        m = current_row(s, kode)
        if m is not None and m.putaran == putaran:
            raise MusdesError(f"{t.unit} {desa} sudah mencatat {t.meeting.lower()} #{m.id} pada putaran {putaran}; "
                              "SPTJM hanya untuk desa/kelurahan yang tidak bermusyawarah.",
                              "Cetak berita acaranya (dtks musdes print), atau batalkan musyawarah itu dulu.")
        o = _officials(s, kode, desa, for_what="SPTJM")
        base = _base(s, kode)
        profile = load_profile(s)
        keluarga = s.execute(select(func.count()).select_from(Household).where(
            Household.desa_kode == kode, Household.status != HouseholdStatus.DIHAPUS.value)).scalar_one()
        diverifikasi = s.execute(select(func.count()).select_from(VerificationFamily).where(
            VerificationFamily.desa_kode == kode, VerificationFamily.putaran == putaran)).scalar_one()
        baru = s.execute(select(func.count()).select_from(VerificationProposalMember).join(VerificationProposal)
                         .where(VerificationProposal.desa_kode == kode, VerificationProposal.putaran == putaran)
                         ).scalar_one()
        day = when or date.today()
        dinas = (profile.dinas or "Dinas Sosial").title()
        data = {**base, "tanggal": day.isoformat(), "kepala": o.kepala, "putaran": putaran, "keluarga": keluarga,
                "diverifikasi": diverifikasi, "usulan_baru": baru,
                "dinas": f"{dinas} {base['kabupaten']}".strip()}
        kop = kop_setting(s)
        doc = issued.issue_with(s, actor, sptjm.CODE, {"data": data, "kop": kop},
                                _renderer(profile, sptjm, data, day, kop=kop, footer=f"SPTJM {desa}"),
                                purpose=f"SPTJM {t.head} {desa} ({kode})", when=day)
        out = Path(out_pdf)
        _tmp(out).write_bytes(doc.pdf)
        res = PrintResult(out, doc.pages, (doc.id,), doc.nomor, kode, desa)
    try:
        os.replace(_tmp(out), out)
    finally:
        _tmp(out).unlink(missing_ok=True)
    return res
