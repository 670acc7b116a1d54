"""The one place where a member's or a family's status changes.

Checks the transition with the domain rules (role and allowed path), writes the
status history and the audit event, all in the caller's transaction.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from dtks_desktop.db.models import Household, Member, StatusHistory
from dtks_desktop.domain.status import HOUSEHOLD_STATUS_LABELS, MEMBER_STATUS_LABELS, TransitionError, check_transition
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.users import Actor


class NotFound(LookupError):
    pass


def change_status(
    session: Session, actor: Actor, kind: str, entity_id: int, to_status: str, reason: str
) -> None:
    """Move a member (``kind="member"``) or household to ``to_status``. Raises TransitionError."""
    model = Member if kind == "member" else Household
    obj = session.get(model, entity_id)
    if obj is None:
        raise NotFound(f"{'Anggota' if kind == 'member' else 'Keluarga'} #{entity_id} tidak ada.")
    t = check_transition(kind, obj.status, to_status, actor.role, reason)
    obj.status = t.to_status
    session.add(
        StatusHistory(entity_type=kind, entity_id=entity_id, from_status=t.from_status, to_status=t.to_status,
                      reason=reason.strip(), user_id=actor.id)
    )
    labels = MEMBER_STATUS_LABELS if kind == "member" else HOUSEHOLD_STATUS_LABELS
    who = obj.nama if kind == "member" else (obj.no_kk or f"#{obj.id}")
    audit.record(
        session, actor, f"{kind}.status", entity_type=kind, entity_id=entity_id,
        summary=f"{who}: {labels[t.from_status]} → {labels[t.to_status]}",
        old={"status": t.from_status}, new={"status": t.to_status}, reason=reason.strip(),
    )
    session.flush()


__all__ = ["change_status", "TransitionError", "NotFound"]
