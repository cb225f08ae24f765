"""calendar events: a booking's event per calendar (provider id, etag, iCal UID, sequence)

One row per booking and calendar; kept by the calendar channel of the outbox
(tourstack.messaging.calendar_sync) and the ICS invites. Not ingested into the warehouse.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 20:30:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('calendar', sa.String(length=255), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('provider_event_id', sa.String(length=1024), nullable=True),
    sa.Column('etag', sa.String(length=255), nullable=True),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('last_event_key', sa.String(length=160), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('confirmed', 'cancelled')", name=op.f('ck_calendar_events_status_known')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_calendar_events_sequence_not_negative')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_calendar_events_booking_id_bookings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_events')),
    sa.UniqueConstraint('booking_id', 'calendar', name=op.f('uq_calendar_events_booking_id'))
    )
    with op.batch_alter_table('calendar_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_events_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_events_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('calendar_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_events_updated_at'))
        batch_op.drop_index(batch_op.f('ix_calendar_events_booking_id'))
    op.drop_table('calendar_events')
