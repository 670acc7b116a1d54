"""The services' one guard: a call by a user whose role lacks the capability is refused and audited.

Every service that changes data or reveals full identifiers starts with
``require(db_or_session, actor, Capability.X)``. The refusal is written to the audit log in a
transaction of its own (the caller's transaction is about to roll back), then
:class:`~dtks_desktop.domain.permissions.PermissionDenied` is raised: an Indonesian message
that names the role and the roles that hold the capability.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from dtks_desktop.db.models import AuditEvent
from dtks_desktop.domain.permissions import Capability, PermissionDenied, can

log = logging.getLogger(__name__)

DENIED_ACTION = "permission.denied"


def _engine_of(db_or_session):
    if isinstance(db_or_session, Session):
        bind = db_or_session.get_bind()
        return getattr(bind, "engine", bind)
    return db_or_session.engine


def require(db_or_session, actor, capability: Capability | str, *, detail: str | None = None) -> None:
    """Return when ``actor`` holds ``capability``; else audit the refusal and raise PermissionDenied.

    Call it before the service writes anything: on SQLite the refusal is written through a
    connection of its own, which must not wait for the caller's write lock.
    """
    if can(actor, capability):
        return
    exc = PermissionDenied(actor, capability)
    try:
        with Session(_engine_of(db_or_session)) as s:
            s.add(AuditEvent(user_id=getattr(actor, "id", None), username=getattr(actor, "username", None),
                             action=DENIED_ACTION, entity_type="capability",
                             summary=f"Ditolak: {Capability(capability).value}"
                                     + (f" ({detail})" if detail else "")[:250],
                             new_value=None, old_value=None, reason=exc.message[:500]))
            s.commit()
    except Exception:  # noqa: BLE001 - the refusal itself must never fail because the log could not be written
        log.exception("could not audit a refused %s by %s", capability, getattr(actor, "username", None))
    raise exc


__all__ = ["require", "DENIED_ACTION", "PermissionDenied", "Capability"]
