"""Berita Acara Serah Terima (BAST) of the distribution in one desa/kelurahan: PT Pos (the
distributor, PIHAK PERTAMA) hands the aid over to the KPM of the desa before the Kepala
Desa/Lurah (PIHAK KEDUA), with the numbers: KPM to serve, received, failed, remaining and the
value; known from the receipts when the distribution was recorded, else left to fill in by hand.
Numbered in the letter register; "Mengetahui" is the signatory chosen for ``bast_penyaluran``.

``data`` (besides ``documents.dist_common``): ``tempat``, ``target``, ``target_nilai``,
``realisasi``: None or {"received", "failed", "remaining", "value"} (texts), ``daftar`` (the receipt
list it refers to, text).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from dtks_desktop.documents.dist_common import day, village_signatory
from dtks_desktop.documents.engine import JUSTIFY, DocContext, esc, paragraph, signatures, signer_signatory, title_block
from dtks_desktop.documents.letterhead import Signatory
from dtks_desktop.documents.musdes_common import fields_table
from dtks_desktop.domain.formatting import angka, kalimat_hari_ini, tanggal

CODE = "bast_penyaluran"
TITLE = "BERITA ACARA SERAH TERIMA BANTUAN"
ORIENTATION = "portrait"
BLANK = "." * 25


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    when = day(data)
    unit, desa, head = data["unit"], data["desa"], data["head"]
    real = data.get("realisasi")
    out: list[Flowable] = [ctx.kop(), Spacer(1, 4 * mm)]
    out += title_block(f"{TITLE} {data['programme']}", ctx.nomor, f"{data['programme_name']} — {data['period']}")
    out += [Spacer(1, 4 * mm),
            paragraph(f"{esc(kalimat_hari_ini(when))}, bertempat di {esc(data.get('tempat') or BLANK)}, {esc(unit)} "
                      f"{esc(desa)}, Kecamatan {esc(data['kecamatan'])}, kami yang bertanda tangan di bawah ini:",
                      "body", alignment=JUSTIFY.alignment, leading=15),
            Spacer(1, 2 * mm),
            fields_table([("1. Nama", BLANK * 2), ("    Jabatan", "Petugas PT Pos Indonesia (Persero)"),
                          ("", "selanjutnya disebut PIHAK PERTAMA;"),
                          ("2. Nama", data.get("kepala") or BLANK * 2), ("    Jabatan", f"{head} {desa}"),
                          ("", "selanjutnya disebut PIHAK KEDUA."), ], ctx.width, label_width=30 * mm, size=10),
            Spacer(1, 2 * mm),
            paragraph(f"PIHAK PERTAMA telah menyerahkan bantuan <b>{esc(data['programme_name'])}</b> "
                      f"{esc(data['period'])} sebesar <b>{esc(data['benefit_long'])}</b> per KPM kepada Keluarga "
                      f"Penerima Manfaat (KPM) di {esc(unit)} {esc(desa)}, disaksikan dan diterima laporannya oleh "
                      f"PIHAK KEDUA, dengan rincian sebagai berikut:", "body", alignment=JUSTIFY.alignment,
                      leading=15),
            Spacer(1, 2 * mm)]
    rows = [("a. KPM sasaran (data lengkap)", f"{angka(int(data['target']))} KPM — {data['target_nilai']}"),
            ("b. Diterima KPM", f"{real['received']}" if real else f"{BLANK} KPM"),
            ("c. Gagal salur", f"{real['failed']}" if real else f"{BLANK} KPM"),
            ("d. Belum tersalur", f"{real['remaining']}" if real else f"{BLANK} KPM"),
            ("e. Nilai yang diterima", f"{real['value']}" if real else BLANK * 2)]
    out += [fields_table(rows, ctx.width, label_width=58 * mm, size=10), Spacer(1, 2 * mm),
            paragraph(f"Rincian penerima tercantum dalam {esc(data.get('daftar') or 'Daftar Tanda Terima')} yang "
                      "ditandatangani/dicap jempol oleh setiap KPM atau kuasanya, yang merupakan bagian tidak "
                      "terpisahkan dari berita acara ini. Demikian berita acara ini dibuat dengan sebenarnya "
                      "untuk dipergunakan sebagaimana mestinya.", "body", alignment=JUSTIFY.alignment, leading=15),
            Spacer(1, 3 * mm),
            paragraph(f"{esc(desa)}, {esc(tanggal(when, long=True))}", "body", alignment=2),
            Spacer(1, 2 * mm),
            KeepTogether([signatures(ctx, [Signatory(("PIHAK PERTAMA,", "PETUGAS PT POS INDONESIA"), None, None,
                                                     show_nip=False),
                                           village_signatory(data, "PIHAK KEDUA,")]),
                          Spacer(1, 4 * mm),
                          signatures(ctx, [signer_signatory(ctx.signer, "Mengetahui,")])])]
    return out
