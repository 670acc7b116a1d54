"""Daftar Tanda Terima (receipt list) of one desa/kelurahan for a distribution period: each KPM
signs or puts a thumbprint when the aid is handed over. Rows ordered by RW, RT and name under a
band per RT; columns No, Nama KPM (and dusun/alamat), NIK (masked: the list is handed out),
RT/RW, Bantuan, and a large signature/thumbprint cell, numbered on the left for odd rows and on
the right for even rows so that neighbours sign staggered. Closed by the total and the columns
"Yang menyerahkan" (the PT Pos officer) and "Mengetahui, Kepala Desa/Lurah".

Drawn on the canvas (``dist_common.CanvasPage``): thousands of pages per kabupaten.

``data`` (besides ``dist_common``): ``tempat`` (the distribution points), ``hari_tanggal``
(text, "" when not set), ``jumlah`` (KPM), ``total`` (the total in words, e.g.
"Rp 150.000.000 (seratus lima puluh juta rupiah)"), ``rows``: [[no, nama, keterangan
(dusun/alamat), nik, rt, rw], …] in print order.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from dtks_desktop.documents.dist_common import Band, CanvasPage, Col, Row, paginate, title_of, village_signatory
from dtks_desktop.documents.engine import DocContext, esc, paragraph, signatures, title_block
from dtks_desktop.documents.layout import SectionStart, measure
from dtks_desktop.documents.letterhead import Signatory
from dtks_desktop.documents.musdes_common import fields_table
from dtks_desktop.domain.formatting import angka

CODE = "daftar_tanda_terima"
TITLE = "DAFTAR TANDA TERIMA BANTUAN SOSIAL"
ORIENTATION = "portrait"
SECTION = "tanda-terima"
ROW_H = 15 * mm  # room for a signature or a thumbprint (about 15 × 20 mm), staggered
BAND_H = 6 * mm
HEAD_H = 10 * mm


def columns(width: float) -> list[Col]:
    sign = 56 * mm
    fixed = 9 * mm + 31 * mm + 17 * mm + 24 * mm + sign
    return [Col("No", 9 * mm, "CENTER"), Col("Nama KPM\nDusun/alamat", width - fixed), Col("NIK", 31 * mm, "CENTER"),
            Col("RT/RW", 17 * mm, "CENTER"), Col("Bantuan", 24 * mm, "CENTER"),
            Col("Tanda tangan / cap jempol", sign)]


def items(data: dict) -> tuple[list[Band | Row], list[int]]:
    """Bands per RT and rows; the row numbers (for the staggered signature cells)."""
    out: list[Band | Row] = []
    numbers: list[int] = []
    rows = data.get("rows") or []
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        counts[(r[5], r[4])] = counts.get((r[5], r[4]), 0) + 1
    last = None
    for no, nama, ket, nik, rt, rw in rows:
        key = (rw, rt)
        if key != last:
            out.append(Band(f"RW {rw or '-'} / RT {rt or '-'} — {angka(counts[key])} KPM"))
            last = key
        out.append(Row((str(no), (nama, ket), nik, f"{rt or '-'}/{rw or '-'}", data["benefit"], "")))
        numbers.append(int(no))
    return out, numbers


def head(ctx: DocContext, data: dict) -> list[Flowable]:
    unit = data["unit"]
    return [ctx.kop(), Spacer(1, 3 * mm),
            *title_block(f"DAFTAR TANDA TERIMA BANTUAN {data['programme']}", None,
                         f"{data['programme_name']} — {data['period']}"),
            Spacer(1, 3 * mm),
            fields_table([(f"{unit}", data["desa"]), ("Kecamatan", data["kecamatan"]),
                          ("Tempat penyaluran", data.get("tempat") or "." * 60),
                          ("Hari, tanggal", data.get("hari_tanggal") or "." * 40),
                          ("Bantuan per KPM", data["benefit_long"]),
                          ("Jumlah KPM", f"{angka(int(data.get('jumlah') or 0))} KPM")], ctx.width,
                         label_width=38 * mm, size=9.5),
            Spacer(1, 3 * mm)]


def tail(ctx: DocContext, data: dict) -> list[Flowable]:
    sign = signatures(ctx, [Signatory(("Yang menyerahkan,", "PETUGAS PT POS INDONESIA"), None, None, show_nip=False),
                            village_signatory(data)])
    return [Spacer(1, 3 * mm),
            paragraph(f"Jumlah {angka(int(data.get('jumlah') or 0))} KPM, seluruhnya "
                      f"<b>{esc(data.get('total') or '')}</b>. NIK disamarkan (daftar dibawa ke tempat penyaluran).",
                      "body", fontSize=9.5),
            Spacer(1, 2 * mm),
            paragraph(f"{esc(data['desa'])}, {esc(data.get('tanggal_text') or '.' * 30)}", "body",
                      fontSize=9.5, alignment=2),
            Spacer(1, 2 * mm), sign]


def pages(ctx: DocContext, data: dict) -> tuple[list[Flowable], list[list[Band | Row]], list[Flowable], list[int]]:
    top = head(ctx, data)
    bottom = tail(ctx, data)
    its, numbers = items(data)
    slack = 2  # points: rounding never pushes a planned row onto the next page
    cut = paginate(its, first_space=ctx.height - measure(top, ctx.width) - slack, page_space=ctx.height - slack,
                   head_h=HEAD_H, row_h=ROW_H, band_h=BAND_H, last_reserve=measure(bottom, ctx.width) + slack)
    return top, cut, bottom, numbers


def plan(ctx: DocContext, data: dict):
    """The pages laid out (pass to :func:`story`); ``page_count(plan)`` pages."""
    return pages(ctx, data)


def page_count(planned) -> int:
    return len(planned[1])


def story(ctx: DocContext, data: dict, planned=None) -> list[Flowable]:
    top, cut, bottom, numbers = planned or pages(ctx, data)
    cols = columns(ctx.width)
    out: list[Flowable] = [SectionStart(SECTION, f"Daftar tanda terima {title_of(data)} — {data['unit']} "
                                                 f"{data['desa']}, Kecamatan {data['kecamatan']} (lanjutan)")]
    out += top
    k = 0
    for i, chunk in enumerate(cut):
        if i:
            out.append(PageBreak())
        n = sum(isinstance(x, Row) for x in chunk)
        out.append(CanvasPage(cols, chunk, row_h=ROW_H, band_h=BAND_H, head_h=HEAD_H, size=8.5, sign_col=5,
                              numbers=numbers[k:k + n], constant=(4,)))
        k += n
    if not numbers:
        out.append(paragraph("<i>Tidak ada KPM yang disalurkan di desa ini.</i>", "subtitle"))
    out += bottom
    return out
