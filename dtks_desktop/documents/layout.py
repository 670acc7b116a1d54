"""Page layout shared by the documents: page numbers, running headers, long tables.

* :class:`NumberedCanvas` writes "Halaman x dari y" once the total is known. Numbering can
  restart per section (one village's list is "Halaman 1 dari 3" however many villages the file
  holds), and a section's continuation pages get its running header.
* :class:`SectionStart` is a zero-size flowable that opens a section.
* :class:`TableSpec` + :func:`paged_tables` split a long list into one ``Table`` per page with
  fixed, pre-computed row heights: reportlab renders ~100 pages/s that way, while one huge
  ``Table`` slows down more than linearly.
* :func:`build_pdf` writes atomically (temporary file, then rename) and returns the page count;
  :func:`render_pdf` returns the bytes instead (issued documents store them). Both render in
  reportlab's invariant mode (no creation date, fixed document id): the same story gives the
  same bytes.
* :class:`Stamp`: the authenticity code (``DS-000123-7K3QX9``) and its QR code in every page's
  footer of an issued document.
"""

from __future__ import annotations

import functools
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Table, TableStyle

from reportlab.graphics.barcode import qrencoder

from dtks_desktop.documents.letterhead import FONT, FONT_BOLD

__all__ = [
    "A4_LANDSCAPE", "MARGIN", "FOOTER_SPACE", "styles", "SectionStart", "NumberedCanvas", "Column", "TableSpec",
    "PageTable", "paged_tables", "long_table", "build_pdf", "render_pdf", "frame_size", "measure", "Stamp", "QR_SIZE",
]

QR_SIZE = 12 * mm


@dataclass(frozen=True)
class Stamp:
    """The authenticity mark of an issued document: a short code and the QR code carrying it."""

    code: str  # "DS-000123-7K3QX9"
    label: str = "Kode keaslian"


@functools.lru_cache(maxsize=8)
def qr_modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """The dark modules of the QR code of ``text`` (error correction M)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    n = qr.getModuleCount()
    return tuple(tuple(bool(qr.isDark(r, c)) for c in range(n)) for r in range(n))


@functools.lru_cache(maxsize=8)
def _dark_runs(text: str) -> tuple[tuple[int, int, int], ...]:
    """(row, first column, length) of the dark runs of each row of the QR code of ``text``."""
    out = []
    for r, row in enumerate(qr_modules(text)):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                out.append((r, start, c - start))
            else:
                c += 1
    return tuple(out)


def draw_qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR code of ``text`` as filled rectangles, one per dark run of a row (no font, no
    image: nothing left unembedded; ``qrfast.draw_runs``)."""
    from dtks_desktop.documents.qrfast import draw_runs

    draw_runs(canvas, len(qr_modules(text)), _dark_runs(text), x, y, size)

A4_LANDSCAPE = landscape(A4)
MARGIN = 14 * mm
FOOTER_SPACE = 8 * mm  # below the frame: footer line and page number
HEADER_SPACE = 6 * mm  # above the frame: running header on continuation pages

GRID = colors.HexColor("#7F7F7F")
HEAD_BG = colors.HexColor("#D9D9D9")
ZEBRA_BG = colors.HexColor("#F2F2F2")
TOTAL_BG = colors.HexColor("#E7E6E6")


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles with no space before/after, so flowables measure exactly."""
    base = dict(fontName=FONT, spaceBefore=0, spaceAfter=0)
    return {
        "title": ParagraphStyle("title", fontName=FONT_BOLD, fontSize=12.5, leading=16, alignment=TA_CENTER,
                                spaceBefore=0, spaceAfter=0),
        "subtitle": ParagraphStyle("subtitle", fontSize=10.5, leading=14, alignment=TA_CENTER, **base),
        "heading": ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=10.5, leading=14, alignment=TA_LEFT,
                                  spaceBefore=0, spaceAfter=0),
        "body": ParagraphStyle("body", fontSize=10, leading=13.5, alignment=TA_LEFT, **base),
        "small": ParagraphStyle("small", fontSize=8.5, leading=11, alignment=TA_LEFT, **base),
    }


def frame_size(pagesize=A4_LANDSCAPE) -> tuple[float, float]:
    """Width and height of the text frame on a page."""
    w, h = pagesize
    return w - 2 * MARGIN, h - 2 * MARGIN - FOOTER_SPACE - HEADER_SPACE


def measure(flowables: Sequence[Flowable], width: float) -> float:
    """Total height of ``flowables`` laid out at ``width`` (as the frame will place them)."""
    total = 0.0
    for f in flowables:
        _, h = f.wrap(width, 10_000)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


class SectionStart(Flowable):
    """Opens a section: page numbers restart, continuation pages show ``header``."""

    def __init__(self, key: str, header: str = "") -> None:
        super().__init__()
        self.key = key
        self.header = header
        self.width = self.height = 0

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self) -> None:
        setattr(self.canv, "_dtks_section", (self.key, self.header))


class NumberedCanvas(rl_canvas.Canvas):
    """Stamps the running header, the footer and "Halaman x dari y" on every page.

    With ``expected`` (pages per section, known when the caller laid the pages out itself) each
    page is finished at once; ``counts`` then tells whether the layout went as planned. Without
    it every page is kept until the end, when the totals are known (fine for short documents:
    a kept page costs far more memory than a finished one).
    """

    footer_left = ""
    expected: dict[str, int] | None = None
    stamp: Stamp | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[tuple[dict, tuple[str, str]]] = []
        self._dtks_section = ("", "")
        self.counts: dict[str, int] = {}
        self.page_count = 0

    def showPage(self) -> None:  # noqa: N802 (reportlab API)
        key, header = self._dtks_section
        n = self.counts[key] = self.counts.get(key, 0) + 1
        self.page_count += 1
        if self.expected is not None:
            self._decorate(n, self.expected.get(key, 0), header if n > 1 else "")
            super().showPage()
        else:
            self._pages.append((dict(self.__dict__), self._dtks_section))
            self._startPage()

    def save(self) -> None:
        pages, totals, count = self._pages, dict(self.counts), self.page_count
        seen: dict[str, int] = {}
        for state, (key, header) in pages:
            self.__dict__.update(state)
            seen[key] = seen.get(key, 0) + 1
            self._decorate(seen[key], totals[key], header if seen[key] > 1 else "")
            super().showPage()
        self._pages, self.counts, self.page_count = [], totals, count
        super().save()

    def _decorate(self, number: int, total: int, header: str) -> None:
        w, h = self._pagesize
        self.saveState()
        self.setFillColor(colors.black)
        if header:
            self.setFont(FONT, 8.5)
            self.drawString(MARGIN, h - MARGIN - 8, header)
        y = MARGIN
        self.setStrokeColor(GRID)
        self.setLineWidth(0.4)
        self.line(MARGIN, y + 10, w - MARGIN, y + 10)
        self.setFont(FONT, 8)
        if self.footer_left:
            self.drawString(MARGIN, y, self.footer_left)
        right = self._footer_stamp(w - MARGIN, y)
        self.setFont(FONT_BOLD, 9)
        self.drawRightString(right, y, f"Halaman {number} dari {total}")
        self.restoreState()

    def _footer_stamp(self, right: float, y: float) -> float:
        """Draw the authenticity stamp (QR code and code) at the footer's right end, if any; returns
        where the page number ends. A subclass may draw it another way (a form drawn once)."""
        if self.stamp is None:
            return right
        draw_qr(self, self.stamp.code, right - QR_SIZE, y + 8 - QR_SIZE, QR_SIZE)
        right -= QR_SIZE + 2 * mm
        self.setFont(FONT, 7.5)
        self.drawRightString(right, y - 9, f"{self.stamp.label}: {self.stamp.code}")
        return right


@functools.lru_cache(maxsize=65536)
def _split(text: str, inner: float, font: str, size: float) -> tuple[str, ...]:
    """``text`` broken into lines of at most ``inner`` points (values repeat: statuses, addresses)."""
    if "\n" not in text and stringWidth(text, font, size) <= inner:
        return (text,)
    out: list[str] = []
    for part in text.split("\n"):
        out.extend(simpleSplit(part, font, size, inner) or [""])
    return tuple(out)


@dataclass
class Column:
    title: str
    width: float  # points
    align: str = "LEFT"  # LEFT, CENTER, RIGHT
    wrap: bool = False  # may need more than one line


@dataclass
class TableSpec:
    """Columns and typography of a list table; rows are sequences of strings."""

    columns: list[Column]
    font_size: float = 8.5
    head_font_size: float = 8.5
    pad: float = 2.5
    zebra: bool = True

    @property
    def leading(self) -> float:
        return self.font_size * 1.2

    @property
    def width(self) -> float:
        return sum(c.width for c in self.columns)

    def _lines(self, text: str, width: float, font: str, size: float) -> tuple[str, ...]:
        return _split(text or "", width - 2 * self.pad - 0.5, font, size)

    def wrap_row(self, values: Sequence[str], *, head: bool = False) -> tuple[list[str], float]:
        """Cell texts with explicit line breaks, and the row height."""
        font = FONT_BOLD if head else FONT
        size = self.head_font_size if head else self.font_size
        cells, n = [], 1
        for col, value in zip(self.columns, values):
            value = "" if value is None else str(value)
            if col.wrap or head:
                lines = self._lines(value, col.width, font, size)
            else:
                lines = [value]
            n = max(n, len(lines))
            cells.append("\n".join(lines))
        return cells, n * size * 1.2 + 2 * self.pad

    def table(self, head: tuple[list[str], float], rows: Sequence[tuple[list[str], float]],
              extra: Sequence[tuple] = ()) -> Table:
        data = [head[0]] + [r[0] for r in rows]
        heights = [head[1]] + [r[1] for r in rows]
        t = Table(data, colWidths=[c.width for c in self.columns], rowHeights=heights, repeatRows=1)
        cmds = [
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, self.head_font_size, self.head_font_size * 1.2),
            ("FONT", (0, 1), (-1, -1), FONT, self.font_size, self.leading),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), self.pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.pad),
            ("TOPPADDING", (0, 0), (-1, -1), self.pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), self.pad),
        ]
        for i, col in enumerate(self.columns):
            if col.align != "LEFT":
                cmds.append(("ALIGN", (i, 1), (i, -1), col.align))
        if self.zebra:
            for r in range(2, len(data), 2):
                cmds.append(("BACKGROUND", (0, r), (-1, r), ZEBRA_BG))
        t.setStyle(TableStyle(cmds + list(extra)))
        return t


class PageTable(Flowable):
    """One page of a long list: the reportlab ``Table`` is made only when the page is drawn.

    A ``Table`` keeps a style object per cell; made up front for every page of a 100,000-row
    list they would hold hundreds of MB. Rows are already wrapped and measured, so the height
    is known without building the table.
    """

    def __init__(self, spec: "TableSpec", head: tuple[list[str], float], rows: list[tuple[list[str], float]]) -> None:
        super().__init__()
        self.spec, self.head, self.rows = spec, head, rows
        self.width = spec.width
        self.height = head[1] + sum(r[1] for r in rows)

    def table(self) -> Table:
        return self.spec.table(self.head, self.rows)

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def split(self, availWidth, availHeight):  # only if a page was laid out wrongly
        return self.table().split(availWidth, availHeight)

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802 (reportlab API)
        t = self.table()
        t.wrap(self.width, self.height)
        t.drawOn(canvas, x, y, _sW)


def long_table(spec: TableSpec, rows: Sequence[Sequence[str]], extra: Sequence[tuple] = ()) -> Table:
    """A table of any length for a short document: reportlab splits it between rows only (a row
    is never cut) and repeats the header row on every page. For lists of thousands of rows use
    :func:`paged_tables`."""
    head = spec.wrap_row([c.title for c in spec.columns], head=True)
    return spec.table(head, [spec.wrap_row(r) for r in rows], extra)


def paged_tables(spec: TableSpec, rows: Sequence[Sequence[str]], *, first_space: float, page_space: float,
                 last_reserve: float = 0.0, check: Callable[[], None] | None = None) -> list[Flowable]:
    """``rows`` as one table per page (each with the header row), with page breaks between.

    ``first_space`` is the height left on the page where the list starts, ``page_space`` the
    height of a whole frame. When not even one row fits under what precedes the list, the list
    starts on the next page. ``last_reserve`` keeps room under the last table (a signature
    block): when it does not fit, the last rows move to a new page with it, so that a signature
    never stands alone on a page. Row heights are computed here, so a table never spills over.
    """
    head = spec.wrap_row([c.title for c in spec.columns], head=True)
    wrapped = []
    for i, r in enumerate(rows):
        if check is not None and i % 2000 == 0:
            check()
        wrapped.append(spec.wrap_row(r))
    chunks: list[list[tuple[list[str], float]]] = []
    lead_break = False
    space = first_space - head[1]
    if wrapped and wrapped[0][1] > space:
        lead_break = True
        space = page_space - head[1]
    chunk: list[tuple[list[str], float]] = []
    used = 0.0
    for row in wrapped:
        if chunk and used + row[1] > space:
            chunks.append(chunk)
            chunk, used, space = [], 0.0, page_space - head[1]
        chunk.append(row)
        used += row[1]
    if last_reserve and len(chunk) > 1 and used + last_reserve > space:
        keep = max(1, len(chunk) - 3)
        chunks.append(chunk[:keep])
        chunk = chunk[keep:]
    chunks.append(chunk)
    out: list[Flowable] = [PageBreak()] if lead_break else []
    for i, c in enumerate(chunks):
        if i:
            out.append(PageBreak())
        out.append(PageTable(spec, head, c))
    return out


def _render(out, story, *, pagesize, title: str, author: str, footer_left: str,
            section_pages: dict[str, int] | None, stamp: Stamp | None) -> NumberedCanvas:
    fw, fh = frame_size(pagesize)

    def build(expected: dict[str, int] | None) -> NumberedCanvas:
        if isinstance(out, io.BytesIO):
            out.seek(0)
            out.truncate()
        frame = Frame(MARGIN, MARGIN + FOOTER_SPACE, fw, fh, leftPadding=0, rightPadding=0, topPadding=0,
                      bottomPadding=0, id="main")
        doc = BaseDocTemplate(out if isinstance(out, io.BytesIO) else str(out), pagesize=pagesize,
                              leftMargin=MARGIN, rightMargin=MARGIN,
                              topMargin=MARGIN + HEADER_SPACE, bottomMargin=MARGIN + FOOTER_SPACE, title=title,
                              author=author, creator="DTKS Desktop", pageCompression=1, invariant=1)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        made: list[NumberedCanvas] = []

        def maker(*args, **kwargs):
            kwargs["initialFontName"] = FONT  # else Helvetica (not embedded) is declared
            c = NumberedCanvas(*args, **kwargs)
            c.footer_left = footer_left
            c.expected = expected
            c.stamp = stamp
            made.append(c)
            return c

        doc.build(story() if callable(story) else story, canvasmaker=maker)
        return made[-1]

    canvas = build(section_pages)
    if section_pages is not None and canvas.counts != section_pages:
        if not callable(story):
            raise ValueError("build_pdf: the layout differs from section_pages and the story cannot be rebuilt")
        canvas = build(None)
    return canvas


def build_pdf(path: str | Path, story: list[Flowable] | Callable[[], list[Flowable]], *, pagesize=A4_LANDSCAPE,
              title: str = "", author: str = "", footer_left: str = "",
              section_pages: dict[str, int] | None = None, stamp: Stamp | None = None) -> int:
    """Render ``story`` to ``path`` (atomically). Returns the number of pages.

    ``section_pages``: the pages each section will take, when the caller knows (lists laid out
    with :func:`paged_tables`); pages are then finished one by one instead of kept to the end.
    Should the layout differ, the document is made again the slow way (``story`` must then be
    a function that builds it afresh), so the page numbers are always right.
    """
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        canvas = _render(tmp, story, pagesize=pagesize, title=title, author=author, footer_left=footer_left,
                         section_pages=section_pages, stamp=stamp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return canvas.page_count


def render_pdf(story: list[Flowable] | Callable[[], list[Flowable]], *, pagesize=A4_LANDSCAPE, title: str = "",
               author: str = "", footer_left: str = "", section_pages: dict[str, int] | None = None,
               stamp: Stamp | None = None) -> tuple[bytes, int]:
    """Like :func:`build_pdf`, into memory: (the PDF bytes, the number of pages)."""
    out = io.BytesIO()
    canvas = _render(out, story, pagesize=pagesize, title=title, author=author, footer_left=footer_left,
                     section_pages=section_pages, stamp=stamp)
    return out.getvalue(), canvas.page_count
