"""What the distribution documents share (issue 14): the heading lines of a desa's list, text
that fits a width, and a list table drawn straight on the canvas.

Receipt lists and invitations of a whole kabupaten run to tens of thousands of pages, so their
repeated parts are drawn with canvas calls (a page of a platypus ``Table`` costs several times
more). Rows have fixed heights, so a list is cut into pages here and the page count is known
before rendering (``render(section_pages=…)`` finishes each page at once).

``data`` common keys (gathered by ``services/distribution/printing.py``): ``programme``,
``programme_name``, ``period``, ``benefit`` ("Rp 600.000" / "beras 10 kg"), ``benefit_long``
("Rp 600.000 (enam ratus ribu rupiah)"), ``benefit_kind``, ``desa_kode``, ``desa``,
``kecamatan``, ``kabupaten``, ``unit`` ("Desa"/"Kelurahan"), ``head`` ("Kepala Desa"/"Lurah"),
``kepala`` (name or ""), ``tanggal`` (ISO date of the document).
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from dtks_desktop.documents.fonts import FONT, FONT_BOLD
from dtks_desktop.documents.layout import GRID, HEAD_BG
from dtks_desktop.documents.letterhead import Signatory
from dtks_desktop.domain.formatting import tanggal

__all__ = ["fit", "fit_size", "fit_width", "Col", "Band", "Row", "CanvasPage", "paginate", "title_of", "place_line",
           "village_signatory", "day", "plain_streams"]

BAND_BG = colors.HexColor("#EDEDED")


@functools.lru_cache(maxsize=32768)
def fit_size(text: str, font: str, size: float, width: float, min_size: float = 6.0) -> float:
    """The largest size from ``size`` down to ``min_size`` (steps of 0.5) at which ``text`` fits."""
    return fit_width(text, font, size, width, min_size)[1]


@functools.lru_cache(maxsize=32768)
def fit_width(text: str, font: str, size: float, width: float, min_size: float = 6.0) -> tuple[str, float, float]:
    """(text, size, drawn width): ``text`` shrunk to fit ``width`` (not below ``min_size``), then cut
    with "…" if still too wide. One width measurement when it fits (the usual case)."""
    w = stringWidth(text, font, size)
    if w <= width:
        return text, size, w
    s = max(min_size, int(size * width / w * 2) / 2)  # widths scale with the size
    w = stringWidth(text, font, s)
    while s > min_size and w > width:
        s -= 0.5
        w = stringWidth(text, font, s)
    if w <= width:
        return text, s, w
    while text and stringWidth(text + "…", font, s) > width:
        text = text[:-1]
    text = text.rstrip() + "…"
    return text, s, stringWidth(text, font, s)


def fit(text: str, font: str, size: float, width: float, min_size: float = 6.0) -> tuple[str, float]:
    """``text`` shrunk to fit ``width`` (not below ``min_size``), then cut with "…" if still too wide."""
    t, s, _ = fit_width(text, font, size, width, min_size)
    return t, s


def day(data: dict, key: str = "tanggal") -> date:
    return date.fromisoformat(data[key])


def title_of(data: dict) -> str:
    """``BPNT Tahap 1 2027``."""
    return f"{data['programme']} {data['period']}"


def place_line(data: dict) -> str:
    """``Karanganom, 11 Januari 2027`` (the desa and the document's date)."""
    return f"{data['desa']}, {tanggal(day(data), long=True)}"


def village_signatory(data: dict, first: str = "Mengetahui,") -> Signatory:
    """The Kepala Desa/Lurah column (name from the village officials; dotted when unknown)."""
    return Signatory((first, f"{data['head']} {data['desa']}".upper()), data.get("kepala") or None, None,
                     show_nip=False)


@dataclass
class Col:
    title: str
    width: float
    align: str = "LEFT"  # LEFT, CENTER, RIGHT


@dataclass(frozen=True)
class Band:
    """A group heading across the table (``RW 002 / RT 003 — 14 KPM``)."""

    text: str


@dataclass(frozen=True)
class Row:
    """One row: cell texts; a cell may be (first line, second line in small type)."""

    cells: tuple


class CanvasPage(Flowable):
    """One page of a list table drawn with canvas calls: the header row, then bands and rows of
    fixed heights, grid lines at the end. ``sign_col``: the index of a signature column whose
    cells get the row number on the left (odd) or right (even) half, with a dotted line to sign
    on: neighbours sign staggered and do not overlap."""

    def __init__(self, cols: Sequence[Col], items: Sequence[Band | Row], *, row_h: float, band_h: float,
                 head_h: float = 9 * mm, size: float = 8.5, sign_col: int | None = None,
                 numbers: Sequence[int] = (), constant: Sequence[int] = ()) -> None:
        super().__init__()
        self.constant = set(constant)  # columns whose text is the same on every row: drawn in the row form
        self.cols, self.items = list(cols), list(items)
        self.row_h, self.band_h, self.head_h, self.size = row_h, band_h, head_h, size
        self.sign_col, self.numbers = sign_col, list(numbers)
        self.width = sum(c.width for c in cols)
        self.height = head_h + sum(band_h if isinstance(i, Band) else row_h for i in items)

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def _row_form(self, c, xs: list[float], odd: int, item: Row) -> str:
        """A form with what every row shares (the constant columns' text, the dotted line to sign
        on in the left or right half), drawn once per document and parity."""
        key = (tuple((col.title, col.width) for col in self.cols), self.row_h, self.size, odd,
               tuple(str(item.cells[k]) for k in sorted(self.constant)))
        forms = c.__dict__.setdefault("_dtks_row_forms", {})
        name = forms.get(key)
        if name is not None:
            return name
        name = forms[key] = f"listrow{len(forms)}"
        c.beginForm(name, 0, 0, self.width, self.row_h)
        for k in sorted(self.constant):
            self._cell(c, self.cols[k], xs[k], self.row_h, self.row_h, item.cells[k])
        if self.sign_col is not None:
            col = self.cols[self.sign_col]
            half = col.width / 2
            sx = xs[self.sign_col] + (0 if odd else half)
            c.setFont(FONT, 6)
            c.setFillColor(colors.HexColor("#9A9A9A"))
            c.drawString(sx + 1.6 * mm, 1.4 * mm, "." * int((half - 3.2 * mm) / 1.7))
        c.endForm()
        return name

    def _cell(self, c, col: Col, x: float, top: float, h: float, value) -> None:
        pad = 1.6 * mm
        inner = col.width - 2 * pad
        if isinstance(value, tuple):
            first, second = value
            t1, s1 = fit(first, FONT_BOLD, self.size + 0.5, inner)
            c.setFont(FONT_BOLD, s1)
            c.drawString(x + pad, top - h / 2 + 1.2, t1)
            if second:
                t2, s2 = fit(second, FONT, self.size - 1, inner)
                c.setFont(FONT, s2)
                c.drawString(x + pad, top - h / 2 - s2 - 1.2, t2)
            return
        text, s, w = fit_width(str(value), FONT, self.size, inner)
        c.setFont(FONT, s)
        y = top - h / 2 - s * 0.35
        if col.align == "CENTER":
            c.drawString(x + (col.width - w) / 2, y, text)
        elif col.align == "RIGHT":
            c.drawString(x + col.width - pad - w, y, text)
        else:
            c.drawString(x + pad, y, text)

    def draw(self) -> None:
        c = self.canv
        xs = [0.0]
        for col in self.cols:
            xs.append(xs[-1] + col.width)
        top = self.height
        c.saveState()
        c.setFillColor(HEAD_BG)
        c.rect(0, top - self.head_h, self.width, self.head_h, stroke=0, fill=1)
        c.setFillColor(colors.black)
        for col, x in zip(self.cols, xs):
            lines = col.title.split("\n")
            size = self.size
            for k, line in enumerate(lines):
                t, s = fit(line, FONT_BOLD, size, col.width - 2 * mm)
                c.setFont(FONT_BOLD, s)
                y = top - self.head_h / 2 + (len(lines) / 2 - k - 0.8) * (size + 1)
                c.drawCentredString(x + col.width / 2, y, t)
        y = top - self.head_h
        hlines = [(0, top, self.width, top), (0, y, self.width, y)]
        vsegs = []  # (x, y_top, y_bottom) of the column rules, broken by bands
        seg_top = y
        n = 0
        for item in self.items:
            if isinstance(item, Band):
                if seg_top > y:
                    vsegs.append((seg_top, y))
                c.setFillColor(BAND_BG)
                c.rect(0, y - self.band_h, self.width, self.band_h, stroke=0, fill=1)
                c.setFillColor(colors.black)
                c.setFont(FONT_BOLD, self.size)
                c.drawString(1.6 * mm, y - self.band_h / 2 - self.size * 0.35, item.text)
                y -= self.band_h
                seg_top = y
            else:
                num = self.numbers[n] if n < len(self.numbers) else n + 1
                c.saveState()
                c.translate(0, y - self.row_h)
                c.doForm(self._row_form(c, xs, num % 2, item))
                c.restoreState()
                for k, (col, x) in enumerate(zip(self.cols, xs)):
                    if k == self.sign_col:
                        sx = x + (0 if num % 2 else col.width / 2)
                        c.setFont(FONT, self.size)
                        c.drawString(sx + 1.6 * mm, y - 3.6 * mm, f"{num}.")
                    elif k not in self.constant:
                        self._cell(c, col, x, y, self.row_h, item.cells[k])
                n += 1
                y -= self.row_h
            hlines.append((0, y, self.width, y))
        if seg_top > y:
            vsegs.append((seg_top, y))
        c.setStrokeColor(GRID)
        c.setLineWidth(0.5)
        lines = list(hlines)
        for x in xs:
            lines.append((x, top, x, top - self.head_h))
            lines.extend((x, a, x, b) for a, b in vsegs)
        c.lines(lines)
        band_y = top - self.head_h
        for item in self.items:
            h = self.band_h if isinstance(item, Band) else self.row_h
            if isinstance(item, Band):
                c.lines([(0, band_y, 0, band_y - h), (self.width, band_y, self.width, band_y - h)])
            band_y -= h
        if self.sign_col is not None:  # a faint rule between the two halves of the signature cells
            x = xs[self.sign_col] + self.cols[self.sign_col].width / 2
            c.setStrokeColor(colors.HexColor("#C8C8C8"))
            c.setDash(1, 2)
            c.lines([(x, a, x, b) for a, b in vsegs])
        c.restoreState()


def paginate(items: Sequence[Band | Row], *, first_space: float, page_space: float, head_h: float, row_h: float,
             band_h: float, last_reserve: float = 0.0) -> list[list[Band | Row]]:
    """``items`` cut into pages: a band never ends a page, and the last page keeps
    ``last_reserve`` free under the table (total and signatures) or moves its last rows on."""
    pages: list[list[Band | Row]] = []
    page: list[Band | Row] = []
    space = first_space - head_h
    used = 0.0
    for item in items:
        h = band_h if isinstance(item, Band) else row_h
        if page and used + h > space:
            carry = []
            while page and isinstance(page[-1], Band):
                carry.insert(0, page.pop())
            pages.append(page)
            page, used, space = carry, sum(band_h for _ in carry), page_space - head_h
        page.append(item)
        used += h
    if last_reserve and used + last_reserve > space and sum(isinstance(i, Row) for i in page) > 1:
        keep = max(1, len(page) - 3)  # a few rows go on with the signatures: never a page of signatures alone
        while keep > 1 and isinstance(page[keep - 1], Band):
            keep -= 1
        pages.append(page[:keep])
        page = page[keep:]
    pages.append(page)
    return [p for p in pages if p] or [[]]


@contextmanager
def plain_streams():
    """Page streams only deflated, not also ASCII85-encoded (reportlab's default, done in pure
    Python without its optional C accelerator: about a fifth of the time of a long list). The
    PDF is smaller too; the content is the same."""
    from reportlab import rl_config

    old = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = old
