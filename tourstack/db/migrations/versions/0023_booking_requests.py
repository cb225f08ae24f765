"""booking requests: the Idempotency-Key of each booking creation; Outlook calendars

`booking_requests` keeps the key a client sent with `POST /api/v1/bookings` (unique) and the
booking it made, so a retried creation answers the same booking. Outlook calendars need no
column: `calendar_events.provider` already names the provider (`outlook`), and their rows use
the calendar name `outlook:<recipient>`. Not ingested into the warehouse.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08 00:00:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('booking_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('request_digest', sa.String(length=64), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_requests_booking_id_bookings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_requests')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_booking_requests_idempotency_key'))
    )
    with op.batch_alter_table('booking_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_requests_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_requests_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('booking_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_requests_updated_at'))
        batch_op.drop_index(batch_op.f('ix_booking_requests_booking_id'))
    op.drop_table('booking_requests')
