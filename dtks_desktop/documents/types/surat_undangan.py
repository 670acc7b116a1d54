"""Surat Undangan (invitation) for every KPM of a desa/kelurahan: six cards per page with cut
lines between them. Each card: the office, the programme and period, to whom (name, masked NIK,
address), what the KPM receives, where and when (the KPM's distribution point and time slot),
what to bring (this invitation, KTP-el, Kartu Keluarga; a representative: a letter of
authority and their own KTP-el), and the QR code of the invitation token
(``services.distribution.tokens``) with the token printed under it, so the desk scans it or
types it.

Drawn on the canvas (``qrfast`` for the QR codes): a kabupaten prints 100,000 of them.

``data`` (besides ``dist_common``): ``pemerintah``, ``dinas``, ``cards``: [[no, nama, nik, alamat, rt_rw_desa,
tempat, tempat_alamat, hari_tanggal, jam, token], …].
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, PageBreak

from dtks_desktop.documents import qrfast
from dtks_desktop.documents.dist_common import fit, title_of
from dtks_desktop.documents.engine import DocContext
from dtks_desktop.documents.fonts import FONT, FONT_BOLD
from dtks_desktop.documents.layout import SectionStart

CODE = "surat_undangan"
TITLE = "SURAT UNDANGAN PENERIMA BANTUAN"
ORIENTATION = "portrait"
SECTION = "undangan"
COLS, ROWS = 2, 3
PER_PAGE = COLS * ROWS
QR = 25 * mm
PAD = 3.5 * mm
GREY = colors.HexColor("#6E6E6E")
CUT = colors.HexColor("#9A9A9A")


class InvitationSheet(Flowable):
    """One page of up to six invitation cards, with dashed cut lines and scissors marks."""

    def __init__(self, width: float, height: float, data: dict, cards: list[list[str]]) -> None:
        super().__init__()
        self.width, self.height, self.data, self.cards = width, height, data, cards

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        cw, ch = self.width / COLS, self.height / ROWS
        for i, card in enumerate(self.cards):
            col, row = i % COLS, i // COLS
            self._card(c, col * cw, self.height - (row + 1) * ch, cw, ch, card)
        c.saveState()
        c.setStrokeColor(CUT)
        c.setLineWidth(0.5)
        c.setDash(3, 2)
        lines = [(0, self.height - r * ch, self.width, self.height - r * ch) for r in range(ROWS + 1)]
        lines += [(k * cw, 0, k * cw, self.height) for k in range(COLS + 1)]
        c.lines(lines)
        c.setFillColor(CUT)
        c.setFont(FONT, 9)
        for r in range(1, ROWS):
            c.drawString(-1.5, self.height - r * ch - 3, "✂")
        c.drawString(cw - 4, self.height + 1.5, "✂")
        c.restoreState()

    def _card(self, c, x0: float, y0: float, w: float, h: float, card: list[str]) -> None:
        no, nama, nik, alamat, wilayah, tempat, tempat_alamat, hari, jam, token = card
        name = _template(c, self.data, w, h, tempat, tempat_alamat, hari, jam)
        c.saveState()
        c.translate(x0, y0)
        c.doForm(name)
        left, right = PAD, w - PAD
        c.setFont(FONT, 7)
        c.setFillColor(GREY)
        c.drawRightString(right, h - PAD - 7, f"No. {no}")
        c.setFillColor(colors.black)
        qr_x = right - QR
        qrfast.draw(c, token, qr_x, QR_TOP - QR, QR)
        t, s = fit(token, FONT, 6, QR + 2 * mm, 4.5)
        c.setFont(FONT, s)
        c.drawCentredString(qr_x + QR / 2, QR_TOP - QR - 5, t)
        text_w = qr_x - left - 2 * mm
        y = h - NAME_Y
        t, s = fit(nama, FONT_BOLD, 10.5, text_w, 7)
        c.setFont(FONT_BOLD, s)
        c.drawString(left, y, t)
        y -= 10.5
        for line in (f"NIK {nik}", alamat, *wilayah.split("\n")):
            if line:
                t, s = fit(line, FONT, 8, text_w)
                c.setFont(FONT, s)
                c.drawString(left, y, t)
                y -= 10
        c.restoreState()


# Fixed positions from the card's top edge (points): every card of a desa has the same layout,
# so what all cards share is drawn once per document as a form (see _template).
KOP_Y = PAD + 7
TITLE_Y = KOP_Y + 29
NAME_Y = TITLE_Y + 35
QR_TOP_FROM_TOP = TITLE_Y + 14
TEXT_Y = QR_TOP_FROM_TOP + QR + 17
QR_TOP = 0.0  # set per card height by _layout


def _layout(h: float) -> None:
    global QR_TOP
    QR_TOP = h - QR_TOP_FROM_TOP


def _template(c, d: dict, w: float, h: float, tempat: str, tempat_alamat: str, hari: str, jam: str) -> str:
    """The name of the form holding what cards share (office, title, the invitation text, place
    and time of a slot); drawn into the document the first time it is used."""
    _layout(h)
    key = "|".join((str(round(w)), str(round(h)), tempat, tempat_alamat, hari, jam))
    forms = c.__dict__.setdefault("_dtks_card_forms", {})
    name = forms.get(key)
    if name is not None:
        return name
    name = forms[key] = f"undangan{len(forms)}"
    c.beginForm(name, 0, 0, w, h)
    left, right = PAD, w - PAD
    inner = right - left
    mid = w / 2
    y = h - KOP_Y
    for text, font, size in ((d.get("pemerintah") or "", FONT_BOLD, 7), (d.get("dinas") or "", FONT_BOLD, 8.5)):
        if text:
            t, s = fit(text, font, size, inner - 18 * mm)
            c.setFont(font, s)
            c.drawCentredString(mid, y, t)
        y -= 10.5
    c.setLineWidth(0.8)
    c.line(left, h - KOP_Y - 17, right, h - KOP_Y - 17)
    c.setFont(FONT_BOLD, 11)
    c.drawCentredString(mid, h - TITLE_Y, "SURAT UNDANGAN")
    t, s = fit(f"Pengambilan bantuan {title_of(d)}", FONT, 8, inner)
    c.setFont(FONT, s)
    c.drawCentredString(mid, h - TITLE_Y - 10, t)
    c.setFont(FONT, 8)
    c.drawString(left, h - NAME_Y + 12, "Kepada Yth. Bapak/Ibu")
    y = h - TEXT_Y
    for line in simpleSplit(f"Dengan hormat, Bapak/Ibu diundang untuk menerima bantuan {d['programme']} sebesar "
                            f"{d['benefit_long']} pada:", FONT, 8, inner)[:2]:
        c.drawString(left, y, line)
        y -= 9.5
    y -= 2
    label_w = 21 * mm
    for label, value, bold in (("Hari, tanggal", hari, True), ("Jam", jam, True), ("Tempat", tempat, True),
                               ("", tempat_alamat, False)):
        c.setFont(FONT, 8)
        if label:
            c.drawString(left, y, label)
            c.drawString(left + label_w - 5, y, ":")
        t, s = fit(value or "." * 40, FONT_BOLD if bold and value else FONT, 9 if bold else 8, inner - label_w)
        c.setFont(FONT_BOLD if bold and value else FONT, s)
        c.drawString(left + label_w, y, t)
        y -= 11
    y -= 2
    c.setFont(FONT_BOLD, 8)
    c.drawString(left, y, "Wajib dibawa")
    c.setFont(FONT, 8)
    c.drawString(left + label_w - 5, y, ":")
    t, s = fit("undangan ini, KTP-el asli, Kartu Keluarga asli.", FONT, 8, inner - label_w)
    c.setFont(FONT, s)
    c.drawString(left + label_w, y, t)
    y -= 10
    t, s = fit("Bila diwakilkan: bawa surat kuasa dan KTP-el penerima kuasa (satu KK).", FONT, 7.5, inner)
    c.setFont(FONT, s)
    c.drawString(left, y, t)
    c.endForm()
    return name


def plan(ctx: DocContext, data: dict) -> int:
    return max(1, -(-len(data.get("cards") or []) // PER_PAGE))


def page_count(planned: int) -> int:
    return planned


def story(ctx: DocContext, data: dict, planned=None) -> list[Flowable]:
    cards = data.get("cards") or []
    out: list[Flowable] = [SectionStart(SECTION, "")]
    for i in range(0, max(1, len(cards)), PER_PAGE):
        if i:
            out.append(PageBreak())
        out.append(InvitationSheet(ctx.width, ctx.height - 1, data, cards[i:i + PER_PAGE]))
    return out
