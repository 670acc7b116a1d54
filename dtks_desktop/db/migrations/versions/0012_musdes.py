"""village meetings (Musdes/Muskel): meetings, participants, decisions per member; the scan of the
signed Berita Acara stored as bytes with its SHA-256

Revision ID: 0012
Revises: 0009
"""

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def Code(n: int):
    return sa.String(length=n).with_variant(sa.String(length=n, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "musdes_meetings",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("desa_kode", Code(13), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("putaran", sa.String(length=7), nullable=False),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("jam", sa.Time(), nullable=False),
        sa.Column("tempat", sa.String(length=200), nullable=False),
        sa.Column("ketua", sa.String(length=120), nullable=True),
        sa.Column("notulis", sa.String(length=120), nullable=True),
        sa.Column("agenda", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=True),
        sa.Column("nomor", sa.String(length=160), nullable=True),
        sa.Column("document_ids", sa.String(length=200), nullable=True),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sa.Date(), nullable=True),
        sa.Column("scan", sa.LargeBinary(), nullable=True),
        sa.Column("scan_sha256", sa.String(length=64), nullable=True),
        sa.Column("scan_name", sa.String(length=300), nullable=True),
        sa.Column("replaces_id", BigId, nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(["desa_kode"], ["regions.kode"], name=op.f("fk_musdes_meetings_desa_kode_regions")),
        sa.ForeignKeyConstraint(["replaces_id"], ["musdes_meetings.id"],
                                name=op.f("fk_musdes_meetings_replaces_id_musdes_meetings")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_musdes_meetings_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_musdes_meetings")),
    )
    op.create_index("ix_musdes_meetings_desa_round", "musdes_meetings", ["desa_kode", "putaran", "status"])
    op.create_table(
        "musdes_participants",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("meeting_id", BigId, nullable=False),
        sa.Column("urut", sa.Integer(), nullable=False),
        sa.Column("nama", sa.String(length=120), nullable=False),
        sa.Column("unsur", sa.String(length=30), nullable=False),
        sa.Column("jabatan", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["musdes_meetings.id"],
                                name=op.f("fk_musdes_participants_meeting_id_musdes_meetings"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_musdes_participants")),
    )
    op.create_index(op.f("ix_musdes_participants_meeting_id"), "musdes_participants", ["meeting_id"])
    op.create_table(
        "musdes_decisions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("meeting_id", BigId, nullable=False),
        sa.Column("household_id", BigId, nullable=True),
        sa.Column("member_id", BigId, nullable=True),
        sa.Column("proposal_member_id", BigId, nullable=True),
        sa.Column("id_dtks", Code(40), nullable=True),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("nik", Code(20), nullable=True),
        sa.Column("no_kk", Code(20), nullable=True),
        sa.Column("hubungan", sa.SmallInteger(), nullable=True),
        sa.Column("alamat", sa.String(length=300), nullable=True),
        sa.Column("rt", sa.String(length=5), nullable=True),
        sa.Column("rw", sa.String(length=5), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("match_status", sa.String(length=20), nullable=True),
        sa.Column("padan", sa.Boolean(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("urut", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["musdes_meetings.id"],
                                name=op.f("fk_musdes_decisions_meeting_id_musdes_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_musdes_decisions_household_id_households"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_musdes_decisions_member_id_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposal_member_id"], ["verification_proposal_members.id"],
                                name=op.f("fk_musdes_decisions_proposal_member_id_verification_proposal_members"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_musdes_decisions_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_musdes_decisions")),
    )
    op.create_index("ix_musdes_decisions_meeting_order", "musdes_decisions", ["meeting_id", "urut", "id"])
    op.create_index("ix_musdes_decisions_meeting_member", "musdes_decisions", ["meeting_id", "member_id"])
    op.create_index("ix_musdes_decisions_household_id", "musdes_decisions", ["household_id"])


def downgrade() -> None:
    op.drop_index("ix_musdes_decisions_household_id", table_name="musdes_decisions")
    op.drop_index("ix_musdes_decisions_meeting_member", table_name="musdes_decisions")
    op.drop_index("ix_musdes_decisions_meeting_order", table_name="musdes_decisions")
    op.drop_table("musdes_decisions")
    op.drop_index(op.f("ix_musdes_participants_meeting_id"), table_name="musdes_participants")
    op.drop_table("musdes_participants")
    op.drop_index("ix_musdes_meetings_desa_round", table_name="musdes_meetings")
    op.drop_table("musdes_meetings")
