"""letter register (numbering templates, sequences per series and year, register entries) and
issued documents (parameters, PDF bytes, SHA-256, HMAC seal)

Revision ID: 0009
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0010"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "doc_templates",
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("template", sa.String(length=120), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("doc_type", name=op.f("pk_doc_templates")),
    )
    op.create_table(
        "doc_sequences",
        sa.Column("series", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_doc_sequences")),
    )
    op.create_table(
        "register_entries",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("series", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("nomor", sa.String(length=160), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=60), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entries")),
        sa.UniqueConstraint("year", "nomor", name="uq_register_entries_year_nomor"),
        sa.UniqueConstraint("series", "year", "seq", name="uq_register_entries_series_year_seq"),
    )
    op.create_index("ix_register_entries_doc_type", "register_entries", ["doc_type"], unique=False)
    op.create_table(
        "issued_documents",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("nomor", sa.String(length=160), nullable=True),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("seal", sa.String(length=64), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
    )
    op.create_index("ix_issued_documents_doc_type", "issued_documents", ["doc_type"], unique=False)
    op.create_index("ix_issued_documents_sha256", "issued_documents", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_issued_documents_sha256", table_name="issued_documents")
    op.drop_index("ix_issued_documents_doc_type", table_name="issued_documents")
    op.drop_table("issued_documents")
    op.drop_index("ix_register_entries_doc_type", table_name="register_entries")
    op.drop_table("register_entries")
    op.drop_table("doc_sequences")
    op.drop_table("doc_templates")
