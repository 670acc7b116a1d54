"""Reports on the matching (pemadanan) of the registry with the civil-registry data.

(a) The summary: counts per matching status for every desa, grouped per kecamatan with
    subtotals and a kabupaten total, as .xlsx and as a signed PDF on the office letterhead
    ("REKAPITULASI HASIL PEMADANAN DATA DTKS DENGAN DATA KEPENDUDUKAN").
(b) Per desa, the members the village must fix: ``tidak_padan`` and ``usulan_koreksi`` rows with
    what to do, as .xlsx and as a PDF with one section per village. These lists leave the office:
    NIK and No KK are masked with the office's policy (``settings.mask_policy``).

What the village is asked to do:

* ``tidak_padan``: check the KTP/KK and correct the NIK (or fill it in when it is missing);
* ``usulan_koreksi`` not yet decided: confirm the NIK the matching proposes;
* ``usulan_koreksi`` the clerk rejected: as ``tidak_padan``;
* ``usulan_koreksi`` the clerk accepted: nothing left for the village, not listed.

Members removed from the registry (status ``dihapus``) are not listed; members whose family has
no village code cannot be sent to a village and are only counted in the summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import XlsxFileError
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from dtks_desktop.db.models import Household, MatchResult, MatchRun, Member, Region
from dtks_desktop.documents.layout import (
    A4_LANDSCAPE, TOTAL_BG, Column, SectionStart, TableSpec, build_pdf, frame_size, measure, paged_tables, render_pdf,
    styles,
)
from dtks_desktop.documents.sheets import SafeSheets
from dtks_desktop.documents.letterhead import FONT, FONT_BOLD, KopSurat, Letterhead, SignatureBlock, Signatory
from dtks_desktop.domain.formatting import angka, tanggal
from dtks_desktop.domain.masking import MaskPolicy, mask_nik
from dtks_desktop.domain.regions import is_region_code, region_level, village_terms
from dtks_desktop.domain.workflow.matching import PROPOSING_STATUSES, Decision, MatchStatus
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.browse import office_kab_kode
from dtks_desktop.services.core.common import CancelFlag, Progress, check_cancel
# The matching engine owns the statuses and their Indonesian labels.
from dtks_desktop.services.matching.engine import STATUS_LABELS, STATUSES
from dtks_desktop.services.matching.common import ACCEPTED, AUTO
from dtks_desktop.services.core.regions import region_name

__all__ = [
    "STATUSES", "STATUS_LABELS", "STATUS_NOTES", "REPORT_COLUMNS", "REPORT_LABELS", "DIKOREKSI", "TITLE_SUMMARY", "TITLE_VILLAGE", "ACTION_FIX", "ACTION_FILL",
    "KEPALA_NAMA", "KEPALA_NIP", "OFFICE_ALAMAT", "OFFICE_LOGO",
    "ReportError", "ReportFile", "SummaryRow", "KecamatanGroup", "VillageRow",
    "office_letterhead", "summary_rows", "group_summary", "village_list_rows", "action_text",
    "write_summary_xlsx", "write_summary_pdf", "write_village_lists_pdf", "write_village_lists_xlsx",
]

STATUS_NOTES = {
    MatchStatus.PADAN: "NIK, nama dan tanggal lahir sesuai dengan data kependudukan.",
    MatchStatus.PADAN_CATATAN: "NIK ditemukan di data kependudukan dengan sedikit perbedaan (misalnya ejaan nama).",
    MatchStatus.USULAN_KOREKSI: ("Ada NIK di data kependudukan yang kemungkinan benar, atau NIK ditemukan tetapi identitasnya "
                       "kurang sesuai; perlu konfirmasi desa."),
    MatchStatus.NIK_ORANG_LAIN: "NIK terdaftar atas nama orang lain di data kependudukan.",
    MatchStatus.GANDA: "Orang yang sama tercatat lebih dari satu kali di DTKS.",
    MatchStatus.TIDAK_PADAN: "Tidak ditemukan pasangan yang cocok di data kependudukan; perlu dicek dengan KTP/KK.",
}
STATUS_NOTES["dikoreksi"] = ("NIK sudah diganti dengan NIK dari data kependudukan: usulan koreksi yang diterima "
                              "petugas atau NIK rusak oleh Excel yang dipulihkan otomatis.")
#: A correction accepted by a clerk or restored by the machine: the member's NIK is now the civil
#: registry's. Counted in its own column of the summary, not under the status it came from.
DIKOREKSI = "dikoreksi"
REPORT_COLUMNS = (MatchStatus.PADAN, MatchStatus.PADAN_CATATAN, DIKOREKSI, MatchStatus.USULAN_KOREKSI,
                  MatchStatus.NIK_ORANG_LAIN, MatchStatus.GANDA, MatchStatus.TIDAK_PADAN)
REPORT_LABELS = {**STATUS_LABELS, DIKOREKSI: "NIK dikoreksi"}
PADAN = (MatchStatus.PADAN, MatchStatus.PADAN_CATATAN, DIKOREKSI)
PADAN_FORMULA = "(Padan + Padan dengan catatan + NIK dikoreksi)"
VILLAGE_STATUSES = (MatchStatus.TIDAK_PADAN, MatchStatus.USULAN_KOREKSI)

TITLE_SUMMARY = "REKAPITULASI HASIL PEMADANAN DATA DTKS DENGAN DATA KEPENDUDUKAN"
TITLE_VILLAGE = "DAFTAR ANGGOTA KELUARGA DTKS YANG NIK-NYA PERLU DIPERIKSA"
RUNNING_VILLAGE = "Daftar anggota keluarga DTKS yang NIK-nya perlu diperiksa"
ACTION_FIX = "Mohon cek KTP/KK dan perbaiki NIK"
ACTION_FILL = "NIK kosong: mohon isi dari KTP/KK"
MASK_NOTE = "NIK dan No KK disamarkan untuk melindungi data pribadi (UU No. 27 Tahun 2022)."

# Old office settings, still honoured: the office head's name and NIP are the signatory when none is
# chosen (services.documents.signers.signer_for); office.alamat is the office profile's address;
# office.logo, when it holds a file path, the profile's logo (services.documents.office.load_profile).
KEPALA_NAMA = "office.kepala_nama"
KEPALA_NIP = "office.kepala_nip"
OFFICE_ALAMAT = "office.alamat"  # optional address line(s) under the office name
OFFICE_LOGO = "office.logo"  # optional path of a logo image for the letterhead


class ReportError(Exception):
    """Nothing to report, or the report cannot be made (Indonesian message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReportFile:
    path: Path
    rows: int  # data rows (desa rows in the summary, members in the village lists)
    villages: int
    pages: int = 0  # PDF only
    document_id: int | None = None  # issued through the letter register (PDF printed by a user)
    nomor: str | None = None
    warnings: tuple[str, ...] = ()  # e.g. no signatory chosen: dotted lines were printed


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def office_letterhead(session: Session) -> Letterhead:
    """The kop surat of the office profile (``services.documents.office.load_profile``: government,
    office, address lines, phone, e-mail, website, post code, place, logo), as every document."""
    from dtks_desktop.documents.engine import letterhead_from_profile
    from dtks_desktop.services.documents.office import load_profile

    return letterhead_from_profile(load_profile(session))


def office_signatory(session: Session, doc_type: str, head: Letterhead, when: date) -> tuple[Signatory, str | None]:
    """The signature column of the office's signatory chosen for ``doc_type``
    (``signers.signer_for``; dotted lines when none) and the warning naming the setting to fill."""
    from dtks_desktop.documents.engine import signer_signatory
    from dtks_desktop.services.documents import signers

    signer = signers.signer_for(session, doc_type)
    place = f"{head.tempat}, " if head.tempat else ""
    dinas = " ".join(head.dinas.split()).title() if head.dinas.isupper() else head.dinas
    sig = signer_signatory(signer, place + tanggal(when, long=True), jabatan=f"Kepala {dinas}")
    return sig, signers.missing_signer_warning(session, doc_type)


@dataclass
class SummaryRow:
    kecamatan_kode: str | None
    kecamatan: str
    desa_kode: str | None
    desa: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def padan(self) -> int:
        return sum(self.counts.get(s, 0) for s in PADAN)

    @property
    def padan_pct(self) -> float:
        return 100.0 * self.padan / self.total if self.total else 0.0


@dataclass
class KecamatanGroup:
    kode: str | None
    nama: str
    rows: list[SummaryRow]
    subtotal: SummaryRow


def _sum(rows: Iterable[SummaryRow], kec_kode, kec: str, desa: str) -> SummaryRow:
    total = SummaryRow(kec_kode, kec, None, desa, {s: 0 for s in REPORT_COLUMNS})
    for r in rows:
        for s, n in r.counts.items():
            total.counts[s] = total.counts.get(s, 0) + n
    return total


def summary_rows(session: Session, kab_kode: str | None = None) -> list[SummaryRow]:
    """Counts per matching status for every desa of ``kab_kode`` (default: the office's).

    Ordered by kecamatan code then desa code; members whose family has no village code come
    last, under "(tanpa kode wilayah)".
    """
    kab = kab_kode or office_kab_kode(session)
    mr, m, h = MatchResult.__table__, Member.__table__, Household.__table__
    column = case((mr.c.decision == AUTO, literal(DIKOREKSI)),
                  (and_(mr.c.status.in_(sorted(PROPOSING_STATUSES)), mr.c.decision == Decision.DITERIMA),
                   literal(DIKOREKSI)), else_=mr.c.status)
    stmt = (
        select(h.c.desa_kode, column, func.count())
        .select_from(mr.join(m, m.c.id == mr.c.member_id).join(h, h.c.id == m.c.household_id))
        .group_by(h.c.desa_kode, column)
    )
    if kab:
        stmt = stmt.where(or_(h.c.desa_kode.like(f"{kab}.%"), h.c.desa_kode.is_(None)))
    by_desa: dict[str | None, dict[str, int]] = {}
    for desa, status, n in session.execute(stmt):
        by_desa.setdefault(desa, {s: 0 for s in REPORT_COLUMNS})[status] = int(n)
    codes = {c for c in by_desa if c}
    codes |= {c.rsplit(".", 1)[0] for c in codes if c.count(".") == 3}
    names: dict[str, str] = {}
    code_list = sorted(codes)
    for k in range(0, len(code_list), 500):
        names.update(session.execute(
            select(Region.kode, Region.nama).where(Region.kode.in_(code_list[k:k + 500]))).all())
    rows = []
    for desa, counts in by_desa.items():
        if desa:
            kec = desa.rsplit(".", 1)[0] if desa.count(".") == 3 else None
            rows.append(SummaryRow(kec, names.get(kec or "", kec or "(tanpa kecamatan)"), desa,
                                   names.get(desa, desa), counts))
        else:
            rows.append(SummaryRow(None, "(tanpa kode wilayah)", None, "(tanpa desa)", counts))
    rows.sort(key=lambda r: (r.kecamatan_kode is None, r.kecamatan_kode or "", r.desa_kode is None, r.desa_kode or ""))
    return rows


def group_summary(rows: list[SummaryRow]) -> tuple[list[KecamatanGroup], SummaryRow]:
    """Rows grouped per kecamatan with subtotals, and the grand total."""
    groups: list[KecamatanGroup] = []
    for r in rows:
        if not groups or groups[-1].kode != r.kecamatan_kode or groups[-1].nama != r.kecamatan:
            groups.append(KecamatanGroup(r.kecamatan_kode, r.kecamatan, [], SummaryRow(None, "", None, "")))
        groups[-1].rows.append(r)
    for g in groups:
        g.subtotal = _sum(g.rows, g.kode, g.nama, f"Jumlah Kecamatan {g.nama}")
    return groups, _sum(rows, None, "", "JUMLAH")


@dataclass(frozen=True)
class VillageRow:
    """One member on a village's list. ``nik``, ``no_kk`` and ``nik_usulan`` are NOT masked."""

    desa_kode: str
    desa: str
    kecamatan_kode: str | None
    kecamatan: str
    member_id: int
    nama: str
    nik: str | None
    tanggal_lahir: date | None
    no_kk: str | None
    alamat: str
    rt: str | None
    rw: str | None
    status: str
    nik_usulan: str | None
    decision: str | None

    @property
    def rt_rw(self) -> str:
        return f"{self.rt or '-'}/{self.rw or '-'}"


def _desa_condition(column, desa: str | Iterable[str] | None):
    if desa is None:
        return None
    codes = [desa] if isinstance(desa, str) else list(desa)
    conds = []
    for code in codes:
        code = (code or "").strip()
        if not is_region_code(code) or region_level(code) < 2:
            raise ReportError(f"Kode wilayah tidak valid: {code!r}. Contoh: 33.10.01.2001 (desa) atau 33.10.01 "
                              "(semua desa di kecamatan).")
        conds.append(column == code if region_level(code) == 4 else column.like(f"{code}.%"))
    return or_(*conds) if conds else None


def village_list_rows(session: Session, desa: str | Iterable[str] | None = None) -> list[VillageRow]:
    """Members a village must check, by village, RW, RT, family and relation to the head.

    ``desa``: one code or several; a kecamatan or kabupaten code selects all its villages.
    """
    mr, m, h = MatchResult.__table__, Member.__table__, Household.__table__
    dr, kr = aliased(Region.__table__, name="desa"), aliased(Region.__table__, name="kec")
    stmt = (
        select(h.c.desa_kode, dr.c.nama, dr.c.parent_kode, kr.c.nama, m.c.id, m.c.nama, m.c.nik, m.c.tanggal_lahir,
               h.c.no_kk, h.c.alamat, h.c.dusun, h.c.rt, h.c.rw, mr.c.status, mr.c.nik_matched, mr.c.decision)
        .select_from(mr.join(m, m.c.id == mr.c.member_id).join(h, h.c.id == m.c.household_id)
                     .outerjoin(dr, dr.c.kode == h.c.desa_kode).outerjoin(kr, kr.c.kode == dr.c.parent_kode))
        .where(
            mr.c.status.in_(VILLAGE_STATUSES),
            ~and_(mr.c.status == MatchStatus.USULAN_KOREKSI, func.coalesce(mr.c.decision, "").in_(ACCEPTED)),
            h.c.desa_kode.is_not(None),
            m.c.status != "dihapus",
        )
        .order_by(h.c.desa_kode, func.coalesce(h.c.rw, ""), func.coalesce(h.c.rt, ""), h.c.id,
                  func.coalesce(m.c.hubungan, 99), m.c.id)
    )
    cond = _desa_condition(h.c.desa_kode, desa)
    if cond is not None:
        stmt = stmt.where(cond)
    out = []
    for (desa_kode, desa_nama, kec_kode, kec_nama, mid, nama, nik, tgl, no_kk, alamat, dusun, rt, rw, status,
         nik_matched, decision) in session.execute(stmt):
        kec_kode = kec_kode or (desa_kode.rsplit(".", 1)[0] if desa_kode.count(".") == 3 else None)
        addr = " ".join((alamat or "").split())
        if dusun and dusun.casefold() not in addr.casefold():
            addr = f"{addr}, Dusun {dusun}" if addr else f"Dusun {dusun}"
        out.append(VillageRow(desa_kode, desa_nama or desa_kode, kec_kode, kec_nama or (kec_kode or "-"), mid, nama,
                              nik, tgl, no_kk, addr, rt, rw, status, nik_matched, decision))
    return out


def action_text(row: VillageRow, policy: MaskPolicy) -> str:
    """What the village is asked to do for this member (proposed NIK masked)."""
    if row.status == MatchStatus.USULAN_KOREKSI and row.decision != Decision.DITOLAK and row.nik_usulan:
        return f"Usulan NIK: {mask_nik(row.nik_usulan, policy)} — mohon konfirmasi"
    if not row.nik:
        return ACTION_FILL
    return ACTION_FIX


def _cannot_write(target: Path, exc: Exception) -> ReportError:
    why = getattr(exc, "strerror", None) or str(exc)
    return ReportError(f"Berkas {target} tidak dapat ditulis ({why}). Pilih folder lain atau tutup berkas itu "
                       "bila sedang dibuka di Excel.")


def _pdf(path: str | Path, story, **kw) -> int:
    try:
        return build_pdf(path, story, **kw)
    except OSError as exc:
        raise _cannot_write(Path(path), exc) from exc


@contextmanager
def _workbook(target: Path, **options):
    """An xlsxwriter workbook written to a temporary file that replaces ``target`` only when complete."""
    tmp = target.with_name(target.name + ".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), options)
    try:
        yield wb
        try:
            wb.close()
            tmp.replace(target)
        except (OSError, XlsxFileError) as exc:
            raise _cannot_write(target, exc) from exc
    except BaseException:
        try:
            wb.close()
        except Exception:  # the original error matters, not the half-written file's
            pass
        tmp.unlink(missing_ok=True)
        raise


def _last_run(session: Session) -> datetime | None:
    return session.execute(select(func.max(MatchRun.finished_at))).scalar_one_or_none()


def _printed_at() -> str:
    now = datetime.now()
    return f"{tanggal(now)} {now:%H:%M}"


def _pct(value: float) -> str:
    return f"{angka(value, 1)}%"


# --------------------------------------------------------------------------------------------
# (a) Summary
# --------------------------------------------------------------------------------------------


@dataclass
class _SummaryData:
    rows: list[SummaryRow]
    groups: list[KecamatanGroup]
    total: SummaryRow
    kab_name: str | None
    head: Letterhead
    last_run: datetime | None
    pagesize: tuple[float, float] = A4_LANDSCAPE
    signature: Signatory | None = None  # the office's signatory for rekap_pemadanan (None: dotted lines)
    warnings: tuple[str, ...] = ()


def _summary_data(db, kab_kode: str | None, when: date | None = None) -> _SummaryData:
    with db.sessions() as s:
        kab = kab_kode or office_kab_kode(s)
        rows = summary_rows(s, kab)
        head = office_letterhead(s)
        kab_name = region_name(s, kab) if kab else None
        last = _last_run(s)
        pagesize = _paper(s)
        signature, warning = office_signatory(s, "rekap_pemadanan", head, when or date.today())
    if not rows:
        raise ReportError("Belum ada hasil pemadanan: jalankan pemadanan dengan data Dukcapil terlebih dahulu.")
    groups, total = group_summary(rows)
    return _SummaryData(rows, groups, total, kab_name, head, last, pagesize, signature,
                        (warning,) if warning else ())


def _status_values(r: SummaryRow) -> list:
    return [r.total] + [r.counts.get(s, 0) for s in REPORT_COLUMNS]


def write_summary_xlsx(db, path: str | Path, *, kab_kode: str | None = None) -> ReportFile:
    """The summary per kecamatan/desa as .xlsx (sheet per desa with subtotals, sheet per kecamatan)."""
    data = _summary_data(db, kab_kode)
    target = Path(path)
    with _workbook(target) as wb:
        sw = SafeSheets(wb)  # region names are data: never a formula
        title = wb.add_format({"bold": True, "font_size": 13})
        bold = sw.format({"bold": True})
        head = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True,
                              "align": "center", "valign": "vcenter"})
        text = sw.format({"border": 1})
        num = wb.add_format({"border": 1, "num_format": "#,##0"})
        pct = wb.add_format({"border": 1, "num_format": "0.0%"})
        t_text = sw.format({"border": 1, "bold": True, "bg_color": "#E7E6E6"})
        t_num = wb.add_format({"border": 1, "bold": True, "bg_color": "#E7E6E6", "num_format": "#,##0"})
        t_pct = wb.add_format({"border": 1, "bold": True, "bg_color": "#E7E6E6", "num_format": "0.0%"})
        status_heads = ["Jumlah ART"] + [REPORT_LABELS[s] for s in REPORT_COLUMNS] + ["% Padan"]
        where = data.kab_name or "Semua wilayah"
        as_of = f"Dicetak {_printed_at()}" + (f"; pemadanan terakhir {tanggal(data.last_run)}" if data.last_run else "")

        def values(ws, r, first: list, row: SummaryRow, total: bool) -> None:
            sw.write_row(ws, r, 0, first, t_text if total else text)
            c = len(first)
            ws.write_row(r, c, _status_values(row), t_num if total else num)
            ws.write_number(r, c + 1 + len(REPORT_COLUMNS), row.padan_pct / 100, t_pct if total else pct)

        ws = wb.add_worksheet("Per desa")
        ws.write(0, 0, TITLE_SUMMARY, title)
        sw.write(ws, 1, 0, where, bold)
        ws.write(2, 0, as_of)
        heads = ["No", "Kecamatan", "Desa/Kelurahan"] + status_heads
        ws.write_row(4, 0, heads, head)
        ws.set_row(4, 32)
        for c, w in enumerate([5, 22, 26] + [12] * len(status_heads)):
            ws.set_column(c, c, w)
        ws.freeze_panes(5, 3)
        r, no = 5, 0
        for g in data.groups:
            for row in g.rows:
                no += 1
                values(ws, r, [no, g.nama, row.desa], row, False)
                r += 1
            values(ws, r, ["", g.nama, g.subtotal.desa], g.subtotal, True)
            r += 1
        values(ws, r, ["", "", "JUMLAH " + where.upper()], data.total, True)

        ws2 = wb.add_worksheet("Per kecamatan")
        ws2.write(0, 0, TITLE_SUMMARY, title)
        sw.write(ws2, 1, 0, where, bold)
        ws2.write(2, 0, as_of)
        ws2.write_row(4, 0, ["No", "Kecamatan", "Jumlah desa"] + status_heads, head)
        ws2.set_row(4, 32)
        for c, w in enumerate([5, 26, 10] + [12] * len(status_heads)):
            ws2.set_column(c, c, w)
        ws2.freeze_panes(5, 2)
        for i, g in enumerate(data.groups, start=1):
            values(ws2, 4 + i, [i, g.nama, len(g.rows)], g.subtotal, False)
        values(ws2, 5 + len(data.groups), ["", "JUMLAH", len(data.rows)], data.total, True)

        ws3 = wb.add_worksheet("Keterangan")
        ws3.set_column(0, 0, 24)
        ws3.set_column(1, 1, 90)
        ws3.write_row(0, 0, ["Status", "Arti"], head)
        for i, s in enumerate(REPORT_COLUMNS, start=1):
            ws3.write_row(i, 0, [REPORT_LABELS[s], STATUS_NOTES[s]], text)
        ws3.write(len(REPORT_COLUMNS) + 2, 0, f"% Padan = {PADAN_FORMULA} / Jumlah ART")
    return ReportFile(target, len(data.rows), sum(1 for r in data.rows if r.desa_kode))


_W = frame_size(A4_LANDSCAPE)[0]


def _paper(session: Session) -> tuple[float, float]:
    """The office's paper (A4 or F4, from the office profile) turned to landscape: the lists are wide."""
    from reportlab.lib.pagesizes import landscape

    from dtks_desktop.services.documents.office import load_profile

    w, h = load_profile(session).paper_mm
    return landscape((w * mm, h * mm))


def _summary_spec(first_title: str, first_width: float, width: float = _W) -> TableSpec:
    n = len(REPORT_COLUMNS) + 2
    rest = width - 9 * mm - first_width
    cols = [Column("No", 9 * mm, "CENTER"), Column(first_title, first_width, wrap=True)]
    cols += [Column(t, rest / n, "RIGHT") for t in
             ["Jumlah ART"] + [REPORT_LABELS[s] for s in REPORT_COLUMNS] + ["% Padan"]]
    return TableSpec(cols, font_size=9, head_font_size=8.5, zebra=True)


def _summary_cells(no, name: str, row: SummaryRow) -> list[str]:
    return [str(no), name] + [angka(v) for v in _status_values(row)] + [_pct(row.padan_pct)]


def _summary_table(spec: TableSpec, body: list[list[str]], total: list[str]) -> Table:
    head = spec.wrap_row([c.title for c in spec.columns], head=True)
    rows = [spec.wrap_row(r) for r in body + [total]]
    n = len(rows)
    return spec.table(head, rows, extra=[
        ("FONT", (0, n), (-1, n), FONT_BOLD, spec.font_size, spec.leading),
        ("BACKGROUND", (0, n), (-1, n), TOTAL_BG),
    ])


def write_summary_pdf(db, path: str | Path, *, kab_kode: str | None = None, when: date | None = None,
                      actor=None) -> ReportFile:
    """The summary as a signed A4 landscape PDF on the office letterhead.

    With ``actor`` the summary is an issued document (type ``rekap_pemadanan``): it takes a
    number from the letter register, carries the authenticity code, and is stored for reprints
    (``ReportFile.document_id``). Without, a plain printout.
    """
    when = when or date.today()
    data = _summary_data(db, kab_kode, when)
    where = data.kab_name or "Semua wilayah"

    def story(nomor: str | None) -> list:
        return _summary_story(data, when, nomor)

    if actor is not None:
        return _issue(db, actor, "rekap_pemadanan", path, {"kab_kode": kab_kode, "when": when.isoformat()},
                      story, title=TITLE_SUMMARY.title(), author=data.head.dinas,
                      purpose=f"Rekapitulasi hasil pemadanan data DTKS — {where}", when=when,
                      rows=len(data.rows), villages=sum(1 for r in data.rows if r.desa_kode),
                      pagesize=data.pagesize, warnings=data.warnings)
    pages = _pdf(path, story(None), title=TITLE_SUMMARY.title(), author=data.head.dinas, pagesize=data.pagesize,
                 footer_left=f"Dicetak dari DTKS Desktop pada {_printed_at()}")
    return ReportFile(Path(path), len(data.rows), sum(1 for r in data.rows if r.desa_kode), pages,
                      warnings=data.warnings)


def _issue(db, actor, doc_type: str, path: str | Path, params: dict, story, *, title: str, author: str,
           purpose: str, when: date, rows: int, villages: int, section_pages: dict[str, int] | None = None,
           pagesize=A4_LANDSCAPE, warnings: tuple[str, ...] = ()) -> ReportFile:
    """Issue the report through the letter register and the issued-document store, then write the
    stored bytes to ``path`` (in the same transaction: a file that cannot be written leaves no
    number and no document behind)."""
    from dtks_desktop.services.documents import issued

    target = Path(path)

    def render_fn(nomor: str | None, stamp) -> tuple[bytes, int]:
        return render_pdf(lambda: story(nomor), pagesize=pagesize, title=title, author=author,
                          footer_left=f"{author.title() if author.isupper() else author} — {nomor or ''}".rstrip(" —"),
                          section_pages=section_pages, stamp=stamp)

    with db.transaction() as s:
        doc = issued.issue_with(s, actor, doc_type, params, render_fn, purpose=purpose, when=when)
        tmp = target.with_name(target.name + ".tmp")
        try:
            tmp.write_bytes(doc.pdf)
            tmp.replace(target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _cannot_write(target, exc) from exc
        return ReportFile(target, rows, villages, doc.pages, doc.id, doc.nomor, warnings)


def _summary_story(data: "_SummaryData", when: date, nomor: str | None) -> list:
    W = frame_size(data.pagesize)[0]
    st = styles()
    where = data.kab_name or "Semua wilayah"
    sub = f"{where.upper()} — keadaan data tanggal {tanggal(when, long=True)}"
    if data.last_run:
        sub += f" (pemadanan terakhir {tanggal(data.last_run, long=True)})"
    t = data.total
    story = [
        SectionStart("rekap", f"Rekapitulasi hasil pemadanan data DTKS — {where}"),
        KopSurat(data.head, W), Spacer(1, 5 * mm),
        Paragraph(TITLE_SUMMARY, st["title"]), Spacer(1, 1.5 * mm),
        *([Paragraph(f"Nomor: {nomor}", st["subtitle"]), Spacer(1, 1 * mm)] if nomor else []),
        Paragraph(sub, st["subtitle"]), Spacer(1, 5 * mm),
        Paragraph(f"Jumlah anggota keluarga (ART) yang dipadankan: <b>{angka(t.total)}</b> orang di "
                  f"{angka(len(data.groups))} kecamatan dan {angka(len(data.rows))} desa/kelurahan. "
                  f"Padan (termasuk padan dengan catatan dan NIK yang sudah dikoreksi): <b>{angka(t.padan)}</b> orang "
                  f"(<b>{_pct(t.padan_pct)}</b>). Perlu tindak lanjut desa (tidak padan dan usulan koreksi NIK): "
                  f"<b>{angka(t.counts[MatchStatus.TIDAK_PADAN] + t.counts[MatchStatus.USULAN_KOREKSI])}</b> orang.", st["body"]),
        Spacer(1, 4 * mm),
    ]
    kec_spec = _summary_spec("Kecamatan", 60 * mm, W)
    # A heading never ends a page alone: it needs room for itself, the header row and a few rows
    # below it; the tables themselves may continue on the next page (header row repeated).
    keep = 40 * mm
    story += [
        CondPageBreak(keep), Paragraph("A. Ringkasan per kecamatan", st["heading"]), Spacer(1, 2 * mm),
        _summary_table(kec_spec, [_summary_cells(i, g.nama, g.subtotal) for i, g in enumerate(data.groups, 1)],
                       _summary_cells("", "JUMLAH", t)),
        Spacer(1, 6 * mm), CondPageBreak(keep + 10 * mm),
        Paragraph("B. Rincian per desa/kelurahan", st["heading"]), Spacer(1, 3 * mm),
    ]
    desa_spec = _summary_spec("Desa/Kelurahan", 60 * mm, W)
    for g in data.groups:
        table = _summary_table(desa_spec, [_summary_cells(i, r.desa, r) for i, r in enumerate(g.rows, 1)],
                               _summary_cells("", f"Jumlah Kec. {g.nama}", g.subtotal))
        story += [CondPageBreak(keep), Paragraph(f"Kecamatan {g.nama}", st["heading"]), Spacer(1, 1.5 * mm), table,
                  Spacer(1, 5 * mm)]
    notes = "<br/>".join(f"<b>{REPORT_LABELS[s]}</b>: {STATUS_NOTES[s]}" for s in REPORT_COLUMNS)
    story.append(KeepTogether([
        Paragraph("Keterangan", st["heading"]), Spacer(1, 1 * mm),
        Paragraph(notes + f"<br/><b>% Padan</b> = {PADAN_FORMULA} : Jumlah ART.", st["small"]),
        Spacer(1, 6 * mm),
        SignatureBlock(None, None, W, signatories=[data.signature]),
    ]))
    return story


# --------------------------------------------------------------------------------------------
# (b) Lists per village
# --------------------------------------------------------------------------------------------


@dataclass
class _Village:
    kode: str
    nama: str
    kecamatan: str
    rows: list[VillageRow]
    kepala: str = ""  # the Kepala Desa/Lurah (village officials), printed in the "Diperiksa oleh" block


def _villages(rows: list[VillageRow]) -> list[_Village]:
    out: list[_Village] = []
    for r in rows:
        if not out or out[-1].kode != r.desa_kode:
            out.append(_Village(r.desa_kode, r.desa, r.kecamatan, []))
        out[-1].rows.append(r)
    return out


def _village_data(db, desa) -> tuple[list[_Village], MaskPolicy, Letterhead, str | None, tuple[float, float]]:
    with db.sessions() as s:
        pagesize = _paper(s)
        rows = village_list_rows(s, desa)
        policy = settings.mask_policy(s)
        head = office_letterhead(s)
        kab = office_kab_kode(s)
        kab_name = region_name(s, kab) if kab else None
        villages = _villages(rows)
        from dtks_desktop.services.documents.officials import officials_of

        for v in villages:
            v.kepala = officials_of(s, v.kode, v.nama).kepala
    if not rows:
        where = "" if desa is None else " di wilayah yang dipilih"
        raise ReportError(f"Tidak ada anggota berstatus tidak padan atau usulan koreksi NIK{where}: "
                          "tidak ada daftar yang perlu dikirim ke desa.")
    return villages, policy, head, kab_name, pagesize


def _cells(i: int, r: VillageRow, policy: MaskPolicy) -> list[str]:
    return [str(i), r.nama, mask_nik(r.nik, policy) or "(kosong)", tanggal(r.tanggal_lahir),
            mask_nik(r.no_kk, policy), r.alamat, r.rt_rw, STATUS_LABELS.get(r.status, r.status),
            action_text(r, policy), ""]


def _village_spec(width: float = _W) -> TableSpec:
    return TableSpec([
    Column("No", 8 * mm, "CENTER"), Column("Nama", 42 * mm, wrap=True), Column("NIK", 26 * mm),
    Column("Tgl lahir", 18 * mm, "CENTER"), Column("No KK", 26 * mm), Column("Alamat", 29 * mm, wrap=True),
    Column("RT/RW", 14 * mm, "CENTER"), Column("Status", 22 * mm, wrap=True),
    # "Usulan NIK: 3310********0012 —" on one line.
    Column("Yang perlu dilakukan", 46 * mm, wrap=True),
    # Wide enough to write a 16-digit NIK by hand.
    Column("NIK yang benar / catatan desa", width - 231 * mm, wrap=True),
], font_size=8.5, head_font_size=8.5)


def _village_story(villages: list[_Village], policy: MaskPolicy, head: Letterhead, kab_name: str | None,
                   progress: Progress | None, cancel: CancelFlag | None,
                   nomor: str | None = None, pagesize=A4_LANDSCAPE) -> tuple[list, dict[str, int]]:
    """The flowables of every village's section, and the pages each section takes."""
    st = styles()
    _W, frame_h = frame_size(pagesize)
    spec = _village_spec(_W)
    story: list = []
    pages: dict[str, int] = {}
    total = len(villages)
    for vi, v in enumerate(villages):
        check_cancel(cancel)
        if progress:
            progress(vi, total, f"Menyusun daftar {v.nama}")
        terms = village_terms(v.kode)
        n_tp = sum(1 for r in v.rows if r.status == MatchStatus.TIDAK_PADAN)
        n_uk = len(v.rows) - n_tp
        counts = ", ".join(x for x in (f"{angka(n_tp)} tidak padan" if n_tp else "",
                                       f"{angka(n_uk)} usulan koreksi NIK" if n_uk else "") if x)
        info = Table([
            [terms.unit, f": {v.nama}", "Kabupaten/Kota", f": {kab_name or '-'}"],
            ["Kecamatan", f": {v.kecamatan}", "Jumlah", f": {angka(len(v.rows))} orang ({counts})"],
        ], colWidths=[28 * mm, 90 * mm, 30 * mm, 110 * mm], hAlign="LEFT")
        info.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10, 13),
                                  ("FONT", (1, 0), (1, 0), FONT_BOLD, 10, 13),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
        intro = Paragraph(
            f"Kepada Yth. {terms.head} {v.nama}: anggota keluarga DTKS di bawah ini belum padan dengan data "
            "kependudukan (Disdukcapil). Mohon dicocokkan dengan KTP/KK warga, tuliskan NIK yang benar atau "
            "catatan pada kolom terakhir, lalu kirimkan kembali ke Dinas Sosial. " + MASK_NOTE, st["body"])
        section_head = [
            KopSurat(head, _W), Spacer(1, 4 * mm),
            Paragraph(TITLE_VILLAGE, st["title"]), Spacer(1, 3 * mm),
            *([Paragraph(f"Nomor: {nomor}", st["subtitle"]), Spacer(1, 2 * mm)] if nomor else []),
            info, Spacer(1, 2.5 * mm), intro, Spacer(1, 3 * mm),
        ]
        # The village head signs the checked list before it goes back to the office.
        checked = SignatureBlock(None, None, _W, sign_space=15 * mm, signatories=[Signatory(
            ("Tanggal pemeriksaan: ...............................", "Diperiksa oleh,", f"{terms.head} {v.nama}"),
            v.kepala or None, show_nip=terms.kind == "kelurahan")])
        tail = [Spacer(1, 4 * mm), checked]
        tables = paged_tables(spec, [_cells(i, r, policy) for i, r in enumerate(v.rows, 1)],
                              first_space=frame_h - measure(section_head, _W) - 2, page_space=frame_h - 2,
                              last_reserve=measure(tail, _W), check=lambda: check_cancel(cancel))
        if vi:
            story.append(PageBreak())
        story.append(SectionStart(v.kode, f"{RUNNING_VILLAGE} — {terms.unit} {v.nama}, "
                                          f"Kecamatan {v.kecamatan} (lanjutan)"))
        story += section_head + tables + [KeepTogether(tail)]
        pages[v.kode] = 1 + sum(isinstance(f, PageBreak) for f in tables)
    return story, pages


def write_village_lists_pdf(db, path: str | Path, desa: str | Iterable[str] | None = None, *,
                            progress: Progress | None = None, cancel: CancelFlag | None = None,
                            actor=None, when: date | None = None) -> ReportFile:
    """Per village, the members to fix: one section per desa, each starting on a new page.

    Each section has the letterhead, the village's heading, the list (one table per page, page
    numbers per village) and a block for the village head who checked it. With ``actor`` the
    lists are one issued document (type ``daftar_pemadanan_desa``): numbered, stamped, stored.
    """
    villages, policy, head, kab_name, pagesize = _village_data(db, desa)
    if actor is not None:
        when = when or date.today()
        _, section_pages = _village_story(villages, policy, head, kab_name, progress, cancel, "0" * 24, pagesize)
        check_cancel(cancel)
        names = ", ".join(v.nama for v in villages[:3]) + (f" dan {len(villages) - 3} lainnya" if len(villages) > 3
                                                             else "")
        res = _issue(db, actor, "daftar_pemadanan_desa", path,
                     {"desa": sorted([desa] if isinstance(desa, str) else (desa or [])), "when": when.isoformat()},
                     lambda nomor: _village_story(villages, policy, head, kab_name, None, cancel, nomor, pagesize)[0],
                     title=RUNNING_VILLAGE, author=head.dinas,
                     purpose=f"Daftar perbaikan NIK untuk desa/kelurahan {names}", when=when,
                     rows=sum(len(v.rows) for v in villages), villages=len(villages), section_pages=section_pages,
                     pagesize=pagesize)
        if progress:
            progress(len(villages), len(villages), "Selesai")
        return res
    story, section_pages = _village_story(villages, policy, head, kab_name, progress, cancel, None, pagesize)
    check_cancel(cancel)
    total = len(villages)
    if progress:
        progress(total, total, "Menulis PDF")

    first = [story]

    def make() -> list:  # a second call only if the layout did not go as planned
        return first.pop() if first else _village_story(villages, policy, head, kab_name, None, cancel, None,
                                                        pagesize)[0]

    pages = _pdf(path, make, title=RUNNING_VILLAGE, author=head.dinas, section_pages=section_pages, pagesize=pagesize,
                      footer_left=f"Dicetak dari DTKS Desktop pada {_printed_at()}. {MASK_NOTE}")
    if progress:
        progress(total, total, "Selesai")
    return ReportFile(Path(path), sum(len(v.rows) for v in villages), len(villages), pages)


def write_village_lists_xlsx(db, path: str | Path, desa: str | Iterable[str] | None = None) -> ReportFile:
    """The same lists as one .xlsx sheet (filterable by kecamatan and desa), NIK and No KK masked."""
    villages, policy, _, kab_name, _ = _village_data(db, desa)
    target = Path(path)
    n = 0
    with _workbook(target, constant_memory=True) as wb:
        sw = SafeSheets(wb)  # names and addresses are data: never a formula
        title = wb.add_format({"bold": True, "font_size": 13})
        bold = sw.format({"bold": True})
        head = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True,
                              "valign": "vcenter"})
        cell = sw.format({"border": 1, "valign": "top"})
        wrap = sw.format({"border": 1, "valign": "top", "text_wrap": True})
        ws = wb.add_worksheet("Daftar perbaikan NIK")
        ws.write(0, 0, TITLE_VILLAGE, title)
        where = kab_name or ""
        if len(villages) == 1:
            where = f"{village_terms(villages[0].kode).unit} {villages[0].nama}, Kecamatan {villages[0].kecamatan}"
        sw.write(ws, 1, 0, where, bold)
        ws.write(2, 0, f"Dicetak {_printed_at()}. {MASK_NOTE} Isi kolom terakhir dengan NIK yang benar "
                       "atau catatan, lalu kirim kembali ke Dinas Sosial.")
        heads = ["No", "Kecamatan", "Desa/Kelurahan", "Nama", "NIK", "Tgl lahir", "No KK", "Alamat", "RT/RW",
                 "Status", "Yang perlu dilakukan", "NIK yang benar / catatan desa"]
        widths = [6, 16, 18, 28, 19, 11, 19, 30, 9, 18, 40, 26]
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.set_row(4, 30)
        ws.write_row(4, 0, heads, head)
        ws.freeze_panes(5, 4)
        r = 5
        for v in villages:
            for i, row in enumerate(v.rows, start=1):
                cells = _cells(i, row, policy)
                sw.write_row(ws, r, 0, [i, v.kecamatan, v.nama], cell)
                sw.write_row(ws, r, 3, cells[1:8], cell)
                sw.write(ws, r, 10, cells[8], wrap)
                ws.write_string(r, 11, "", cell)
                r += 1
                n += 1
        ws.autofilter(4, 0, r - 1, len(heads) - 1)
    return ReportFile(target, n, len(villages))
