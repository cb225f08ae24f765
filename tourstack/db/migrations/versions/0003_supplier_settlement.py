"""supplier settlement: payout-to-booking-item links and the payout audit trail

Only new tables: existing supplier payouts stay valid (a payout without links is read as
covering its supplier's items in its period). `live_booking_item_id` is unique so at most one
live payout can settle a booking item.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 07:07:15.434712
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('supplier_payout_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_payout_id', sa.Integer(), nullable=False),
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
    sa.ForeignKeyConstraint(['actor_staff_user_id'], ['staff_users.id'], name=op.f('fk_supplier_payout_events_actor_staff_user_id_staff_users')),
    sa.ForeignKeyConstraint(['supplier_payout_id'], ['supplier_payouts.id'], name=op.f('fk_supplier_payout_events_supplier_payout_id_supplier_payouts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_payout_events'))
    )
    with op.batch_alter_table('supplier_payout_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_payout_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_payout_events_supplier_payout_id'), ['supplier_payout_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_payout_events_updated_at'), ['updated_at'], unique=False)

    op.create_table('supplier_payout_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_payout_id', sa.Integer(), nullable=False),
    sa.Column('booking_item_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('live_booking_item_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_item_id'], ['booking_items.id'], name=op.f('fk_supplier_payout_items_booking_item_id_booking_items')),
    sa.ForeignKeyConstraint(['supplier_payout_id'], ['supplier_payouts.id'], name=op.f('fk_supplier_payout_items_supplier_payout_id_supplier_payouts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_payout_items')),
    sa.UniqueConstraint('live_booking_item_id', name=op.f('uq_supplier_payout_items_live_booking_item_id'))
    )
    with op.batch_alter_table('supplier_payout_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_payout_items_booking_item_id'), ['booking_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_payout_items_supplier_payout_id'), ['supplier_payout_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_payout_items_updated_at'), ['updated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('supplier_payout_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_payout_items_updated_at'))
        batch_op.drop_index(batch_op.f('ix_supplier_payout_items_supplier_payout_id'))
        batch_op.drop_index(batch_op.f('ix_supplier_payout_items_booking_item_id'))

    op.drop_table('supplier_payout_items')
    with op.batch_alter_table('supplier_payout_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_payout_events_updated_at'))
        batch_op.drop_index(batch_op.f('ix_supplier_payout_events_supplier_payout_id'))
        batch_op.drop_index(batch_op.f('ix_supplier_payout_events_occurred_at'))

    op.drop_table('supplier_payout_events')
