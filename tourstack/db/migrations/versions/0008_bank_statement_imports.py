"""bank statement imports: files (CSV, CAMT.053) and the lines they brought

New table bank_statement_imports; bank_statement_lines gains a nullable import_id (the file a
line came from) and entry_id (the bank's id of the entry), unique per bank_account where set,
so overlapping statements never book an entry twice. Lines entered before this revision keep
both columns empty.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 09:40:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ENTRY_SET = "entry_id IS NOT NULL"


def upgrade() -> None:
    op.create_table('bank_statement_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('bank_account', sa.String(length=34), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('lines_imported', sa.Integer(), nullable=False),
    sa.Column('imported_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statement_imports')),
    sa.UniqueConstraint('sha256', name=op.f('uq_bank_statement_imports_sha256'))
    )
    with op.batch_alter_table('bank_statement_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_statement_imports_bank_account'), ['bank_account'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_statement_imports_updated_at'), ['updated_at'], unique=False)

    # batch mode: SQLite cannot add a foreign key to an existing table, so Alembic rebuilds it.
    with op.batch_alter_table('bank_statement_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('entry_id', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_bank_statement_lines_import_id_bank_statement_imports'),
            'bank_statement_imports', ['import_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_bank_statement_lines_import_id'), ['import_id'], unique=False)
        batch_op.create_index(
            'uq_bank_statement_lines_bank_account_entry_id', ['bank_account', 'entry_id'], unique=True,
            sqlite_where=sa.text(_ENTRY_SET), postgresql_where=sa.text(_ENTRY_SET))


def downgrade() -> None:
    with op.batch_alter_table('bank_statement_lines', schema=None) as batch_op:
        batch_op.drop_index('uq_bank_statement_lines_bank_account_entry_id')
        batch_op.drop_index(batch_op.f('ix_bank_statement_lines_import_id'))
        batch_op.drop_constraint(
            batch_op.f('fk_bank_statement_lines_import_id_bank_statement_imports'), type_='foreignkey')
        batch_op.drop_column('entry_id')
        batch_op.drop_column('import_id')

    with op.batch_alter_table('bank_statement_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_statement_imports_updated_at'))
        batch_op.drop_index(batch_op.f('ix_bank_statement_imports_bank_account'))

    op.drop_table('bank_statement_imports')
