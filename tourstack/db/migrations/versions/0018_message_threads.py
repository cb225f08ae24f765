"""message threads: where a booking's conversation started in a threading channel (Slack)

One row per channel, recipient and thread key (a booking reference), written by the first
message about it; later messages reply in that thread (tourstack.messaging.slack).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 15:50:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('message_threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('recipient', sa.String(length=255), nullable=False),
    sa.Column('thread_key', sa.String(length=160), nullable=False),
    sa.Column('provider_thread_id', sa.String(length=64), nullable=False),
    sa.Column('provider_channel', sa.String(length=64), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_threads')),
    sa.UniqueConstraint('channel', 'recipient', 'thread_key', name=op.f('uq_message_threads_channel'))
    )
    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_threads_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message_threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_threads_updated_at'))
    op.drop_table('message_threads')
