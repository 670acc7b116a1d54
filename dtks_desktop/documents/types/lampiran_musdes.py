"""Lampiran of the Berita Acara Musdes/Muskel: I usulan baru by name and address (BNBA), II usulan
penghapusan with the reason, III perbaikan data. Posted at the village office and handed out, so
every NIK and No KK is masked. Each lampiran has its own "Halaman x dari y".

``data`` (besides ``documents.musdes_common``): ``nomor_ba``; ``baru``: [[nama, nik, no_kk,
hubungan, alamat, rt/rw, keterangan], …]; ``hapus``: [[id_dtks, nama, nik, hubungan, alamat,
rt/rw, alasan], …]; ``perbaikan``: [[id_dtks, nama, nik, hubungan, alamat, rt/rw, perbaikan], …].
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from dtks_desktop.documents.engine import DocContext, esc, paragraph, signatures
from dtks_desktop.documents.layout import Column, SectionStart, TableSpec, measure, paged_tables
from dtks_desktop.documents.musdes_common import person, place_date
from dtks_desktop.domain.formatting import angka

CODE = "lampiran_musdes"
TITLE = "LAMPIRAN BERITA ACARA MUSYAWARAH DESA/KELURAHAN"
ORIENTATION = "landscape"

PARTS = (
    ("baru", "I", "DAFTAR USULAN BARU (BY NAME BY ADDRESS)"),
    ("hapus", "II", "DAFTAR USULAN PENGHAPUSAN DATA DAN ALASANNYA"),
    ("perbaikan", "III", "DAFTAR PERBAIKAN DATA"),
)


def _spec(ctx: DocContext, key: str) -> TableSpec:
    w = ctx.width
    if key == "baru":
        cols = [Column("No", 9 * mm, "CENTER"), Column("Nama", 0, wrap=True), Column("NIK", 36 * mm, "CENTER"),
                Column("No KK", 36 * mm, "CENTER"), Column("Hubungan", 28 * mm, wrap=True),
                Column("Alamat", 0, wrap=True), Column("RT/RW", 18 * mm, "CENTER"),
                Column("Keterangan", 52 * mm, wrap=True)]
    else:
        last = "Alasan penghapusan" if key == "hapus" else "Data yang diperbaiki"
        cols = [Column("No", 9 * mm, "CENTER"), Column("ID DTKS", 30 * mm, wrap=True), Column("Nama", 0, wrap=True),
                Column("NIK", 36 * mm, "CENTER"), Column("Hubungan", 28 * mm, wrap=True),
                Column("Alamat", 0, wrap=True), Column("RT/RW", 18 * mm, "CENTER"), Column(last, 52 * mm, wrap=True)]
    free = [c for c in cols if c.width == 0]
    rest = w - sum(c.width for c in cols)
    for c in free:
        c.width = rest / len(free)
    return TableSpec(cols, font_size=8.5, head_font_size=8.5)


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    out: list[Flowable] = []
    desa, meeting = data["desa"], data["meeting"]
    sign = signatures(ctx, [person(esc(place_date(data)), f"{data['head']} {desa}", data.get("kepala"))])
    for i, (key, roman, title) in enumerate(PARTS):
        rows = data.get(key) or []
        if i:
            out.append(PageBreak())
        out.append(SectionStart(f"lampiran-{roman}", f"Lampiran {roman} Berita Acara {meeting} {desa} (lanjutan)"))
        head: list[Flowable] = [
            paragraph(f"<b>LAMPIRAN {roman}</b> BERITA ACARA {esc(meeting.upper())} {esc(desa.upper())}"
                      f" KECAMATAN {esc(data['kecamatan'].upper())}", "body", fontSize=10),
            paragraph(f"Nomor: {esc(data.get('nomor_ba') or '-')}", "body", fontSize=10),
            Spacer(1, 3 * mm), paragraph(f"<u>{esc(title)}</u>", "title"), Spacer(1, 1 * mm),
            paragraph(f"Jumlah: {angka(len(rows))} jiwa. NIK dan No KK disamarkan (dokumen diumumkan).", "subtitle"),
            Spacer(1, 3 * mm)]
        out += head
        if rows:
            body = [[str(n), *r] for n, r in enumerate(rows, 1)]
            first = ctx.height - measure(head, ctx.width)
            out += paged_tables(_spec(ctx, key), body, first_space=first, page_space=ctx.height,
                                last_reserve=sign.height + 6 * mm)
        else:
            out.append(paragraph("<i>Tidak ada.</i>", "subtitle"))
        out += [Spacer(1, 5 * mm), KeepTogether([sign])]
    return out
