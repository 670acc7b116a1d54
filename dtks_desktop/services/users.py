"""Users, roles and login. Passwords are hashed with Argon2id (argon2-cffi)."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.models import User, utcnow
from ..domain.status import ROLE_LABELS, ROLES_FULL_NIK, Role

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
        return Role(self.role) in ROLES_FULL_NIK

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {str(r) for r in roles}


class UserError(Exception):
    """A problem the user must fix (Indonesian message)."""


class LoginError(UserError):
    pass


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
    """Create a user. The first user of a database may only be an admin; later ones need an admin."""
    from . import audit

    name = _validate_username(username)
    try:
        role = Role(role)
    except ValueError:
        raise UserError(
            f"Peran '{role}' tidak dikenal. Pilih salah satu: {', '.join(r.value for r in Role)}."
        ) from None
    first = not has_users(session)
    if first and role != Role.ADMIN:
        raise UserError("Pengguna pertama harus administrator.")
    if not first and (by is None or by.role != Role.ADMIN):
        raise UserError("Hanya administrator yang boleh menambah pengguna.")
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
    """Check a password. Raises LoginError with one message for any failure (no user enumeration)."""
    from . import audit

    user = session.execute(select(User).where(func.lower(User.username) == (username or "").strip().lower())).scalar_one_or_none()
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
        audit.record(session, None, "login.failed", entity_type="user", entity_id=user.id if user else None,
                     summary=f"Gagal masuk sebagai '{(username or '').strip()}'")
        raise LoginError("Nama pengguna atau kata sandi salah.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    actor = _actor(user)
    audit.record(session, actor, "login", entity_type="user", entity_id=user.id, summary=f"{user.username} masuk")
    return actor


_DUMMY = _hasher.hash("dtks-desktop-dummy-password")


def change_password(session: Session, actor: Actor, username: str, new_password: str, *, old_password: str | None = None) -> None:
    from . import audit

    user = _get(session, username)
    if actor.role != Role.ADMIN:
        if actor.id != user.id:
            raise UserError("Hanya administrator yang boleh mengganti kata sandi pengguna lain.")
        try:
            _hasher.verify(user.password_hash, old_password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise UserError("Kata sandi lama salah.") from None
    validate_password(new_password)
    user.password_hash = _hasher.hash(new_password)
    audit.record(session, actor, "user.password", entity_type="user", entity_id=user.id,
                 summary=f"Kata sandi {user.username} diganti")


def set_role(session: Session, actor: Actor, username: str, role: Role | str) -> None:
    from . import audit

    if actor.role != Role.ADMIN:
        raise UserError("Hanya administrator yang boleh mengubah peran.")
    user = _get(session, username)
    role = Role(role)
    if user.role == Role.ADMIN and role != Role.ADMIN and _admin_count(session) <= 1:
        raise UserError("Administrator terakhir tidak boleh diturunkan perannya.")
    old = user.role
    user.role = role.value
    audit.record(session, actor, "user.role", entity_type="user", entity_id=user.id,
                 summary=f"Peran {user.username}: {old} → {role.value}", old={"role": old}, new={"role": role.value})


def set_active(session: Session, actor: Actor, username: str, active: bool) -> None:
    from . import audit

    if actor.role != Role.ADMIN:
        raise UserError("Hanya administrator yang boleh menonaktifkan pengguna.")
    user = _get(session, username)
    if not active and user.role == Role.ADMIN and _admin_count(session) <= 1:
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


def list_users(session: Session) -> list[UserInfo]:
    return [UserInfo(u.username, u.full_name, u.role, u.active)
            for u in session.execute(select(User).order_by(User.username)).scalars()]


def _get(session: Session, username: str) -> User:
    user = session.execute(select(User).where(func.lower(User.username) == (username or "").strip().lower())).scalar_one_or_none()
    if user is None:
        raise UserError(f"Pengguna '{username}' tidak ada.")
    return user


def _admin_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)).scalar_one()
