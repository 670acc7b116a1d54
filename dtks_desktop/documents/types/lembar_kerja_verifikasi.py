"""Document type ``lembar_kerja_verifikasi``: the field verification worksheet.

On the engine like every type: the kop surat of the office profile (logo, address lines), the
office's paper (A4 or F4, landscape: the list is wide), embedded DejaVu fonts, "Halaman x dari y"
per section and, issued through ``services/documents/issued``, the authenticity code and QR code
in every footer (stored, SHA-256; not numbered).

One section per petugas (families nobody was assigned come last): each starts on a new page
with its own page numbers, so every petugas takes only their own pages into the field. A
family's heading row (family key, masked No KK, address, boxes for Kelayakan and the visit
date) is followed by its members; a family is never split over two pages when it fits on one.
The signature block (the petugas, and the Kepala Desa/Lurah "Mengetahui" with the name from the
village officials) stands under the last family; it takes the last family with it to a new page
only when the two do not fit on the page. NIK and No KK are always masked here: the paper leaves
the office (UU PDP 27/2022).

``data``: :class:`services.verification.worksheets.WorksheetData` (this package reads no database).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from dtks_desktop.documents.engine import DocContext
from dtks_desktop.documents.layout import Column, PageTable, SectionStart, TableSpec, measure, styles
from dtks_desktop.documents.letterhead import FONT, FONT_BOLD, KopSurat, SignatureBlock, Signatory
from dtks_desktop.domain.family import hubungan_label
from dtks_desktop.domain.formatting import angka, tanggal
from dtks_desktop.domain.masking import mask_nik
from dtks_desktop.domain.regions import village_terms
from dtks_desktop.domain.verification import Keberadaan, Kelayakan

if TYPE_CHECKING:
    from dtks_desktop.services.verification.worksheets import SheetFamily, WorksheetData

__all__ = ["CODE", "TITLE", "ORIENTATION", "story", "layout", "spec_for", "footer", "MASK_NOTE"]

CODE = "lembar_kerja_verifikasi"
TITLE = "LEMBAR KERJA VERIFIKASI LAPANGAN DATA TERPADU KESEJAHTERAAN SOSIAL"
ORIENTATION = "landscape"
RUNNING = "Lembar kerja verifikasi lapangan DTKS"
MASK_NOTE = "NIK dan No KK disamarkan (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi)."
UNASSIGNED = "Belum ditugaskan"

FAMILY_BG = colors.HexColor("#E2E8F0")
#: Members' rows are tall enough to write in by hand.
MEMBER_MIN_HEIGHT = 19.0


def spec_for(width: float) -> TableSpec:
    """The list's columns across ``width`` (the frame of A4 or F4 landscape): the fixed columns
    as on A4, the room F4 adds goes to the petugas' columns (corrections and notes)."""
    extra = max(0.0, width - 269 * mm)
    return TableSpec([
        Column("No", 8 * mm, "CENTER"),
        Column("ID DTKS", 24 * mm),
        Column("Nama", 40 * mm, wrap=True),
        Column("NIK", 27 * mm),
        Column("Hubungan", 21 * mm, wrap=True),
        Column("Tgl lahir", 17 * mm, "CENTER"),
        Column("Menurut Dukcapil", 38 * mm, wrap=True),
        # Empty, for the petugas: wide enough to write a word, a 16-digit NIK, a note.
        Column("Keberadaan (kode)", 20 * mm, wrap=True),
        Column("Koreksi nama / NIK / tgl lahir", 46 * mm + extra / 2, wrap=True),
        Column("Catatan", width - 241 * mm - extra / 2, wrap=True),
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
                      ("FONT", (0, r), (-1, r), FONT_BOLD, self.spec.font_size, self.spec.leading)]
        return self.spec.table(self.head, self.rows, extra)


Row = tuple[list[str], float]


def _family_row(spec: TableSpec, f: "SheetFamily", number: int, data: "WorksheetData", cont: bool = False) -> Row:
    place = ", ".join(x for x in (f.alamat, f"RT {f.rt or '-'}/RW {f.rw or '-'}",
                                  f"Dusun {f.dusun}" if f.dusun else "") if x)
    kk = mask_nik(f.no_kk, data.policy) if f.no_kk else "(kosong)"
    text = (f"Keluarga {number} · {f.key} · No KK {kk} · {place}  ·  "
            f"Kelayakan: [   ]  ·  Tgl kunjungan: ....../....../20......")
    if cont:
        text = f"Keluarga {number} · {f.key} (lanjutan dari halaman sebelumnya)"
    inner = spec.width - 2 * spec.pad - 0.5
    lines = simpleSplit(text, FONT_BOLD, spec.font_size, inner) or [""]
    cells = ["\n".join(lines)] + [""] * (len(spec.columns) - 1)
    return cells, len(lines) * spec.leading + 2 * spec.pad


def _member_rows(spec: TableSpec, f: "SheetFamily", data: "WorksheetData") -> list[Row]:
    out = []
    for i, m in enumerate(f.members, start=1):
        values = [str(i), m.key, m.nama, mask_nik(m.nik, data.policy) or "(kosong)", hubungan_label(m.hubungan),
                  tanggal(m.tanggal_lahir), m.dukcapil_line, "", "", ""]
        cells, h = spec.wrap_row(values)
        out.append((cells, max(h, MEMBER_MIN_HEIGHT)))
    return out


def paginate(groups: list[tuple[list[Row], Row]], first_space: float, page_space: float,
             last_reserve: float) -> list[tuple[list[Row], list[int]]]:
    """Families laid out page by page: ``groups`` holds each family's rows (its heading row first)
    and the heading of its continuation; ``first_space`` / ``page_space`` the room for rows (the
    table's header row already taken off) on the first / any other page; ``last_reserve`` the
    height of the signature block under the last table. Returns per page (rows, indexes of the
    family heading rows).

    * A family that does not fit under the families before it moves to the next page whole
      (unless that would leave more than a third of the page empty: it then continues under its
      heading on the next page).
    * The signature block stays on the page of the last rows when it fits there; only when it
      does not, the last family (or, when the page holds just one family, its last members
      under a continuation heading) moves to a new page with it: a signature never stands alone.
    """
    pages: list[tuple[list[Row], list[int]]] = []
    rows: list[Row] = []
    fam_idx: list[int] = []
    space = first_space
    used = 0.0
    last_cont: Row | None = None
    for fam_rows, cont in groups:
        last_cont = cont
        h = sum(r[1] for r in fam_rows)
        if rows and used + h > space and h <= page_space and space - used < page_space / 3:
            pages.append((rows, fam_idx))
            rows, fam_idx, used, space = [], [], 0.0, page_space
        for k, row in enumerate(fam_rows):
            if rows and used + row[1] > space:
                pages.append((rows, fam_idx))
                rows, fam_idx, used, space = [], [], 0.0, page_space
                if k > 0:
                    fam_idx.append(0)
                    rows.append(cont)
                    used += cont[1]
            if k == 0:
                fam_idx.append(len(rows))
            rows.append(row)
            used += row[1]
    if last_reserve and rows and used + last_reserve > space:
        if len(fam_idx) > 1:
            cut = fam_idx[-1]  # the last family moves to a new page with the signatures
            pages.append((rows[:cut], fam_idx[:-1]))
            rows, fam_idx = rows[cut:], [0]
        elif last_cont is not None and len(rows) - fam_idx[0] > 2:
            # One (long) family on the page: its last members go on with the signatures.
            n = min(3, len(rows) - fam_idx[0] - 2)
            pages.append((rows[:-n], fam_idx))
            rows, fam_idx = [last_cont] + rows[-n:], [0]
    pages.append((rows, fam_idx))
    return pages


def _legend() -> str:
    keb = ", ".join(f"<b>{n}</b> {k.value}" for k, n in KEBERADAAN_CODES.items())
    kel = ", ".join(f"<b>{c}</b> {k.value}" for k, c in KELAYAKAN_CODES.items())
    return (f"Kunjungi setiap keluarga, cocokkan dengan KK/KTP, lalu isi: <b>Keberadaan</b> tiap anggota dengan "
            f"kode {keb}; <b>Kelayakan</b> keluarga dengan kode {kel}; koreksi nama, NIK atau tanggal lahir bila "
            f"berbeda dengan KK/KTP; anggota baru ditulis di baris kosong atau di kolom Catatan. {MASK_NOTE}")


def _section(ctx: DocContext, data: "WorksheetData", petugas: str | None, families: list["SheetFamily"],
             check: Callable[[], None] | None) -> tuple[list, int]:
    st = styles()
    width, frame_h = ctx.width, ctx.height
    spec = spec_for(width)
    terms = village_terms(data.desa_kode)
    n_members = sum(len(f.members) for f in families)
    info = Table([
        [terms.unit, f": {data.desa} ({data.desa_kode})", "Putaran verifikasi", f": {data.putaran}"],
        ["Kecamatan", f": {data.kecamatan}", "Petugas", f": {petugas or UNASSIGNED}"],
        ["Jumlah", f": {angka(len(families))} keluarga, {angka(n_members)} anggota", "Tanggal cetak",
         f": {tanggal(ctx.when, long=True)}"],
    ], colWidths=[26 * mm, 110 * mm, 34 * mm, width - 170 * mm], hAlign="LEFT")
    info.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10, 13),
                              ("FONT", (1, 0), (1, 0), FONT_BOLD, 10, 13),
                              ("FONT", (3, 1), (3, 1), FONT_BOLD, 10, 13),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    section_head = [KopSurat(ctx.head, width), Spacer(1, 3 * mm), Paragraph(TITLE, st["title"]),
                    Spacer(1, 2.5 * mm), info, Spacer(1, 2 * mm), Paragraph(_legend(), st["small"]),
                    Spacer(1, 2.5 * mm)]
    kepala = (getattr(data, "kepala_desa", "") or "").strip()
    signs = SignatureBlock(None, None, width, sign_space=14 * mm, signatories=[
        Signatory(("Tanggal: ...............................", "Petugas verifikasi,"), petugas, show_nip=False),
        Signatory(("Mengetahui,", f"{terms.head} {data.desa}"), kepala or None, show_nip=terms.kind == "kelurahan"),
    ])
    tail = [Spacer(1, 4 * mm), signs]
    groups = []
    for n, f in enumerate(families, start=1):
        if check is not None and n % 500 == 0:
            check()
        groups.append(([_family_row(spec, f, n, data)] + _member_rows(spec, f, data),
                       _family_row(spec, f, n, data, cont=True)))
    head = spec.wrap_row([c.title for c in spec.columns], head=True)
    # 1 pt of slack per page against rounding in reportlab's frame.
    pages = paginate(groups, frame_h - measure(section_head, width) - head[1] - 1, frame_h - head[1] - 1,
                     measure(tail, width))
    tables: list = []
    for i, (r, fi) in enumerate(pages):
        if i:
            tables.append(PageBreak())
        tables.append(_WorksheetPage(spec, head, r, fi))
    key = petugas or UNASSIGNED
    story = [SectionStart(key, f"{RUNNING} — {terms.unit} {data.desa}, putaran {data.putaran}, petugas {key} "
                               "(lanjutan)")]
    story += section_head + tables + [KeepTogether(tail)]
    return story, len(pages)


def _sections(data: "WorksheetData") -> dict[str | None, list["SheetFamily"]]:
    sections: dict[str | None, list] = {}
    for f in data.families:
        sections.setdefault(f.petugas, []).append(f)
    return sections


def layout(ctx: DocContext, data: "WorksheetData", *, progress: Callable[[int, int, str], None] | None = None,
           check: Callable[[], None] | None = None) -> tuple[list, dict[str, int]]:
    """The flowables of every petugas' section, and the pages each section takes."""
    sections = _sections(data)
    story: list = []
    pages: dict[str, int] = {}
    for i, (petugas, fams) in enumerate(sections.items()):
        if progress:
            progress(i, len(sections), f"Menyusun lembar kerja {petugas or UNASSIGNED}")
        part, n = _section(ctx, data, petugas, fams, check)
        if story:
            story.append(PageBreak())
        story += part
        pages[petugas or UNASSIGNED] = n
    return story, pages


def story(ctx: DocContext, data: "WorksheetData") -> list:
    return layout(ctx, data)[0]


def title(data: "WorksheetData") -> str:
    return f"{RUNNING} {data.desa} {data.putaran}"


def footer(data: "WorksheetData") -> str:
    return f"{data.desa} · putaran {data.putaran} · dicetak oleh {data.printed_by}. {MASK_NOTE}"
