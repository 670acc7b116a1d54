"""The document engine: what every document type shares on top of ``layout`` and ``letterhead``.

A document type is one module in ``documents/types/`` with a function
``story(ctx: DocContext, data) -> list[Flowable]``; ``data`` is plain values the service
gathered (this package reads no database). :func:`render` lays the story out on the office's
paper (A4 or F4 from the office profile) with the kop surat, "Halaman x dari y" and, for an
issued document, the authenticity code and its QR code in every footer; it returns the bytes
(reportlab invariant mode: the same story gives the same bytes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Sequence

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer
from xml.sax.saxutils import escape

from dtks_desktop.documents.fonts import FONT, FONT_BOLD
from dtks_desktop.documents.layout import Stamp, frame_size, render_pdf, styles
from dtks_desktop.documents.letterhead import KopSurat, Letterhead, SignatureBlock, Signatory
from dtks_desktop.domain.formatting import tanggal
from dtks_desktop.domain.office import OfficeProfile, Signer

__all__ = ["DocContext", "letterhead_from_profile", "page_size", "title_block", "signer_signatory",
           "blank_signatory", "signatures", "render", "paragraph", "esc"]


def page_size(profile: OfficeProfile, *, orientation: str = "portrait") -> tuple[float, float]:
    w, h = profile.paper_mm
    size = (w * mm, h * mm)
    return landscape(size) if orientation == "landscape" else size


def _contact_lines(p: OfficeProfile) -> tuple[str, ...]:
    first = p.alamat.strip()
    if p.kode_pos.strip():
        first = f"{first} Kode Pos {p.kode_pos.strip()}" if first else f"Kode Pos {p.kode_pos.strip()}"
    second = "   ".join(x for x in (
        f"Telepon {p.telepon.strip()}" if p.telepon.strip() else "",
        f"Pos-el {p.email.strip()}" if p.email.strip() else "",
        f"Laman {p.website.strip()}" if p.website.strip() else "") if x)
    return tuple(x for x in (first, second) if x)


def letterhead_from_profile(profile: OfficeProfile) -> Letterhead:
    """The kop surat of the office profile: government, office, address, phone/e-mail/website, logo."""
    return Letterhead(pemerintah=profile.pemerintah.upper() or None, dinas=(profile.dinas or "DINAS SOSIAL").upper(),
                      alamat=_contact_lines(profile), tempat=profile.tempat or None, logo=profile.logo)


@dataclass
class DocContext:
    """Everything a document type needs besides its data."""

    profile: OfficeProfile
    when: date  # the document's date
    nomor: str | None = None  # from the letter register when the type is numbered
    signer: Signer | None = None  # the signatory chosen for the type (None: dotted lines)
    stamp: Stamp | None = None
    orientation: str = "portrait"
    head: Letterhead = field(init=False)

    def __post_init__(self) -> None:
        self.head = letterhead_from_profile(self.profile)

    @property
    def pagesize(self) -> tuple[float, float]:
        return page_size(self.profile, orientation=self.orientation)

    @property
    def width(self) -> float:
        return frame_size(self.pagesize)[0]

    @property
    def height(self) -> float:
        return frame_size(self.pagesize)[1]

    def kop(self) -> KopSurat:
        return KopSurat(self.head, self.width)

    def place_date(self) -> str:
        place = f"{self.profile.tempat}, " if self.profile.tempat else ""
        return place + tanggal(self.when, long=True)


def esc(text: object) -> str:
    return escape("" if text is None else str(text))


def paragraph(text: str, style: str = "body", **overrides) -> Paragraph:
    st = styles()[style]
    if overrides:
        st = ParagraphStyle(f"{style}-x", parent=st, **overrides)
    return Paragraph(text, st)


def title_block(title: str, nomor: str | None = None, subtitle: str | None = None) -> list[Flowable]:
    """The title (bold, underlined, centred) and ``Nomor: …`` under it."""
    out: list[Flowable] = [Paragraph(f"<u>{esc(title)}</u>", styles()["title"])]
    if nomor:
        out += [Spacer(1, 1 * mm), Paragraph(f"Nomor: {esc(nomor)}", styles()["subtitle"])]
    if subtitle:
        out += [Spacer(1, 1 * mm), Paragraph(esc(subtitle), styles()["subtitle"])]
    return out


def signer_signatory(signer: Signer | None, first_line: str, *, jabatan: str | None = None) -> Signatory:
    """A signature column for ``signer`` (dotted lines when none is chosen): ``first_line`` plain
    (``Mengetahui,`` or the place and date), the title bold, the name bold underlined, pangkat, NIP."""
    title = (signer.jabatan if signer else None) or jabatan or "Kepala Dinas Sosial"
    return Signatory((first_line, title.upper()), signer.nama if signer else None,
                     (signer.nip or None) if signer else None, pangkat=(signer.pangkat or None) if signer else None)


def blank_signatory(first_line: str, title: str, *, nip: bool = True) -> Signatory:
    return Signatory((first_line, title.upper()), None, None, show_nip=nip)


def signatures(ctx: DocContext, columns: Sequence[Signatory]) -> SignatureBlock:
    """One to four signature columns across the frame (a single one on the right)."""
    return SignatureBlock(None, None, ctx.width, signatories=list(columns))


def render(ctx: DocContext, story: Callable[[], list[Flowable]] | list[Flowable], *, title: str,
           footer_left: str = "", section_pages: dict[str, int] | None = None) -> tuple[bytes, int]:
    """The PDF bytes and page count of ``story`` on the office's paper."""
    return render_pdf(story, pagesize=ctx.pagesize, title=title, author=ctx.head.dinas,
                      footer_left=footer_left, section_pages=section_pages, stamp=ctx.stamp)


JUSTIFY = ParagraphStyle("justify", fontName=FONT, fontSize=10.5, leading=15, alignment=TA_JUSTIFY)
CENTER_BOLD = ParagraphStyle("centerbold", fontName=FONT_BOLD, fontSize=10.5, leading=14, alignment=TA_CENTER)
