"""indexes for the Data view (sorting and paging 1,000,000 members in SQL)

Every sort of the Data view ends with the id as a tie-breaker, so each sort key
gets an index whose last column is the id: the first page and the OFFSET walk
are then index walks that stop early, on SQLite and on PostgreSQL alike (on
SQLite a one-column index already ends with the rowid; PostgreSQL needs the id
spelled out). The one-column indexes that the new ones replace are dropped:
an index on (nik, id) answers ``nik = ?`` just as well, and each extra index
costs bulk-insert speed and ~30 MB at 1,000,000 members.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# (table, old one-column index or None, new index, columns)
_INDEXES = (
    ("members", "ix_members_nik", "ix_members_nik_id", ["nik", "id"]),
    ("members", "ix_members_status", "ix_members_status_id", ["status", "id"]),
    ("members", None, "ix_members_tanggal_lahir_id", ["tanggal_lahir", "id"]),
    ("households", "ix_households_no_kk", "ix_households_no_kk_id", ["no_kk", "id"]),
    ("households", "ix_households_desa_kode", "ix_households_desa_kode_id", ["desa_kode", "id"]),
)


def upgrade() -> None:
    for table, old, new, columns in _INDEXES:
        op.create_index(new, table, columns, unique=False)
        if old:
            op.drop_index(old, table_name=table)


def downgrade() -> None:
    for table, old, new, columns in reversed(_INDEXES):
        if old:
            op.create_index(old, table, columns[:1], unique=False)
        op.drop_index(new, table_name=table)
