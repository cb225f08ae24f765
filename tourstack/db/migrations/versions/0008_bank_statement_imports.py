"""bank statement imports: files (CSV, CAMT.053) and the lines they brought

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 09:40:00
"""
from alembic import op
import sqlalchemy as sa
import tourstack.db.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
