"""What the Musdes/Muskel documents share: the plain data the service gathers (``data`` of each
type), the village letterhead, and small flowables (a fields table, a meterai box).

``data`` common keys: ``desa_kode``, ``desa``, ``kecamatan``, ``kabupaten``, ``unit`` ("Desa" /
"Kelurahan"), ``meeting`` ("Musyawarah Desa"), ``head`` ("Kepala Desa" / "Lurah"), ``kepala``,
``ketua_bpd``, ``bpd_title`` ("Ketua BPD" / "Ketua LPM"), ``tanggal`` (ISO), ``place`` (the
place before the date: the desa).
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from dtks_desktop.documents.engine import esc
from dtks_desktop.documents.fonts import FONT, FONT_BOLD
from dtks_desktop.documents.letterhead import Letterhead, Signatory
from dtks_desktop.domain.formatting import tanggal

__all__ = ["village_letterhead", "fields_table", "MateraiSignature", "day", "place_date", "person"]


def village_letterhead(data: dict, logo: bytes | None = None) -> Letterhead:
    """PEMERINTAH KABUPATEN … / KECAMATAN … / DESA …, the village office as address line."""
    unit = data.get("unit", "Desa")
    lines = (f"Kecamatan {data.get('kecamatan', '')}", f"Kantor {unit} {data.get('desa', '')}")
    pem = (data.get("pemerintah") or "").upper() or None
    return Letterhead(pemerintah=pem, dinas=f"{unit} {data.get('desa', '')}".upper(), alamat=lines,
                      tempat=data.get("desa"), logo=logo)


def day(data: dict, key: str = "tanggal") -> date:
    return date.fromisoformat(data[key])


def place_date(data: dict, key: str = "tanggal") -> str:
    return f"{data.get('place') or data.get('desa')}, {tanggal(day(data, key), long=True)}"


def person(first: str, title: str, name: str | None, *, nip: str | None = None, show_nip: bool = False,
           pangkat: str | None = None) -> Signatory:
    lines = (first or " ",) + tuple(t for t in title.split("\n") if t)
    return Signatory(lines, name or None, nip, show_nip=show_nip, pangkat=pangkat)


def fields_table(rows: list[tuple[str, str]], width: float, *, label_width: float = 40 * mm,
                 size: float = 10.5) -> Table:
    t = Table([[k, ":", v] for k, v in rows], colWidths=[label_width, 4 * mm, width - label_width - 4 * mm])
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, size, size * 1.35), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    t.hAlign = "LEFT"
    return t


class MateraiSignature(Flowable):
    """One signature column on the right: the place and date, the title, a dashed box for the
    meterai (revenue stamp) on the left of the signing space, and the name bold and underlined."""

    def __init__(self, width: float, lines: list[str], name: str | None, *, col: float = 85 * mm,
                 box: tuple[float, float] = (30 * mm, 20 * mm), label: str = "METERAI\nRp10.000") -> None:
        super().__init__()
        self.width, self.lines, self.name, self.col, self.box, self.label = width, lines, name, col, box, label
        self.leading = 13
        self.space = box[1] + 8 * mm
        self.height = self.leading * (len(lines) + 1) + self.space + 4

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        x = self.width - self.col / 2
        y = self.height
        for i, text in enumerate(self.lines):
            y -= self.leading
            c.setFont(FONT if i == 0 else FONT_BOLD, 10)
            c.drawCentredString(x, y, text)
        bw, bh = self.box
        bx, by = x - self.col / 2 + 2 * mm, y - 4 * mm - bh
        c.saveState()
        c.setDash(2, 2)
        c.setLineWidth(0.6)
        c.rect(bx, by, bw, bh)
        c.restoreState()
        c.setFont(FONT, 7.5)
        parts = self.label.split("\n")
        for k, part in enumerate(parts):
            c.drawCentredString(bx + bw / 2, by + bh / 2 + (len(parts) / 2 - k - 0.8) * 9, part)
        y = self.height - self.leading * len(self.lines) - self.space - self.leading
        name = self.name or "(" + "." * 40 + ")"
        c.setFont(FONT_BOLD if self.name else FONT, 10)
        c.drawCentredString(x, y, name)
        if self.name:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            w = stringWidth(name, FONT_BOLD, 10)
            c.setLineWidth(0.7)
            c.line(x - w / 2, y - 1.5, x + w / 2, y - 1.5)


def esc_all(*values) -> list[str]:  # pragma: no cover - convenience
    return [esc(v) for v in values]
