"""The embedded fonts of every document: DejaVu Sans Condensed (regular, bold, oblique).

The TrueType files ship in ``resources/fonts/`` (with their licence), so a PDF looks the same
on Windows, Linux and in CI, and every font is embedded (checked with ``pdffonts``): a
standard-14 font such as Helvetica is not embedded and may be substituted by the reader. The
condensed cut has nearly Helvetica's widths, so the table layouts keep their columns.
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "DejaVuSansCondensed"
FONT_BOLD = "DejaVuSansCondensed-Bold"
FONT_ITALIC = "DejaVuSansCondensed-Oblique"

_FILES = {FONT: "DejaVuSansCondensed.ttf", FONT_BOLD: "DejaVuSansCondensed-Bold.ttf",
          FONT_ITALIC: "DejaVuSansCondensed-Oblique.ttf"}


def _font_file(name: str) -> str:
    local = Path(__file__).resolve().parents[2] / "resources" / "fonts" / name  # a source checkout
    if local.is_file():
        return str(local)
    return str(importlib.resources.files("dtks_desktop.resources").joinpath("fonts", name))  # installed


@functools.lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str, str]:
    """Register the fonts with reportlab (once per process); returns (regular, bold, italic)."""
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, _font_file(file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)
    return FONT, FONT_BOLD, FONT_ITALIC


register_fonts()

__all__ = ["FONT", "FONT_BOLD", "FONT_ITALIC", "register_fonts"]
