"""Inbound: payments recorded on the provider's side, pulled and kept as a payment source.

QuickBooks Change Data Capture (`/cdc?entities=Payment&changedSince=`) and Xero
`If-Modified-Since` answer the payments created or changed since the cursor. Each lands in
`accounting_remote_payments` (one row per provider record, updated in place when it changes
again), with the invoices it settles translated to our invoice ids through the mapping table.
Payments we pushed ourselves come back too and are marked `ours`, so reconciliation counts only
the others as new money. Payments are theirs: nothing here is pushed back.

The cursor is the newest row's `updated_at` less an overlap of five minutes (clock skew between
us and the provider); re-reading a payment is harmless, the row is upserted.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tourstack.db.base import utcnow
from tourstack.db.models import AccountingMapping, AccountingRemotePayment

OVERLAP = dt.timedelta(minutes=5)
FIRST_LOOKBACK = dt.timedelta(days=30)  # QuickBooks CDC's limit


def _cursor(session: Session, provider: str) -> dt.datetime:
    newest = session.scalar(select(func.max(AccountingRemotePayment.updated_at)).where(
        AccountingRemotePayment.provider == provider))
    return (newest - OVERLAP) if newest else utcnow() - FIRST_LOOKBACK


def pull_payments(sessions: sessionmaker[Session], client, since: dt.datetime | None = None) -> int:  # noqa: ANN001
    """Store the provider's payments changed since `since` (default: the cursor); returns how
    many rows were written."""
    provider = client.provider
    with sessions() as session:
        since = since or _cursor(session, provider)
    changed = client.changed_payments(since)
    with sessions() as session:
        ours = set(session.scalars(select(AccountingMapping.remote_id).where(
            AccountingMapping.provider == provider, AccountingMapping.entity == "payment",
            AccountingMapping.remote_id.is_not(None))))
        invoices = {r: i for i, r in session.execute(select(AccountingMapping.local_id, AccountingMapping.remote_id)
                                                     .where(AccountingMapping.provider == provider,
                                                            AccountingMapping.entity == "invoice"))}
        for doc in changed:
            row = session.scalars(select(AccountingRemotePayment).where(
                AccountingRemotePayment.provider == provider,
                AccountingRemotePayment.remote_id == doc.remote_id)).one_or_none()
            if row is None:
                row = AccountingRemotePayment(provider=provider, remote_id=doc.remote_id)
                session.add(row)
            row.remote_version, row.customer_remote_id = doc.version, doc.customer_remote_id
            row.invoice_remote_ids = json.dumps(list(doc.invoice_remote_ids))
            row.invoice_ids = json.dumps([invoices[r] for r in doc.invoice_remote_ids if r in invoices])
            row.paid_on = dt.date.fromisoformat(doc.paid_on[:10]) if doc.paid_on else None
            row.currency, row.amount_minor = doc.currency or "INR", doc.total_minor
            row.ours = doc.remote_id in ours
            row.status = "voided" if doc.status == "voided" else "active"
            row.updated_at = utcnow()
        session.commit()
    return len(changed)


def theirs(session: Session, provider: str | None = None) -> list[AccountingRemotePayment]:
    """The payment source for reconciliation: active payments recorded there, not ours."""
    query = select(AccountingRemotePayment).where(AccountingRemotePayment.ours.is_(False),
                                                  AccountingRemotePayment.status == "active")
    if provider:
        query = query.where(AccountingRemotePayment.provider == provider)
    return list(session.scalars(query.order_by(AccountingRemotePayment.id)))
