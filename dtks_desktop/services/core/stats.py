"""Counts that describe what a database holds (for `dtks db info` and the GUI)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.migrate import current_revision
from dtks_desktop.db.models import AuditEvent, Household, Member, Region, User


def database_summary(session: Session) -> dict:
    def count(model) -> int:
        return session.execute(select(func.count()).select_from(model)).scalar_one()

    from dtks_desktop.services.core import settings

    return {
        "revision": current_revision(session.get_bind()),
        "kabupaten": settings.office_kab_label(session) or "belum ditetapkan",
        "regions": count(Region),
        "households": count(Household),
        "members": count(Member),
        "users": count(User),
        "audit_events": count(AuditEvent),
    }


def is_registry_empty(session: Session) -> bool:
    return session.execute(select(Member.id).limit(1)).first() is None
