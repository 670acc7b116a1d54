"""matching

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('match_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=60), nullable=True),
    sa.Column('dukcapil_batch_id', sa.BigInteger(), nullable=True),
    sa.Column('members_matched', sa.Integer(), nullable=False),
    sa.Column('params_json', sa.Text(), nullable=True),
    sa.Column('counts_json', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_match_runs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_runs'))
    )
    op.create_table('identity_history',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('old_value', sa.String(length=40), nullable=True),
    sa.Column('new_value', sa.String(length=40), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_identity_history_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_identity_history_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_history'))
    )
    with op.batch_alter_table('identity_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_history_member_id'), ['member_id'], unique=False)

    op.create_table('match_results',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('dukcapil_id', sa.BigInteger(), nullable=True),
    sa.Column('nik_matched', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('candidates', sa.Text(), nullable=True),
    sa.Column('fingerprint', sa.String(length=40), nullable=True),
    sa.Column('dukcapil_batch_id', sa.BigInteger(), nullable=True),
    sa.Column('ganda_of_member_id', sa.BigInteger(), nullable=True),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_match_results_decided_by_users')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_match_results_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_results')),
    sa.UniqueConstraint('member_id', name=op.f('uq_match_results_member_id'))
    )
    with op.batch_alter_table('match_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_results_nik_matched'), ['nik_matched'], unique=False)
        batch_op.create_index('ix_match_results_queue', ['decision', 'priority', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_results_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_match_results_status_id', ['status', 'id'], unique=False)

    op.create_table('programme_links',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('recipient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('program', sa.String(length=60), nullable=False),
    sa.Column('periode', sa.String(length=20), nullable=True),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_programme_links_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_programme_links_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['programme_recipients.id'], name=op.f('fk_programme_links_recipient_id_programme_recipients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_links'))
    )
    with op.batch_alter_table('programme_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_links_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_links_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_links_program'), ['program'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_links_recipient_id'), ['recipient_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('programme_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_links_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_programme_links_program'))
        batch_op.drop_index(batch_op.f('ix_programme_links_member_id'))
        batch_op.drop_index(batch_op.f('ix_programme_links_household_id'))

    op.drop_table('programme_links')
    with op.batch_alter_table('match_results', schema=None) as batch_op:
        batch_op.drop_index('ix_match_results_status_id')
        batch_op.drop_index(batch_op.f('ix_match_results_run_id'))
        batch_op.drop_index('ix_match_results_queue')
        batch_op.drop_index(batch_op.f('ix_match_results_nik_matched'))

    op.drop_table('match_results')
    with op.batch_alter_table('identity_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_history_member_id'))

    op.drop_table('identity_history')
    op.drop_table('match_runs')
