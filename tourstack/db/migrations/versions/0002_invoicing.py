"""invoicing: number counters, audit events, credit notes and per-component tax

New columns are nullable or carry server defaults (kind 'invoice', tax components 0), so
invoices written before this revision stay valid. Batch mode makes the ALTERs work on SQLite.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 06:45:24.640613
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('invoice_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=8), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_counters')),
    sa.UniqueConstraint('series', 'fiscal_year', name=op.f('uq_invoice_counters_series'))
    )
    with op.batch_alter_table('invoice_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_counters_updated_at'), ['updated_at'], unique=False)

    op.create_table('invoice_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('actor_role', sa.String(length=16), nullable=True),
    sa.Column('actor_key_id', sa.Integer(), nullable=True),
    sa.Column('actor_staff_user_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_staff_user_id'], ['staff_users.id'], name=op.f('fk_invoice_events_actor_staff_user_id_staff_users')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_events_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_events'))
    )
    with op.batch_alter_table('invoice_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_events_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_events_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sac_code', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('booking_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('credited_line_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cgst_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sgst_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('igst_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('vat_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_invoice_lines_booking_item_id_booking_items'), 'booking_items', ['booking_item_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_invoice_lines_credited_line_id_invoice_lines'), 'invoice_lines', ['credited_line_id'], ['id'])

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='invoice', nullable=False))
        batch_op.add_column(sa.Column('credited_invoice_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tax_regime', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('place_of_supply', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('cgst_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sgst_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('igst_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('vat_minor', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_invoices_credited_invoice_id'), ['credited_invoice_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invoices_credited_invoice_id_invoices'), 'invoices', ['credited_invoice_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoices_credited_invoice_id_invoices'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invoices_credited_invoice_id'))
        batch_op.drop_column('vat_minor')
        batch_op.drop_column('igst_minor')
        batch_op.drop_column('sgst_minor')
        batch_op.drop_column('cgst_minor')
        batch_op.drop_column('place_of_supply')
        batch_op.drop_column('tax_regime')
        batch_op.drop_column('credited_invoice_id')
        batch_op.drop_column('kind')

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_lines_credited_line_id_invoice_lines'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_invoice_lines_booking_item_id_booking_items'), type_='foreignkey')
        batch_op.drop_column('vat_minor')
        batch_op.drop_column('igst_minor')
        batch_op.drop_column('sgst_minor')
        batch_op.drop_column('cgst_minor')
        batch_op.drop_column('credited_line_id')
        batch_op.drop_column('booking_item_id')
        batch_op.drop_column('sac_code')

    with op.batch_alter_table('invoice_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_events_updated_at'))
        batch_op.drop_index(batch_op.f('ix_invoice_events_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_invoice_events_invoice_id'))

    op.drop_table('invoice_events')
    with op.batch_alter_table('invoice_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_counters_updated_at'))

    op.drop_table('invoice_counters')
