"""the transactional outbox: outbox_messages

One row per effect on the outside world, written in the transaction of the change behind it
(the first consumer: search index updates), delivered by a dispatcher per consumer with
retries, backoff and a dead-letter state (tourstack.messaging.outbox). Not ingested into the
warehouse: it is application state, not business data.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 12:00:00
"""
from alembic import op
import sqlalchemy as sa

import tourstack.db.base

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consumer', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=64), nullable=False),
        sa.Column('idempotency_key', sa.String(length=200), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.SmallInteger(), nullable=False),
        sa.Column('next_attempt_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('result', sa.String(length=500), nullable=True),
        sa.Column('delivered_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_messages_idempotency_key')),
    )
    op.create_index('ix_outbox_messages_due', 'outbox_messages', ['consumer', 'status', 'next_attempt_at'])
    op.create_index(op.f('ix_outbox_messages_updated_at'), 'outbox_messages', ['updated_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_outbox_messages_updated_at'), table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_due', table_name='outbox_messages')
    op.drop_table('outbox_messages')
