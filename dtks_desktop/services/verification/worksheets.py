"""What a worksheet shows (:func:`worksheet_data`) and the .xlsx a petugas fills in
(:func:`write_worksheet_xlsx`); the PDF is the document type
:mod:`dtks_desktop.documents.types.lembar_kerja_verifikasi`, issued by :func:`write_worksheet_pdf`.

The .xlsx keeps ``ID DTKS`` as its key column (``ART-<nomor>`` for a member the registry holds
without one), NIK and No KK as text cells (full only for roles that see full NIKs), drop-down
lists for ``Keberadaan`` and ``Kelayakan``, and carries the desa code and the round in its
header cells so that :mod:`.sheet_import` refuses another desa's or round's sheet. The PDF is
carried into the field: NIK and No KK are always masked there (UU PDP 27/2022).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from dtks_desktop.db.models import DukcapilPerson, Household, MatchResult, Member, VerificationAssignment, \
    VerificationPetugas
from dtks_desktop.documents.sheets import SafeSheets
from dtks_desktop.domain.family import hubungan_label
from dtks_desktop.domain.formatting import tanggal, tanggal_jam
from dtks_desktop.domain.masking import MaskPolicy, mask_nik
from dtks_desktop.domain.permissions import Capability, sees_full_nik
from dtks_desktop.domain.verification import KEBERADAAN_LABELS, KELAYAKAN_LABELS, PERAN_LABELS, Keberadaan, \
    Kelayakan, Peran
from dtks_desktop.domain.workflow.matching import MATCH_STATUS_LABELS, MatchStatus
from dtks_desktop.services.core import audit, settings
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.verification.common import NOT_VISITED, VerificationError, current_round, desa_info, \
    family_key, find_petugas, member_key

NOT_MATCHED = "Belum dipadankan"

#: Header cells an import looks for above the column titles (labels in column A, values in B).
LABEL_DESA = "Kode desa/kelurahan"
LABEL_ROUND = "Putaran verifikasi"
LABEL_PETUGAS = "Petugas"

#: The worksheet's columns, in order: (title, width). The titles are what the import's header
#: detection knows (its synonyms accept other spellings and any order).
XLSX_COLUMNS: list[tuple[str, int]] = [
    ("No", 5), ("ID DTKS", 16), ("ID Keluarga", 12), ("No KK", 19), ("NIK", 19), ("Nama", 26),
    ("Hubungan", 15), ("Jenis Kelamin", 8), ("Tanggal Lahir", 12), ("Alamat", 24), ("RT", 5), ("RW", 5),
    ("Status Dukcapil", 18), ("Menurut Dukcapil", 28),
    ("Keberadaan", 18), ("Kelayakan", 12),
    ("Koreksi Nama", 22), ("Koreksi NIK", 19), ("Koreksi Tanggal Lahir", 12), ("Koreksi Alamat", 22),
    ("Koreksi RT", 7), ("Koreksi RW", 7), ("Catatan", 30), ("Tanggal Kunjungan", 12), ("Nama Petugas", 20),
]
FIRST_FINDING_COLUMN = 14  # "Keberadaan"


@dataclass
class SheetMember:
    member_id: int
    key: str  # ID DTKS, or ART-<id>
    nama: str
    nik: str | None
    hubungan: int | None
    jenis_kelamin: str | None
    tanggal_lahir: date | None
    status: str | None  # match status value (None: not matched yet)
    dukcapil_nama: str | None
    dukcapil_tanggal_lahir: date | None

    @property
    def status_label(self) -> str:
        if self.status is None:
            return NOT_MATCHED
        try:
            return MATCH_STATUS_LABELS[MatchStatus(self.status)]
        except ValueError:
            return self.status

    @property
    def dukcapil_text(self) -> str:
        """What the civil registry holds, when it differs from the registry ("-" when nothing)."""
        if not self.dukcapil_nama:
            return "-"
        if self.dukcapil_nama == self.nama and self.dukcapil_tanggal_lahir == self.tanggal_lahir:
            return "sama"
        return f"{self.dukcapil_nama}, {tanggal(self.dukcapil_tanggal_lahir) or 'tgl lahir kosong'}"

    @property
    def dukcapil_line(self) -> str:
        """Status, and what the civil registry holds when it differs: "Padan dengan catatan: SITI A, 01-02-1990"."""
        t = self.dukcapil_text
        return self.status_label if t in ("-", "sama") else f"{self.status_label}: {t}"


@dataclass
class SheetFamily:
    household_id: int
    key: str  # KEL-<id> (the registry keeps families without an ID DTKS of their own)
    no_kk: str | None
    alamat: str | None
    dusun: str | None
    rt: str | None
    rw: str | None
    petugas: str | None
    members: list[SheetMember] = field(default_factory=list)

    @property
    def kepala(self) -> str:
        head = next((m for m in self.members if m.hubungan == 1), self.members[0] if self.members else None)
        return head.nama if head else "-"


@dataclass
class WorksheetData:
    desa_kode: str
    desa: str
    kecamatan: str
    putaran: str
    petugas: str | None  # the one petugas asked for, or None (every family of the desa)
    petugas_peran: str | None
    families: list[SheetFamily]
    full_nik: bool  # the .xlsx may show full NIKs (the PDF never does)
    policy: MaskPolicy
    printed_by: str
    kepala_desa: str = ""  # the Kepala Desa/Lurah of the village officials (the PDF's "Mengetahui")

    @property
    def members(self) -> int:
        return sum(len(f.members) for f in self.families)


def worksheet_data(session: Session, actor: Actor, desa: str, petugas: str | None = None) -> WorksheetData:
    """Every family of ``desa`` (only those assigned to ``petugas`` in the current round when
    given) with its members, what the civil registry says of each and who visits it."""
    require(session, actor, Capability.VERIFY_ASSIGN, detail=f"lembar kerja {desa}")
    kode, nama, kec = desa_info(session, desa)
    putaran = current_round(session)
    peran = None
    pid = None
    if petugas:
        p = find_petugas(session, petugas)
        if p is None:
            raise VerificationError(f"Petugas {petugas} belum terdaftar.",
                                    "Tugaskan dulu: dtks verify assign --desa KODE --petugas NAMA.")
        pid, petugas, peran = p.id, p.nama, PERAN_LABELS[Peran(p.peran)]
    A = aliased(VerificationAssignment)
    P = aliased(VerificationPetugas)
    q = (select(Household.id, Household.no_kk, Household.alamat, Household.dusun, Household.rt, Household.rw,
                P.nama)
         .outerjoin(A, (A.household_id == Household.id) & (A.putaran == putaran))
         .outerjoin(P, P.id == A.petugas_id)
         .where(Household.desa_kode == kode, Household.status.not_in(NOT_VISITED)))
    if pid is not None:
        q = q.where(A.petugas_id == pid)
    fams: dict[int, SheetFamily] = {}
    for hid, no_kk, alamat, dusun, rt, rw, pnama in session.execute(q):
        fams[hid] = SheetFamily(hid, family_key(None, hid), no_kk, alamat, dusun, rt, rw, pnama)
    if not fams:
        who = f" yang ditugaskan kepada {petugas} (putaran {putaran})" if petugas else ""
        raise VerificationError(f"Tidak ada keluarga DTKS di {nama}{who}.")
    mq = (select(Member.id, Member.household_id, Member.id_dtks, Member.nama, Member.nik, Member.hubungan,
                 Member.jenis_kelamin, Member.tanggal_lahir, MatchResult.status, DukcapilPerson.nama,
                 DukcapilPerson.tanggal_lahir)
          .join(Household, Household.id == Member.household_id)
          .outerjoin(MatchResult, MatchResult.member_id == Member.id)
          .outerjoin(DukcapilPerson, DukcapilPerson.id == MatchResult.dukcapil_id)
          .where(Household.desa_kode == kode, Member.status != "dihapus")
          .order_by(Member.household_id, Member.hubungan, Member.tanggal_lahir, Member.id))
    for r in session.execute(mq):
        f = fams.get(r[1])
        if f is not None:
            f.members.append(SheetMember(r[0], member_key(r[2], r[0]), r[3], r[4], r[5], r[6], r[7], r[8], r[9],
                                         r[10]))
    families = sorted((f for f in fams.values() if f.members),
                      key=lambda f: (f.petugas or "\uffff", _num(f.rw), _num(f.rt), f.kepala, f.household_id))
    return WorksheetData(kode, nama, kec, putaran, petugas, peran, families, sees_full_nik(actor),
                         settings.mask_policy(session), actor.username)


def _num(v: str | None) -> tuple[int, str]:
    s = (v or "").strip()
    return (int(s), s) if s.isdigit() else (10 ** 6, s)


def _id_text(value: str | None, data: WorksheetData) -> str:
    if not value:
        return ""
    return value if data.full_nik else mask_nik(value, data.policy)


def write_worksheet_xlsx(session: Session, actor: Actor, desa: str, path: str | Path, petugas: str | None = None,
                         *, progress: Progress | None = None, cancel: CancelFlag | None = None) -> "WorksheetFile":
    """The worksheet as an .xlsx to fill in (atomically written). Audited as ``verify.worksheet``."""
    t0 = time.perf_counter()
    data = worksheet_data(session, actor, desa, petugas)
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp))
    try:
        sw = SafeSheets(wb)
        title = wb.add_format({"bold": True, "font_size": 13})
        label = wb.add_format({"bold": True})
        key = sw.format({"bold": True, "bg_color": "#FFF2CC", "border": 1})
        head = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True,
                              "valign": "vcenter"})
        head_find = wb.add_format({"bold": True, "bg_color": "#C6E0B4", "border": 1, "text_wrap": True,
                                   "valign": "vcenter"})
        cell = sw.format({"border": 1, "valign": "top"})
        text_cell = sw.format({"border": 1, "valign": "top", "num_format": "@"})
        fill = sw.format({"border": 1, "valign": "top", "bg_color": "#F4FAF0", "num_format": "@"})
        fill_date = wb.add_format({"border": 1, "valign": "top", "bg_color": "#F4FAF0", "num_format": "dd-mm-yyyy"})
        ws = wb.add_worksheet("Lembar kerja")
        ws.write(0, 0, "LEMBAR KERJA VERIFIKASI LAPANGAN DTKS", title)
        ws.write(1, 0, LABEL_DESA, label)
        sw.write(ws, 1, 1, data.desa_kode, key)
        sw.write(ws, 1, 2, f"{data.desa}, Kecamatan {data.kecamatan}")
        ws.write(2, 0, LABEL_ROUND, label)
        sw.write(ws, 2, 1, data.putaran, key)
        ws.write(3, 0, LABEL_PETUGAS, label)
        sw.write(ws, 3, 1, data.petugas or "semua petugas")
        ws.write(4, 0, "Isi kolom hijau. Keberadaan per anggota; Kelayakan, koreksi alamat/RT/RW, tanggal "
                       "kunjungan dan petugas cukup di baris kepala keluarga. Anggota baru: tambah baris dengan "
                       "ID Keluarga yang sama, ID DTKS kosong, Keberadaan 'anggota baru' dan data di kolom Koreksi. "
                       "Jangan ubah sel kode desa dan putaran." + ("" if data.full_nik else
                                                                  " NIK dan No KK disamarkan."))
        hr = 6
        ws.set_row(hr, 32)
        for c, (t, w) in enumerate(XLSX_COLUMNS):
            ws.set_column(c, c, w)
            ws.write_string(hr, c, t, head_find if c >= FIRST_FINDING_COLUMN else head)
        ws.freeze_panes(hr + 1, 6)
        r = hr + 1
        n = 0
        total = len(data.families)
        for fi, f in enumerate(data.families):
            if fi % 500 == 0:
                check_cancel(cancel)
                if progress:
                    progress(fi, total, "Menulis lembar kerja")
            for m in f.members:
                n += 1
                sw.write_row(ws, r, 0, [n], cell)
                sw.write(ws, r, 1, m.key, text_cell)
                sw.write(ws, r, 2, f.key, text_cell)
                sw.write(ws, r, 3, _id_text(f.no_kk, data), text_cell)
                sw.write(ws, r, 4, _id_text(m.nik, data), text_cell)
                sw.write_row(ws, r, 5, [m.nama, hubungan_label(m.hubungan), m.jenis_kelamin or "",
                                        tanggal(m.tanggal_lahir), f.alamat or "", f.rt or "", f.rw or "",
                                        m.status_label, m.dukcapil_text], text_cell)
                for c in range(FIRST_FINDING_COLUMN, len(XLSX_COLUMNS)):
                    ws.write_blank(r, c, None, fill_date if XLSX_COLUMNS[c][0] in _DATE_COLUMNS else fill)
                if f.petugas:
                    sw.write(ws, r, len(XLSX_COLUMNS) - 1, f.petugas, fill)
                r += 1
        last = max(r - 1, hr + 1)
        kcol = FIRST_FINDING_COLUMN
        ws.data_validation(hr + 1, kcol, last + 200, kcol, {
            "validate": "list", "source": [k.value for k in Keberadaan], "error_title": "Keberadaan",
            "error_message": "Pilih: " + ", ".join(k.value for k in Keberadaan)})
        ws.data_validation(hr + 1, kcol + 1, last + 200, kcol + 1, {
            "validate": "list", "source": [k.value for k in Kelayakan], "error_title": "Kelayakan",
            "error_message": "Pilih: " + ", ".join(k.value for k in Kelayakan)})
        ws.autofilter(hr, 0, last, len(XLSX_COLUMNS) - 1)
        info = wb.add_worksheet("Keterangan")
        info.set_column(0, 0, 24)
        info.set_column(1, 1, 60)
        info.write(0, 0, "Keberadaan", label)
        for i, k in enumerate(Keberadaan, start=1):
            info.write_string(i, 0, k.value)
            info.write_string(i, 1, KEBERADAAN_LABELS[k])
        info.write(10, 0, "Kelayakan", label)
        for i, k in enumerate(Kelayakan, start=11):
            info.write_string(i, 0, k.value)
            info.write_string(i, 1, KELAYAKAN_LABELS[k])
        info.write(15, 0, "Dicetak", label)
        info.write_string(15, 1, f"{tanggal_jam(datetime.now(timezone.utc), lokal=True)} oleh {data.printed_by}")
    except BaseException:
        wb.close()
        tmp.unlink(missing_ok=True)
        raise
    wb.close()
    tmp.replace(target)
    _audit_print(session, actor, data, target, n)
    return WorksheetFile(target, data.desa_kode, data.desa, data.putaran, data.petugas, len(data.families), n, 0,
                         time.perf_counter() - t0)


_DATE_COLUMNS = {"Koreksi Tanggal Lahir", "Tanggal Kunjungan"}


def _audit_print(session: Session, actor: Actor, data: WorksheetData, target: Path, n: int) -> None:
    audit.record(session, actor, "verify.worksheet", entity_type="desa",
                 summary=f"Lembar kerja verifikasi {data.desa} ({target.name}): {len(data.families)} keluarga, "
                         f"{n} anggota" + (f", petugas {data.petugas}" if data.petugas else ""),
                 new={"desa_kode": data.desa_kode, "putaran": data.putaran, "petugas": data.petugas,
                      "file": target.name, "families": len(data.families), "members": n,
                      "full_nik": data.full_nik and target.suffix.lower() == ".xlsx"})


@dataclass(frozen=True)
class WorksheetFile:
    path: Path
    desa_kode: str
    desa: str
    putaran: str
    petugas: str | None
    families: int
    members: int
    pages: int  # PDF only
    seconds: float
    document_id: int | None = None  # the PDF is an issued document (stored, authenticity code)
    warnings: tuple[str, ...] = ()  # e.g. the Kepala Desa's name is not stored: dotted lines

    def as_dict(self) -> dict:
        return {"file": str(self.path), "desa_kode": self.desa_kode, "desa": self.desa, "putaran": self.putaran,
                "petugas": self.petugas, "families": self.families, "members": self.members, "pages": self.pages,
                "seconds": round(self.seconds, 2), "document_id": self.document_id, "warnings": list(self.warnings)}


def write_worksheet_pdf(session: Session, actor: Actor, desa: str, path: str | Path, petugas: str | None = None,
                        *, progress: Progress | None = None, cancel: CancelFlag | None = None,
                        when: date | None = None) -> WorksheetFile:
    """The worksheet as a PDF to carry into the field (NIK and No KK masked), issued as a document
    of type ``lembar_kerja_verifikasi`` (not numbered): on the office profile's kop and paper,
    stored with its SHA-256, the authenticity code and QR code in every footer; the Kepala
    Desa/Lurah's name from the village officials. In the caller's transaction: a file that cannot
    be written leaves no document behind. Audited."""
    from dtks_desktop.documents.engine import DocContext, render
    from dtks_desktop.documents.types import lembar_kerja_verifikasi as T
    from dtks_desktop.services.documents import issued
    from dtks_desktop.services.documents.office import load_profile
    from dtks_desktop.services.documents.officials import missing_kepala_warning, officials_of

    t0 = time.perf_counter()
    when = when or date.today()
    data = worksheet_data(session, actor, desa, petugas)
    village = officials_of(session, data.desa_kode, data.desa)
    data.kepala_desa = village.kepala
    warning = missing_kepala_warning(village)
    profile = load_profile(session)
    check = (lambda: check_cancel(cancel))
    layout_ctx = DocContext(profile=profile, when=when, orientation=T.ORIENTATION)
    first, section_pages = T.layout(layout_ctx, data, progress=progress, check=check)
    made = [first]  # the flowables do not depend on the stamp: the first render uses these
    check_cancel(cancel)
    if progress:
        progress(1, 1, "Menulis PDF")

    def render_fn(nomor, stamp):
        ctx = DocContext(profile=profile, when=when, nomor=nomor, stamp=stamp, orientation=T.ORIENTATION)
        return render(ctx, lambda: made.pop() if made else T.layout(ctx, data, check=check)[0], title=T.title(data),
                      footer_left=T.footer(data), section_pages=section_pages)

    params = {"desa_kode": data.desa_kode, "putaran": data.putaran, "petugas": data.petugas,
              "families": len(data.families), "members": data.members, "kepala_desa": data.kepala_desa,
              "kertas": profile.kertas, "when": when.isoformat()}
    doc = issued.issue_with(session, actor, T.CODE, params, render_fn, when=when,
                            purpose=f"Lembar kerja verifikasi {data.desa}, putaran {data.putaran}"
                                    + (f", petugas {data.petugas}" if data.petugas else ""))
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_bytes(doc.pdf)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise VerificationError(f"Berkas {target} tidak dapat ditulis ({exc.strerror or exc}).",
                                "Pilih folder lain atau tutup berkas itu bila sedang dibuka.") from None
    _audit_print(session, actor, data, target, data.members)
    return WorksheetFile(target, data.desa_kode, data.desa, data.putaran, data.petugas, len(data.families),
                         data.members, doc.pages, time.perf_counter() - t0, doc.id, (warning,) if warning else ())


def write_worksheet(session: Session, actor: Actor, desa: str, path: str | Path, petugas: str | None = None,
                    **kw) -> WorksheetFile:
    """PDF or .xlsx by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return write_worksheet_pdf(session, actor, desa, path, petugas, **kw)
    if suffix == ".xlsx":
        return write_worksheet_xlsx(session, actor, desa, path, petugas, **kw)
    raise VerificationError(f"Jenis berkas lembar kerja tidak dikenal: {Path(path).name}. Pakai .pdf atau .xlsx.")
