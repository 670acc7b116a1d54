"""Rekapitulasi penyaluran of a distribution period for the whole kabupaten, per kecamatan and
desa/kelurahan: for Disperindag/Perum Bulog when the aid is goods (KPM and the quantity to
prepare), for Dinas Sosial when it is cash (KPM and the rupiah, totals in words). Numbered in the
letter register and signed by the signatory chosen for ``rekap_penyaluran``.

``data``: ``programme``, ``programme_name``, ``period``, ``benefit``, ``benefit_kind``,
``kabupaten``, ``untuk`` (to whom), ``nilai_title`` ("Nilai (Rp)" / "Beras (kg)"), ``rows``:
[[kecamatan, desa, terdaftar, dikembalikan, kpm, nilai], …] (nilai already written),
``kecamatan``: {kecamatan: [terdaftar, dikembalikan, kpm, nilai]}, ``total``: [terdaftar,
dikembalikan, kpm, nilai], ``total_text`` (the total in words).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from dtks_desktop.documents.engine import DocContext, esc, paragraph, signatures, signer_signatory, title_block
from dtks_desktop.documents.layout import TOTAL_BG, Column, TableSpec, long_table
from dtks_desktop.domain.formatting import angka

CODE = "rekap_penyaluran"
TITLE = "REKAPITULASI PENYALURAN BANTUAN"
ORIENTATION = "portrait"


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    w = ctx.width
    out: list[Flowable] = [ctx.kop(), Spacer(1, 4 * mm)]
    out += title_block(f"{TITLE} {data['programme']}", ctx.nomor,
                       f"{data['programme_name']} — {data['period']}")
    out += [Spacer(1, 2 * mm),
            paragraph(f"Untuk {esc(data['untuk'])}. Bantuan per KPM: <b>{esc(data['benefit'])}</b>. KPM dihitung "
                      "dari hasil pembersihan data PT Pos (lengkap); yang dikembalikan belum disalurkan.", "body",
                      fontSize=9.5),
            Spacer(1, 3 * mm)]
    spec = TableSpec([Column("No", 9 * mm, "CENTER"), Column("Kecamatan", (w - 113 * mm) / 2, wrap=True),
                      Column("Desa/Kelurahan", (w - 113 * mm) / 2, wrap=True), Column("Terdaftar", 20 * mm, "RIGHT"),
                      Column("Dikem-\nbalikan", 20 * mm, "RIGHT"), Column("KPM\ndisalurkan", 22 * mm, "RIGHT"),
                      Column(data["nilai_title"], 42 * mm, "RIGHT")], font_size=8.5, head_font_size=8.5)
    body, extra = [], []
    last = None
    n = 0
    for kec, desa, terdaftar, kembali, kpm, nilai in data.get("rows") or []:
        if last is not None and kec != last:
            body.append(["", f"Jumlah Kec. {last}", "", *_nums(data["kecamatan"][last])])
            extra.append(("BACKGROUND", (0, len(body)), (-1, len(body)), TOTAL_BG))
        n += 1
        body.append([str(n), kec if kec != last else "", desa, angka(terdaftar), angka(kembali), angka(kpm), nilai])
        last = kec
    if last is not None:
        body.append(["", f"Jumlah Kec. {last}", "", *_nums(data["kecamatan"][last])])
        extra.append(("BACKGROUND", (0, len(body)), (-1, len(body)), TOTAL_BG))
    body.append(["", "JUMLAH KABUPATEN", "", *_nums(data["total"])])
    extra += [("BACKGROUND", (0, len(body)), (-1, len(body)), TOTAL_BG),
              ("FONT", (0, len(body)), (-1, len(body)), "DejaVuSansCondensed-Bold", 8.5, 10.2)]
    out += [long_table(spec, body, extra), Spacer(1, 3 * mm),
            paragraph(f"Jumlah seluruhnya: <b>{esc(data['total_text'])}</b> untuk {angka(int(data['total'][2]))} KPM.",
                      "body", fontSize=9.5),
            Spacer(1, 8 * mm),
            KeepTogether([signatures(ctx, [signer_signatory(ctx.signer, esc(ctx.place_date()))])])]
    return out


def _nums(v: list) -> list[str]:
    return [angka(int(v[0])), angka(int(v[1])), angka(int(v[2])), str(v[3])]
