"""list indexes: bookings and invoices by agency and status, newest first

The agent's and staff's most frequent reads filter bookings and invoices by agency and status and
page newest first by id (tourstack/sales/pagination.py). The single-column agency indexes make
PostgreSQL read every row of a large agency and sort; (agency_id, status, id) answers the filter
and the order from the index (tests/integration/db/test_hot_query_indexes.py proves it by
EXPLAIN).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 21:00:00
"""
from alembic import op


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_bookings_agency_status_id', 'bookings', ['agency_id', 'status', 'id'])
    op.create_index('ix_invoices_agency_status_id', 'invoices', ['agency_id', 'status', 'id'])


def downgrade() -> None:
    op.drop_index('ix_invoices_agency_status_id', table_name='invoices')
    op.drop_index('ix_bookings_agency_status_id', table_name='bookings')
