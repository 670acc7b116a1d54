"""Users, roles and login. Passwords are hashed with Argon2id (argon2-cffi).

Failed logins are throttled per typed username, in the database so that every PC
and the CLI share the count (``login_throttle``): from the third failure in a row
each further try must wait 2, 4, 8 ... seconds (at most :data:`MAX_DELAY`), and
after ``login.max_failures`` failures the name is locked for ``login.lock_minutes``.
A try that comes too early or during a lock is refused without looking at the
password. An unknown name is throttled exactly like a real one, so the answers
never tell whether a user exists. All times come from the database's clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import and_, delete, func, or_, select, text
from sqlalchemy.orm import Session

from dtks_desktop.db.models import LoginThrottle, User, utcnow
from dtks_desktop.domain.formatting import jam
from dtks_desktop.domain.permissions import Capability, can, sees_full_nik
from dtks_desktop.domain.status import ROLE_LABELS, Role
from dtks_desktop.services.core.permissions import require
from dtks_desktop.services.core.common import DataKind, changes

_hasher = PasswordHasher()

MIN_PASSWORD = 8


@dataclass(frozen=True)
class Actor:
    """The person doing something: every service that changes data takes one."""

    id: int | None
    username: str
    role: str
    full_name: str | None = None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(Role(self.role), self.role)

    @property
    def may_see_full_nik(self) -> bool:
        return sees_full_nik(self)

    def can(self, capability: Capability | str) -> bool:
        """Whether this actor's role holds ``capability`` (domain/permissions.py)."""
        return can(self, capability)


class UserError(Exception):
    """A problem the user must fix (Indonesian message)."""


class LoginError(UserError):
    pass


class LoginThrottled(LoginError):
    """The try was refused before the password was looked at: too early, or the name is locked."""

    def __init__(self, message: str, *, wait_seconds: int = 0, locked_until: datetime | None = None) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds
        self.locked_until = locked_until


WRONG_LOGIN = "Nama pengguna atau kata sandi salah."
DELAY_AFTER = 3  # consecutive failures after which each further try must wait
MAX_DELAY = 300  # seconds


def retry_delay(failures: int) -> int:
    """Seconds the next try must wait after ``failures`` consecutive failures: 0, 0, 2, 4, 8 ..."""
    if failures < DELAY_AFTER:
        return 0
    return min(MAX_DELAY, 2 ** (failures - DELAY_AFTER + 1))


def database_now(session: Session) -> datetime:
    """Now by the database's clock (UTC), so that PCs with skewed clocks agree."""
    if session.get_bind().dialect.name == "postgresql":
        value = session.execute(text("SELECT clock_timestamp()")).scalar_one()
    else:  # SQLite runs in this process: its clock is this computer's
        value = datetime.fromisoformat(
            session.execute(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).scalar_one())
    return _aware(value)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _clock(value: datetime) -> str:
    return jam(value, lokal=True)


def locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return (f"Akun dikunci sampai {_clock(until)} (sekitar {minutes} menit lagi) karena terlalu banyak "
            "percobaan masuk yang gagal. Coba lagi setelah itu, atau minta administrator membuka kuncinya.")


def wait_message(seconds: int) -> str:
    return f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {seconds} detik."


def _throttle_key(username: str | None) -> str:
    return (username or "").strip().lower()[:60]


def _throttle_row(session: Session, key: str) -> LoginThrottle | None:
    # FOR UPDATE (PostgreSQL): two PCs trying the same name at once count one after the other.
    return session.execute(
        select(LoginThrottle).where(LoginThrottle.username_key == key).with_for_update()
    ).scalar_one_or_none()


def _new_throttle_row(session: Session, key: str) -> LoginThrottle:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(LoginThrottle).values(username_key=key, failed_logins=0)
                    .on_conflict_do_nothing(index_elements=["username_key"]))
    return _throttle_row(session, key)


def _refusal(row: LoginThrottle | None, now: datetime) -> LoginThrottled | None:
    """Why a try must be refused now without checking the password, or None."""
    if row is None:
        return None
    locked = _aware(row.locked_until)
    if locked is not None and now < locked:
        return LoginThrottled(locked_message(locked, now), locked_until=locked)
    last = _aware(row.last_failed_at)
    delay = retry_delay(row.failed_logins)
    if delay and last is not None:
        left = (last + timedelta(seconds=delay) - now).total_seconds()
        if left > 0:
            return LoginThrottled(wait_message(math.ceil(left)), wait_seconds=math.ceil(left))
    return None


def _actor(u: User) -> Actor:
    return Actor(u.id, u.username, u.role, u.full_name)


def validate_password(password: str) -> None:
    if password is None or len(password) < MIN_PASSWORD:
        raise UserError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")
    if password.strip() != password:
        raise UserError("Kata sandi tidak boleh diawali atau diakhiri spasi.")


def _validate_username(username: str) -> str:
    name = (username or "").strip()
    if not name:
        raise UserError("Nama pengguna wajib diisi.")
    if len(name) > 60 or any(c.isspace() for c in name):
        raise UserError("Nama pengguna tanpa spasi, paling panjang 60 karakter.")
    return name


def has_users(session: Session) -> bool:
    return session.execute(select(func.count()).select_from(User)).scalar_one() > 0


@changes(DataKind.USERS)
def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role | str,
    *,
    full_name: str | None = None,
    nip: str | None = None,
    by: Actor | None = None,
) -> Actor:
    """Create a user. The first user of a database may only be an admin (someone who can manage
    users); later ones need ``users.manage``."""
    from dtks_desktop.services.core import audit

    name = _validate_username(username)
    try:
        role = Role(role)
    except ValueError:
        raise UserError(
            f"Peran '{role}' tidak dikenal. Pilih salah satu: {', '.join(r.value for r in Role)}."
        ) from None
    first = not has_users(session)
    if first and not can(role, Capability.USERS_MANAGE):
        raise UserError("Pengguna pertama harus administrator.")
    if not first:
        require(session, by, Capability.USERS_MANAGE, detail=f"tambah {name}")
    validate_password(password)
    if session.execute(select(User.id).where(func.lower(User.username) == name.lower())).first():
        raise UserError(f"Nama pengguna '{name}' sudah dipakai.")
    user = User(username=name, full_name=full_name, nip=nip, role=role.value, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    actor = _actor(user)
    audit.record(session, by or actor, "user.create", entity_type="user", entity_id=user.id,
                 summary=f"Pengguna {name} ({ROLE_LABELS[role]}) dibuat", new={"username": name, "role": role.value})
    return actor


def authenticate(session: Session, username: str, password: str) -> Actor:
    """Check a password. Raises LoginError with one message for any failure (no user enumeration).

    Throttled as described in the module docstring; the caller commits also on LoginError so
    that the count and the audit events stay (``services.database.login``).
    """
    from dtks_desktop.services.core import audit
    from dtks_desktop.services.core import settings as settings_service

    typed = (username or "").strip()
    key = _throttle_key(typed)
    now = database_now(session)
    throttle = _throttle_row(session, key)
    user = session.execute(select(User).where(func.lower(User.username) == typed.lower())).scalar_one_or_none()
    user_id = user.id if user else None

    refused = _refusal(throttle, now)
    if refused is not None:
        why = (f"akun dikunci sampai {refused.locked_until.isoformat(timespec='seconds')}"
               if refused.locked_until else f"terlalu cepat, tunggu {refused.wait_seconds} detik")
        audit.record(session, None, "login.refused", entity_type="user", entity_id=user_id,
                     summary=f"Masuk sebagai '{typed}' ditolak: {why}")
        raise refused

    ok = False
    if user is not None and user.active:
        try:
            ok = _hasher.verify(user.password_hash, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    else:
        # Spend the same time as a real check so a wrong name is not faster than a wrong password.
        try:
            _hasher.verify(_DUMMY, password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            pass
    if not ok:
        if throttle is None:
            throttle = _new_throttle_row(session, key)
        throttle.failed_logins += 1
        throttle.last_failed_at = now
        audit.record(session, None, "login.failed", entity_type="user", entity_id=user_id,
                     summary=f"Gagal masuk sebagai '{typed}' (gagal berturut-turut: {throttle.failed_logins})")
        _forget_old_failures(session, now)
        if throttle.failed_logins >= settings_service.login_max_failures(session):
            until = now + timedelta(minutes=settings_service.login_lock_minutes(session))
            audit.record(session, None, "login.locked", entity_type="user", entity_id=user_id,
                         summary=f"'{typed}' dikunci sampai {until.isoformat(timespec='seconds')} setelah "
                                 f"{throttle.failed_logins} kali gagal masuk berturut-turut",
                         new={"locked_until": until, "failed_logins": throttle.failed_logins})
            throttle.locked_until = until
            throttle.failed_logins = 0  # after the lock the count starts again
            raise LoginThrottled(f"{WRONG_LOGIN} {locked_message(until, now)}", locked_until=until)
        delay = retry_delay(throttle.failed_logins)
        if delay:
            raise LoginError(f"{WRONG_LOGIN} Coba lagi dalam {delay} detik.")
        raise LoginError(WRONG_LOGIN)
    if throttle is not None:
        session.delete(throttle)  # a successful login clears the count
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    actor = _actor(user)
    audit.record(session, actor, "login", entity_type="user", entity_id=user.id, summary=f"{user.username} masuk")
    return actor


def _forget_old_failures(session: Session, now: datetime) -> None:
    """Rows of names nobody has failed with for a day, and not locked, are kept no longer."""
    cutoff = now - timedelta(days=1)
    session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failed_at < cutoff,
        or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
    ))


@changes(DataKind.USERS)
def unlock_user(session: Session, actor: Actor, username: str) -> bool:
    """Clear a user's failed logins and lock (``users.manage``). Returns False when there was nothing to clear."""
    from dtks_desktop.services.core import audit

    require(session, actor, Capability.USERS_MANAGE, detail=f"buka kunci {username}")
    user = _get(session, username)
    row = session.get(LoginThrottle, _throttle_key(user.username))
    if row is None:
        return False
    now = database_now(session)
    locked = _aware(row.locked_until)
    was_locked = locked is not None and locked > now
    if not was_locked and row.failed_logins == 0:
        session.delete(row)
        return False
    old = {"failed_logins": row.failed_logins, "locked_until": locked if was_locked else None}
    session.delete(row)
    audit.record(session, actor, "user.unlock", entity_type="user", entity_id=user.id,
                 summary=f"Kunci {user.username} dibuka" + (" (sebelumnya terkunci)" if was_locked else ""),
                 old=old, new={"failed_logins": 0, "locked_until": None})
    return True


_DUMMY = _hasher.hash("dtks-desktop-dummy-password")


@changes(DataKind.USERS)
def change_password(session: Session, actor: Actor, username: str, new_password: str, *, old_password: str | None = None) -> None:
    """Set a password: one's own (with the old one), or anyone's with ``users.manage``."""
    from dtks_desktop.services.core import audit

    user = _get(session, username)
    manager = can(actor, Capability.USERS_MANAGE)
    if not manager:
        if actor.id != user.id:
            require(session, actor, Capability.USERS_MANAGE, detail=f"kata sandi {user.username}")
        try:
            _hasher.verify(user.password_hash, old_password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise UserError("Kata sandi lama salah.") from None
    validate_password(new_password)
    user.password_hash = _hasher.hash(new_password)
    audit.record(session, actor, "user.password", entity_type="user", entity_id=user.id,
                 summary=f"Kata sandi {user.username} diganti")
    if manager and actor.id != user.id:
        unlock_user(session, actor, user.username)  # a reset password is of no use behind a lock


@changes(DataKind.USERS)
def set_role(session: Session, actor: Actor, username: str, role: Role | str) -> None:
    from dtks_desktop.services.core import audit

    require(session, actor, Capability.USERS_MANAGE, detail=f"peran {username}")
    user = _get(session, username)
    role = Role(role)
    if _last_manager(session, user) and not can(role, Capability.USERS_MANAGE):
        raise UserError("Administrator terakhir tidak boleh diturunkan perannya.")
    old = user.role
    user.role = role.value
    audit.record(session, actor, "user.role", entity_type="user", entity_id=user.id,
                 summary=f"Peran {user.username}: {old} → {role.value}", old={"role": old}, new={"role": role.value})


@changes(DataKind.USERS)
def set_active(session: Session, actor: Actor, username: str, active: bool) -> None:
    from dtks_desktop.services.core import audit

    require(session, actor, Capability.USERS_MANAGE, detail=f"aktif {username}")
    user = _get(session, username)
    if not active and _last_manager(session, user):
        raise UserError("Administrator terakhir tidak boleh dinonaktifkan.")
    user.active = active
    audit.record(session, actor, "user.active", entity_type="user", entity_id=user.id,
                 summary=f"{user.username} {'diaktifkan' if active else 'dinonaktifkan'}", new={"active": active})


@dataclass(frozen=True)
class UserInfo:
    username: str
    full_name: str | None
    role: str
    active: bool
    locked_until: datetime | None = None  # UTC, while the login is locked after failed tries


def list_users(session: Session, *, actor: Actor) -> list[UserInfo]:
    """Every user with role, state and lock (``users.view``)."""

    require(session, actor, Capability.USERS_VIEW)
    now = database_now(session)
    stmt = (
        select(User, LoginThrottle.locked_until)
        .outerjoin(LoginThrottle, and_(LoginThrottle.username_key == func.lower(User.username)))
        .order_by(User.username)
    )
    out = []
    for u, locked in session.execute(stmt):
        locked = _aware(locked)
        out.append(UserInfo(u.username, u.full_name, u.role, u.active,
                            locked if locked is not None and locked > now else None))
    return out


def _get(session: Session, username: str) -> User:
    user = session.execute(select(User).where(func.lower(User.username) == (username or "").strip().lower())).scalar_one_or_none()
    if user is None:
        raise UserError(f"Pengguna '{username}' tidak ada.")
    return user


def _last_manager(session: Session, user: User) -> bool:
    """Whether ``user`` is the last active user who can manage users (the last administrator)."""
    if not (user.active and can(user.role, Capability.USERS_MANAGE)):
        return False
    active_roles = session.execute(select(User.role).where(User.active)).scalars()
    return sum(can(role, Capability.USERS_MANAGE) for role in active_roles) <= 1
