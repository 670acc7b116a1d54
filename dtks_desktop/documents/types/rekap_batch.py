"""Recap of a submission batch per kecamatan and desa, the attachment of the Surat Pengantar.

``data``: ``{"batch_id", "programme", "kind_label", "target_label", "nomor_pengantar",
"rows": [[kecamatan, desa, jiwa, keluarga], …], "total": [jiwa, keluarga]}``.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from dtks_desktop.documents.engine import DocContext, esc, paragraph, signatures, signer_signatory, title_block
from dtks_desktop.documents.layout import Column, TableSpec, long_table
from dtks_desktop.domain.formatting import angka

CODE = "rekap_batch"
TITLE = "REKAPITULASI PENGAJUAN PER KECAMATAN DAN DESA/KELURAHAN"
ORIENTATION = "portrait"


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    sub = (f"{data.get('kind_label', '')} {data.get('programme', '')} — batch #{data.get('batch_id')} — "
           f"{data.get('target_label', '')}")
    out: list[Flowable] = [ctx.kop(), Spacer(1, 4 * mm)]
    out += title_block(TITLE, None, sub)
    if data.get("nomor_pengantar"):
        out += [Spacer(1, 1 * mm), paragraph(f"Lampiran Surat Pengantar Nomor {esc(data['nomor_pengantar'])}",
                                             "subtitle")]
    out.append(Spacer(1, 5 * mm))
    w = ctx.width
    spec = TableSpec([Column("No", 10 * mm, "CENTER"), Column("Kecamatan", (w - 60 * mm) / 2, wrap=True),
                      Column("Desa/Kelurahan", (w - 60 * mm) / 2, wrap=True), Column("Jiwa", 25 * mm, "RIGHT"),
                      Column("Keluarga", 25 * mm, "RIGHT")], font_size=9.5, head_font_size=9.5)
    rows = [[str(i), k, d, angka(int(j)), angka(int(f))] for i, (k, d, j, f) in enumerate(data.get("rows") or [], 1)]
    tj, tf = data.get("total") or [0, 0]
    rows.append(["", "JUMLAH", "", angka(int(tj)), angka(int(tf))])
    out += [long_table(spec, rows), Spacer(1, 8 * mm),
            KeepTogether([signatures(ctx, [signer_signatory(ctx.signer, esc(ctx.place_date()))])])]
    return out
