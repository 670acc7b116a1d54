"""submission batches (issue 13): batches, their rows (frozen on approval, SHA-256 on the batch)
and the decisions left out with the reason

Revision ID: 0013
Revises: 0012
"""

from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def Code(n: int):
    return sa.String(length=n).with_variant(sa.String(length=n, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "submission_batches",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("target", sa.String(length=12), nullable=False),
        sa.Column("programme", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("kecamatan_kode", Code(13), nullable=True),
        sa.Column("desa_kode", Code(13), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("excluded", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("nomor", sa.String(length=160), nullable=True),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("results_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_submission_batches_created_by_users")),
        sa.ForeignKeyConstraint(["submitted_by"], ["users.id"], name=op.f("fk_submission_batches_submitted_by_users")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_submission_batches_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_batches")),
    )
    op.create_index(op.f("ix_submission_batches_status"), "submission_batches", ["status"])
    op.create_table(
        "submission_batch_rows",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("batch_id", BigId, nullable=False),
        sa.Column("decision_id", BigId, nullable=True),
        sa.Column("person_key", Code(40), nullable=False),
        sa.Column("household_id", BigId, nullable=True),
        sa.Column("member_id", BigId, nullable=True),
        sa.Column("desa_kode", Code(13), nullable=False),
        sa.Column("id_dtks", Code(40), nullable=True),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("nik", Code(20), nullable=True),
        sa.Column("no_kk", Code(20), nullable=True),
        sa.Column("hubungan", sa.SmallInteger(), nullable=True),
        sa.Column("alamat", sa.String(length=300), nullable=True),
        sa.Column("rt", sa.String(length=5), nullable=True),
        sa.Column("rw", sa.String(length=5), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(length=12), nullable=True),
        sa.Column("result_reason", sa.String(length=300), nullable=True),
        sa.Column("result_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["submission_batches.id"],
                                name=op.f("fk_submission_batch_rows_batch_id_submission_batches"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decision_id"], ["musdes_decisions.id"],
                                name=op.f("fk_submission_batch_rows_decision_id_musdes_decisions"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_batch_rows")),
    )
    op.create_index("ix_submission_batch_rows_batch", "submission_batch_rows", ["batch_id", "desa_kode", "id"])
    op.create_index("ix_submission_batch_rows_person", "submission_batch_rows", ["person_key"])
    op.create_table(
        "submission_batch_exclusions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("batch_id", BigId, nullable=False),
        sa.Column("decision_id", BigId, nullable=True),
        sa.Column("desa_kode", Code(13), nullable=False),
        sa.Column("id_dtks", Code(40), nullable=True),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["submission_batches.id"],
                                name=op.f("fk_submission_batch_exclusions_batch_id_submission_batches"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decision_id"], ["musdes_decisions.id"],
                                name=op.f("fk_submission_batch_exclusions_decision_id_musdes_decisions"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_batch_exclusions")),
    )
    op.create_index(op.f("ix_submission_batch_exclusions_batch_id"), "submission_batch_exclusions", ["batch_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_submission_batch_exclusions_batch_id"), table_name="submission_batch_exclusions")
    op.drop_table("submission_batch_exclusions")
    op.drop_index("ix_submission_batch_rows_person", table_name="submission_batch_rows")
    op.drop_index("ix_submission_batch_rows_batch", table_name="submission_batch_rows")
    op.drop_table("submission_batch_rows")
    op.drop_index(op.f("ix_submission_batches_status"), table_name="submission_batches")
    op.drop_table("submission_batches")
