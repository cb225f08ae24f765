"""payments integrity: unique gateway refunds, webhook event status, request fingerprints

refunds gain `gateway` (back-filled from their payment) and a partial unique index on
(gateway, gateway_reference) where the reference is set, so one gateway refund is never recorded
twice; plus `paid_out_by_key_id` / `paid_out_recorded_at` for bank-transfer refunds paid out by
hand. webhook_events gain `status` (received, processed, parked, failed, dead_lettered,
invalid), back-filled from the existing columns. payments gain `request_fingerprint`, the digest
of the request parameters behind an idempotency key.

The upgrade stops if two refunds already share a gateway reference: that is a refund counted
twice, and which row is the real one is finance's decision (mark the other failed), not ours.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 12:00:00
"""
from alembic import op
import sqlalchemy as sa

import tourstack.db.base


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_REF_SET = "gateway_reference <> ''"
_MAX_ATTEMPTS = 25  # tourstack.payments.webhooks.MAX_ATTEMPTS when this revision was written


def upgrade() -> None:
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gateway', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('paid_out_by_key_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('paid_out_recorded_at', tourstack.db.base.UTCDateTime(timezone=True),
                                      nullable=True))
    op.execute("UPDATE refunds SET gateway = (SELECT payments.gateway FROM payments "
               "WHERE payments.id = refunds.payment_id)")
    twice = op.get_bind().execute(sa.text(
        "SELECT gateway, gateway_reference, COUNT(*) FROM refunds WHERE gateway_reference <> '' "
        "GROUP BY gateway, gateway_reference HAVING COUNT(*) > 1")).fetchall()
    if twice:
        listed = ", ".join(f"{g}/{ref} ({n} rows)" for g, ref, n in twice[:20])
        raise RuntimeError(f"refunds recorded more than once for the same gateway refund: {listed}; "
                           "mark the duplicates failed (status = 'failed') before upgrading")
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('uq_refunds_gateway_gateway_reference', ['gateway', 'gateway_reference'],
                              unique=True, sqlite_where=sa.text(_REF_SET), postgresql_where=sa.text(_REF_SET))

    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='received', nullable=False))
        batch_op.create_index(batch_op.f('ix_webhook_events_status'), ['status'], unique=False)
    op.execute(f"""
        UPDATE webhook_events SET status = CASE
            WHEN signature_valid = {sa.false().compile(dialect=op.get_bind().dialect)} THEN 'invalid'
            WHEN processed_at IS NOT NULL THEN 'processed'
            WHEN attempts >= {_MAX_ATTEMPTS} THEN 'dead_lettered'
            WHEN last_error LIKE 'parked:%' THEN 'parked'
            WHEN last_error IS NOT NULL THEN 'failed'
            ELSE 'received' END
    """)

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_fingerprint', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('request_fingerprint')

    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_events_status'))
        batch_op.drop_column('status')

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('uq_refunds_gateway_gateway_reference')
        batch_op.drop_column('paid_out_recorded_at')
        batch_op.drop_column('paid_out_by_key_id')
        batch_op.drop_column('gateway')
