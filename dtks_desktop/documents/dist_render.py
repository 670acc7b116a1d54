"""Rendering a long list first, and stamping it when its number is known.

An issued document (``services.documents.issued.issue_with``) is rendered inside the
transaction that stores it, because its footer carries the authenticity code of its row id.
On SQLite that transaction holds the database's write lock; a receipt list of 40 pages holding
it while it is drawn would let only one worker process draw at a time.

:func:`prepare` draws every page first, with the footer's authenticity mark (the code and its
QR code) as a reference to a PDF form that is not drawn yet; :meth:`Prepared.finish` draws that
form once the code is known and writes the file (a fraction of the time: deflating and writing
the pages already drawn). Everything else is as ``layout.render_pdf``: the same frame, running
header, "Halaman x dari y", invariant mode (the same story and code give the same bytes).
"""

from __future__ import annotations

import io
from typing import Callable

from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from dtks_desktop.documents import qrfast
from dtks_desktop.documents.dist_common import plain_streams
from dtks_desktop.documents.fonts import FONT
from dtks_desktop.documents.layout import (FOOTER_SPACE, HEADER_SPACE, MARGIN, QR_SIZE, NumberedCanvas, Stamp, draw_qr,
                                           frame_size)

__all__ = ["Prepared", "prepare"]

FORM = "dtksStamp"


class _StampLaterCanvas(NumberedCanvas):
    """``NumberedCanvas`` whose footer refers to the stamp form instead of drawing the stamp."""

    with_stamp = True

    def _footer_stamp(self, right: float, y: float) -> float:
        if not self.with_stamp:
            return right
        self.doForm(FORM)  # drawn once by :meth:`draw_stamp`, referred to by every page
        return right - QR_SIZE - 2 * mm

    def draw_stamp(self, stamp: Stamp) -> None:
        """The form every page's footer refers to: the code and its QR code (as ``NumberedCanvas``)."""
        w, _ = self._pagesize
        y = MARGIN
        self.beginForm(FORM)
        if qrfast.fits(stamp.code):  # the same code as reportlab's, without trying 8 masks (25 ms a document)
            qrfast.draw(self, stamp.code, w - MARGIN - QR_SIZE, y + 8 - QR_SIZE, QR_SIZE)
        else:
            draw_qr(self, stamp.code, w - MARGIN - QR_SIZE, y + 8 - QR_SIZE, QR_SIZE)
        self.setFont(FONT, 7.5)
        self.drawRightString(w - MARGIN - QR_SIZE - 2 * mm, y - 9, f"{stamp.label}: {stamp.code}")
        self.endForm()


class Prepared:
    """A document drawn but not yet written: :meth:`finish` stamps it and returns the bytes."""

    def __init__(self, canvas: _StampLaterCanvas, out: io.BytesIO) -> None:
        self._canvas, self._out = canvas, out
        self.pages = canvas.page_count

    def finish(self, stamp: Stamp | None) -> tuple[bytes, int]:
        c = self._canvas
        if stamp is not None:
            c.draw_stamp(stamp)
        with plain_streams():
            c.save()
        self.pages = c.page_count
        return self._out.getvalue(), self.pages


def prepare(story: Callable[[], list[Flowable]], *, pagesize, title: str = "", author: str = "",
            footer_left: str = "", section_pages: dict[str, int] | None = None, stamped: bool = True) -> Prepared:
    """Draw ``story`` (a function building the flowables); with ``section_pages`` (pages per
    section, planned by the caller) each page is finished at once; if the layout differs from
    the plan, the story is drawn again the slow way so that page numbers are always right."""
    fw, fh = frame_size(pagesize)

    def build(expected: dict[str, int] | None) -> Prepared:
        out = io.BytesIO()
        frame = Frame(MARGIN, MARGIN + FOOTER_SPACE, fw, fh, leftPadding=0, rightPadding=0, topPadding=0,
                      bottomPadding=0, id="main")
        doc = BaseDocTemplate(out, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                              topMargin=MARGIN + HEADER_SPACE, bottomMargin=MARGIN + FOOTER_SPACE, title=title,
                              author=author, creator="DTKS Desktop", pageCompression=1, invariant=1)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc._doSave = 0  # reportlab: build() leaves the canvas open; finish() saves it
        made: list[_StampLaterCanvas] = []

        def maker(*args, **kwargs):
            kwargs["initialFontName"] = FONT
            c = _StampLaterCanvas(*args, **kwargs)
            c.footer_left = footer_left
            c.expected = expected
            c.with_stamp = stamped
            made.append(c)
            return c

        with plain_streams():
            doc.build(story(), canvasmaker=maker)
        return Prepared(made[-1], out)

    done = build(section_pages)
    if section_pages is not None and done._canvas.counts != section_pages:
        done = build(None)
    return done
