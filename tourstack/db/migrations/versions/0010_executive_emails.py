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
    pass


def downgrade() -> None:
    pass
