"""Daftar KPM dikembalikan of one desa/kelurahan: the KPM that PT Pos cleaning returned for
completion (``dikembalikan``), with the reasons, to be completed by the desa and sent back. NIK
and No KK masked (the list leaves the office).

``data`` (besides ``documents.dist_common``): ``rows``: [[nama, nik, no_kk, alamat, dusun, rt,
rw, alasan], …] in print order.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from dtks_desktop.documents.dist_common import title_of, village_signatory
from dtks_desktop.documents.engine import DocContext, paragraph, signatures
from dtks_desktop.documents.layout import SectionStart, measure, paged_tables
from dtks_desktop.documents.letterhead import Signatory
from dtks_desktop.documents.types.daftar_nominatif import heading, spec
from dtks_desktop.domain.formatting import angka

CODE = "daftar_dikembalikan"
TITLE = "DAFTAR KPM DIKEMBALIKAN UNTUK DILENGKAPI"
ORIENTATION = "landscape"


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    rows = data.get("rows") or []
    head = heading(ctx, data, TITLE, f"Jumlah {angka(len(rows))} KPM dikembalikan oleh pembersihan data PT Pos. "
                                     "Mohon dilengkapi/diperbaiki dan dikirim kembali ke Dinas Sosial. "
                                     "NIK dan No KK disamarkan.")
    sign = signatures(ctx, [Signatory(("Petugas pembersihan data,", "PT POS INDONESIA"), None, None, show_nip=False),
                            village_signatory(data, "Diterima untuk dilengkapi,")])
    out: list[Flowable] = [SectionStart("dikembalikan", f"KPM dikembalikan {title_of(data)} — {data['unit']} "
                                                        f"{data['desa']} (lanjutan)")]
    out += head
    body = [[str(i), *r] for i, r in enumerate(rows, 1)]
    if body:
        out += paged_tables(spec(ctx, "Alasan dikembalikan", 62 * mm), body,
                            first_space=ctx.height - measure(head, ctx.width), page_space=ctx.height,
                            last_reserve=sign.height + 6 * mm)
    else:
        out.append(paragraph("<i>Tidak ada KPM yang dikembalikan.</i>", "subtitle"))
    out += [Spacer(1, 5 * mm), sign]
    return out
