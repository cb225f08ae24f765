"""messaging outbox: one row per message to any channel, and the per-recipient rate slots

The rows are written in the transaction of the event they tell (tourstack.messaging.outbox);
`idempotency_key` is unique so an event announced twice is one message; the status CHECK keeps
the dispatcher's and the providers' writes inside the known states.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 11:42:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('event_key', sa.String(length=160), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('recipient', sa.String(length=255), nullable=False),
    sa.Column('rate_key', sa.String(length=280), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_until', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('provider_message_id', sa.String(length=255), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('sent_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('replays', sa.Integer(), nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'dead')", name=op.f('ck_outbox_messages_status_known')),
    sa.CheckConstraint('attempts >= 0 AND replays >= 0', name=op.f('ck_outbox_messages_counts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_messages_idempotency_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_event_key'), ['event_key'], unique=False)
        batch_op.create_index('ix_outbox_messages_provider', ['channel', 'provider_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_updated_at'), ['updated_at'], unique=False)

    op.create_table('outbox_rate_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rate_key', sa.String(length=280), nullable=False),
    sa.Column('next_free_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_rate_slots')),
    sa.UniqueConstraint('rate_key', name=op.f('uq_outbox_rate_slots_rate_key'))
    )


def downgrade() -> None:
    op.drop_table('outbox_rate_slots')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_updated_at'))
        batch_op.drop_index('ix_outbox_messages_provider')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_event_key'))
        batch_op.drop_index('ix_outbox_messages_due')

    op.drop_table('outbox_messages')
