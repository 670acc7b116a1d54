"""SPTJM (Surat Pernyataan Tanggung Jawab Mutlak) of a Kepala Desa/Lurah whose village held no
Musdes/Muskel in the round (DOMAIN.md §3.1 step 4, §3.5): numbered statements, signed over a
meterai.

``data`` (besides ``documents.musdes_common``): ``putaran``, ``keluarga`` (families in the
registry), ``diverifikasi`` (families with findings), ``usulan_baru`` (people proposed),
``dinas`` (the office the data goes to).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, ListItem, Spacer

from dtks_desktop.documents.engine import JUSTIFY, DocContext, esc, paragraph, title_block
from dtks_desktop.documents.musdes_common import MateraiSignature, fields_table, place_date
from dtks_desktop.domain.formatting import angka

CODE = "sptjm_musdes"
TITLE = "SURAT PERNYATAAN TANGGUNG JAWAB MUTLAK"
ORIENTATION = "portrait"


def _p(text: str) -> Flowable:
    return paragraph(text, "body", alignment=JUSTIFY.alignment, fontSize=10.5, leading=15)


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    unit, desa, head, meeting = data["unit"], data["desa"], data["head"], data["meeting"]
    kepala = data.get("kepala") or "." * 40
    out: list[Flowable] = [ctx.kop(), Spacer(1, 6 * mm)]
    out += title_block(TITLE, ctx.nomor)
    out += [Spacer(1, 6 * mm), _p("Yang bertanda tangan di bawah ini:"), Spacer(1, 1.5 * mm),
            fields_table([("Nama", kepala), ("Jabatan", f"{head} {desa}"),
                          ("Alamat", f"Kantor {unit} {desa}, Kecamatan {data['kecamatan']}, {data.get('kabupaten', '')}")],
                         ctx.width),
            Spacer(1, 3 * mm), _p("dengan ini menyatakan dengan sesungguhnya bahwa:"), Spacer(1, 1.5 * mm)]
    items = [
        f"Pada putaran verifikasi dan validasi Data Terpadu Kesejahteraan Sosial (DTKS) {esc(data['putaran'])}, "
        f"{esc(unit)} {esc(desa)} tidak melaksanakan {esc(meeting)}.",
        f"Data DTKS {esc(unit)} {esc(desa)} sebanyak {angka(data.get('keluarga', 0))} keluarga, dengan "
        f"{angka(data.get('diverifikasi', 0))} keluarga yang telah diverifikasi di lapangan dan "
        f"{angka(data.get('usulan_baru', 0))} jiwa usulan baru, yang disampaikan kepada "
        f"{esc(data.get('dinas', 'Dinas Sosial'))} adalah benar dan sesuai dengan keadaan sebenarnya.",
        "Usulan penghapusan, usulan baru dan perbaikan data telah diperiksa kebenarannya dan tidak memuat data "
        "ganda maupun data penduduk di luar wilayah kami.",
        "Apabila di kemudian hari terdapat ketidaksesuaian data, saya bertanggung jawab sepenuhnya sesuai "
        "ketentuan peraturan perundang-undangan dan membebaskan pihak lain dari tuntutan apa pun.",
    ]
    out.append(ListFlowable([ListItem(_p(t), leftIndent=16) for t in items], bulletType="1", bulletFormat="%s.",
                            leftIndent=16, bulletFontSize=10.5))
    out += [Spacer(1, 3 * mm),
            _p("Demikian surat pernyataan ini dibuat dengan sebenar-benarnya tanpa paksaan dari pihak mana pun untuk "
               "dipergunakan sebagaimana mestinya."),
            Spacer(1, 8 * mm),
            KeepTogether([MateraiSignature(ctx.width, [esc(place_date(data)), "Yang membuat pernyataan,",
                                                       f"{head} {desa}".upper()], data.get("kepala"))])]
    return out
