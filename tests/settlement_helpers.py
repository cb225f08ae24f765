"""A live-shaped gateway world for the settlement-batch tests (SQLite/DuckDB and PostgreSQL):
Stripe served by the list fake, Razorpay and PayPal records landed as fixed feeds, and two
operational Stripe payments carrying live references."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.fakes.stripe_lists import FakeStripeLists
from tourstack.db.models import Payment
from tourstack.gateway_feeds import FeedPage, land_feed
from tourstack.gateway_feeds.stripe_feed import StripeBalanceTransactionsFeed, StripePayoutsFeed
from tourstack.gateway_feeds.tables import PAYPAL_TRANSACTIONS, RAZORPAY_SETTLEMENTS

T0 = 1_772_323_200  # 2026-03-01 00:00:00 UTC
UTC = dt.UTC


def _bt(txn_id, kind, amount, fee, created, source):
    return {"id": txn_id, "object": "balance_transaction", "type": kind, "reporting_category": kind,
            "amount": amount, "fee": fee, "net": amount - fee, "currency": "eur", "status": "available",
            "created": created, "available_on": created + 86_400, "description": None, "source": source}


def _payout(po_id, amount, created, status="paid"):
    return {"id": po_id, "object": "payout", "amount": amount, "currency": "eur", "status": status,
            "method": "standard", "created": created, "arrival_date": created + 2 * 86_400,
            "balance_transaction": f"txn_{po_id}", "destination": "ba_1"}


def stripe_world() -> FakeStripeLists:
    """po_1NkQa2 pays out two charges and a refund (gross 13000, fee 495, net 12505 EUR); po_2 is a
    manual payout Stripe will not break down; po_3 failed."""
    fake = FakeStripeLists()
    fake.balance_transactions = [
        _bt("txn_a", "charge", 10_000, 320, T0 + 60, "ch_A"),
        _bt("txn_b", "charge", 5_000, 175, T0 + 120, "ch_B"),
        _bt("txn_r", "refund", -2_000, 0, T0 + 180, "re_1"),
        _bt("txn_po_1NkQa2", "payout", -12_505, 0, T0 + 86_400, "po_1NkQa2"),
        _bt("txn_po_2", "payout", -7_000, 0, T0 + 86_400 + 60, "po_2"),
        _bt("txn_po_3", "payout", -999, 0, T0 + 86_400 + 120, "po_3"),
    ]
    fake.payout_of = {"txn_a": "po_1NkQa2", "txn_b": "po_1NkQa2", "txn_r": "po_1NkQa2", "txn_po_1NkQa2": "po_1NkQa2"}
    fake.manual_payouts = {"po_2"}
    fake.sources = {"ch_A": {"id": "ch_A", "object": "charge", "payment_intent": "pi_A"},
                    "ch_B": {"id": "ch_B", "object": "charge", "payment_intent": "pi_B"},
                    # a refund names its PaymentIntent too; it must not link the payment to po_1NkQa2 twice
                    "re_1": {"id": "re_1", "object": "refund", "payment_intent": "pi_A"}}
    fake.payouts = [_payout("po_1NkQa2", 12_505, T0 + 86_400), _payout("po_2", 7_000, T0 + 86_400 + 60),
                    _payout("po_3", 999, T0 + 86_400 + 120, status="failed")]
    return fake


def grow_first_payout(fake: FakeStripeLists) -> None:
    """Stripe adds a charge to po_1NkQa2 (its amount changes with it, as an amended payout would)."""
    fake.balance_transactions.append(_bt("txn_c", "charge", 1_000, 30, T0 + 240, "ch_C"))
    fake.payout_of["txn_c"] = "po_1NkQa2"
    fake.payouts[0] = _payout("po_1NkQa2", 13_475, T0 + 86_400)
    fake.balance_transactions[3] = _bt("txn_po_1NkQa2", "payout", -13_475, 0, T0 + 86_400, "po_1NkQa2")


class FixedFeed:
    source = "api"

    def __init__(self, table, records):
        self.table, self.records = table, records

    def iter_records(self, since_cursor):
        yield FeedPage(self.records, max(r["created_at"] for r in self.records))


def _at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 9, 30, tzinfo=UTC)


RAZORPAY = [
    {"id": "setl_1", "amount_minor": 98_000, "fees_minor": 1_700, "tax_minor": 306, "currency": "INR",
     "status": "processed", "utr": "UTR1", "created_at": _at(2), "source": "api"},
    {"id": "setl_2", "amount_minor": 5_000, "fees_minor": 90, "tax_minor": 16, "currency": "INR",
     "status": "failed", "utr": None, "created_at": _at(3), "source": "api"},
]
PAYPAL = [
    {"transaction_id": "WD1", "event_code": "T0400", "status": "S", "gross_minor": -45_000, "fee_minor": 0,
     "net_minor": -45_000, "currency": "USD", "created_at": _at(4), "source": "api"},
    {"transaction_id": "CAP1", "event_code": "T0006", "status": "S", "gross_minor": 20_000, "fee_minor": 610,
     "net_minor": 19_390, "currency": "USD", "created_at": _at(1), "source": "api"},
    {"transaction_id": "WD2", "event_code": "T0400", "status": "D", "gross_minor": -1_000, "fee_minor": 0,
     "net_minor": -1_000, "currency": "USD", "created_at": _at(5), "source": "api"},
]


def land_live(warehouse, fake: FakeStripeLists, url: str) -> None:
    for feed in (StripeBalanceTransactionsFeed(api_key=fake.api_key, api_base=url, page_size=2),
                 StripePayoutsFeed(api_key=fake.api_key, api_base=url),
                 FixedFeed(RAZORPAY_SETTLEMENTS, RAZORPAY), FixedFeed(PAYPAL_TRANSACTIONS, PAYPAL)):
        land_feed(feed, warehouse)


def live_payments(engine) -> tuple[int, int]:
    """Two Stripe payments as the live gateway writes them: one known by its PaymentIntent and not
    yet in a batch, one by its charge id (capture_reference) and wrongly in another batch."""
    with Session(engine) as session, session.begin():
        first, second = session.scalars(select(Payment.id).where(Payment.gateway == "stripe",
                                                                 Payment.settlement_batch_id.is_not(None))
                                        .order_by(Payment.id).limit(2)).all()
        session.execute(update(Payment).where(Payment.id == first)
                        .values(gateway_reference="pi_A", capture_reference=None, settlement_batch_id=None))
        session.execute(update(Payment).where(Payment.id == second)
                        .values(gateway_reference="pi_other", capture_reference="ch_B"))
    return first, second
