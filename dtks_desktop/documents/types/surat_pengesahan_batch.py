"""Draft Surat Pengesahan of a submission batch for the Bupati/Walikota: DTKS submissions are
ratified by the head of the region (DOMAIN.md §3.3; the form varies by region, so this is a
draft the office completes). Not numbered here: the Bupati's office numbers it.

``data``: ``{"batch_id", "kepala_daerah", "kabupaten", "programme", "kind_label", "rows",
"desa", "nomor_pengantar", "sha256"}``.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from dtks_desktop.documents.engine import JUSTIFY, DocContext, blank_signatory, esc, paragraph, signatures, \
    title_block
from dtks_desktop.domain.formatting import angka

CODE = "surat_pengesahan_batch"
TITLE = "SURAT PENGESAHAN DATA TERPADU KESEJAHTERAAN SOSIAL"
ORIENTATION = "portrait"


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    body = dict(fontSize=10.5, leading=15, alignment=JUSTIFY.alignment)
    kd = data.get("kepala_daerah") or "Bupati"
    out: list[Flowable] = [paragraph("<b>DRAF</b> — untuk dilengkapi dan ditandatangani "
                                     f"{esc(kd)} {esc(data.get('kabupaten', ''))}", "small"), Spacer(1, 4 * mm)]
    out += title_block(TITLE, "........ / ........ / ........")
    text = (f"{esc(kd)} {esc(data.get('kabupaten', ''))} dengan ini mengesahkan "
            f"{esc(data.get('kind_label', '').lower())} Data Terpadu Kesejahteraan Sosial untuk program "
            f"<b>{esc(data.get('programme', ''))}</b> sebanyak <b>{angka(int(data.get('rows', 0)))} jiwa</b> di "
            f"{angka(int(data.get('desa', 0)))} desa/kelurahan, sebagaimana tercantum dalam lampiran Surat "
            f"Pengantar Kepala Dinas Sosial Nomor {esc(data.get('nomor_pengantar') or '........')} "
            f"(batch #{esc(data.get('batch_id'))}), hasil musyawarah desa/kelurahan.")
    out += [Spacer(1, 6 * mm), paragraph(text, "body", **body), Spacer(1, 3 * mm),
            paragraph(f"Sidik isi data (SHA-256): <font size=8>{esc(data.get('sha256', ''))}</font>", "small"),
            Spacer(1, 3 * mm),
            paragraph("Demikian surat pengesahan ini dibuat untuk dipergunakan sebagaimana mestinya.", "body",
                      **body), Spacer(1, 8 * mm),
            KeepTogether([signatures(ctx, [blank_signatory(esc(ctx.place_date()),
                                                           f"{kd} {data.get('kabupaten', '')}", nip=False)])])]
    return out
