"""inbox inbound tokens: Mailgun delivery tokens, so a captured signature cannot be replayed

Mailgun signs timestamp + token, not the message, so the token is remembered with the SHA-256 of
the message it came with: the same token and bytes again is a retry (a no-op), other bytes are
refused. Unique per provider. Not ingested into the warehouse (tourstack.ingest.run.EXCLUDED_TABLES).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 23:40:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox_inbound_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('token', sa.String(length=128), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('signed_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_inbound_tokens'))
    )
    op.create_index('uq_inbox_inbound_tokens_provider_token', 'inbox_inbound_tokens', ['provider', 'token'],
                    unique=True)
    op.create_index(op.f('ix_inbox_inbound_tokens_updated_at'), 'inbox_inbound_tokens', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_inbox_inbound_tokens_updated_at'), table_name='inbox_inbound_tokens')
    op.drop_index('uq_inbox_inbound_tokens_provider_token', table_name='inbox_inbound_tokens')
    op.drop_table('inbox_inbound_tokens')
