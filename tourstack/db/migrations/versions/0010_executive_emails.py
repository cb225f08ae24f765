"""executive e-mails: the archive of what was sent, with its data snapshot

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 09:40:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('executive_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('transport', sa.String(length=8), nullable=True),
    sa.Column('sent_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('eml_path', sa.String(length=500), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_executive_emails'))
    )
    with op.batch_alter_table('executive_emails', schema=None) as batch_op:
        batch_op.create_index('ix_executive_emails_kind_period', ['kind', 'period_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_executive_emails_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_executive_emails_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('executive_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_executive_emails_updated_at'))
        batch_op.drop_index(batch_op.f('ix_executive_emails_status'))
        batch_op.drop_index('ix_executive_emails_kind_period')
    op.drop_table('executive_emails')
