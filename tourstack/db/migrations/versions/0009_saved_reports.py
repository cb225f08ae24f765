"""saved and scheduled reports

New tables saved_reports (a report spec as JSON, unique name per owning API key) and
report_schedules (cron in an IANA timezone, recipients, export format, run state); nothing
existing changes. JSON is TEXT on SQLite and json on PostgreSQL.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 09:40:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saved_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('owner_key_id', sa.Integer(), nullable=False),
    sa.Column('owner_role', sa.String(length=16), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_key_id'], ['api_keys.id'], name=op.f('fk_saved_reports_owner_key_id_api_keys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_reports')),
    sa.UniqueConstraint('owner_key_id', 'name', name='uq_saved_reports_owner_name')
    )
    with op.batch_alter_table('saved_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_reports_owner_key_id'), ['owner_key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_reports_updated_at'), ['updated_at'], unique=False)

    op.create_table('report_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('saved_report_id', sa.Integer(), nullable=False),
    sa.Column('cron', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_run_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_run_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.String(length=16), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tourstack.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['saved_report_id'], ['saved_reports.id'], name=op.f('fk_report_schedules_saved_report_id_saved_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_schedules'))
    )
    with op.batch_alter_table('report_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_schedules_next_run_at'), ['next_run_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_schedules_saved_report_id'), ['saved_report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_schedules_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_schedules_updated_at'))
        batch_op.drop_index(batch_op.f('ix_report_schedules_saved_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_schedules_next_run_at'))
    op.drop_table('report_schedules')
    with op.batch_alter_table('saved_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_reports_updated_at'))
        batch_op.drop_index(batch_op.f('ix_saved_reports_owner_key_id'))
    op.drop_table('saved_reports')
