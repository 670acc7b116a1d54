"""Surat Pengantar of a submission batch: the covering letter to the Kepala Pusdatin Kesos
Kemensos RI or the Kepala Dinas Sosial Provinsi, numbered from the register, signed by the
signatory chosen for this type (``surat_pengantar_batch``, else the default).

``data``: ``{"batch_id", "kepada", "programme", "programme_label", "kind_label", "scope", "rows",
"families", "desa", "kecamatan", "sha256", "lampiran": [...], "kabupaten"}``.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from dtks_desktop.documents.engine import JUSTIFY, DocContext, esc, paragraph, signatures, signer_signatory
from dtks_desktop.documents.fonts import FONT
from dtks_desktop.domain.formatting import angka

CODE = "surat_pengantar_batch"
TITLE = "SURAT PENGANTAR"
ORIENTATION = "portrait"


def _head(ctx: DocContext, data: dict) -> Table:
    rows = [["Nomor", ":", ctx.nomor or "." * 30], ["Sifat", ":", "Penting"],
            ["Lampiran", ":", f"{len(data.get('lampiran') or [])} berkas"],
            ["Hal", ":", f"Pengajuan {data.get('kind_label', '')} {data.get('programme', '')} "
                         f"(batch #{data.get('batch_id')})"]]
    t = Table(rows, colWidths=[25 * mm, 4 * mm, ctx.width - 29 * mm])
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10.5, 14), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    t.hAlign = "LEFT"
    return t


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    body = dict(fontSize=10.5, leading=15)
    out: list[Flowable] = [ctx.kop(), Spacer(1, 4 * mm),
                           paragraph(esc(ctx.place_date()), "body", alignment=2, **body), Spacer(1, 3 * mm),
                           _head(ctx, data), Spacer(1, 5 * mm),
                           paragraph("Kepada Yth.", "body", **body),
                           paragraph(f"<b>{esc(data.get('kepada', ''))}</b>", "body", **body),
                           paragraph("di tempat", "body", **body), Spacer(1, 6 * mm)]
    text = (f"Bersama ini kami sampaikan {esc(data.get('kind_label', '').lower())} Data Terpadu Kesejahteraan "
            f"Sosial (DTKS) untuk program <b>{esc(data.get('programme_label') or data.get('programme', ''))}</b> "
            f"{esc(data.get('kabupaten', ''))}, cakupan {esc(data.get('scope', ''))}, sebanyak "
            f"<b>{angka(int(data.get('rows', 0)))} jiwa</b> dari {angka(int(data.get('families', 0)))} keluarga di "
            f"{angka(int(data.get('desa', 0)))} desa/kelurahan dan {angka(int(data.get('kecamatan', 0)))} "
            "kecamatan. Usulan ini berasal dari keputusan musyawarah desa/kelurahan yang berita acaranya telah "
            "kembali dan telah disetujui pimpinan.")
    out += [paragraph(text, "body", alignment=JUSTIFY.alignment, **body), Spacer(1, 3 * mm),
            paragraph("Sebagai kelengkapan kami lampirkan:", "body", **body)]
    for i, item in enumerate(data.get("lampiran") or [], 1):
        out.append(paragraph(f"{i}. {esc(item)}", "body", leftIndent=6 * mm, **body))
    out += [Spacer(1, 3 * mm),
            paragraph(f"Sidik isi data (SHA-256): <font size=8>{esc(data.get('sha256', ''))}</font>", "small"),
            Spacer(1, 3 * mm),
            paragraph("Demikian surat pengantar ini kami sampaikan, atas perhatian dan kerja samanya kami ucapkan "
                      "terima kasih.", "body", alignment=JUSTIFY.alignment, **body),
            Spacer(1, 8 * mm),
            KeepTogether([signatures(ctx, [signer_signatory(ctx.signer, "")])])]
    return out
