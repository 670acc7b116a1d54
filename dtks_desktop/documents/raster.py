"""A PDF page as a PNG image (pdfium): previews in the GUI and PNG samples of documents."""

from __future__ import annotations

import io

import pypdfium2 as pdfium

__all__ = ["pdf_page_png"]


def pdf_page_png(pdf: bytes, page: int = 0, *, dpi: float = 96.0) -> bytes:
    """PNG bytes of one page of ``pdf`` rendered at ``dpi``."""
    doc = pdfium.PdfDocument(pdf)
    try:
        bitmap = doc[page].render(scale=dpi / 72.0)
        buf = io.BytesIO()
        bitmap.to_pil().save(buf, "PNG")
        return buf.getvalue()
    finally:
        doc.close()
