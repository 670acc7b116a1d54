"""import batches, problems, civil registry and programme lists

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_batches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('preset', sa.String(length=60), nullable=True),
    sa.Column('program', sa.String(length=60), nullable=True),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_size', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=60), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('gone', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('kab_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=True),
    sa.Column('mapping_json', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_batches_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batches_file_sha256'), ['file_sha256'], unique=False)

    op.create_table('dukcapil_persons',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('nik', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'), nullable=True),
    sa.Column('nik_flags', sa.String(length=200), nullable=True),
    sa.Column('no_kk', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'), nullable=True),
    sa.Column('nama', sa.String(length=200), nullable=False),
    sa.Column('nama_key', sa.String(length=200).with_variant(sa.String(length=200, collation='C'), 'postgresql'), nullable=False),
    sa.Column('tempat_lahir', sa.String(length=120), nullable=True),
    sa.Column('tanggal_lahir', sa.Date(), nullable=True),
    sa.Column('jenis_kelamin', sa.String(length=1), nullable=True),
    sa.Column('nama_ibu', sa.String(length=200), nullable=True),
    sa.Column('hubungan', sa.SmallInteger(), nullable=True),
    sa.Column('alamat', sa.String(length=300), nullable=True),
    sa.Column('dusun', sa.String(length=120), nullable=True),
    sa.Column('rt', sa.String(length=5), nullable=True),
    sa.Column('rw', sa.String(length=5), nullable=True),
    sa.Column('desa_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_dukcapil_persons_batch_id_import_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dukcapil_persons'))
    )
    with op.batch_alter_table('dukcapil_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dukcapil_persons_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dukcapil_persons_desa_kode'), ['desa_kode'], unique=False)
        batch_op.create_index(batch_op.f('ix_dukcapil_persons_nama_key'), ['nama_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_dukcapil_persons_nik'), ['nik'], unique=False)
        batch_op.create_index(batch_op.f('ix_dukcapil_persons_no_kk'), ['no_kk'], unique=False)
        batch_op.create_index(batch_op.f('ix_dukcapil_persons_tanggal_lahir'), ['tanggal_lahir'], unique=False)

    op.create_table('import_problems',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('column', sa.String(length=120), nullable=True),
    sa.Column('field', sa.String(length=40), nullable=True),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=True),
    sa.Column('id_dtks', sa.String(length=40), nullable=True),
    sa.Column('nama', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_import_problems_batch_id_import_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_problems'))
    )
    with op.batch_alter_table('import_problems', schema=None) as batch_op:
        batch_op.create_index('ix_import_problems_batch_order', ['batch_id', 'severity', 'source_row', 'id'], unique=False)

    op.create_table('programme_recipients',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=60), nullable=False),
    sa.Column('periode', sa.String(length=20), nullable=True),
    sa.Column('nik', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'), nullable=True),
    sa.Column('nik_flags', sa.String(length=200), nullable=True),
    sa.Column('no_kk', sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql'), nullable=True),
    sa.Column('nama', sa.String(length=200), nullable=True),
    sa.Column('nama_key', sa.String(length=200).with_variant(sa.String(length=200, collation='C'), 'postgresql'), nullable=True),
    sa.Column('tanggal_lahir', sa.Date(), nullable=True),
    sa.Column('desa_kode', sa.String(length=13).with_variant(sa.String(length=13, collation='C'), 'postgresql'), nullable=True),
    sa.Column('keterangan', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_programme_recipients_batch_id_import_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_recipients'))
    )
    with op.batch_alter_table('programme_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_recipients_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_recipients_nik'), ['nik'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_recipients_no_kk'), ['no_kk'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_recipients_program'), ['program'], unique=False)

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_batch_id', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_households_last_batch_id'), ['last_batch_id'], unique=False)

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_batch_id', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_members_last_batch_id'), ['last_batch_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_last_batch_id'))
        batch_op.drop_column('last_batch_id')

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_last_batch_id'))
        batch_op.drop_column('last_batch_id')

    with op.batch_alter_table('programme_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_recipients_program'))
        batch_op.drop_index(batch_op.f('ix_programme_recipients_no_kk'))
        batch_op.drop_index(batch_op.f('ix_programme_recipients_nik'))
        batch_op.drop_index(batch_op.f('ix_programme_recipients_batch_id'))

    op.drop_table('programme_recipients')
    with op.batch_alter_table('import_problems', schema=None) as batch_op:
        batch_op.drop_index('ix_import_problems_batch_order')

    op.drop_table('import_problems')
    with op.batch_alter_table('dukcapil_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dukcapil_persons_tanggal_lahir'))
        batch_op.drop_index(batch_op.f('ix_dukcapil_persons_no_kk'))
        batch_op.drop_index(batch_op.f('ix_dukcapil_persons_nik'))
        batch_op.drop_index(batch_op.f('ix_dukcapil_persons_nama_key'))
        batch_op.drop_index(batch_op.f('ix_dukcapil_persons_desa_kode'))
        batch_op.drop_index(batch_op.f('ix_dukcapil_persons_batch_id'))

    op.drop_table('dukcapil_persons')
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batches_file_sha256'))

    op.drop_table('import_batches')
