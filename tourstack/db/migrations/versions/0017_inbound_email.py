"""inbound e-mail: raw messages, staged supplier rates, supplier confirmations, the task list

Raw bytes are kept in `inbox_messages.raw` before anything is parsed; `sha256` is unique so a
message fetched twice is one row. Staged rates change live prices only once approved. None of
these tables is ingested into the warehouse (tourstack.ingest.run.EXCLUDED_TABLES).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 15:40:33.335267
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('received_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('from_address', sa.String(length=320), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('category', sa.String(length=24), nullable=True),
    sa.Column('classifier', sa.String(length=16), nullable=True),
    sa.Column('confidence_pct', sa.SmallInteger(), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('flags', sa.Text(), nullable=False),
    sa.Column('extraction', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('processed_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IS NULL OR category IN ('rate_sheet', 'booking_confirmation', 'amendment', 'cancellation', 'supplier_invoice', 'customer_enquiry', 'other')", name=op.f('ck_inbox_messages_category_known')),
    sa.CheckConstraint("status IN ('stored', 'processed', 'failed')", name=op.f('ck_inbox_messages_status_known')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_inbox_messages_booking_id_bookings')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_inbox_messages_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_messages')),
    sa.UniqueConstraint('sha256', name=op.f('uq_inbox_messages_sha256'))
    )
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_messages_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_messages_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_messages_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_inbox_messages_status', ['status', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_messages_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_messages_updated_at'), ['updated_at'], unique=False)

    op.create_table('inbox_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('booking_ref', sa.String(length=16), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('supplier_reference', sa.String(length=64), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('guests', sa.SmallInteger(), nullable=True),
    sa.Column('guest_name', sa.String(length=200), nullable=True),
    sa.Column('room_type', sa.String(length=120), nullable=True),
    sa.Column('matched', sa.Boolean(), nullable=False),
    sa.Column('mismatches', sa.Text(), nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_inbox_confirmations_booking_id_bookings')),
    sa.ForeignKeyConstraint(['message_id'], ['inbox_messages.id'], name=op.f('fk_inbox_confirmations_message_id_inbox_messages')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_inbox_confirmations_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_confirmations'))
    )
    with op.batch_alter_table('inbox_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_confirmations_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_confirmations_booking_ref'), ['booking_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_confirmations_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_confirmations_updated_at'), ['updated_at'], unique=False)

    op.create_table('inbox_staged_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('occupancy', sa.String(length=16), nullable=True),
    sa.Column('season', sa.String(length=16), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('price', tourstack.db.base.ExactDecimal(precision=18, scale=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('current_rate_id', sa.Integer(), nullable=True),
    sa.Column('applied_rate_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_inbox_staged_rates_status_known')),
    sa.CheckConstraint('price >= 0', name=op.f('ck_inbox_staged_rates_price_not_negative')),
    sa.CheckConstraint('valid_to >= valid_from', name=op.f('ck_inbox_staged_rates_validity_ordered')),
    sa.ForeignKeyConstraint(['applied_rate_id'], ['supplier_rates.id'], name=op.f('fk_inbox_staged_rates_applied_rate_id_supplier_rates')),
    sa.ForeignKeyConstraint(['current_rate_id'], ['supplier_rates.id'], name=op.f('fk_inbox_staged_rates_current_rate_id_supplier_rates')),
    sa.ForeignKeyConstraint(['message_id'], ['inbox_messages.id'], name=op.f('fk_inbox_staged_rates_message_id_inbox_messages')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_inbox_staged_rates_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_staged_rates'))
    )
    with op.batch_alter_table('inbox_staged_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_staged_rates_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_staged_rates_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_staged_rates_updated_at'), ['updated_at'], unique=False)

    op.create_table('inbox_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('suggested_reply', sa.Text(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('resolved_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=100), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'done', 'dismissed')", name=op.f('ck_inbox_tasks_status_known')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_inbox_tasks_booking_id_bookings')),
    sa.ForeignKeyConstraint(['message_id'], ['inbox_messages.id'], name=op.f('fk_inbox_tasks_message_id_inbox_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_tasks'))
    )
    with op.batch_alter_table('inbox_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_tasks_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_inbox_tasks_open', ['status', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_tasks_updated_at'), ['updated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('inbox_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_tasks_updated_at'))
        batch_op.drop_index('ix_inbox_tasks_open')
        batch_op.drop_index(batch_op.f('ix_inbox_tasks_message_id'))

    op.drop_table('inbox_tasks')
    with op.batch_alter_table('inbox_staged_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_staged_rates_updated_at'))
        batch_op.drop_index(batch_op.f('ix_inbox_staged_rates_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_inbox_staged_rates_message_id'))

    op.drop_table('inbox_staged_rates')
    with op.batch_alter_table('inbox_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_confirmations_updated_at'))
        batch_op.drop_index(batch_op.f('ix_inbox_confirmations_message_id'))
        batch_op.drop_index(batch_op.f('ix_inbox_confirmations_booking_ref'))
        batch_op.drop_index(batch_op.f('ix_inbox_confirmations_booking_id'))

    op.drop_table('inbox_confirmations')
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_messages_updated_at'))
        batch_op.drop_index(batch_op.f('ix_inbox_messages_supplier_id'))
        batch_op.drop_index('ix_inbox_messages_status')
        batch_op.drop_index(batch_op.f('ix_inbox_messages_message_id'))
        batch_op.drop_index(batch_op.f('ix_inbox_messages_category'))
        batch_op.drop_index(batch_op.f('ix_inbox_messages_booking_id'))

    op.drop_table('inbox_messages')
