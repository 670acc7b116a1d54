"""Writing families and members into the registry in bulk, and editing one of them.

The bulk path is shared by the demo-data loader, the benchmarks and the
importers: plain records in, COPY/executemany out, no ORM object per row.
Single edits go through :func:`update_member` / :func:`update_household`,
which write the audit event with old and new values.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable, Iterator

from sqlalchemy.orm import Session

from dtks_desktop.db.bulk import bulk_insert, next_ids
from dtks_desktop.db.models import Household, Member
from dtks_desktop.domain.names import search_key
from dtks_desktop.services.core import audit
from dtks_desktop.services.core.common import CancelFlag, DataKind, Progress, changes, check_cancel
from dtks_desktop.services.core.permissions import Capability, require
from dtks_desktop.services.core.users import Actor


@dataclass
class MemberRecord:
    nama: str
    nik: str | None = None
    nik_raw: str | None = None
    nik_flags: str | None = None
    id_dtks: str | None = None
    tempat_lahir: str | None = None
    tanggal_lahir: date | None = None
    jenis_kelamin: str | None = None
    nama_ibu: str | None = None
    hubungan: int | None = None
    status: str = "aktif"
    nama_key: str | None = None  # search_key(nama) when the caller already computed it


@dataclass
class FamilyRecord:
    no_kk: str | None
    desa_kode: str | None
    alamat: str | None = None
    dusun: str | None = None
    rt: str | None = None
    rw: str | None = None
    desil: int | None = None
    id_dtks: str | None = None
    no_kk_flags: str | None = None
    status: str = "terdaftar"
    members: list[MemberRecord] = field(default_factory=list)


HOUSEHOLD_COLUMNS = ("id", "id_dtks", "no_kk", "no_kk_flags", "alamat", "dusun", "rt", "rw", "desa_kode", "desil",
                     "status", "version", "created_at", "updated_at", "last_batch_id")
MEMBER_COLUMNS = ("id", "household_id", "id_dtks", "nik", "nik_raw", "nik_flags", "nama", "nama_key", "tempat_lahir",
                  "tanggal_lahir", "jenis_kelamin", "nama_ibu", "hubungan", "status", "version", "created_at",
                  "updated_at", "last_batch_id")


@dataclass(frozen=True)
class BulkResult:
    households: int
    members: int
    first_household_id: int
    first_member_id: int


def bulk_add_families(
    session: Session,
    families: list[FamilyRecord],
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    batch_id: int | None = None,
    extra_members: list[tuple[int, MemberRecord]] | None = None,
) -> BulkResult:
    """Insert families with their members in the caller's transaction.

    Ids are reserved up front so members can point at their family without a
    round-trip per row. ``extra_members`` are (existing household id, member)
    pairs added to families already in the registry. ``batch_id`` records the
    import batch that brought the rows. On cancel, raises ``Cancelled``; the
    caller's transaction then rolls back and nothing is left behind.
    """
    extra = extra_members or []
    n_h = len(families)
    n_m = sum(len(f.members) for f in families) + len(extra)
    if n_m == 0 and n_h == 0:
        return BulkResult(0, 0, 0, 0)
    first_h = next_ids(session, "households", n_h)
    first_m = next_ids(session, "members", n_m)
    now = db_timestamp(session)
    total = n_h + n_m

    def hh_rows() -> Iterator[tuple]:
        for i, f in enumerate(families):
            if i % 20000 == 0:
                check_cancel(cancel)
                if progress:
                    progress(i, total, "Menyimpan keluarga")
            yield (first_h + i, f.id_dtks, f.no_kk, f.no_kk_flags, f.alamat, f.dusun, f.rt, f.rw, f.desa_kode,
                   f.desil, f.status, 1, now, now, batch_id)

    def member_rows() -> Iterator[tuple]:
        mid = first_m
        for i, f in enumerate(families):
            hid = first_h + i
            if i % 5000 == 0:
                check_cancel(cancel)
                if progress:
                    progress(n_h + (mid - first_m), total, "Menyimpan anggota")
            for m in f.members:
                yield _member_row(mid, hid, m, now, batch_id)
                mid += 1
        for hid, m in extra:
            yield _member_row(mid, hid, m, now, batch_id)
            mid += 1

    # A large load into a small table: build the indexes once at the end instead of
    # maintaining them row by row (several times faster on both databases).
    rebuild = n_m >= REBUILD_INDEXES_FROM and first_m - 1 < n_m
    with _indexes_dropped(session, (Household, Member) if rebuild else ()):
        if n_h:
            bulk_insert(session, "households", HOUSEHOLD_COLUMNS, hh_rows())
        if n_m:
            bulk_insert(session, "members", MEMBER_COLUMNS, member_rows())
        if rebuild and progress:
            progress(total, total, "Membangun indeks")
    if progress:
        progress(total, total, "Selesai")
    _sync_sequences(session)
    return BulkResult(n_h, n_m, first_h, first_m)


REBUILD_INDEXES_FROM = 50_000


@contextmanager
def _indexes_dropped(session: Session, models):
    """Drop the secondary indexes of ``models`` and create them again on exit (same transaction)."""
    conn = session.connection()
    dropped = []
    for model in models:
        for idx in model.__table__.indexes:
            idx.drop(conn)
            dropped.append(idx)
    # On an error the caller's transaction rolls back, which restores the dropped indexes.
    yield
    for idx in dropped:
        idx.create(conn)
    if dropped and conn.dialect.name == "postgresql":
        for model in models:
            conn.exec_driver_sql(f"ANALYZE {model.__tablename__}")


def _member_row(mid: int, hid: int, m: MemberRecord, now, batch_id: int | None) -> tuple:
    return (mid, hid, m.id_dtks, m.nik, m.nik_raw, m.nik_flags, m.nama, m.nama_key or search_key(m.nama), m.tempat_lahir,
            m.tanggal_lahir, m.jenis_kelamin, m.nama_ibu, m.hubungan, m.status, 1, now, now, batch_id)


def db_timestamp(session: Session):
    """Now, in the form the bulk path hands to the driver (SQLite stores SQLAlchemy's text format)."""
    now = datetime.now(timezone.utc)
    if session.connection().dialect.name == "sqlite":
        return now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return now


def _sync_sequences(session: Session) -> None:
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        for table in ("households", "members"):
            conn.exec_driver_sql(
                f"SELECT setval('{table}_id_seq', GREATEST((SELECT COALESCE(MAX(id), 1) FROM {table}), 1))"
            )


# --- single edits -----------------------------------------------------------------------------

MEMBER_EDITABLE = {"nama", "nik", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "nama_ibu", "hubungan"}
HOUSEHOLD_EDITABLE = {"no_kk", "alamat", "dusun", "rt", "rw", "desa_kode", "desil"}


class EditError(ValueError):
    pass


def _apply_edit(session: Session, actor: Actor, obj, kind: str, label, editable: set[str], changes: dict,
                reason: str | None) -> dict:
    """Set the changed fields of one row and write one audit event with old and new values."""
    bad = set(changes) - editable
    if bad:
        raise EditError(f"Kolom tidak boleh diubah di sini: {', '.join(sorted(bad))}")
    diff = {}
    for key, value in changes.items():
        old = getattr(obj, key)
        if old != value:
            diff[key] = (old, value)
            setattr(obj, key, value)
    if kind == "member" and "nama" in diff:
        obj.nama_key = search_key(obj.nama)
    if diff:
        audit.record(session, actor, f"{kind}.update", entity_type=kind, entity_id=obj.id,
                     summary=f"{label()}: {', '.join(diff)} diubah",
                     old={k: v[0] for k, v in diff.items()}, new={k: v[1] for k, v in diff.items()}, reason=reason)
        session.flush()
    return diff


@changes(DataKind.REGISTRY)
def update_member(session: Session, actor: Actor, member_id: int, changes: dict, reason: str | None = None) -> dict:
    """Change fields of one member; returns {field: (old, new)} and writes one audit event."""
    require(session, actor, Capability.REGISTRY_EDIT, detail=f"anggota #{member_id}")
    m = session.get(Member, member_id)
    if m is None:
        raise EditError(f"Anggota #{member_id} tidak ada.")
    return _apply_edit(session, actor, m, "member", lambda: m.nama, MEMBER_EDITABLE, changes, reason)


def update_household(session: Session, actor: Actor, household_id: int, changes: dict, reason: str | None = None) -> dict:
    """Change fields of one family; returns {field: (old, new)} and writes one audit event."""
    require(session, actor, Capability.REGISTRY_EDIT, detail=f"keluarga #{household_id}")
    h = session.get(Household, household_id)
    if h is None:
        raise EditError(f"Keluarga #{household_id} tidak ada.")
    return _apply_edit(session, actor, h, "household", lambda: f"KK {h.no_kk or h.id}", HOUSEHOLD_EDITABLE, changes,
                       reason)


def iter_chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for it in items:
        chunk.append(it)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
