"""Small read-only queries the application shell needs (window title, region choices).

Plain Python, no Qt: the views call these instead of building SQL themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Region
from dtks_desktop.domain.regions import kabupaten_display
from dtks_desktop.domain.status import ROLE_LABELS, Role


@dataclass(frozen=True)
class KabupatenChoice:
    kode: str
    nama: str
    provinsi: str

    @property
    def display(self) -> str:
        """'KAB. KLATEN (33.10)', as the status bar and messages show it."""
        return kabupaten_display(self.kode)

    @property
    def label(self) -> str:
        """'KAB. KLATEN (33.10) — Jawa Tengah': searchable by name, province and code."""
        return f"{self.display} — {self.provinsi}" if self.provinsi else self.display


def kabupaten_choices(session: Session) -> list[KabupatenChoice]:
    """Every kabupaten/kota with its province name, ordered by code (two queries)."""
    provinces = dict(session.execute(select(Region.kode, Region.nama).where(Region.level == 1)).all())
    rows = session.execute(
        select(Region.kode, Region.nama, Region.parent_kode).where(Region.level == 2).order_by(Region.kode)
    ).all()
    return [KabupatenChoice(kode, nama, provinces.get(parent or "", "")) for kode, nama, parent in rows]


def office_title(session: Session) -> str | None:
    """The office name if set, else the name of the office's kabupaten/kota, else None."""
    from dtks_desktop.services.core import settings

    name = (settings.get(session, settings.OFFICE_NAME) or "").strip()
    if name:
        return name
    kode = settings.get(session, settings.KAB_KODE)
    if kode:
        return session.execute(select(Region.nama).where(Region.kode == kode)).scalar_one_or_none()
    return None


def role_choices() -> list[tuple[str, str]]:
    """(role value, Indonesian label) in a sensible order for a combo box."""
    order = [Role.OPERATOR, Role.PENCETAK, Role.SUPERVISOR, Role.ADMIN]
    return [(r.value, ROLE_LABELS[r]) for r in order]
