"""accounting sync: connections, mappings, error and conflict queues

One connection row per provider (tokens as one Fernet ciphertext, refreshed under a row lock);
the mapping of our documents to the provider's ids and versions, with the idempotency key each
create carries; the queues of provider refusals and of records edited on both sides. None of
these tables is ingested into the warehouse (tourstack.ingest.run.EXCLUDED_TABLES).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 15:35:52.556208
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounting_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('entity', sa.String(length=24), nullable=False),
    sa.Column('local_id', sa.Integer(), nullable=False),
    sa.Column('remote_id', sa.String(length=64), nullable=False),
    sa.Column('ours', sa.Text(), nullable=False),
    sa.Column('theirs', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('resolved_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'kept_ours', 'took_theirs')", name=op.f('ck_accounting_conflicts_status_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounting_conflicts'))
    )
    with op.batch_alter_table('accounting_conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_accounting_conflicts_open', ['provider', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounting_conflicts_updated_at'), ['updated_at'], unique=False)

    op.create_table('accounting_connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=True),
    sa.Column('tenant_name', sa.String(length=255), nullable=True),
    sa.Column('token_ciphertext', sa.Text(), nullable=True),
    sa.Column('access_expires_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refresh_expires_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pending_state_hash', sa.String(length=64), nullable=True),
    sa.Column('pending_state_expires_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('connected_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_refreshed_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refresh_count', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("provider IN ('quickbooks', 'xero')", name=op.f('ck_accounting_connections_provider_known')),
    sa.CheckConstraint("status IN ('pending', 'connected', 'expired', 'revoked')", name=op.f('ck_accounting_connections_status_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounting_connections')),
    sa.UniqueConstraint('provider', name=op.f('uq_accounting_connections_provider'))
    )
    with op.batch_alter_table('accounting_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounting_connections_updated_at'), ['updated_at'], unique=False)

    op.create_table('accounting_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('entity', sa.String(length=24), nullable=False),
    sa.Column('local_id', sa.Integer(), nullable=False),
    sa.Column('remote_id', sa.String(length=64), nullable=True),
    sa.Column('remote_version', sa.String(length=64), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('last_pushed_hash', sa.String(length=64), nullable=True),
    sa.Column('last_pushed_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounting_mappings')),
    sa.UniqueConstraint('provider', 'entity', 'local_id', name='uq_accounting_mappings_local'),
    sa.UniqueConstraint('provider', 'idempotency_key', name='uq_accounting_mappings_idempotency_key')
    )
    with op.batch_alter_table('accounting_mappings', schema=None) as batch_op:
        batch_op.create_index('ix_accounting_mappings_remote', ['provider', 'entity', 'remote_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounting_mappings_updated_at'), ['updated_at'], unique=False)

    op.create_table('accounting_sync_errors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('entity', sa.String(length=24), nullable=False),
    sa.Column('local_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('resolved_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f('ck_accounting_sync_errors_status_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounting_sync_errors'))
    )
    with op.batch_alter_table('accounting_sync_errors', schema=None) as batch_op:
        batch_op.create_index('ix_accounting_sync_errors_open', ['provider', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounting_sync_errors_updated_at'), ['updated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('accounting_sync_errors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounting_sync_errors_updated_at'))
        batch_op.drop_index('ix_accounting_sync_errors_open')

    op.drop_table('accounting_sync_errors')
    with op.batch_alter_table('accounting_mappings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounting_mappings_updated_at'))
        batch_op.drop_index('ix_accounting_mappings_remote')

    op.drop_table('accounting_mappings')
    with op.batch_alter_table('accounting_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounting_connections_updated_at'))

    op.drop_table('accounting_connections')
    with op.batch_alter_table('accounting_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounting_conflicts_updated_at'))
        batch_op.drop_index('ix_accounting_conflicts_open')

    op.drop_table('accounting_conflicts')
