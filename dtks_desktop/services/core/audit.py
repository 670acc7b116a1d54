"""The audit log: who changed what, when, from which value to which, and why."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import AuditEvent
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.users import Actor


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_default)


def _default(o: Any) -> str:
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    return str(o)


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    entity_type: str | None = None,
    entity_id: int | None = None,
    summary: str | None = None,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add one audit event to the caller's transaction (it commits with the change)."""
    ev = AuditEvent(
        user_id=actor.id if actor else None,
        username=actor.username if actor else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        summary=(summary or "")[:300] or None,
        old_value=_json(old),
        new_value=_json(new),
        reason=reason,
    )
    session.add(ev)
    return ev


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str | None
    action: str
    entity_type: str | None
    entity_id: int | None
    summary: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None


def _where(stmt, f: AuditFilter):
    if f.username:
        stmt = stmt.where(AuditEvent.username == f.username)
    if f.action:
        stmt = stmt.where(AuditEvent.action == f.action)
    if f.entity_type:
        stmt = stmt.where(AuditEvent.entity_type == f.entity_type)
    if f.entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == f.entity_id)
    if f.since:
        stmt = stmt.where(AuditEvent.at >= f.since)
    if f.until:
        stmt = stmt.where(AuditEvent.at < f.until)
    if f.text:
        like = f"%{f.text.strip()}%"
        stmt = stmt.where(
            AuditEvent.summary.ilike(like) | AuditEvent.reason.ilike(like) | AuditEvent.new_value.ilike(like)
        )
    return stmt


# Reading the log (names, failed logins, old and new values) needs ``audit.view``.


def count_events(session: Session, f: AuditFilter = AuditFilter(), *, actor: Actor) -> int:
    require(session, actor, Capability.AUDIT_VIEW)
    return session.execute(_where(select(func.count()).select_from(AuditEvent), f)).scalar_one()


def list_events(session: Session, f: AuditFilter = AuditFilter(), *, actor: Actor, offset: int = 0,
                limit: int = 200) -> list[AuditRow]:
    require(session, actor, Capability.AUDIT_VIEW)
    stmt = _where(select(AuditEvent), f).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    stmt = stmt.offset(offset).limit(limit)
    return [
        AuditRow(e.id, e.at, e.username, e.action, e.entity_type, e.entity_id, e.summary, e.old_value,
                 e.new_value, e.reason)
        for e in session.execute(stmt).scalars()
    ]


def distinct_actions(session: Session, *, actor: Actor) -> list[str]:
    require(session, actor, Capability.AUDIT_VIEW)
    return list(session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars())


def distinct_usernames(session: Session, *, actor: Actor) -> list[str]:
    require(session, actor, Capability.AUDIT_VIEW)
    return [u for u in session.execute(select(AuditEvent.username).distinct().order_by(AuditEvent.username)).scalars() if u]


ACTION_LABELS: dict[str, str] = {
    "user.create": "Pengguna dibuat",
    "user.password": "Kata sandi diganti",
    "user.role": "Peran pengguna diubah",
    "user.active": "Pengguna diaktifkan/dinonaktifkan",
    "login": "Masuk",
    "login.failed": "Gagal masuk",
    "login.locked": "Akun dikunci (terlalu banyak gagal masuk)",
    "login.refused": "Masuk ditolak (menunggu/terkunci)",
    "user.unlock": "Kunci akun dibuka",
    "permission.denied": "Ditolak: peran tidak berhak",
    "member.update": "Data anggota diubah",
    "household.update": "Data keluarga diubah",
    "member.status": "Status anggota diubah",
    "household.status": "Status keluarga diubah",
    "demo.load": "Data contoh dimuat",
    "settings.update": "Pengaturan diubah",
    "import.dtks": "Impor data DTKS",
    "import.dukcapil": "Impor data Dukcapil",
    "import.program": "Impor daftar program",
    "match.run": "Pemadanan dijalankan",
    "match.decide": "Keputusan pemadanan",
    "match.undo": "Keputusan pemadanan diurungkan",
    "match.bulk_accept": "Terima massal pemadanan",
    "match.auto_accept": "Pemulihan otomatis NIK rusak spreadsheet",
    "match.reopen": "Keputusan pemadanan dibuka kembali",
    "match.export": "Hasil pemadanan diekspor (NIK lengkap)",
    "programmes.link": "Pencocokan program",
    "programmes.rules": "Aturan bantuan ganda diubah",
}
