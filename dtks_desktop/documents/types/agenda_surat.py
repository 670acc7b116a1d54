"""Agenda surat keluar: the letter register of a year, printed (not numbered itself).

``data``: ``{"year": 2026, "filter": "…", "rows": [[nomor, tanggal, jenis, perihal, dibuat oleh,
status], …]}``. Signed by the register keeper, known by (``Mengetahui``) the office head.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from dtks_desktop.documents.engine import DocContext, blank_signatory, esc, paragraph, signatures, signer_signatory, title_block
from dtks_desktop.documents.layout import Column, TableSpec, long_table
from dtks_desktop.domain.formatting import angka

CODE = "agenda_surat"
TITLE = "AGENDA SURAT KELUAR"
ORIENTATION = "portrait"


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    rows = data.get("rows") or []
    w = ctx.width
    fixed = 8 * mm + 40 * mm + 20 * mm + 30 * mm + 16 * mm
    spec = TableSpec([Column("No", 8 * mm, "CENTER"), Column("Nomor surat", 40 * mm, wrap=True),
                      Column("Tanggal", 20 * mm, "CENTER"), Column("Jenis", 30 * mm, wrap=True),
                      Column("Perihal", w - fixed, wrap=True), Column("Status", 16 * mm, "CENTER", wrap=True)],
                     font_size=8.5, head_font_size=8.5)
    body = [[str(i), r[0], r[1], r[2], r[3], r[5]] for i, r in enumerate(rows, 1)]
    voided = sum(1 for r in rows if r[5] != "Berlaku")
    out: list[Flowable] = [ctx.kop(), Spacer(1, 5 * mm)]
    out += title_block(f"{TITLE} TAHUN {data.get('year', ctx.when.year)}", ctx.nomor, data.get("filter") or None)
    out += [Spacer(1, 4 * mm),
            paragraph(f"Jumlah nomor: <b>{angka(len(rows))}</b>, di antaranya <b>{angka(voided)}</b> dibatalkan. "
                      "Nomor yang dibatalkan tetap tercatat dan tidak dipakai lagi."),
            Spacer(1, 3 * mm)]
    if body:
        out.append(long_table(spec, body))
    else:
        out.append(paragraph("<i>Tidak ada nomor surat yang sesuai.</i>"))
    out.append(Spacer(1, 8 * mm))
    out.append(KeepTogether([signatures(ctx, [
        signer_signatory(ctx.signer, "Mengetahui,"),
        blank_signatory(esc(ctx.place_date()), "Pengelola Agenda Surat"),
    ])]))
    return out
