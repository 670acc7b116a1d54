"""Office settings kept in the database (shared by every PC of an office)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import Setting
from ..domain.masking import MaskPolicy
from . import audit
from .users import Actor

KAB_KODE = "office.kab_kode"
OFFICE_NAME = "office.name"
MASK_KEEP_START = "mask.keep_start"
MASK_KEEP_END = "mask.keep_end"
LOGIN_MAX_FAILURES = "login.max_failures"  # consecutive failed logins that lock the name
LOGIN_LOCK_MINUTES = "login.lock_minutes"  # how long such a lock lasts

DEFAULTS: dict[str, str] = {
    MASK_KEEP_START: "4",
    MASK_KEEP_END: "4",
    LOGIN_MAX_FAILURES: "5",
    LOGIN_LOCK_MINUTES: "15",
}

# Accepted ranges of the login settings (the settings page offers the same).
MAX_FAILURES_RANGE = (3, 50)
LOCK_MINUTES_RANGE = (1, 1440)


def get(session: Session, key: str, default: str | None = None) -> str | None:
    value = session.execute(select(Setting.value).where(Setting.key == key)).scalar_one_or_none()
    if value is None:
        return DEFAULTS.get(key, default) if default is None else default
    return value


def put(session: Session, actor: Actor | None, key: str, value: str | None) -> None:
    row = session.get(Setting, key)
    old = row.value if row else None
    if old == value:
        return
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    audit.record(session, actor, "settings.update", entity_type="setting", summary=f"{key}: {old!r} → {value!r}",
                 old={key: old}, new={key: value})


def mask_policy(session: Session) -> MaskPolicy:
    start = int(get(session, MASK_KEEP_START) or 4)
    end = int(get(session, MASK_KEEP_END) or 4)
    return MaskPolicy(keep_start=max(0, min(start, 8)), keep_end=max(0, min(end, 8)))


def _int_setting(session: Session, key: str, bounds: tuple[int, int]) -> int:
    try:
        value = int(get(session, key) or DEFAULTS[key])
    except ValueError:
        value = int(DEFAULTS[key])
    return max(bounds[0], min(bounds[1], value))


def login_max_failures(session: Session) -> int:
    return _int_setting(session, LOGIN_MAX_FAILURES, MAX_FAILURES_RANGE)


def login_lock_minutes(session: Session) -> int:
    return _int_setting(session, LOGIN_LOCK_MINUTES, LOCK_MINUTES_RANGE)
