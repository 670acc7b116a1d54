"""match_runs.model_json: the m/u model (weights) a matching run used

A full run learns m and u from the data at hand (services/matching/engine/estimation.py); the
model is stored with the run so the explanation, the review view and ``dtks match model`` show
the weights that were used, and an incremental run reuses them. NULL for older runs (priors).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("match_runs") as batch:
        batch.add_column(sa.Column("model_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match_runs") as batch:
        batch.drop_column("model_json")
