"""Daftar Nominatif KPM of one desa/kelurahan for a distribution period: every KPM to be served
(cleaned ``lengkap``), by RW and RT, with name, masked NIK and No KK (the list is handed out),
address, dusun, RT, RW and what each receives; the number of KPM and the total; signed by the
office's signatory chosen for ``daftar_nominatif``.

``data`` (besides ``documents.dist_common``): ``rows``: [[nama, nik, no_kk, alamat, dusun, rt,
rw], …] in print order, ``jumlah``, ``total`` (the total with terbilang).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from dtks_desktop.documents.dist_common import title_of
from dtks_desktop.documents.engine import DocContext, esc, paragraph, signatures, signer_signatory, title_block
from dtks_desktop.documents.layout import Column, SectionStart, TableSpec, measure, paged_tables
from dtks_desktop.domain.formatting import angka

CODE = "daftar_nominatif"
TITLE = "DAFTAR NOMINATIF KELUARGA PENERIMA MANFAAT"
ORIENTATION = "landscape"


def spec(ctx: DocContext, last: str = "Bantuan", last_w: float = 30 * mm) -> TableSpec:
    cols = [Column("No", 10 * mm, "CENTER"), Column("Nama KPM", 0, wrap=True), Column("NIK", 34 * mm, "CENTER"),
            Column("No KK", 34 * mm, "CENTER"), Column("Alamat", 0, wrap=True), Column("Dusun", 30 * mm, wrap=True),
            Column("RT", 11 * mm, "CENTER"), Column("RW", 11 * mm, "CENTER"), Column(last, last_w, wrap=True)]
    free = [c for c in cols if c.width == 0]
    rest = ctx.width - sum(c.width for c in cols)
    for c in free:
        c.width = rest / len(free)
    return TableSpec(cols, font_size=8.5, head_font_size=8.5)


def heading(ctx: DocContext, data: dict, title: str, note: str) -> list[Flowable]:
    return [ctx.kop(), Spacer(1, 3 * mm),
            *title_block(title, ctx.nomor, f"{data['programme_name']} ({data['programme']}) — {data['period']}"),
            Spacer(1, 1 * mm),
            paragraph(f"{esc(data['unit'])} {esc(data['desa'])}, Kecamatan {esc(data['kecamatan'])}"
                      f"{', ' + esc(data['kabupaten']) if data.get('kabupaten') else ''}", "subtitle"),
            Spacer(1, 1 * mm), paragraph(esc(note), "subtitle", fontSize=9), Spacer(1, 3 * mm)]


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    rows = data.get("rows") or []
    head = heading(ctx, data, TITLE, f"Jumlah {angka(len(rows))} KPM, bantuan per KPM {data['benefit']}. "
                                     "NIK dan No KK disamarkan.")
    sign = signatures(ctx, [signer_signatory(ctx.signer, esc(ctx.place_date()))])
    total = paragraph(f"Jumlah {angka(int(data.get('jumlah') or len(rows)))} KPM; seluruhnya "
                      f"<b>{esc(data.get('total') or '')}</b>.", "body", fontSize=9.5)
    out: list[Flowable] = [SectionStart("nominatif", f"Daftar nominatif {title_of(data)} — {data['unit']} "
                                                     f"{data['desa']} (lanjutan)")]
    out += head
    body = [[str(i), *r, data["benefit"]] for i, r in enumerate(rows, 1)]
    if body:
        out += paged_tables(spec(ctx), body, first_space=ctx.height - measure(head, ctx.width), page_space=ctx.height,
                            last_reserve=sign.height + 16 * mm)
    else:
        out.append(paragraph("<i>Tidak ada KPM.</i>", "subtitle"))
    out += [Spacer(1, 3 * mm), total, Spacer(1, 4 * mm), sign]
    return out
