"""field verification by Petugas Pendata / PSM / TKSK: petugas, assignments per family and round,
findings per family and member, proposed new families (usulan baru)

Revision ID: 0010
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('verification_petugas',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('nama', sa.String(length=120), nullable=False),
    sa.Column('nama_key', sa.String(length=120), nullable=False),
    sa.Column('peran', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_petugas')),
    sa.UniqueConstraint('nama_key', name=op.f('uq_verification_petugas_nama_key'))
    )
    op.create_table('verification_proposals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('putaran', sa.String(length=7), nullable=False),
    sa.Column('desa_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=False),
    sa.Column('no_kk', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'), nullable=True),
    sa.Column('alamat', sa.String(length=300), nullable=True),
    sa.Column('rt', sa.String(length=5), nullable=True),
    sa.Column('rw', sa.String(length=5), nullable=True),
    sa.Column('alasan', sa.Text(), nullable=True),
    sa.Column('petugas_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_verification_proposals_created_by_users')),
    sa.ForeignKeyConstraint(['desa_kode'], ['regions.kode'], name=op.f('fk_verification_proposals_desa_kode_regions')),
    sa.ForeignKeyConstraint(['petugas_id'], ['verification_petugas.id'], name=op.f('fk_verification_proposals_petugas_id_verification_petugas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_proposals'))
    )
    op.create_index(op.f('ix_verification_proposals_desa_kode'), 'verification_proposals', ['desa_kode'], unique=False)
    op.create_table('verification_assignments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('putaran', sa.String(length=7), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('desa_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=True),
    sa.Column('petugas_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by'], ['users.id'], name=op.f('fk_verification_assignments_assigned_by_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_verification_assignments_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['petugas_id'], ['verification_petugas.id'], name=op.f('fk_verification_assignments_petugas_id_verification_petugas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_assignments'))
    )
    op.create_index('ix_verification_assignments_round_desa', 'verification_assignments', ['putaran', 'desa_kode', 'petugas_id'], unique=False)
    op.create_index('ux_verification_assignments_round_household', 'verification_assignments', ['putaran', 'household_id'], unique=True)
    op.create_table('verification_families',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('putaran', sa.String(length=7), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('desa_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=True),
    sa.Column('kelayakan', sa.String(length=20), nullable=True),
    sa.Column('koreksi_alamat', sa.String(length=300), nullable=True),
    sa.Column('koreksi_rt', sa.String(length=5), nullable=True),
    sa.Column('koreksi_rw', sa.String(length=5), nullable=True),
    sa.Column('catatan', sa.Text(), nullable=True),
    sa.Column('tanggal_kunjungan', sa.Date(), nullable=True),
    sa.Column('petugas_id', sa.Integer(), nullable=True),
    sa.Column('sumber', sa.String(length=10), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['users.id'], name=op.f('fk_verification_families_entered_by_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_verification_families_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['petugas_id'], ['verification_petugas.id'], name=op.f('fk_verification_families_petugas_id_verification_petugas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_families'))
    )
    op.create_index('ix_verification_families_round_desa', 'verification_families', ['putaran', 'desa_kode'], unique=False)
    op.create_index('ux_verification_families_round_household', 'verification_families', ['putaran', 'household_id'], unique=True)
    op.create_table('verification_proposal_members',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('proposal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('nik', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'), nullable=True),
    sa.Column('nama', sa.String(length=200), nullable=False),
    sa.Column('tanggal_lahir', sa.Date(), nullable=True),
    sa.Column('jenis_kelamin', sa.String(length=1), nullable=True),
    sa.Column('hubungan', sa.SmallInteger(), nullable=True),
    sa.Column('dukcapil_ada', sa.Boolean(), nullable=False),
    sa.Column('dukcapil_nama', sa.String(length=200), nullable=True),
    sa.Column('dukcapil_tanggal_lahir', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['verification_proposals.id'], name=op.f('fk_verification_proposal_members_proposal_id_verification_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_proposal_members'))
    )
    op.create_index(op.f('ix_verification_proposal_members_nik'), 'verification_proposal_members', ['nik'], unique=False)
    op.create_index(op.f('ix_verification_proposal_members_proposal_id'), 'verification_proposal_members', ['proposal_id'], unique=False)
    op.create_table('verification_members',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('family_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('keberadaan', sa.String(length=30), nullable=True),
    sa.Column('koreksi_nama', sa.String(length=200), nullable=True),
    sa.Column('koreksi_nik', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'), nullable=True),
    sa.Column('koreksi_tanggal_lahir', sa.Date(), nullable=True),
    sa.Column('catatan', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['family_id'], ['verification_families.id'], name=op.f('fk_verification_members_family_id_verification_families'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_verification_members_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_members'))
    )
    op.create_index(op.f('ix_verification_members_family_id'), 'verification_members', ['family_id'], unique=False)
    op.create_index(op.f('ix_verification_members_member_id'), 'verification_members', ['member_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_verification_members_member_id'), table_name='verification_members')
    op.drop_index(op.f('ix_verification_members_family_id'), table_name='verification_members')
    op.drop_table('verification_members')
    op.drop_index(op.f('ix_verification_proposal_members_proposal_id'), table_name='verification_proposal_members')
    op.drop_index(op.f('ix_verification_proposal_members_nik'), table_name='verification_proposal_members')
    op.drop_table('verification_proposal_members')
    op.drop_index('ux_verification_families_round_household', table_name='verification_families')
    op.drop_index('ix_verification_families_round_desa', table_name='verification_families')
    op.drop_table('verification_families')
    op.drop_index('ux_verification_assignments_round_household', table_name='verification_assignments')
    op.drop_index('ix_verification_assignments_round_desa', table_name='verification_assignments')
    op.drop_table('verification_assignments')
    op.drop_index(op.f('ix_verification_proposals_desa_kode'), table_name='verification_proposals')
    op.drop_table('verification_proposals')
    op.drop_table('verification_petugas')
