"""PT Pos cleaning and distribution (issue 14): periods (tahap), their KPM with the cleaning result,
the distribution point and the receipt, cleaning rounds and their per-KPM results, distribution points

Revision ID: 0014
Revises: 0013
"""

from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def Code(n: int):
    return sa.String(length=n).with_variant(sa.String(length=n, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "dist_periods",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("programme", sa.String(length=60), nullable=False),
        sa.Column("period", sa.String(length=100), nullable=False),
        sa.Column("benefit_kind", sa.String(length=10), nullable=False),
        sa.Column("cash", sa.BigInteger(), nullable=True),
        sa.Column("goods", sa.String(length=60), nullable=True),
        sa.Column("goods_qty", sa.Numeric(12, 3), nullable=True),
        sa.Column("goods_unit", sa.String(length=20), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_batch_id", BigId, nullable=True),
        sa.Column("source_file", sa.String(length=260), nullable=True),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleaned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(["source_batch_id"], ["submission_batches.id"],
                                name=op.f("fk_dist_periods_source_batch_id_submission_batches")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_dist_periods_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dist_periods")),
        sa.UniqueConstraint("programme", "period", name="uq_dist_periods_programme_period"),
    )
    op.create_index(op.f("ix_dist_periods_status"), "dist_periods", ["status"])
    op.create_table(
        "dist_points",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("period_id", BigId, nullable=False),
        sa.Column("desa_kode", Code(13), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("alamat", sa.String(length=300), nullable=True),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("jam_mulai", sa.Time(), nullable=False),
        sa.Column("jam_selesai", sa.Time(), nullable=False),
        sa.Column("slot_menit", sa.Integer(), nullable=False),
        sa.Column("kuota_slot", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["dist_periods.id"], name=op.f("fk_dist_points_period_id_dist_periods"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["desa_kode"], ["regions.kode"], name=op.f("fk_dist_points_desa_kode_regions")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_dist_points_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dist_points")),
    )
    op.create_index(op.f("ix_dist_points_period_id"), "dist_points", ["period_id"])
    op.create_table(
        "dist_kpm",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("period_id", BigId, nullable=False),
        sa.Column("urut", sa.Integer(), nullable=False),
        sa.Column("household_id", BigId, nullable=True),
        sa.Column("member_id", BigId, nullable=True),
        sa.Column("in_registry", sa.Boolean(), nullable=False),
        sa.Column("nik", Code(20), nullable=True),
        sa.Column("no_kk", Code(20), nullable=True),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("alamat", sa.String(length=300), nullable=True),
        sa.Column("dusun", sa.String(length=120), nullable=True),
        sa.Column("rt", sa.String(length=5), nullable=True),
        sa.Column("rw", sa.String(length=5), nullable=True),
        sa.Column("desa_kode", Code(13), nullable=True),
        sa.Column("desa_text", sa.String(length=120), nullable=True),
        sa.Column("clean_status", sa.String(length=15), nullable=False),
        sa.Column("clean_reasons", sa.String(length=300), nullable=True),
        sa.Column("clean_round", sa.Integer(), nullable=False),
        sa.Column("point_id", BigId, nullable=True),
        sa.Column("slot_mulai", sa.Time(), nullable=True),
        sa.Column("slot_selesai", sa.Time(), nullable=True),
        sa.Column("receipt_status", sa.String(length=15), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("kuasa", sa.String(length=200), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=True),
        sa.Column("fail_reason", sa.String(length=30), nullable=True),
        sa.Column("fail_note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["period_id"], ["dist_periods.id"], name=op.f("fk_dist_kpm_period_id_dist_periods"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], name=op.f("fk_dist_kpm_household_id_households"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_dist_kpm_member_id_members"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["point_id"], ["dist_points.id"], name=op.f("fk_dist_kpm_point_id_dist_points"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_dist_kpm_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dist_kpm")),
        sa.UniqueConstraint("period_id", "nik", name="uq_dist_kpm_period_nik"),
    )
    op.create_index("ix_dist_kpm_period_place", "dist_kpm", ["period_id", "desa_kode", "rw", "rt", "id"])
    op.create_index("ix_dist_kpm_period_receipt", "dist_kpm", ["period_id", "receipt_status"])
    op.create_index("ix_dist_kpm_period_clean", "dist_kpm", ["period_id", "clean_status"])
    op.create_index("ix_dist_kpm_period_kk", "dist_kpm", ["period_id", "no_kk"])
    op.create_table(
        "dist_clean_rounds",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("period_id", BigId, nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("lengkap", sa.Integer(), nullable=False),
        sa.Column("dikembalikan", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["period_id"], ["dist_periods.id"],
                                name=op.f("fk_dist_clean_rounds_period_id_dist_periods"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_dist_clean_rounds_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dist_clean_rounds")),
        sa.UniqueConstraint("period_id", "round_no", name="uq_dist_clean_rounds_no"),
        sa.UniqueConstraint("period_id", "file_sha256", name="uq_dist_clean_rounds_file"),
    )
    op.create_index(op.f("ix_dist_clean_rounds_period_id"), "dist_clean_rounds", ["period_id"])
    op.create_table(
        "dist_clean_results",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("round_id", BigId, nullable=False),
        sa.Column("kpm_id", BigId, nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("reasons", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["dist_clean_rounds.id"],
                                name=op.f("fk_dist_clean_results_round_id_dist_clean_rounds"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["kpm_id"], ["dist_kpm.id"], name=op.f("fk_dist_clean_results_kpm_id_dist_kpm"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dist_clean_results")),
    )
    op.create_index(op.f("ix_dist_clean_results_kpm_id"), "dist_clean_results", ["kpm_id"])
    op.create_index("ix_dist_clean_results_round", "dist_clean_results", ["round_id", "kpm_id"])


def downgrade() -> None:
    op.drop_table("dist_clean_results")
    op.drop_table("dist_clean_rounds")
    op.drop_table("dist_kpm")
    op.drop_table("dist_points")
    op.drop_table("dist_periods")
