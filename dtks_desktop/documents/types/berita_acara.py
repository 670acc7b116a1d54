"""Berita Acara Musyawarah Desa / Musyawarah Kelurahan (DOMAIN.md §3.2, §3.5): the minutes of the
village meeting on the verification results, numbered in the letter register.

``data`` (besides the keys of ``documents.musdes_common``): ``jam`` ("09:00"), ``tempat``,
``ketua``, ``notulis``, ``agenda``, ``putaran``, ``peserta`` (count), ``wakil`` ([[nama, unsur
label], …], at most two community representatives), ``totals`` (``services.musdes`` Totals as a
dict), ``pengecualian`` (new proposals whose NIK is not padan), ``camat`` ({"title", "nama",
"nip", "pangkat"}).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from dtks_desktop.documents.engine import JUSTIFY, DocContext, esc, paragraph, signatures, title_block
from dtks_desktop.documents.fonts import FONT, FONT_BOLD
from dtks_desktop.documents.layout import GRID, HEAD_BG, TOTAL_BG
from dtks_desktop.documents.musdes_common import day, person, place_date
from dtks_desktop.domain.formatting import angka, kalimat_hari_ini, tanggal
from dtks_desktop.domain.musdes import REASON_LABELS, Reason

CODE = "berita_acara_musdes"
TITLE = "BERITA ACARA MUSYAWARAH DESA/KELURAHAN"
ORIENTATION = "portrait"


def _p(text: str) -> Flowable:
    return paragraph(text, "body", alignment=JUSTIFY.alignment, fontSize=10.5, leading=15)


def _totals_table(ctx: DocContext, t: dict) -> Table:
    fam = t.get("families_by_decision", {})
    rows = [["No", "Hasil musyawarah", "Keluarga", "Jiwa", "Keterangan"],
            ["1", "Tetap terdaftar", angka(fam.get("tetap", 0)), angka(t["tetap"]), ""],
            ["2", "Usulan baru", angka(fam.get("usulan_baru", 0)), angka(t["usulan_baru"]), "Lampiran I"],
            ["3", "Usulan penghapusan data", angka(fam.get("hapus", 0)), angka(t["hapus"]), "Lampiran II"]]
    letters = "abcde"
    for i, r in enumerate(Reason):
        rows.append(["", f"{letters[i]}. {REASON_LABELS[r]}", "", angka(t["hapus_by_reason"].get(r.value, 0)), ""])
    rows.append(["4", "Perbaikan data", angka(fam.get("perbaikan_data", 0)), angka(t["perbaikan_data"]),
                 "Lampiran III"])
    rows.append(["", "Jumlah", angka(t["families"]), angka(t["members"]), ""])
    w = ctx.width
    table = Table(rows, colWidths=[10 * mm, w - 10 * mm - 24 * mm - 24 * mm - 30 * mm, 24 * mm, 24 * mm, 30 * mm])
    n = len(rows)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 10, 12.5), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 10, 12.5),
        ("FONT", (0, n - 1), (-1, n - 1), FONT_BOLD, 10, 12.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("BACKGROUND", (0, n - 1), (-1, n - 1), TOTAL_BG),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (2, 0), (3, -1), "RIGHT"), ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("LEFTPADDING", (1, 4), (1, 4 + len(Reason) - 1), 14),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    when = day(data)
    unit, desa, meeting, head = data["unit"], data["desa"], data["meeting"], data["head"]
    out: list[Flowable] = [ctx.kop(), Spacer(1, 5 * mm)]
    out += title_block(f"BERITA ACARA {meeting.upper()}", ctx.nomor)
    out += [Spacer(1, 1 * mm),
            paragraph("VERIFIKASI DAN VALIDASI DATA TERPADU KESEJAHTERAAN SOSIAL (DTKS)", "subtitle"),
            paragraph(esc(f"{unit} {desa} Kecamatan {data['kecamatan']} — putaran {data['putaran']}").upper(),
                      "subtitle"),
            Spacer(1, 5 * mm)]
    chair = data.get("ketua") or data.get("kepala") or "." * 30
    chair_role = f" selaku {head} {desa}" if chair == data.get("kepala") else ""
    out.append(_p(
        f"{esc(kalimat_hari_ini(when))} ({tanggal(when)}), pukul {esc(data['jam'])} WIB, bertempat di "
        f"{esc(data['tempat'])}, telah dilaksanakan <b>{esc(meeting)}</b> {esc(unit)} {esc(desa)} Kecamatan "
        f"{esc(data['kecamatan'])} {esc(data.get('kabupaten', ''))} dalam rangka verifikasi dan validasi Data Terpadu "
        f"Kesejahteraan Sosial (DTKS), dipimpin oleh {esc(chair)}{esc(chair_role)} dan dihadiri oleh {angka(data.get('peserta', 0))} "
        "orang peserta dari unsur pemerintah, lembaga kemasyarakatan, tokoh masyarakat dan tokoh agama sebagaimana "
        "tercantum dalam daftar hadir terlampir."))
    out += [Spacer(1, 3 * mm), paragraph("<b>Acara musyawarah:</b>", "body", fontSize=10.5, leading=15),
            _p(esc(data.get("agenda", ""))), Spacer(1, 3 * mm),
            _p(f"Setelah membahas hasil verifikasi lapangan dan hasil pemadanan NIK dengan data kependudukan "
               f"(Dukcapil), {esc(meeting)} menyepakati hasil sebagai berikut:"),
            Spacer(1, 2 * mm), _totals_table(ctx, data["totals"]), Spacer(1, 3 * mm)]
    exc = int(data.get("pengecualian") or 0)
    padan = ("Seluruh NIK usulan baru telah padan dengan data kependudukan." if not exc else
             f"Sebanyak {angka(exc)} jiwa usulan baru dengan NIK yang belum padan diusulkan dengan alasan "
             "pengecualian yang dicatat dalam Lampiran I.")
    out += [_p(f"Daftar nama dan alamat (by name by address) usulan baru, usulan penghapusan beserta alasannya, dan "
               f"perbaikan data tercantum dalam Lampiran I, II dan III yang merupakan bagian tidak terpisahkan dari "
               f"Berita Acara ini. {padan}"),
            Spacer(1, 3 * mm),
            _p("Demikian Berita Acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya."),
            Spacer(1, 6 * mm)]
    bpd_title = data.get("bpd_title", "Ketua BPD")
    row1 = signatures(ctx, [person(" ", f"{bpd_title}\n{unit} {desa}", data.get("ketua_bpd")),
                            person(esc(place_date(data)), f"{head} {desa}", data.get("kepala"))])
    wakil = list(data.get("wakil") or [])[:2]
    while len(wakil) < 2:
        wakil.append([None, "Wakil Masyarakat"])
    row2 = signatures(ctx, [person(" ", f"Wakil Masyarakat\n({w[1]})" if w[0] else "Wakil Masyarakat\n ", w[0])
                            for w in wakil] + [person(" ", "Notulis\n ", data.get("notulis"))])
    camat = data.get("camat") or {}
    row3 = signatures(ctx, [person("Mengetahui,", camat.get("title") or f"Camat {data['kecamatan']}",
                                   camat.get("nama"), nip=camat.get("nip"), show_nip=True,
                                   pangkat=camat.get("pangkat"))])
    row3._centres = lambda: [row3.width / 2]  # centred under the other columns
    out += [KeepTogether([row1]), Spacer(1, 2 * mm), KeepTogether([row2]), Spacer(1, 2 * mm), KeepTogether([row3])]
    return out
