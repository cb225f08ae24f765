"""booking item sites: the catalogue site an activity item is sold for

booking_items gains a nullable site_id (FK sites.id, indexed). Activities are entrances or
experiences at one site; hotels, transport and guides keep NULL. Existing rows stay NULL: the
site of an activity sold before this revision is not recorded anywhere to back-fill it from.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('booking_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_booking_items_site_id'), ['site_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_booking_items_site_id_sites'), 'sites', ['site_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('booking_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_booking_items_site_id_sites'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_booking_items_site_id'))
        batch_op.drop_column('site_id')
