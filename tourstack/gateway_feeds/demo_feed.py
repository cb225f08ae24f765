"""Demo feeds: the gateway records derived from the operational database.

In the embedded demo there are no gateway accounts; the demo generator's payments, refunds and
settlement batches are the gateways' data, so deriving the gateway lists from them gives the
warehouse the same shapes (and the same totals) a live account would. Every row says
source = 'demo'. Ids are stable, so re-reads merge onto the same rows:
- Stripe: a 'charge' balance transaction per succeeded payment, a 'refund' per succeeded
  refund, a 'payout' per settlement batch, and the payout itself (id = batch reference);
- Razorpay: a settlement per settlement batch (tax is not split out of the fee in the demo);
- PayPal: T0006 per captured payment, T1107 per refund, T0400 (withdrawal) per batch.
Batches carry only a date; they are stamped at 00:00 UTC of `settled_on`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, Payment, Refund, SettlementBatch
from tourstack.gateway_feeds.base import FeedPage, page_of
from tourstack.gateway_feeds.tables import (
    PAYPAL_TRANSACTIONS,
    RAZORPAY_SETTLEMENTS,
    STRIPE_BALANCE_TRANSACTIONS,
    STRIPE_PAYOUTS,
    FeedTable,
)

SOURCE = "demo"
PAGE_ROWS = 5_000


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


class _DemoFeed:
    table: FeedTable
    source = SOURCE
    gateway: str

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def iter_records(self, since_cursor: dt.datetime | None) -> Iterator[FeedPage]:
        with Session(self._engine) as session:
            records = [r for r in self._records(session, since_cursor)
                       if since_cursor is None or r["created_at"] >= since_cursor]
        records.sort(key=lambda r: r["created_at"])
        for start in range(0, len(records), PAGE_ROWS):
            yield page_of(records[start:start + PAGE_ROWS])

    def _records(self, session: Session, since: dt.datetime | None) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    def _payments(self, session: Session, since: dt.datetime | None):
        query = (select(Payment, Booking.booking_ref, SettlementBatch.batch_reference)
                 .join(Booking, Booking.id == Payment.booking_id)
                 .outerjoin(SettlementBatch, SettlementBatch.id == Payment.settlement_batch_id)
                 .where(Payment.gateway == self.gateway, Payment.status == "succeeded"))
        if since is not None:
            query = query.where(Payment.attempted_at >= since)
        return session.execute(query.order_by(Payment.id)).all()

    def _refunds(self, session: Session, since: dt.datetime | None):
        query = (select(Refund, Booking.booking_ref)
                 .join(Payment, Payment.id == Refund.payment_id)
                 .join(Booking, Booking.id == Payment.booking_id)
                 .where(Payment.gateway == self.gateway, Refund.status == "succeeded"))
        if since is not None:
            query = query.where(Refund.refunded_at >= since)
        return session.execute(query.order_by(Refund.id)).all()

    def _batches(self, session: Session, since: dt.datetime | None):
        query = select(SettlementBatch).where(SettlementBatch.gateway == self.gateway)
        if since is not None:
            query = query.where(SettlementBatch.settled_on >= since.date())
        return session.scalars(query.order_by(SettlementBatch.id)).all()


class DemoStripeBalanceTransactionsFeed(_DemoFeed):
    table, gateway = STRIPE_BALANCE_TRANSACTIONS, "stripe"

    def _records(self, session, since):
        def row(txn_id, kind, amount, fee, currency, created, source_id, payout_id, booking_ref):
            return {"id": txn_id, "type": kind, "reporting_category": kind, "amount_minor": amount,
                    "fee_minor": fee, "net_minor": amount - fee, "currency": currency, "status": "available",
                    "created_at": created, "available_at": created + dt.timedelta(days=2),
                    "source_id": source_id, "payout_id": payout_id, "description": None,
                    "booking_ref": booking_ref, "source": SOURCE}

        for payment, booking_ref, payout in self._payments(session, since):
            yield row(f"txn_demo_pay_{payment.id}", "charge", payment.amount_minor, payment.fee_minor,
                      payment.currency, payment.attempted_at,
                      payment.capture_reference or payment.gateway_reference, payout, booking_ref)
        for refund, booking_ref in self._refunds(session, since):
            yield row(f"txn_demo_rfd_{refund.id}", "refund", -refund.amount_minor, 0, refund.currency,
                      refund.refunded_at, refund.gateway_reference, None, booking_ref)
        for batch in self._batches(session, since):
            yield row(f"txn_demo_po_{batch.id}", "payout", -batch.net_minor, 0, batch.currency,
                      _midnight(batch.settled_on), batch.batch_reference, batch.batch_reference, None)


class DemoStripePayoutsFeed(_DemoFeed):
    table, gateway = STRIPE_PAYOUTS, "stripe"

    def _records(self, session, since):
        for batch in self._batches(session, since):
            yield {"id": batch.batch_reference, "amount_minor": batch.net_minor, "currency": batch.currency,
                   "status": "paid", "method": "standard", "created_at": _midnight(batch.settled_on),
                   "arrival_on": batch.settled_on, "balance_transaction_id": f"txn_demo_po_{batch.id}",
                   "destination": batch.bank_account, "source": SOURCE}


class DemoRazorpaySettlementsFeed(_DemoFeed):
    table, gateway = RAZORPAY_SETTLEMENTS, "razorpay"

    def _records(self, session, since):
        for batch in self._batches(session, since):
            yield {"id": batch.batch_reference, "amount_minor": batch.net_minor, "fees_minor": batch.fee_minor,
                   "tax_minor": 0, "currency": batch.currency, "status": "processed", "utr": None,
                   "created_at": _midnight(batch.settled_on), "source": SOURCE}


class DemoPayPalTransactionsFeed(_DemoFeed):
    table, gateway = PAYPAL_TRANSACTIONS, "paypal"

    def _records(self, session, since):
        def row(txn_id, code, gross, fee, currency, created, booking_ref):
            return {"transaction_id": txn_id, "event_code": code, "status": "S", "gross_minor": gross,
                    "fee_minor": fee, "net_minor": gross - fee, "currency": currency, "created_at": created,
                    "updated_at": created, "invoice_id": None, "custom_field": None, "reference_id": None,
                    "booking_ref": booking_ref, "source": SOURCE}

        for payment, booking_ref, _payout in self._payments(session, since):
            yield row(payment.capture_reference or payment.gateway_reference, "T0006", payment.amount_minor,
                      payment.fee_minor, payment.currency, payment.attempted_at, booking_ref)
        for refund, booking_ref in self._refunds(session, since):
            yield row(refund.gateway_reference, "T1107", -refund.amount_minor, 0, refund.currency,
                      refund.refunded_at, booking_ref)
        for batch in self._batches(session, since):
            yield row(batch.batch_reference, "T0400", -batch.net_minor, 0, batch.currency,
                      _midnight(batch.settled_on), None)


DEMO_FEEDS = (DemoStripeBalanceTransactionsFeed, DemoStripePayoutsFeed, DemoRazorpaySettlementsFeed,
              DemoPayPalTransactionsFeed)
