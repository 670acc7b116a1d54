"""SQLAlchemy 2.x typed models: one schema for SQLite and PostgreSQL.

Identifiers that are compared by prefix or range (NIK, No KK, region codes, the
name search key) use the binary "C" collation on PostgreSQL so that ordering and
prefix ranges behave exactly as on SQLite, whatever the server's locale.

Later stages add their own tables (import batches, match results, meetings,
submissions, distributions) that point at these; these tables do not need to be
reshaped for them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    Time,
    func,
    text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def Code(length: int) -> String:
    """A text identifier compared bytewise on both databases."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT identities.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    """Kemendagri region code (Kepmendagri 300.2.2-2138/2025)."""

    __tablename__ = "regions"

    kode: Mapped[str] = mapped_column(Code(13), primary_key=True)
    nama: Mapped[str] = mapped_column(String(120))
    level: Mapped[int] = mapped_column(SmallInteger)  # 1 prov, 2 kab/kota, 3 kec, 4 desa/kel
    parent_kode: Mapped[str | None] = mapped_column(Code(13), index=True)


class Household(Base):
    """A family (keluarga) as registered: keyed by No KK within the registry."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id_dtks: Mapped[str | None] = mapped_column(Code(40), index=True)
    no_kk: Mapped[str | None] = mapped_column(Code(20))
    no_kk_flags: Mapped[str | None] = mapped_column(String(200))  # issue codes, comma-separated
    alamat: Mapped[str | None] = mapped_column(String(300))
    dusun: Mapped[str | None] = mapped_column(String(120))
    rt: Mapped[str | None] = mapped_column(String(5))
    rw: Mapped[str | None] = mapped_column(String(5))
    desa_kode: Mapped[str | None] = mapped_column(Code(13), ForeignKey("regions.kode"))
    desil: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(
        String(30), default="terdaftar", server_default=text("'terdaftar'"), index=True
    )
    last_batch_id: Mapped[int | None] = mapped_column(BigInteger, index=True)  # import batch that last carried it
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.current_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.current_timestamp()
    )

    members: Mapped[list["Member"]] = relationship(back_populates="household", order_by="(Member.hubungan, Member.tanggal_lahir, Member.id)")

    __mapper_args__ = {"version_id_col": version}
    # Sort/filter indexes end with the id so Data-view pages are index walks (migration 0002).
    __table_args__ = (
        Index("ix_households_no_kk_id", "no_kk", "id"),
        Index("ix_households_desa_kode_id", "desa_kode", "id"),
    )


class Member(Base):
    """A person (anggota keluarga / ART). The name is kept as written."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    id_dtks: Mapped[str | None] = mapped_column(Code(40), index=True)
    nik: Mapped[str | None] = mapped_column(Code(20))
    nik_raw: Mapped[str | None] = mapped_column(String(40))  # as written in the source file
    nik_flags: Mapped[str | None] = mapped_column(String(200))  # issue codes, comma-separated
    nama: Mapped[str] = mapped_column(String(200))
    nama_key: Mapped[str] = mapped_column(Code(200))  # domain.names.search_key(nama)
    tempat_lahir: Mapped[str | None] = mapped_column(String(120))
    tanggal_lahir: Mapped[date | None] = mapped_column(Date)
    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))  # "L" / "P"
    nama_ibu: Mapped[str | None] = mapped_column(String(200))
    hubungan: Mapped[int | None] = mapped_column(SmallInteger)  # 1 kepala keluarga .. 8 lainnya
    status: Mapped[str] = mapped_column(String(30), default="aktif", server_default=text("'aktif'"))
    last_batch_id: Mapped[int | None] = mapped_column(BigInteger, index=True)  # import batch that last carried it
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.current_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.current_timestamp()
    )

    household: Mapped[Household] = relationship(back_populates="members")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_members_nama_key_id", "nama_key", "id"),
        Index("ix_members_nik_id", "nik", "id"),
        Index("ix_members_status_id", "status", "id"),
        Index("ix_members_tanggal_lahir_id", "tanggal_lahir", "id"),
    )


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(120))
    nip: Mapped[str | None] = mapped_column(String(30))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottle(Base):
    """Consecutive failed logins per typed username (known or not) and the lock they led to.

    Keyed by the lower-cased name as typed, so an unknown name is slowed down exactly like
    a real one and the answer never tells whether a user exists. Times are the database's.
    """

    __tablename__ = "login_throttle"

    username_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StatusHistory(Base):
    """Every status change of a member or household, in order."""

    __tablename__ = "status_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(20))  # "member" | "household"
    entity_id: Mapped[int] = mapped_column(BigInteger)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_status_history_entity", "entity_type", "entity_id"),)


class AuditEvent(Base):
    """Who changed what, when, from which value to which, and why."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(60))  # kept if the user is later removed
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    summary: Mapped[str | None] = mapped_column(String(300))
    old_value: Mapped[str | None] = mapped_column(Text)  # JSON
    new_value: Mapped[str | None] = mapped_column(Text)  # JSON
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)


class Setting(Base):
    """Office settings: letterhead, signatories, masking policy, kabupaten in use."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class ImportBatch(Base):
    """One imported file: who, when, what, and what became of its rows."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # "dtks" | "dukcapil" | "program"
    preset: Mapped[str | None] = mapped_column(String(60))
    program: Mapped[str | None] = mapped_column(String(60))
    file_name: Mapped[str] = mapped_column(String(300))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)  # new records
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    gone: Mapped[int] = mapped_column(Integer, default=0)  # in the previous file, not in this one
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)  # rows imported with at least one warning
    kab_kode: Mapped[str | None] = mapped_column(Code(13))
    mapping_json: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class ImportProblem(Base):
    """A rejected or flagged row of an import, with its source row, column and reason."""

    __tablename__ = "import_problems"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(BigId, ForeignKey("import_batches.id", ondelete="CASCADE"))
    source_row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(120))  # "K (NOMOR NIK)"
    field: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))  # "error" | "warning"
    code: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(String(300))
    id_dtks: Mapped[str | None] = mapped_column(String(40))
    nama: Mapped[str | None] = mapped_column(String(200))

    # The result page lists rejected rows first, then by row: keep that an index walk.
    __table_args__ = (Index("ix_import_problems_batch_order", "batch_id", "severity", "source_row", "id"),)


class DukcapilPerson(Base):
    """A person in the civil-registry extract (the latest imported snapshot)."""

    __tablename__ = "dukcapil_persons"
    # (batch_id, nik): comparing a new extract with the previous one looks each NIK up in the
    # other batch; with batch_id alone SQLite walked the whole previous batch per person.
    __table_args__ = (Index("ix_dukcapil_persons_batch_id_nik", "batch_id", "nik"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(BigId, ForeignKey("import_batches.id", ondelete="CASCADE"))
    source_row: Mapped[int] = mapped_column(Integer)
    nik: Mapped[str | None] = mapped_column(Code(20), index=True)
    nik_flags: Mapped[str | None] = mapped_column(String(200))
    no_kk: Mapped[str | None] = mapped_column(Code(20), index=True)
    nama: Mapped[str] = mapped_column(String(200))
    nama_key: Mapped[str] = mapped_column(Code(200), index=True)
    tempat_lahir: Mapped[str | None] = mapped_column(String(120))
    tanggal_lahir: Mapped[date | None] = mapped_column(Date, index=True)
    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))
    nama_ibu: Mapped[str | None] = mapped_column(String(200))
    hubungan: Mapped[int | None] = mapped_column(SmallInteger)
    alamat: Mapped[str | None] = mapped_column(String(300))
    dusun: Mapped[str | None] = mapped_column(String(120))
    rt: Mapped[str | None] = mapped_column(String(5))
    rw: Mapped[str | None] = mapped_column(String(5))
    desa_kode: Mapped[str | None] = mapped_column(Code(13), index=True)


class ProgrammeRecipient(Base):
    """A row of another programme's or subsidy's recipient list (PKH, BPNT, PBI-JK, BLT DD, ...)."""

    __tablename__ = "programme_recipients"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(BigId, ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    source_row: Mapped[int] = mapped_column(Integer)
    program: Mapped[str] = mapped_column(String(60), index=True)
    periode: Mapped[str | None] = mapped_column(String(20))
    nik: Mapped[str | None] = mapped_column(Code(20), index=True)
    nik_flags: Mapped[str | None] = mapped_column(String(200))
    no_kk: Mapped[str | None] = mapped_column(Code(20), index=True)
    nama: Mapped[str | None] = mapped_column(String(200))
    nama_key: Mapped[str | None] = mapped_column(Code(200))
    tanggal_lahir: Mapped[date | None] = mapped_column(Date)
    desa_kode: Mapped[str | None] = mapped_column(Code(13))
    keterangan: Mapped[str | None] = mapped_column(String(300))


class MatchRun(Base):
    """One run of matching (pemadanan) against the civil-registry snapshot."""

    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(60))
    dukcapil_batch_id: Mapped[int | None] = mapped_column(BigInteger)
    members_matched: Mapped[int] = mapped_column(Integer, default=0)
    params_json: Mapped[str | None] = mapped_column(Text)  # thresholds and weights in force
    counts_json: Mapped[str | None] = mapped_column(Text)  # {status: count}
    # The m/u model whose weights the run used (engine/estimation.Model JSON; learned at a full run,
    # reused by an incremental one; NULL for runs before models were stored = the priors).
    model_json: Mapped[str | None] = mapped_column(Text)


class MatchResult(Base):
    """The matching outcome of one registry member: at most one civil-registry person.

    ``decision`` is the clerk's: once set, a re-run never overwrites the row.
    """

    __tablename__ = "match_results"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    run_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    status: Mapped[str] = mapped_column(String(20))  # padan, padan_catatan, usulan_koreksi, nik_orang_lain, ganda, tidak_padan
    score: Mapped[float | None] = mapped_column(Float)  # match weight (sum of log2 Bayes factors)
    dukcapil_id: Mapped[int | None] = mapped_column(BigInteger)  # row in the snapshot it was matched with
    nik_matched: Mapped[str | None] = mapped_column(Code(20), index=True)
    reasons: Mapped[str | None] = mapped_column(Text)  # JSON: per-field levels, weights, Indonesian notes
    candidates: Mapped[str | None] = mapped_column(Text)  # JSON: other candidates with their scores
    fingerprint: Mapped[str | None] = mapped_column(String(40))  # member's matching fields at match time
    dukcapil_batch_id: Mapped[int | None] = mapped_column(BigInteger)
    ganda_of_member_id: Mapped[int | None] = mapped_column(BigInteger)
    priority: Mapped[int] = mapped_column(SmallInteger, default=9)  # review queue order (0 first)
    decision: Mapped[str | None] = mapped_column(String(20))  # None (machine), "diterima", "ditolak"
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"), nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_match_results_queue", "decision", "priority", "status", "id"),
                      Index("ix_match_results_status_id", "status", "id"))


class IdentityHistory(Base):
    """Earlier NIK / No KK values of a member, kept when a correction is accepted."""

    __tablename__ = "identity_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(20))  # "nik" | "no_kk"
    old_value: Mapped[str | None] = mapped_column(String(40))
    new_value: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(40))  # e.g. "koreksi_pemadanan"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProgrammeLink(Base):
    """A registry member (or family) found on another programme's list."""

    __tablename__ = "programme_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("households.id", ondelete="CASCADE"),
                                                     index=True)
    recipient_id: Mapped[int] = mapped_column(BigId, ForeignKey("programme_recipients.id", ondelete="CASCADE"),
                                              index=True)
    program: Mapped[str] = mapped_column(String(60), index=True)
    periode: Mapped[str | None] = mapped_column(String(20))
    via: Mapped[str] = mapped_column(String(20))  # "nik" | "no_kk" | "nama_tgl"


class SignatoryRow(Base):
    """A signatory (penanda tangan) of the office's documents; chosen per document type in the
    settings (``docs.signer.<type>``). Deactivated, never deleted: issued documents name them."""

    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nama: Mapped[str] = mapped_column(String(120))
    nip: Mapped[str] = mapped_column(Code(18), index=True)  # 18 digits, text
    pangkat: Mapped[str] = mapped_column(String(80))
    jabatan: Mapped[str] = mapped_column(String(160))
    aktif: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VillageOfficialsRow(Base):
    """The officials of one desa/kelurahan who sign its minutes (Kepala Desa/Lurah, Ketua BPD, Sekretaris)."""

    __tablename__ = "village_officials"

    desa_kode: Mapped[str] = mapped_column(Code(13), ForeignKey("regions.kode"), primary_key=True)
    kepala: Mapped[str] = mapped_column(String(120), default="")
    ketua_bpd: Mapped[str] = mapped_column(String(120), default="")
    sekretaris: Mapped[str] = mapped_column(String(120), default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- stage 3: field verification by Petugas Pendata / PSM / TKSK (migration 0010) ----------------


class VerificationPetugas(Base):
    """A field worker who visits families: PSM, Petugas Pendata or TKSK, known by name."""

    __tablename__ = "verification_petugas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nama: Mapped[str] = mapped_column(String(120))
    nama_key: Mapped[str] = mapped_column(String(120), unique=True)  # upper case, single spaces
    peran: Mapped[str] = mapped_column(String(20))  # domain.verification.Peran
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VerificationAssignment(Base):
    """Which petugas visits a family in a verification round (one petugas per family and round)."""

    __tablename__ = "verification_assignments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    putaran: Mapped[str] = mapped_column(String(7))  # "2026-12"
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id", ondelete="CASCADE"))
    desa_kode: Mapped[str | None] = mapped_column(Code(13))
    petugas_id: Mapped[int] = mapped_column(ForeignKey("verification_petugas.id"))
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ux_verification_assignments_round_household", "putaran", "household_id", unique=True),
                      Index("ix_verification_assignments_round_desa", "putaran", "desa_kode", "petugas_id"))


class VerificationFamily(Base):
    """What the petugas found at one family in one round: eligibility, address corrections, visit."""

    __tablename__ = "verification_families"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    putaran: Mapped[str] = mapped_column(String(7))
    household_id: Mapped[int] = mapped_column(BigId, ForeignKey("households.id", ondelete="CASCADE"))
    desa_kode: Mapped[str | None] = mapped_column(Code(13))
    kelayakan: Mapped[str | None] = mapped_column(String(20))  # domain.verification.Kelayakan
    koreksi_alamat: Mapped[str | None] = mapped_column(String(300))
    koreksi_rt: Mapped[str | None] = mapped_column(String(5))
    koreksi_rw: Mapped[str | None] = mapped_column(String(5))
    catatan: Mapped[str | None] = mapped_column(Text)
    tanggal_kunjungan: Mapped[date | None] = mapped_column(Date)
    petugas_id: Mapped[int | None] = mapped_column(ForeignKey("verification_petugas.id"))
    sumber: Mapped[str] = mapped_column(String(10))  # "aplikasi" | "impor"
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ux_verification_families_round_household", "putaran", "household_id", unique=True),
                      Index("ix_verification_families_round_desa", "putaran", "desa_kode"))


class VerificationMember(Base):
    """What the petugas found about one member (``member_id`` None: a new member, anggota baru)."""

    __tablename__ = "verification_members"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    family_id: Mapped[int] = mapped_column(BigId, ForeignKey("verification_families.id", ondelete="CASCADE"),
                                           index=True)
    member_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"), index=True)
    keberadaan: Mapped[str | None] = mapped_column(String(30))  # domain.verification.Keberadaan
    koreksi_nama: Mapped[str | None] = mapped_column(String(200))
    koreksi_nik: Mapped[str | None] = mapped_column(Code(20))
    koreksi_tanggal_lahir: Mapped[date | None] = mapped_column(Date)
    catatan: Mapped[str | None] = mapped_column(Text)


class VerificationProposal(Base):
    """A family proposed in the field (usulan baru): not in the registry; the Musdes decides."""

    __tablename__ = "verification_proposals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    putaran: Mapped[str] = mapped_column(String(7))
    desa_kode: Mapped[str] = mapped_column(Code(13), ForeignKey("regions.kode"), index=True)
    no_kk: Mapped[str | None] = mapped_column(Code(20))
    alamat: Mapped[str | None] = mapped_column(String(300))
    rt: Mapped[str | None] = mapped_column(String(5))
    rw: Mapped[str | None] = mapped_column(String(5))
    alasan: Mapped[str | None] = mapped_column(Text)
    petugas_id: Mapped[int | None] = mapped_column(ForeignKey("verification_petugas.id"))
    status: Mapped[str] = mapped_column(String(20), default="usulan_baru")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VerificationProposalMember(Base):
    """A person of a proposed family, with what the civil-registry snapshot said when entered."""

    __tablename__ = "verification_proposal_members"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    proposal_id: Mapped[int] = mapped_column(BigId, ForeignKey("verification_proposals.id", ondelete="CASCADE"),
                                             index=True)
    nik: Mapped[str | None] = mapped_column(Code(20), index=True)
    nama: Mapped[str] = mapped_column(String(200))
    tanggal_lahir: Mapped[date | None] = mapped_column(Date)
    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))
    hubungan: Mapped[int | None] = mapped_column(SmallInteger)
    dukcapil_ada: Mapped[bool] = mapped_column(Boolean, default=False)
    dukcapil_nama: Mapped[str | None] = mapped_column(String(200))
    dukcapil_tanggal_lahir: Mapped[date | None] = mapped_column(Date)


class DocTemplate(Base):
    """The numbering template of one document type (letter register, issue 11)."""

    __tablename__ = "doc_templates"

    doc_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    template: Mapped[str] = mapped_column(String(120))  # "460/{seq}/Dinsos/{year}"
    updated_by: Mapped[str | None] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DocSequence(Base):
    """The last number given in one series (numbering template) and year: one row, updated atomically."""

    __tablename__ = "doc_sequences"

    series: Mapped[str] = mapped_column(String(120), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class RegisterEntry(Base):
    """One number of the letter register (agenda surat keluar); a voided number stays, with its reason."""

    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    doc_type: Mapped[str] = mapped_column(String(40), index=True)
    series: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    nomor: Mapped[str] = mapped_column(String(160))
    purpose: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    document_id: Mapped[int | None] = mapped_column(BigInteger)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_by: Mapped[str | None] = mapped_column(String(60))
    void_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("year", "nomor", name="uq_register_entries_year_nomor"),
        UniqueConstraint("series", "year", "seq", name="uq_register_entries_series_year_seq"),
    )


class IssuedDocument(Base):
    """A document as it was issued: its parameters, the PDF bytes, their SHA-256 and the HMAC seal."""

    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    doc_type: Mapped[str] = mapped_column(String(40), index=True)
    nomor: Mapped[str | None] = mapped_column(String(160))
    parameters: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    seal: Mapped[str | None] = mapped_column(String(64))  # HMAC-SHA256 over (id, type, nomor, sha256, parameters)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- stage 4: village meetings, Musdes/Muskel (migration 0012) -------------------------------------


class MusdesMeeting(Base):
    """One Musyawarah Desa/Kelurahan of a desa in a verification round; a final one is replaced by a
    new record (``replaces_id``), the old one kept with status ``diganti``."""

    __tablename__ = "musdes_meetings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    desa_kode: Mapped[str] = mapped_column(Code(13), ForeignKey("regions.kode"))
    kind: Mapped[str] = mapped_column(String(10))  # "musdes" | "muskel"
    putaran: Mapped[str] = mapped_column(String(7))  # the verification round, "2026-12"
    tanggal: Mapped[date] = mapped_column(Date)
    jam: Mapped[time] = mapped_column(Time)
    tempat: Mapped[str] = mapped_column(String(200))
    ketua: Mapped[str | None] = mapped_column(String(120))
    notulis: Mapped[str | None] = mapped_column(String(120))
    agenda: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draf")  # domain.workflow.musdes.MeetingStatus
    warnings: Mapped[str | None] = mapped_column(Text)  # JSON list of Indonesian lines
    nomor: Mapped[str | None] = mapped_column(String(160))  # number of the Berita Acara last printed
    document_ids: Mapped[str | None] = mapped_column(String(200))  # issued documents of the last print, "12,13,14"
    printed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    returned_at: Mapped[date | None] = mapped_column(Date)
    scan: Mapped[bytes | None] = mapped_column(LargeBinary)
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    scan_name: Mapped[str | None] = mapped_column(String(300))
    replaces_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("musdes_meetings.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"), nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_musdes_meetings_desa_round", "desa_kode", "putaran", "status"),)


class MusdesParticipant(Base):
    """A participant of a meeting with the element (unsur) they represent."""

    __tablename__ = "musdes_participants"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(BigId, ForeignKey("musdes_meetings.id", ondelete="CASCADE"), index=True)
    urut: Mapped[int] = mapped_column(Integer)
    nama: Mapped[str] = mapped_column(String(120))
    unsur: Mapped[str] = mapped_column(String(30))  # domain.musdes.Unsur
    jabatan: Mapped[str] = mapped_column(String(120), default="")


class MusdesDecision(Base):
    """The meeting's decision on one member (or one person of a proposed family)."""

    __tablename__ = "musdes_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(BigId, ForeignKey("musdes_meetings.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("households.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    proposal_member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("verification_proposal_members.id", ondelete="CASCADE"))
    id_dtks: Mapped[str | None] = mapped_column(Code(40))
    nama: Mapped[str] = mapped_column(String(200))
    nik: Mapped[str | None] = mapped_column(Code(20))
    no_kk: Mapped[str | None] = mapped_column(Code(20))
    hubungan: Mapped[int | None] = mapped_column(SmallInteger)
    alamat: Mapped[str | None] = mapped_column(String(300))
    rt: Mapped[str | None] = mapped_column(String(5))
    rw: Mapped[str | None] = mapped_column(String(5))
    decision: Mapped[str] = mapped_column(String(20))  # domain.musdes.Decision
    reason: Mapped[str | None] = mapped_column(String(20))  # domain.musdes.Reason (hapus only)
    source: Mapped[str] = mapped_column(String(12))  # "verifikasi" | "pemadanan" | "petugas"
    match_status: Mapped[str | None] = mapped_column(String(20))
    padan: Mapped[bool] = mapped_column(Boolean, default=False)
    override_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)  # what the prefill saw (corrections, ganda by matching)
    urut: Mapped[int] = mapped_column(Integer, default=0)  # order in the lists: family, then member
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_musdes_decisions_meeting_order", "meeting_id", "urut", "id"),
                      Index("ix_musdes_decisions_meeting_member", "meeting_id", "member_id"),
                      Index("ix_musdes_decisions_household_id", "household_id"))


# --- stage 5: submission batches (migration 0013) ---------------------------------------------------


class SubmissionBatch(Base):
    """A batch of final Musdes decisions of one kind sent to Kemensos or the province for one programme."""

    __tablename__ = "submission_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    target: Mapped[str] = mapped_column(String(12))  # domain.submission.Target
    programme: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))  # domain.submission.Kind
    kecamatan_kode: Mapped[str | None] = mapped_column(Code(13))
    desa_kode: Mapped[str | None] = mapped_column(Code(13))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)  # domain.workflow.submission
    excluded: Mapped[str | None] = mapped_column(Text)  # JSON {reason: count}
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))  # over the frozen rows, set on approval
    nomor: Mapped[str | None] = mapped_column(String(160))  # number of the Surat Pengantar
    signer_id: Mapped[int | None] = mapped_column(Integer)  # signatory chosen at approval
    exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    results_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"), nullable=False)

    __mapper_args__ = {"version_id_col": version}


class SubmissionBatchRow(Base):
    """One person in a batch, copied from the Musdes decision; ``frozen`` once the batch is approved."""

    __tablename__ = "submission_batch_rows"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(BigId, ForeignKey("submission_batches.id", ondelete="CASCADE"))
    decision_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("musdes_decisions.id", ondelete="SET NULL"))
    person_key: Mapped[str] = mapped_column(Code(40))  # "m:<member id>" | "p:<proposal member id>" | "d:<decision id>"
    household_id: Mapped[int | None] = mapped_column(BigId)
    member_id: Mapped[int | None] = mapped_column(BigId)
    desa_kode: Mapped[str] = mapped_column(Code(13))
    id_dtks: Mapped[str | None] = mapped_column(Code(40))
    nama: Mapped[str] = mapped_column(String(200))
    nik: Mapped[str | None] = mapped_column(Code(20))
    no_kk: Mapped[str | None] = mapped_column(Code(20))
    hubungan: Mapped[int | None] = mapped_column(SmallInteger)
    alamat: Mapped[str | None] = mapped_column(String(300))
    rt: Mapped[str | None] = mapped_column(String(5))
    rw: Mapped[str | None] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(20))  # the Musdes decision
    reason: Mapped[str | None] = mapped_column(String(20))
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[str | None] = mapped_column(String(12))  # domain.submission.Result
    result_reason: Mapped[str | None] = mapped_column(String(300))
    result_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_submission_batch_rows_batch", "batch_id", "desa_kode", "id"),
                      Index("ix_submission_batch_rows_person", "person_key"))


class SubmissionExclusion(Base):
    """A final decision of the batch's scope and kind left out of the batch, and why."""

    __tablename__ = "submission_batch_exclusions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(BigId, ForeignKey("submission_batches.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("musdes_decisions.id", ondelete="SET NULL"))
    desa_kode: Mapped[str] = mapped_column(Code(13))
    id_dtks: Mapped[str | None] = mapped_column(Code(40))
    nama: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(30))  # domain.submission.Exclusion
    detail: Mapped[str | None] = mapped_column(String(300))


# --- stage 7: PT Pos cleaning and distribution (migration 0014) ------------------------------------


class DistPeriod(Base):
    """A distribution period (tahap) of one programme: what each KPM receives and the KPM list."""

    __tablename__ = "dist_periods"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    programme: Mapped[str] = mapped_column(String(60))  # domain.distribution.normalise_programme
    period: Mapped[str] = mapped_column(String(100))  # "Tahap 1 2027", "Januari 2027"
    benefit_kind: Mapped[str] = mapped_column(String(10))  # domain.distribution.BenefitKind
    cash: Mapped[int | None] = mapped_column(BigInteger)  # rupiah per KPM
    goods: Mapped[str | None] = mapped_column(String(60))  # "beras"
    goods_qty: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))  # per KPM
    goods_unit: Mapped[str | None] = mapped_column(String(20))  # "kg"
    source: Mapped[str] = mapped_column(String(10))  # domain.distribution.SourceKind
    source_batch_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("submission_batches.id"))
    source_file: Mapped[str | None] = mapped_column(String(260))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="draf", index=True)  # domain.workflow.distribution
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cleaned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"), nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("programme", "period", name="uq_dist_periods_programme_period"),)


class DistPoint(Base):
    """A distribution point (kantor pos, balai desa, …) serving one desa on a date, in time slots."""

    __tablename__ = "dist_points"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    period_id: Mapped[int] = mapped_column(BigId, ForeignKey("dist_periods.id", ondelete="CASCADE"), index=True)
    desa_kode: Mapped[str] = mapped_column(Code(13), ForeignKey("regions.kode"))
    kind: Mapped[str] = mapped_column(String(20))  # domain.distribution.PointKind
    nama: Mapped[str] = mapped_column(String(200))
    alamat: Mapped[str | None] = mapped_column(String(300))
    tanggal: Mapped[date] = mapped_column(Date)
    jam_mulai: Mapped[time] = mapped_column(Time)
    jam_selesai: Mapped[time] = mapped_column(Time)
    slot_menit: Mapped[int] = mapped_column(Integer, default=60)  # length of one time slot
    kuota_slot: Mapped[int | None] = mapped_column(Integer)  # KPM per slot (None: spread evenly)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DistKpm(Base):
    """One KPM (beneficiary family, by its recipient) of a period: identity as listed, cleaning result,
    distribution point and slot, and the receipt."""

    __tablename__ = "dist_kpm"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    period_id: Mapped[int] = mapped_column(BigId, ForeignKey("dist_periods.id", ondelete="CASCADE"))
    urut: Mapped[int] = mapped_column(Integer, default=0)  # order of the source list
    household_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("households.id", ondelete="SET NULL"))
    member_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("members.id", ondelete="SET NULL"))
    in_registry: Mapped[bool] = mapped_column(Boolean, default=False)
    nik: Mapped[str | None] = mapped_column(Code(20))
    no_kk: Mapped[str | None] = mapped_column(Code(20))
    nama: Mapped[str] = mapped_column(String(200))
    alamat: Mapped[str | None] = mapped_column(String(300))
    dusun: Mapped[str | None] = mapped_column(String(120))
    rt: Mapped[str | None] = mapped_column(String(5))
    rw: Mapped[str | None] = mapped_column(String(5))
    desa_kode: Mapped[str | None] = mapped_column(Code(13))  # None: the list named no desa we know
    desa_text: Mapped[str | None] = mapped_column(String(120))  # the desa as the file wrote it
    clean_status: Mapped[str] = mapped_column(String(15), default="belum")  # domain.distribution.CleanStatus
    clean_reasons: Mapped[str | None] = mapped_column(String(300))  # CleanReason values, comma-separated
    clean_round: Mapped[int] = mapped_column(Integer, default=0)  # the round that last checked this KPM
    point_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("dist_points.id", ondelete="SET NULL"))
    slot_mulai: Mapped[time | None] = mapped_column(Time)
    slot_selesai: Mapped[time | None] = mapped_column(Time)
    receipt_status: Mapped[str] = mapped_column(String(15), default="belum")  # domain.workflow.distribution
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kuasa: Mapped[str | None] = mapped_column(String(200))  # the representative who collected
    via: Mapped[str | None] = mapped_column(String(10))  # "qr" | "nik" | "nama" | "berkas"
    fail_reason: Mapped[str | None] = mapped_column(String(30))  # domain.distribution.FailReason
    fail_note: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (UniqueConstraint("period_id", "nik", name="uq_dist_kpm_period_nik"),
                      Index("ix_dist_kpm_period_place", "period_id", "desa_kode", "rw", "rt", "id"),
                      Index("ix_dist_kpm_period_receipt", "period_id", "receipt_status"),
                      Index("ix_dist_kpm_period_clean", "period_id", "clean_status"),
                      Index("ix_dist_kpm_period_kk", "period_id", "no_kk"))


class DistCleanRound(Base):
    """One round of PT Pos cleaning: the first check, or a completed file that came back."""

    __tablename__ = "dist_clean_rounds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    period_id: Mapped[int] = mapped_column(BigId, ForeignKey("dist_periods.id", ondelete="CASCADE"), index=True)
    round_no: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str | None] = mapped_column(String(260))  # the completed file (None: the first check)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    checked: Mapped[int] = mapped_column(Integer, default=0)
    lengkap: Mapped[int] = mapped_column(Integer, default=0)
    dikembalikan: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[str | None] = mapped_column(Text)  # JSON {reason: count}
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("period_id", "round_no", name="uq_dist_clean_rounds_no"),
                      UniqueConstraint("period_id", "file_sha256", name="uq_dist_clean_rounds_file"))


class DistCleanResult(Base):
    """What one round found for one KPM (the history behind ``DistKpm.clean_status``)."""

    __tablename__ = "dist_clean_results"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(BigId, ForeignKey("dist_clean_rounds.id", ondelete="CASCADE"))
    kpm_id: Mapped[int] = mapped_column(BigId, ForeignKey("dist_kpm.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(15))  # CleanStatus
    reasons: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_dist_clean_results_round", "round_id", "kpm_id"),)
