"""Document type: the field verification worksheet (lembar kerja verifikasi lapangan).

Built on the shared blocks: the office letterhead (:class:`KopSurat`), the list tables of
:mod:`.layout` (one table per page with the header row repeated, rows measured up front,
"Halaman x dari y" per section) and a signature block for the petugas and the village head.

One section per petugas (families nobody was assigned come last): each starts on a new page
with its own page numbers, so every petugas takes only their own pages into the field. A
family's heading row (family key, masked No KK, address, boxes for Kelayakan and the visit
date) is followed by its members; a family is never split over two pages when it fits on one.
NIK and No KK are always masked here: the paper leaves the office (UU PDP 27/2022).

Pure rendering: the caller passes the worksheet data (``services.verification.worksheets``)
and the letterhead.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from dtks_desktop.documents.layout import (A4_LANDSCAPE, Column, PageTable, SectionStart, TableSpec, build_pdf,
                                           frame_size, measure, styles)
from dtks_desktop.documents.letterhead import FONT, FONT_BOLD, KopSurat, Letterhead, SignatureBlock, Signatory
from dtks_desktop.domain.family import hubungan_label
from dtks_desktop.domain.formatting import angka, tanggal
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.regions import village_terms
from dtks_desktop.domain.verification import Keberadaan, Kelayakan

if TYPE_CHECKING:
    from dtks_desktop.services.verification.worksheets import SheetFamily, WorksheetData

__all__ = ["render_worksheet", "TITLE", "MASK_NOTE"]

TITLE = "LEMBAR KERJA VERIFIKASI LAPANGAN DATA TERPADU KESEJAHTERAAN SOSIAL"
RUNNING = "Lembar kerja verifikasi lapangan DTKS"
MASK_NOTE = "NIK dan No KK disamarkan (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi)."
UNASSIGNED = "Belum ditugaskan"

_W = frame_size(A4_LANDSCAPE)[0]
FAMILY_BG = colors.HexColor("#E2E8F0")
#: Members' rows are tall enough to write in by hand.
MEMBER_MIN_HEIGHT = 19.0

SPEC = TableSpec([
    Column("No", 8 * mm, "CENTER"),
    Column("ID DTKS", 24 * mm),
    Column("Nama", 40 * mm, wrap=True),
    Column("NIK", 27 * mm),
    Column("Hubungan", 21 * mm, wrap=True),
    Column("Tgl lahir", 17 * mm, "CENTER"),
    Column("Menurut Dukcapil", 38 * mm, wrap=True),
    # Empty, for the petugas: wide enough to write a word, a 16-digit NIK, a note.
    Column("Keberadaan (kode)", 20 * mm, wrap=True),
    Column("Koreksi nama / NIK / tgl lahir", 46 * mm, wrap=True),
    Column("Catatan", _W - 241 * mm, wrap=True),
], font_size=8.5, head_font_size=8, zebra=False)

KEBERADAAN_CODES = {k: i for i, k in enumerate(Keberadaan, start=1)}
KELAYAKAN_CODES = {k: chr(ord("A") + i) for i, k in enumerate(Kelayakan)}


class _WorksheetPage(PageTable):
    """One page of the list; family heading rows span the whole width on a grey band."""

    def __init__(self, spec: TableSpec, head, rows, family_rows: list[int]) -> None:
        super().__init__(spec, head, rows)
        self.family_rows = family_rows

    def table(self) -> Table:
        extra = []
        for i in self.family_rows:
            r = i + 1  # below the header row
            extra += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), FAMILY_BG),
                      ("ALIGN", (0, r), (-1, r), "LEFT"),
                      ("FONT", (0, r), (-1, r), FONT_BOLD, SPEC.font_size, SPEC.leading)]
        return self.spec.table(self.head, self.rows, extra)


def _family_row(f: "SheetFamily", number: int, data: "WorksheetData", cont: bool = False) -> tuple[list[str], float]:
    place = ", ".join(x for x in (f.alamat, f"RT {f.rt or '-'}/RW {f.rw or '-'}",
                                  f"Dusun {f.dusun}" if f.dusun else "") if x)
    kk = mask_nik(f.no_kk, data.policy) if f.no_kk else "(kosong)"
    text = (f"Keluarga {number} · {f.key} · No KK {kk} · {place}  ·  "
            f"Kelayakan: [   ]  ·  Tgl kunjungan: ....../....../20......")
    if cont:
        text = f"Keluarga {number} · {f.key} (lanjutan dari halaman sebelumnya)"
    inner = SPEC.width - 2 * SPEC.pad - 0.5
    lines = simpleSplit(text, FONT_BOLD, SPEC.font_size, inner) or [""]
    cells = ["\n".join(lines)] + [""] * (len(SPEC.columns) - 1)
    return cells, len(lines) * SPEC.leading + 2 * SPEC.pad


def _member_rows(f: "SheetFamily", data: "WorksheetData") -> list[tuple[list[str], float]]:
    out = []
    for i, m in enumerate(f.members, start=1):
        duk = m.dukcapil_line
        values = [str(i), m.key, m.nama, mask_nik(m.nik, data.policy) or "(kosong)", hubungan_label(m.hubungan),
                  tanggal(m.tanggal_lahir), duk, "", "", ""]
        cells, h = SPEC.wrap_row(values)
        out.append((cells, max(h, MEMBER_MIN_HEIGHT)))
    return out


def _pages(groups: list[tuple[list[tuple[list[str], float]], tuple[list[str], float]]], first_space: float, page_space: float,
           last_reserve: float, head_h: float) -> list:
    """Families (their rows, the heading of a continuation) laid out one table per page; a family
    stays on one page when it fits on one. Returns the flowables with page breaks between."""
    pages: list[tuple[list, list[int]]] = []
    rows: list = []
    fam_idx: list[int] = []
    space = first_space - head_h
    used = 0.0
    for fam_rows, cont in groups:
        h = sum(r[1] for r in fam_rows)
        # A family that does not fit moves to the next page whole, unless that would leave more
        # than a third of this page empty: then it continues on the next page under its heading.
        if rows and used + h > space and h <= page_space - head_h and space - used < page_space / 3:
            pages.append((rows, fam_idx))
            rows, fam_idx, used, space = [], [], 0.0, page_space - head_h
        for k, row in enumerate(fam_rows):
            if rows and used + row[1] > space:
                pages.append((rows, fam_idx))
                rows, fam_idx, used, space = [], [], 0.0, page_space - head_h
                if k > 0:
                    fam_idx.append(0)
                    rows.append(cont)
                    used += cont[1]
            if k == 0:
                fam_idx.append(len(rows))
            rows.append(row)
            used += row[1]
    if last_reserve and rows and used + last_reserve > space and len(fam_idx) > 1:
        cut = fam_idx[-1]  # the last family moves to a new page with the signatures
        pages.append((rows[:cut], fam_idx[:-1]))
        rows, fam_idx = rows[cut:], [0]
    pages.append((rows, fam_idx))
    head = SPEC.wrap_row([c.title for c in SPEC.columns], head=True)
    out: list = []
    for i, (r, fi) in enumerate(pages):
        if i:
            out.append(PageBreak())
        out.append(_WorksheetPage(SPEC, head, r, fi))
    return out


def _legend() -> str:
    keb = ", ".join(f"<b>{n}</b> {k.value}" for k, n in KEBERADAAN_CODES.items())
    kel = ", ".join(f"<b>{c}</b> {k.value}" for k, c in KELAYAKAN_CODES.items())
    return (f"Kunjungi setiap keluarga, cocokkan dengan KK/KTP, lalu isi: <b>Keberadaan</b> tiap anggota dengan "
            f"kode {keb}; <b>Kelayakan</b> keluarga dengan kode {kel}; koreksi nama, NIK atau tanggal lahir bila "
            f"berbeda dengan KK/KTP; anggota baru ditulis di baris kosong atau di kolom Catatan. {MASK_NOTE}")


def _section(data: "WorksheetData", head: Letterhead, petugas: str | None, families: list["SheetFamily"],
             check: Callable[[], None] | None) -> tuple[list, int]:
    st = styles()
    _, frame_h = frame_size(A4_LANDSCAPE)
    terms = village_terms(data.desa_kode)
    n_members = sum(len(f.members) for f in families)
    info = Table([
        [terms.unit, f": {data.desa} ({data.desa_kode})", "Putaran verifikasi", f": {data.putaran}"],
        ["Kecamatan", f": {data.kecamatan}", "Petugas", f": {petugas or UNASSIGNED}"],
        ["Jumlah", f": {angka(len(families))} keluarga, {angka(n_members)} anggota", "Tanggal cetak",
         f": {tanggal(datetime.now(), long=True)}"],
    ], colWidths=[26 * mm, 110 * mm, 34 * mm, 99 * mm], hAlign="LEFT")
    info.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10, 13),
                              ("FONT", (1, 0), (1, 0), FONT_BOLD, 10, 13),
                              ("FONT", (3, 1), (3, 1), FONT_BOLD, 10, 13),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    section_head = [KopSurat(head, _W), Spacer(1, 3 * mm), Paragraph(TITLE, st["title"]), Spacer(1, 2.5 * mm),
                    info, Spacer(1, 2 * mm), Paragraph(_legend(), st["small"]), Spacer(1, 2.5 * mm)]
    signs = SignatureBlock(None, None, _W, sign_space=14 * mm, signatories=[
        Signatory(("Tanggal: ...............................", "Petugas verifikasi,"), petugas, show_nip=False),
        Signatory(("Mengetahui,", f"{terms.head} {data.desa}"), None, show_nip=terms.kind == "kelurahan"),
    ])
    tail = [Spacer(1, 4 * mm), signs]
    groups = []
    for n, f in enumerate(families, start=1):
        if check is not None and n % 500 == 0:
            check()
        groups.append(([_family_row(f, n, data)] + _member_rows(f, data), _family_row(f, n, data, cont=True)))
    head_h = SPEC.wrap_row([c.title for c in SPEC.columns], head=True)[1]
    tables = _pages(groups, frame_h - measure(section_head, _W) - 2, frame_h - 2, measure(tail, _W), head_h)
    key = petugas or UNASSIGNED
    story = [SectionStart(key, f"{RUNNING} — {terms.unit} {data.desa}, putaran {data.putaran}, petugas {key} "
                               "(lanjutan)")]
    story += section_head + tables + [KeepTogether(tail)]
    return story, 1 + sum(isinstance(x, PageBreak) for x in tables)


def render_worksheet(path: str | Path, data: "WorksheetData", head: Letterhead, *,
                     progress: Callable[[int, int, str], None] | None = None,
                     check: Callable[[], None] | None = None) -> int:
    """Write the worksheet PDF to ``path``; returns the number of pages."""
    sections: dict[str | None, list] = {}
    for f in data.families:
        sections.setdefault(f.petugas, []).append(f)

    def story_of(with_progress: bool) -> tuple[list, dict[str, int]]:
        story: list = []
        pages: dict[str, int] = {}
        for i, (petugas, fams) in enumerate(sections.items()):
            if with_progress and progress:
                progress(i, len(sections), f"Menyusun lembar kerja {petugas or UNASSIGNED}")
            part, n = _section(data, head, petugas, fams, check)
            if story:
                story.append(PageBreak())
            story += part
            pages[petugas or UNASSIGNED] = n
        return story, pages

    first, section_pages = story_of(True)
    made = [first]

    def make() -> list:
        return made.pop() if made else story_of(False)[0]

    if progress:
        progress(len(sections), len(sections), "Menulis PDF")
    return build_pdf(path, make, title=f"{RUNNING} {data.desa} {data.putaran}", author=head.dinas,
                     section_pages=section_pages,
                     footer_left=f"{data.desa} · putaran {data.putaran} · dicetak dari DTKS Desktop oleh "
                                 f"{data.printed_by}. {MASK_NOTE}")
