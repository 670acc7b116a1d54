"""civil-registry snapshot: index (batch_id, nik) instead of (batch_id)

A new civil-registry extract is compared with the previous one NIK by NIK (new, gone,
changed). With only a ``batch_id`` index SQLite's planner answered "is this NIK in the
other batch?" by walking the whole other batch: 40,000 over 40,000 persons took 7 minutes,
400,000 did not finish. On (batch_id, nik) each look-up is one index seek, on SQLite and
PostgreSQL alike; the index also serves everything the one-column index did (it starts
with batch_id), which is dropped.

Revision ID: 0006
Revises: 0004
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_dukcapil_persons_batch_id_nik", "dukcapil_persons", ["batch_id", "nik"], unique=False)
    op.drop_index("ix_dukcapil_persons_batch_id", table_name="dukcapil_persons")


def downgrade() -> None:
    op.create_index("ix_dukcapil_persons_batch_id", "dukcapil_persons", ["batch_id"], unique=False)
    op.drop_index("ix_dukcapil_persons_batch_id_nik", table_name="dukcapil_persons")
