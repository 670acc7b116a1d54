"""Surat Keterangan Terdaftar dalam DTKS: a numbered letter stating that a family is in the
registry (asked for by schools, hospitals and programmes).

``data``: ``{"nama", "nik" (masked as the office policy says), "no_kk", "alamat", "desa",
"kecamatan", "kabupaten", "keperluan", "anggota": [[nama, nik, hubungan], …]}``.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from dtks_desktop.documents.engine import JUSTIFY, DocContext, esc, paragraph, signatures, signer_signatory, title_block
from dtks_desktop.documents.fonts import FONT
from dtks_desktop.documents.layout import Column, TableSpec, long_table
from dtks_desktop.domain.formatting import hari_tanggal

CODE = "surat_keterangan"
TITLE = "SURAT KETERANGAN TERDAFTAR DTKS"
ORIENTATION = "portrait"


def _fields(ctx: DocContext, rows: list[tuple[str, str]]) -> Table:
    t = Table([[k, ":", v] for k, v in rows], colWidths=[45 * mm, 4 * mm, ctx.width - 60 * mm])
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10.5, 14), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    t.hAlign = "RIGHT"
    return t


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    jabatan = (ctx.signer.jabatan if ctx.signer else "Kepala Dinas Sosial")
    out: list[Flowable] = [ctx.kop(), Spacer(1, 6 * mm)]
    out += title_block(TITLE, ctx.nomor)
    out += [Spacer(1, 6 * mm), paragraph("Yang bertanda tangan di bawah ini:", "body", fontSize=10.5, leading=15),
            Spacer(1, 1.5 * mm),
            _fields(ctx, [("Nama", ctx.signer.nama if ctx.signer else "." * 40),
                          ("NIP", ctx.signer.nip if ctx.signer and ctx.signer.nip else "." * 40),
                          ("Jabatan", jabatan)]),
            Spacer(1, 3 * mm),
            paragraph("menerangkan bahwa keluarga dengan kepala keluarga:", "body", fontSize=10.5, leading=15),
            Spacer(1, 1.5 * mm),
            _fields(ctx, [("Nama", data.get("nama", "")), ("NIK", data.get("nik", "")),
                          ("Nomor KK", data.get("no_kk", "")), ("Alamat", data.get("alamat", "")),
                          ("Desa/Kelurahan", data.get("desa", "")), ("Kecamatan", data.get("kecamatan", "")),
                          ("Kabupaten/Kota", data.get("kabupaten", ""))]),
            Spacer(1, 3 * mm),
            paragraph(f"terdaftar dalam Data Terpadu Kesejahteraan Sosial (DTKS) per {esc(hari_tanggal(ctx.when))} "
                      "dengan anggota keluarga sebagai berikut:", "body", fontSize=10.5, leading=15),
            Spacer(1, 2 * mm)]
    anggota = data.get("anggota") or []
    if anggota:
        w = ctx.width
        spec = TableSpec([Column("No", 9 * mm, "CENTER"), Column("Nama", w - 9 * mm - 45 * mm - 40 * mm, wrap=True),
                          Column("NIK", 45 * mm, "CENTER"), Column("Hubungan", 40 * mm, wrap=True)],
                         font_size=9.5, head_font_size=9.5)
        out.append(long_table(spec, [[str(i), *r] for i, r in enumerate(anggota, 1)]))
    keperluan = data.get("keperluan") or "keperluan administrasi"
    out += [Spacer(1, 4 * mm),
            paragraph(f"Surat keterangan ini dibuat untuk {esc(keperluan)} dan tidak berlaku untuk keperluan lain. "
                      "Keaslian surat ini dapat diperiksa dengan kode keaslian di kaki halaman.", "body",
                      alignment=JUSTIFY.alignment, fontSize=10.5, leading=15),
            Spacer(1, 8 * mm),
            KeepTogether([signatures(ctx, [signer_signatory(ctx.signer, esc(ctx.place_date()))])])]
    return out
