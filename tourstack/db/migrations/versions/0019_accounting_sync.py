"""accounting sync, outbound and inbound: the provider's content hash on each mapping, payments
recorded on the provider's side, and the webhook deliveries already handled

`accounting_mappings.remote_content_hash` tells a version bump by something else (a payment
linked to the invoice) from an edit on the provider's side. `accounting_remote_payments` holds
payments read back by QuickBooks CDC / Xero If-Modified-Since (a payment source for
reconciliation); `accounting_webhook_deliveries` makes a redelivered webhook a no-op. Neither
table is ingested into the warehouse (tourstack.ingest.run.EXCLUDED_TABLES).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 20:20:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('accounting_mappings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote_content_hash', sa.String(length=64), nullable=True))

    op.create_table('accounting_remote_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('remote_id', sa.String(length=64), nullable=False),
    sa.Column('remote_version', sa.String(length=64), nullable=True),
    sa.Column('customer_remote_id', sa.String(length=64), nullable=True),
    sa.Column('invoice_remote_ids', sa.Text(), nullable=False),
    sa.Column('invoice_ids', sa.Text(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('ours', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounting_remote_payments')),
    sa.UniqueConstraint('provider', 'remote_id', name='uq_accounting_remote_payments_remote')
    )
    with op.batch_alter_table('accounting_remote_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounting_remote_payments_updated_at'), ['updated_at'], unique=False)

    op.create_table('accounting_webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('delivery_key', sa.String(length=64), nullable=False),
    sa.Column('received_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounting_webhook_deliveries')),
    sa.UniqueConstraint('provider', 'delivery_key', name='uq_accounting_webhook_deliveries_key')
    )
    with op.batch_alter_table('accounting_webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounting_webhook_deliveries_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('accounting_webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounting_webhook_deliveries_updated_at'))
    op.drop_table('accounting_webhook_deliveries')
    with op.batch_alter_table('accounting_remote_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounting_remote_payments_updated_at'))
    op.drop_table('accounting_remote_payments')
    with op.batch_alter_table('accounting_mappings', schema=None) as batch_op:
        batch_op.drop_column('remote_content_hash')
