"""reconciliation decision targets and FX provenance

reconciliation_decisions gains what a decision needs to be replayed exactly by the daily run and
audited: the booking and the settlement batch it concerns (an unmatch of money matched to a
booking not invoiced yet, or of a payout line, names no invoice), the allocation's equivalent in
the transaction's currency (txn_amount_minor, txn_currency), and for a cross-currency allocation
the rate used, its date and its source (fx_rate, fx_rate_date, fx_source). All nullable: rows
written before this revision keep NULL (same-currency allocations need no rate).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 09:00:00
"""
from alembic import op
import sqlalchemy as sa

import tourstack.db.base


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_REFS = (("booking_id", "bookings"), ("settlement_batch_id", "settlement_batches"))


def upgrade() -> None:
    with op.batch_alter_table('reconciliation_decisions', schema=None) as batch_op:
        for column, table in _REFS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_reconciliation_decisions_{column}'), [column], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_reconciliation_decisions_{column}_{table}'),
                                        table, [column], ['id'])
        batch_op.add_column(sa.Column('txn_amount_minor', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('txn_currency', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('fx_rate', tourstack.db.base.ExactDecimal(precision=18, scale=8),
                                      nullable=True))
        batch_op.add_column(sa.Column('fx_rate_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fx_source', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reconciliation_decisions', schema=None) as batch_op:
        for column in ('fx_source', 'fx_rate_date', 'fx_rate', 'txn_currency', 'txn_amount_minor'):
            batch_op.drop_column(column)
        for column, table in reversed(_REFS):
            batch_op.drop_constraint(batch_op.f(f'fk_reconciliation_decisions_{column}_{table}'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_reconciliation_decisions_{column}'))
            batch_op.drop_column(column)
