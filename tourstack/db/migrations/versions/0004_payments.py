"""payments: webhook event store, idempotency and retry columns, refund approval, dispute ids

New table webhook_events; every new column is nullable or has a server default, so existing
rows (demo data, imports) stay valid. Boolean defaults use sa.false() so PostgreSQL gets FALSE
rather than 0. Batch mode keeps SQLite able to add the unique and foreign-key constraints.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 07:23:21.299768
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhook_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gateway', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('signature_valid', sa.Boolean(), nullable=False),
    sa.Column('received_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('processed_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_events')),
    sa.UniqueConstraint('gateway', 'event_id', name=op.f('uq_webhook_events_gateway'))
    )
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_events_processed_at'), ['processed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_events_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_events_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gateway_reference', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_disputes_gateway_reference'), ['gateway_reference'])

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('capture_reference', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('payment_method_reference', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('retry_count', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_retry_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retry_of_payment_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_payments_capture_reference'), ['capture_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_next_retry_at'), ['next_retry_at'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_payments_idempotency_key'), ['idempotency_key'])
        batch_op.create_foreign_key(batch_op.f('fk_payments_retry_of_payment_id_payments'), 'payments', ['retry_of_payment_id'], ['id'])

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_required', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('requested_by_key_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_by_key_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failure_reason', sa.String(length=200), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_column('failure_reason')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by_key_id')
        batch_op.drop_column('requested_by_key_id')
        batch_op.drop_column('approval_required')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payments_retry_of_payment_id_payments'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_payments_idempotency_key'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_payments_next_retry_at'))
        batch_op.drop_index(batch_op.f('ix_payments_capture_reference'))
        batch_op.drop_column('retry_of_payment_id')
        batch_op.drop_column('next_retry_at')
        batch_op.drop_column('retry_count')
        batch_op.drop_column('payment_method_reference')
        batch_op.drop_column('capture_reference')
        batch_op.drop_column('idempotency_key')

    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_disputes_gateway_reference'), type_='unique')
        batch_op.drop_column('gateway_reference')

    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_events_updated_at'))
        batch_op.drop_index(batch_op.f('ix_webhook_events_received_at'))
        batch_op.drop_index(batch_op.f('ix_webhook_events_processed_at'))

    op.drop_table('webhook_events')
