"""The office profile: what the letterhead, the date line and the paper of every document use.

Changed by an administrator with :func:`set_values` (``dtks office set KEY=VALUE``): every
value checked (post code, paper, e-mail, the logo really a PNG/JPEG of at most 2 MB), all keys of
one call or none, each change audited. Stored in the ``settings`` table as ``office.<key>`` (keys: ``domain.office.OFFICE_KEYS``); the logo
as base64 of the image bytes, so every PC of a shared database prints the same letterhead. What
the office did not set is derived from the office kabupaten/kota (``PEMERINTAH KABUPATEN KLATEN``,
``Klaten``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Setting
from dtks_desktop.domain.office import OFFICE_KEYS, PAPER_MM, OfficeProfile
from dtks_desktop.services.core import audit, settings
from dtks_desktop.services.core.common import DataKind, changes
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.core.browse import office_kab_kode
from dtks_desktop.services.core.regions import region_name

PREFIX = "office."


def setting_key(key: str) -> str:
    return PREFIX + key


def _derived(kab_name: str | None) -> tuple[str, str]:
    """(pemerintah, tempat) from the region name "Kabupaten Klaten" / "Kota Makassar"."""
    kab = " ".join((kab_name or "").split())
    if not kab:
        return "", ""
    tempat = kab
    for prefix in ("Kabupaten ", "Kota ", "Kab. "):
        if tempat.casefold().startswith(prefix.casefold()):
            tempat = tempat[len(prefix):]
            break
    return f"PEMERINTAH {kab.upper()}", tempat.title() if tempat.isupper() else tempat


def decode_logo(raw: str | None) -> bytes | None:
    if not raw:
        return None
    try:
        return base64.b64decode(raw.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def _legacy_dinas(office_name: str | None, kab_name: str | None) -> str:
    """The office name of the old setting ``office.name`` ("Dinas Sosial Kabupaten Klaten")
    without the kabupaten, upper case: what the kop printed before the office profile existed."""
    name = " ".join((office_name or "").split())
    kab = " ".join((kab_name or "").split())
    if kab and name.casefold().endswith(kab.casefold()):
        name = name[: len(name) - len(kab)].rstrip(" ,-")
    return name.upper()


def _legacy_logo(raw: str | None) -> bytes | None:
    """The old ``office.logo`` setting held a file path; read it when it is still a good image."""
    text = (raw or "").strip()
    if not text or len(text) > 1000 or not any(text.lower().endswith(e) for e in LOGO_TYPES):
        return None
    try:
        return read_logo(text)
    except OfficeError:
        return None


def load_profile(session: Session) -> OfficeProfile:
    """The office profile in force (settings, with what is not set derived from the kabupaten).

    Old settings still count where the office set them and the new key is empty: ``office.name``
    (the office name shown in the app) gives the kop's office line, and an ``office.logo`` that
    holds a file path (as the first matching reports read it) gives the logo when the file is a
    good PNG/JPEG. ``office.alamat`` has always been the address key."""
    values = {k: (settings.get(session, setting_key(k), "") or "").strip() for k in OFFICE_KEYS if k != "logo"}
    kab = office_kab_kode(session) or ""
    kab_name = region_name(session, kab) if kab else None
    pemerintah, tempat = _derived(kab_name)
    raw_logo = settings.get(session, setting_key("logo"), "")
    logo = decode_logo(raw_logo)
    if logo is not None and logo_info(logo) is None:
        logo = None
    if logo is None:
        logo = _legacy_logo(raw_logo)
    profile = OfficeProfile(
        pemerintah=values["pemerintah"] or pemerintah,
        dinas=values["dinas"] or _legacy_dinas(settings.get(session, settings.OFFICE_NAME), kab_name) or "DINAS SOSIAL",
        alamat=values["alamat"],
        telepon=values["telepon"],
        email=values["email"],
        website=values["website"],
        kode_pos=values["kode_pos"],
        tempat=values["tempat"] or tempat,
        kertas=values["kertas"].upper() if values["kertas"].upper() in ("A4", "F4") else "A4",
        logo=logo,
        kab_kode=kab,
    )
    return replace(profile)


# --- changing the office settings (admin) ------------------------------------------------------

#: Largest logo file accepted (a letterhead logo is printed 22 mm wide).
MAX_LOGO_BYTES = 2 * 1024 * 1024
#: Pixel limits of a logo: large enough to print sharp, small enough to keep in the database.
LOGO_MIN_PX = 32
LOGO_MAX_PX = 4000
LOGO_TYPES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}

KEY_LABELS = {
    "pemerintah": "pemerintah (baris pertama kop, mis. PEMERINTAH KABUPATEN KLATEN)",
    "dinas": "dinas (nama kantor, mis. DINAS SOSIAL)",
    "alamat": "alamat",
    "telepon": "telepon",
    "email": "email",
    "website": "website",
    "kode_pos": "kode_pos",
    "tempat": "tempat (sebelum tanggal surat)",
    "kertas": "kertas (A4 atau F4)",
    "logo": "logo (berkas PNG atau JPG)",
}

_MAX_LEN = {"pemerintah": 120, "dinas": 120, "alamat": 300, "telepon": 40, "email": 120, "website": 120,
            "tempat": 60}
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_WEBSITE_RE = re.compile(r"^(https?://)?[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+(:\d+)?(/\S*)?$")
_PHONE_RE = re.compile(r"^[0-9+()\-\s/.,]+$")
_PLACE_RE = re.compile(r"^[^\W\d_][\w .'\-]*$")


class OfficeError(Exception):
    """An office setting that cannot be stored. ``message`` is Indonesian and names the key."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


@dataclass(frozen=True)
class LogoInfo:
    sha256: str
    bytes: int
    type: str  # "PNG" | "JPEG"
    width: int = 0
    height: int = 0

    def as_dict(self) -> dict:
        return {"sha256": self.sha256, "bytes": self.bytes, "type": self.type}


def logo_info(data: bytes | None) -> LogoInfo | None:
    """What a stored logo is (hash, size, type, pixels); None when there is none or it is unreadable."""
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as im:
            kind, (w, h) = im.format or "?", im.size
    except (OSError, Image.DecompressionBombError, ValueError):
        return None
    return LogoInfo(hashlib.sha256(data).hexdigest(), len(data), kind, w, h)


def read_logo(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a logo file after checking it is really a PNG/JPEG image of sensible size."""
    p = Path(str(path).strip().strip('"'))
    what = f'logo: berkas "{p.name}"'
    ext = p.suffix.lower()
    if ext not in LOGO_TYPES:
        raise OfficeError(f"{what} harus berformat PNG atau JPG (.png, .jpg, .jpeg), bukan '{ext or 'tanpa ekstensi'}'.",
                          "logo")
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise OfficeError(f"{what} adalah folder, bukan gambar.", "logo")
        if size > MAX_LOGO_BYTES:
            raise OfficeError(f"{what} terlalu besar ({size / 1024 / 1024:.1f} MB); paling besar 2 MB. "
                              "Perkecil gambarnya (mis. 600 × 600 piksel).", "logo")
        if size == 0:
            raise OfficeError(f"{what} kosong.", "logo")
        data = p.read_bytes()
    except FileNotFoundError:
        raise OfficeError(f"{what} tidak ditemukan.", "logo") from None
    except OSError as exc:
        raise OfficeError(f"{what} tidak dapat dibaca ({exc.strerror or exc}).", "logo") from None
    expected = LOGO_TYPES[ext]
    try:
        with Image.open(io.BytesIO(data)) as im:
            kind, (w, h) = im.format, im.size
            im.verify()
        with Image.open(io.BytesIO(data)) as im:
            im.load()  # verify() misses a truncated image; decoding it does not
    except (OSError, Image.DecompressionBombError, ValueError, SyntaxError):
        raise OfficeError(f"{what} bukan gambar {expected} yang utuh (isi berkas rusak atau bukan gambar).",
                          "logo") from None
    if kind != expected:
        raise OfficeError(f"{what} bernama {ext} tetapi isinya gambar {kind}; simpan ulang sebagai {expected} "
                          f"atau beri nama yang sesuai.", "logo")
    if min(w, h) < LOGO_MIN_PX or max(w, h) > LOGO_MAX_PX:
        raise OfficeError(f"{what} berukuran {w} × {h} piksel; gunakan gambar antara {LOGO_MIN_PX} dan "
                          f"{LOGO_MAX_PX} piksel per sisi.", "logo")
    return data


def check_value(key: str, value: object) -> str:
    """The value to store for ``key`` ("" clears it), or OfficeError naming the key.

    ``logo``: a path to a PNG/JPEG file; the returned value is the base64 of its bytes.
    """
    if key not in OFFICE_KEYS:
        raise OfficeError(f"Kunci pengaturan kantor '{key}' tidak dikenal. Kunci yang ada: "
                          f"{', '.join(OFFICE_KEYS)}.", key)
    text = "" if value is None else str(value)
    if key == "alamat":
        text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    else:
        text = " ".join(text.split())
    if not text:
        return ""
    label = KEY_LABELS[key]
    limit = _MAX_LEN.get(key)
    if limit and len(text) > limit:
        raise OfficeError(f"{label}: paling panjang {limit} karakter (diisi {len(text)}).", key)
    if key == "kode_pos":
        if not (len(text) == 5 and text.isascii() and text.isdigit()) or text[0] == "0":
            raise OfficeError(f"kode_pos harus 5 angka (mis. 57411), bukan '{text}'.", key)
    elif key == "kertas":
        up = text.upper()
        up = "F4" if up in ("FOLIO", "F4/FOLIO") else up
        if up not in PAPER_MM:
            raise OfficeError(f"kertas harus A4 atau F4 (Folio 215 × 330 mm), bukan '{text}'.", key)
        text = up
    elif key == "email":
        if not _EMAIL_RE.match(text):
            raise OfficeError(f"email '{text}' tidak valid (contoh: dinsos@klatenkab.go.id).", key)
    elif key == "website":
        if not _WEBSITE_RE.match(text):
            raise OfficeError(f"website '{text}' tidak valid (contoh: dinsos.klatenkab.go.id).", key)
    elif key == "telepon":
        if not _PHONE_RE.match(text) or sum(c.isdigit() for c in text) < 5:
            raise OfficeError(f"telepon '{text}' tidak valid: hanya angka, spasi, +, -, ( ) dan /, "
                              "paling sedikit 5 angka (contoh: (0272) 321046).", key)
    elif key == "tempat":
        if not _PLACE_RE.match(text):
            raise OfficeError(f"{label}: '{text}' bukan nama tempat (contoh: Klaten).", key)
    elif key == "logo":
        return base64.b64encode(read_logo(text)).decode("ascii")
    return text


def _audit_value(key: str, value: str | None):
    if key == "logo":
        info = logo_info(decode_logo(value))
        return info.as_dict() if info else None
    return value or None


@changes(DataKind.SETTINGS)
def set_values(session: Session, actor: Actor | None, values: Mapping[str, object]) -> list[str]:
    """Store office settings ``{key: value}`` (every key of one call or none, in the caller's
    transaction); "" or None clears a key (what is derived from the kabupaten applies again).
    Returns the keys whose value changed. Each change is audited (``office.update``); the logo as
    its SHA-256, size and type, never its bytes."""
    require(session, actor, Capability.OFFICE_SETTINGS, detail=", ".join(values) or None)
    checked = {}
    for key, value in values.items():
        checked[key] = check_value(key, value)
    changed = []
    for key, value in checked.items():
        row = session.get(Setting, setting_key(key))
        old = row.value if row else None
        new = value or None
        if old == new:
            continue
        if row is None:
            session.add(Setting(key=setting_key(key), value=new))
        else:
            row.value = new
        before, after = _audit_value(key, old), _audit_value(key, new)
        shown = (lambda v: v["sha256"][:12] + "…" if isinstance(v, dict) else repr(v))
        audit.record(session, actor, "office.update", entity_type="setting",
                     summary=f"Kantor {key}: {shown(before) if before else '(kosong)'} → "
                             f"{shown(after) if after else '(kosong)'}",
                     old={key: before}, new={key: after})
        changed.append(key)
    session.flush()
    return changed


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["kertas=F4", "tempat=Klaten"]`` → dict; OfficeError for an item without ``=``."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise OfficeError(f"'{item}' harus berbentuk KUNCI=NILAI (mis. kertas=F4).")
        key, value = item.split("=", 1)
        out[key.strip().lower()] = value
    return out


def show(session: Session) -> dict:
    """Every office key with the value in force (set, or derived from the kabupaten); the logo as
    ``{"sha256", "bytes", "type"}`` or None; ``diatur``: the keys the office set itself."""
    profile = load_profile(session)
    data: dict = {k: getattr(profile, k) for k in OFFICE_KEYS if k != "logo"}
    info = logo_info(profile.logo)
    data["logo"] = info.as_dict() if info else None
    return data


def keys_set(session: Session) -> list[str]:
    """The keys the office set itself (the others are derived or default)."""
    rows = session.execute(select(Setting.key).where(Setting.key.startswith(PREFIX), Setting.value.is_not(None)))
    return sorted(k[len(PREFIX):] for k in rows.scalars() if k[len(PREFIX):] in OFFICE_KEYS)


def kop_lines(profile: OfficeProfile) -> tuple[str, ...]:
    """The small lines under the office name: the address, then phone, e-mail, website, post code."""
    lines = [line for line in profile.alamat.splitlines() if line.strip()]
    contact = []
    if profile.telepon:
        contact.append(f"Telepon {profile.telepon}")
    if profile.email:
        contact.append(f"Email {profile.email}")
    if profile.website:
        contact.append(f"Laman {profile.website}")
    if profile.kode_pos:
        if lines and not contact:
            lines[-1] = f"{lines[-1]} Kode Pos {profile.kode_pos}"
        else:
            contact.append(f"Kode Pos {profile.kode_pos}")
    if contact:
        lines.append(", ".join(contact))
    return tuple(lines)


def kop_pdf(profile: OfficeProfile) -> bytes:
    """A PDF of the letterhead alone (the real kop surat renderer, on the office's paper width)."""
    import tempfile

    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from dtks_desktop.documents.letterhead import KopSurat, Letterhead

    width_mm, _ = profile.paper_mm
    margin = 20 * mm
    with tempfile.TemporaryDirectory(prefix="dtks-kop-") as tmp:
        logo_path = None
        info = logo_info(profile.logo)
        if info is not None:
            logo_path = os.path.join(tmp, "logo.png" if info.type == "PNG" else "logo.jpg")
            Path(logo_path).write_bytes(profile.logo or b"")
        head = Letterhead(pemerintah=profile.pemerintah or None, dinas=profile.dinas or "DINAS SOSIAL",
                          alamat=kop_lines(profile), tempat=profile.tempat or None, logo_path=logo_path)
        kop = KopSurat(head, width_mm * mm - 2 * margin)
        _, h = kop.wrap(kop.width, 1000)
        buf = io.BytesIO()
        canvas = Canvas(buf, pagesize=(width_mm * mm, h + 2 * 6 * mm))
        kop.drawOn(canvas, margin, 6 * mm)
        canvas.showPage()
        canvas.save()
    return buf.getvalue()


def kop_preview_png(profile: OfficeProfile, *, dpi: float = 110.0) -> bytes:
    """PNG of :func:`kop_pdf` (what the profile tab shows)."""
    from dtks_desktop.documents.raster import pdf_page_png

    return pdf_page_png(kop_pdf(profile), dpi=dpi)


def profile_with(session: Session, values: Mapping[str, object]) -> OfficeProfile:
    """The profile as it would be with ``values`` (checked as by :func:`set_values`, nothing stored):
    the live preview of the profile tab. A value that does not pass raises OfficeError."""
    base = load_profile(session)
    kab = base.kab_kode
    pemerintah, tempat = _derived(region_name(session, kab) if kab else None)
    derived = {"pemerintah": pemerintah, "tempat": tempat, "dinas": "DINAS SOSIAL", "kertas": "A4"}
    changes_ = {}
    for key, value in values.items():
        checked = check_value(key, value)
        if key == "logo":
            changes_["logo"] = base64.b64decode(checked) if checked else None
        else:
            changes_[key] = checked or derived.get(key, "")
    return replace(base, **changes_)
