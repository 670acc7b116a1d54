"""The office profile: what the letterhead, the date line and the paper of every document use.

Stored in the ``settings`` table as ``office.<key>`` (keys: ``domain.office.OFFICE_KEYS``); the logo
as base64 of the image bytes, so every PC of a shared database prints the same letterhead. What
the office did not set is derived from the office kabupaten/kota (``PEMERINTAH KABUPATEN KLATEN``,
``Klaten``).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace

from sqlalchemy.orm import Session

from dtks_desktop.domain.office import OFFICE_KEYS, OfficeProfile
from dtks_desktop.services.core import settings
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


def load_profile(session: Session) -> OfficeProfile:
    """The office profile in force (settings, with what is not set derived from the kabupaten)."""
    values = {k: (settings.get(session, setting_key(k), "") or "").strip() for k in OFFICE_KEYS if k != "logo"}
    kab = office_kab_kode(session) or ""
    pemerintah, tempat = _derived(region_name(session, kab) if kab else None)
    profile = OfficeProfile(
        pemerintah=values["pemerintah"] or pemerintah,
        dinas=values["dinas"] or "DINAS SOSIAL",
        alamat=values["alamat"],
        telepon=values["telepon"],
        email=values["email"],
        website=values["website"],
        kode_pos=values["kode_pos"],
        tempat=values["tempat"] or tempat,
        kertas=values["kertas"].upper() if values["kertas"].upper() in ("A4", "F4") else "A4",
        logo=decode_logo(settings.get(session, setting_key("logo"), "")),
        kab_kode=kab,
    )
    return replace(profile)
