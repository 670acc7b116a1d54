"""Daftar hadir (attendance list) of a Musdes/Muskel: No, Nama, Unsur, Jabatan and the signature
column with cells staggered left/right (row 1 signs on the left, row 2 on the right, …), and a
few empty rows for those not listed beforehand.

``data`` (besides ``documents.musdes_common``): ``jam``, ``tempat``, ``nomor_ba``, ``peserta``:
[[nama, unsur label, jabatan], …], ``kosong`` (empty rows to add).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from dtks_desktop.documents.engine import DocContext, esc, signatures, title_block
from dtks_desktop.documents.fonts import FONT, FONT_BOLD
from dtks_desktop.documents.layout import GRID, HEAD_BG
from dtks_desktop.documents.musdes_common import day, fields_table, person, place_date
from dtks_desktop.domain.formatting import hari_tanggal

CODE = "daftar_hadir_musdes"
TITLE = "DAFTAR HADIR MUSYAWARAH DESA/KELURAHAN"
ORIENTATION = "portrait"
ROW_H = 10 * mm
CELL = ParagraphStyle("hadir", fontName=FONT, fontSize=9, leading=10.5)


def attendance_table(ctx: DocContext, people: list[list[str]], blank: int) -> Table:
    w = ctx.width
    sign_w = 50 * mm
    name_w = (w - 9 * mm - sign_w) * 0.40
    unsur_w = (w - 9 * mm - sign_w) * 0.28
    jab_w = w - 9 * mm - sign_w - name_w - unsur_w
    rows = [["No", "Nama", "Unsur", "Jabatan", "Tanda tangan"]]
    total = len(people) + blank
    for i in range(total):
        p = people[i] if i < len(people) else ["", "", ""]
        n = i + 1
        rows.append([str(n), *(Paragraph(esc(x), CELL) for x in p[:3]), f"{n}. " + "." * 22])
    t = Table(rows, colWidths=[9 * mm, name_w, unsur_w, jab_w, sign_w], rowHeights=[8 * mm] + [ROW_H] * total,
              repeatRows=1)
    cmds = [("FONT", (0, 0), (-1, -1), FONT, 9.5, 11.5), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9.5, 11.5),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ("ALIGN", (0, 1), (0, -1), "CENTER"), ("FONT", (4, 1), (4, -1), FONT, 8.5, 10)]
    for r in range(1, total + 1):  # staggered: odd rows sign on the left, even rows on the right
        cmds.append(("ALIGN", (4, r), (4, r), "LEFT" if r % 2 else "RIGHT"))
    t.setStyle(TableStyle(cmds))
    return t


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    unit, desa, meeting = data["unit"], data["desa"], data["meeting"]
    out: list[Flowable] = [ctx.kop(), Spacer(1, 5 * mm)]
    out += title_block(f"DAFTAR HADIR {meeting.upper()}", None,
                       "Verifikasi dan Validasi Data Terpadu Kesejahteraan Sosial (DTKS)")
    out += [Spacer(1, 4 * mm),
            fields_table([("Hari, tanggal", hari_tanggal(day(data))), ("Jam", f"{data['jam']} WIB"),
                          ("Tempat", data["tempat"]), (f"{unit}", f"{desa}, Kecamatan {data['kecamatan']}"),
                          ("Berita Acara", data.get("nomor_ba") or "-")], ctx.width),
            Spacer(1, 4 * mm),
            attendance_table(ctx, data.get("peserta") or [], int(data.get("kosong", 5))),
            Spacer(1, 6 * mm),
            KeepTogether([signatures(ctx, [person(esc(place_date(data)), f"{data['head']} {desa}",
                                                  data.get("kepala"))])])]
    return out
