"""reconciliation targets: installments, bookings and settlement batches

reconciliation_matches.invoice_id becomes nullable (money can be matched to a booking that has
no invoice yet, or a payout line to its settlement batch) and three nullable references are
added: booking_id, installment_id, settlement_batch_id. Existing rows keep their invoice.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 09:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_REFS = (("booking_id", "bookings"), ("installment_id", "installments"),
         ("settlement_batch_id", "settlement_batches"))


def upgrade() -> None:
    with op.batch_alter_table('reconciliation_matches', schema=None) as batch_op:
        batch_op.alter_column('invoice_id', existing_type=sa.Integer(), nullable=True)
        for column, table in _REFS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_reconciliation_matches_{column}'), [column], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_reconciliation_matches_{column}_{table}'),
                                        table, [column], ['id'])
    # Matches written before this revision all point at an invoice: give them its booking.
    op.execute("UPDATE reconciliation_matches SET booking_id = "
               "(SELECT booking_id FROM invoices WHERE invoices.id = reconciliation_matches.invoice_id)")


def downgrade() -> None:
    op.execute("DELETE FROM reconciliation_matches WHERE invoice_id IS NULL")
    with op.batch_alter_table('reconciliation_matches', schema=None) as batch_op:
        for column, table in reversed(_REFS):
            batch_op.drop_constraint(batch_op.f(f'fk_reconciliation_matches_{column}_{table}'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_reconciliation_matches_{column}'))
            batch_op.drop_column(column)
        batch_op.alter_column('invoice_id', existing_type=sa.Integer(), nullable=False)
