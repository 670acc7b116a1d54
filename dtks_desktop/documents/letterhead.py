"""The office's letterhead (kop surat) and the signature block of the Kepala Dinas.

DOMAIN.md 3.3: "PEMERINTAH KABUPATEN/KOTA …" then the office ("DINAS SOSIAL"), the address,
and a thick/thin double rule; the signature block carries place and date, the office head's
title, room for a wet signature, the NAME (bold, underlined) and "NIP. " with the 18-digit NIP.
When the name or NIP is not set, dotted lines are left to fill in by hand.

Pure rendering: the caller reads the settings and passes a :class:`Letterhead`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from dtks_desktop.domain.formatting import tanggal

__all__ = ["Letterhead", "make_letterhead", "KopSurat", "Signatory", "kepala_dinas", "SignatureBlock", "FONT",
           "FONT_BOLD"]

from dtks_desktop.documents.fonts import FONT, FONT_BOLD  # noqa: E402 (embedded TrueType)

DEFAULT_OFFICE = "Dinas Sosial"
BLANK_NAME = "(" + "." * 48 + ")"
BLANK_NIP = "NIP. " + "." * 40


@dataclass(frozen=True)
class Letterhead:
    pemerintah: str | None  # "PEMERINTAH KABUPATEN KLATEN"; None when the kabupaten is not set
    dinas: str  # "DINAS SOSIAL"
    alamat: tuple[str, ...] = ()  # address/phone lines, as entered
    tempat: str | None = None  # place of signing: "Klaten"
    jabatan: tuple[str, ...] = ("KEPALA DINAS SOSIAL",)  # signature title, one line each
    kepala_nama: str | None = None
    kepala_nip: str | None = None
    logo_path: str | None = None
    logo: bytes | None = None  # PNG/JPEG bytes (the office profile keeps the logo in the database)


def _strip_suffix(text: str, suffix: str) -> str:
    if suffix and text.casefold().endswith(suffix.casefold()):
        return text[: len(text) - len(suffix)].rstrip(" ,-")
    return text


def make_letterhead(office_name: str | None, kab_name: str | None, *, alamat: str | None = None,
                    kepala_nama: str | None = None, kepala_nip: str | None = None,
                    logo_path: str | None = None) -> Letterhead:
    """Build the letterhead from the office settings.

    ``office_name`` "Dinas Sosial Kabupaten Klaten" and ``kab_name`` "Kabupaten Klaten" give
    "PEMERINTAH KABUPATEN KLATEN" / "DINAS SOSIAL", signed "Klaten, <date>" by
    "KEPALA DINAS SOSIAL" / "KABUPATEN KLATEN".
    """
    kab = " ".join((kab_name or "").split())
    office = " ".join((office_name or "").split()) or DEFAULT_OFFICE
    office = _strip_suffix(office, kab) or DEFAULT_OFFICE
    tempat = kab
    for prefix in ("Kabupaten ", "Kota ", "Kab. "):
        if tempat.casefold().startswith(prefix.casefold()):
            tempat = tempat[len(prefix):]
            break
    jabatan = ("KEPALA " + office.upper(),) + ((kab.upper(),) if kab else ())
    lines = tuple(x.strip() for x in (alamat or "").splitlines() if x.strip())
    return Letterhead(
        pemerintah=f"PEMERINTAH {kab.upper()}" if kab else None,
        dinas=office.upper(),
        alamat=lines,
        tempat=tempat or None,
        jabatan=jabatan,
        kepala_nama=(kepala_nama or "").strip() or None,
        kepala_nip=(kepala_nip or "").strip() or None,
        logo_path=logo_path if logo_path and os.path.isfile(logo_path) else None,
    )


class KopSurat(Flowable):
    """Centred office lines over a thick/thin double rule, with the logo on the left if set."""

    LOGO = 22 * mm

    def __init__(self, head: Letterhead, width: float) -> None:
        super().__init__()
        self.head = head
        self.width = width
        self.lines: list[tuple[str, str, float]] = []
        if head.pemerintah:
            self.lines.append((head.pemerintah, FONT_BOLD, 13))
        self.lines.append((head.dinas, FONT_BOLD, 16))
        for text in head.alamat:
            self.lines.append((text, FONT, 9))
        self.height = sum(size * 1.25 for _, _, size in self.lines) + 8
        if head.logo_path or head.logo:
            self.height = max(self.height, self.LOGO + 8)

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        x_mid = self.width / 2
        text_h = sum(size * 1.25 for _, _, size in self.lines)
        y = 8 + (self.height - 8 + text_h) / 2
        for text, font, size in self.lines:
            y -= size * 1.25
            c.setFont(font, size)
            # Shrink a very long office name instead of running past the margins.
            while size > 7 and stringWidth(text, font, size) > self.width - 2 * (self.LOGO + 4 * mm):
                size -= 0.5
                c.setFont(font, size)
            c.drawCentredString(x_mid, y + size * 0.25, text)
        if self.head.logo_path or self.head.logo:
            try:
                image = self.head.logo_path
                if self.head.logo:
                    from io import BytesIO

                    from reportlab.lib.utils import ImageReader

                    image = ImageReader(BytesIO(self.head.logo))
                c.drawImage(image, 0, 8 + (self.height - 8 - self.LOGO) / 2, width=self.LOGO, height=self.LOGO,
                            preserveAspectRatio=True, mask="auto")
            except Exception:  # an unreadable logo must not stop the document
                pass
        c.setLineWidth(2)
        c.line(0, 4, self.width, 4)
        c.setLineWidth(0.6)
        c.line(0, 1, self.width, 1)


@dataclass(frozen=True)
class Signatory:
    """One signature column: lines above the signing space, then the name and (optionally) the NIP."""

    lines: tuple[str, ...]  # first line plain (place and date, "Diperiksa oleh,"), the rest bold
    name: str | None = None  # None: a dotted line to fill in by hand
    nip: str | None = None
    show_nip: bool = True  # a Kepala Desa is usually not a civil servant: no NIP line
    pangkat: str | None = None  # "Pembina Tingkat I (IV/b)", between the name and the NIP


def kepala_dinas(head: Letterhead, when: date) -> Signatory:
    place = f"{head.tempat}, " if head.tempat else ""
    return Signatory((place + tanggal(when, long=True),) + head.jabatan, head.kepala_nama, head.kepala_nip)


class SignatureBlock(Flowable):
    """Signature columns across the page; a single one stands on the right-hand side.

    ``SignatureBlock(head, when, width)`` is the Kepala Dinas block; pass ``signatories`` for
    others (left to right).
    """

    def __init__(self, head: Letterhead | None, when: date | None, width: float, *,
                 signatories: list[Signatory] | None = None, block_width: float = 85 * mm,
                 sign_space: float = 20 * mm) -> None:
        super().__init__()
        if signatories is None:
            if head is None or when is None:
                raise ValueError("SignatureBlock needs a letterhead and a date, or signatories")
            signatories = [kepala_dinas(head, when)]
        if not 1 <= len(signatories) <= 4:
            raise ValueError("SignatureBlock: one to four signature columns")
        self.signatories = signatories
        self.width = width
        self.block_width = min(block_width, width / len(signatories))
        self.sign_space = sign_space
        self.size = 10
        self.leading = 13
        rows = max(len(s.lines) for s in signatories)
        extra = 1 if any(s.pangkat for s in signatories) else 0
        # The name line, and a NIP line only when a column prints one (a petugas and a Kepala Desa
        # have none): the block is never taller than what it draws, so a page plans it exactly.
        extra += 1 if any(s.show_nip for s in signatories) else 0
        self.height = self.leading * (rows + 1 + extra) + sign_space + 4

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def _centres(self) -> list[float]:
        n = len(self.signatories)
        if n == 1:
            return [self.width - self.block_width / 2]
        step = (self.width - self.block_width) / (n - 1)
        return [self.block_width / 2 + i * step for i in range(n)]

    def _text(self, x: float, y: float, text: str, font: str) -> float:
        """Centred at ``x``, shrunk to fit the column; returns the width drawn."""
        size = self.size
        room = self.block_width - 4
        while size > 6.5 and stringWidth(text, font, size) > room:
            size -= 0.25
        self.canv.setFont(font, size)
        self.canv.drawCentredString(x, y, text)
        return stringWidth(text, font, size)

    def draw(self) -> None:
        c = self.canv
        rows = max(len(s.lines) for s in self.signatories)
        n = len(self.signatories)
        blank_name = BLANK_NAME if n < 3 else "(" + "." * 30 + ")"
        blank_nip = BLANK_NIP if n < 3 else "NIP. " + "." * 26
        for x, sig in zip(self._centres(), self.signatories):
            y = self.height
            for i, text in enumerate(sig.lines):
                y -= self.leading
                self._text(x, y, text, FONT if i == 0 else FONT_BOLD)
            y = self.height - self.leading * rows - self.sign_space - self.leading
            if sig.name:
                w = self._text(x, y, sig.name, FONT_BOLD)
                c.setLineWidth(0.7)
                c.line(x - w / 2, y - 1.5, x + w / 2, y - 1.5)
            else:
                self._text(x, y, blank_name, FONT)
            if sig.pangkat:
                y -= self.leading
                self._text(x, y, sig.pangkat, FONT)
            if sig.show_nip:
                y -= self.leading
                self._text(x, y, f"NIP. {sig.nip}" if sig.nip else blank_nip, FONT)
