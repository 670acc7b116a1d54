"""office: signatories (penanda tangan) and village officials per desa/kelurahan

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _code(length: int):
    return sa.String(length=length).with_variant(sa.String(length=length, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "signatories",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("nama", sa.String(length=120), nullable=False),
        sa.Column("nip", _code(18), nullable=False),
        sa.Column("pangkat", sa.String(length=80), nullable=False),
        sa.Column("jabatan", sa.String(length=160), nullable=False),
        sa.Column("aktif", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_signatories_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatories")),
    )
    op.create_index(op.f("ix_signatories_nip"), "signatories", ["nip"], unique=False)
    op.create_table(
        "village_officials",
        sa.Column("desa_kode", _code(13), nullable=False),
        sa.Column("kepala", sa.String(length=120), nullable=False),
        sa.Column("ketua_bpd", sa.String(length=120), nullable=False),
        sa.Column("sekretaris", sa.String(length=120), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["desa_kode"], ["regions.kode"], name=op.f("fk_village_officials_desa_kode_regions")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_village_officials_updated_by_users")),
        sa.PrimaryKeyConstraint("desa_kode", name=op.f("pk_village_officials")),
    )


def downgrade() -> None:
    op.drop_table("village_officials")
    op.drop_index(op.f("ix_signatories_nip"), table_name="signatories")
    op.drop_table("signatories")
