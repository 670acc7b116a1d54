"""The one function that moves anything along a workflow: check, apply, record, audit.

Every workflow is a :class:`~dtks_desktop.domain.workflow.Machine` (registry statuses, match
decisions, and the later stages' meetings, batches and receipts). :func:`apply` asks the machine
whether the actor's role may make the change, sets the new state on the row, writes the status
history (where the workflow keeps one) and the audit event, all in the caller's transaction.
What a change means beyond its state (a corrected NIK after an accepted match, say) is done by
the caller in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dtks_desktop.db.models import AuditEvent, Household, Member, StatusHistory
from dtks_desktop.domain.workflow import Machine, Transition, TransitionError
from dtks_desktop.domain.workflow.registry import MACHINES
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.core.common import DataKind, changes


class NotFound(LookupError):
    pass


@dataclass(frozen=True)
class Applied:
    """A change :func:`apply` made: the machine's transition and the audit event that records it."""

    transition: Transition
    event: AuditEvent


def apply(session: Session, actor: Actor, machine: Machine, obj: Any, to_state: str | None, *,
          reason: str | None = None, attr: str = "status", action: str | None = None,
          summary: str | None = None, old: dict | None = None, new: dict | None = None,
          entity_type: str | None = None, entity_id: int | None = None, history: bool = False) -> Applied:
    """Move ``obj`` (an ORM row whose state is ``obj.<attr>``) to ``to_state`` along ``machine``.

    Raises :class:`TransitionError` (Indonesian) when the path or the role is not allowed or a
    required reason is missing. ``old``/``new`` add to the audit event's values (the state is
    always recorded). ``entity_type``/``entity_id`` name what the audit event is about when it
    is not the row itself (a match result is audited on its member). ``history`` writes a
    ``status_history`` row (registry statuses).
    """
    t = machine.check(getattr(obj, attr), to_state, actor.role, reason)
    setattr(obj, attr, t.to_status)
    kind = entity_type or machine.kind
    about = obj.id if entity_id is None else entity_id
    why = reason.strip() if reason and reason.strip() else None
    if history:
        session.add(StatusHistory(entity_type=kind, entity_id=about, from_status=t.from_status,
                                  to_status=t.to_status, reason=why, user_id=actor.id))
    ev = audit.record(
        session, actor, action or f"{kind}.{attr}", entity_type=kind, entity_id=about,
        summary=summary or f"{machine.label(t.from_status)} → {machine.label(t.to_status)}",
        old={attr: t.from_status, **(old or {})}, new={attr: t.to_status, **(new or {})}, reason=why)
    return Applied(t, ev)


@changes(DataKind.REGISTRY)
def change_status(session: Session, actor: Actor, kind: str, entity_id: int, to_status: str, reason: str) -> None:
    """Move a member (``kind="member"``) or household to ``to_status``. Raises TransitionError."""
    if kind not in MACHINES:
        raise ValueError(f"unknown status kind {kind!r}")
    model = Member if kind == "member" else Household
    obj = session.get(model, entity_id)
    if obj is None:
        raise NotFound(f"{'Anggota' if kind == 'member' else 'Keluarga'} #{entity_id} tidak ada.")
    machine = MACHINES[kind]
    who = obj.nama if kind == "member" else (obj.no_kk or f"#{obj.id}")
    t = machine.check(obj.status, to_status, actor.role, reason)
    apply(session, actor, machine, obj, to_status, reason=reason, action=f"{kind}.status", history=True,
          summary=f"{who}: {machine.label(t.from_status)} → {machine.label(t.to_status)}")
    session.flush()


__all__ = ["Applied", "apply", "change_status", "TransitionError", "NotFound"]
