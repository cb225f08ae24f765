"""The SDK readers against loopback fakes: pagination, cursor resume, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.paypal import FakePayPal
from tests.fakes.razorpay import FakeRazorpay
from tests.fakes.stripe_lists import FakeStripeLists
from tourstack.gateway_feeds import GatewayFeedError
from tourstack.gateway_feeds.base import collect
from tourstack.gateway_feeds.paypal_feed import PayPalTransactionsFeed
from tourstack.gateway_feeds.razorpay_feed import RazorpaySettlementsFeed
from tourstack.gateway_feeds.stripe_feed import StripeBalanceTransactionsFeed, StripePayoutsFeed

T0 = 1_772_323_200  # 2026-03-01 00:00:00 UTC
UTC = dt.UTC


def _txn(i: int, kind: str = "charge") -> dict:
    amount = 10_000 + i if kind == "charge" else -(5_000 + i)
    return {"id": f"txn_{i:04d}", "object": "balance_transaction", "type": kind,
            "reporting_category": kind, "amount": amount, "fee": 300 if kind == "charge" else 0,
            "net": amount - (300 if kind == "charge" else 0), "currency": "eur", "status": "available",
            "created": T0 + i * 60, "available_on": T0 + 2 * 86_400, "description": None,
            "source": f"po_{i:04d}" if kind == "payout" else f"ch_{i:04d}"}


@pytest.fixture
def stripe_fake():
    fake = FakeStripeLists()
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


def test_stripe_balance_transactions_paginate_and_resume_from_cursor(stripe_fake):
    fake, url = stripe_fake
    fake.balance_transactions = [_txn(i) for i in range(7)] + [_txn(7, "payout")]
    feed = StripeBalanceTransactionsFeed(api_key=fake.api_key, api_base=url, page_size=3)
    pages = list(feed.iter_records(None))
    assert [len(p.records) for p in pages] == [3, 3, 2]
    records = [r for p in pages for r in p.records]
    assert len({r["id"] for r in records}) == 8
    payout = next(r for r in records if r["type"] == "payout")
    assert (payout["payout_id"], payout["amount_minor"], payout["currency"]) == ("po_0007", -5007, "EUR")
    charge = next(r for r in records if r["id"] == "txn_0002")
    assert (charge["amount_minor"], charge["fee_minor"], charge["net_minor"]) == (10_002, 300, 9_702)
    assert charge["created_at"] == dt.datetime.fromtimestamp(T0 + 120, UTC)
    assert [q.get("starting_after") for q in fake.queries if "payout" not in q] == [None, "txn_0005", "txn_0002"]
    assert [q["payout"] for q in fake.queries if "payout" in q] == ["po_0007"]  # the one payout read

    fake.queries.clear()
    cursor = dt.datetime.fromtimestamp(T0 + 5 * 60, UTC)
    resumed = [r["id"] for p in feed.iter_records(cursor) for r in p.records]
    assert sorted(resumed) == ["txn_0005", "txn_0006", "txn_0007"]  # >= the cursor
    assert fake.queries[0]["created[gte]"] == str(T0 + 300)


def test_stripe_payout_members_are_listed_per_payout_and_linked(stripe_fake):
    fake, url = stripe_fake
    fake.balance_transactions = [_txn(i) for i in range(5)] + [_txn(5, "payout"), _txn(6, "payout"),
                                                               _txn(7, "payout")]
    fake.payout_of = {f"txn_{i:04d}": "po_0005" for i in (0, 1, 2, 5)} | {"txn_0003": "po_0006"}
    fake.manual_payouts = {"po_0007"}
    fake.sources = {"ch_0001": {"id": "ch_0001", "object": "charge", "payment_intent": "pi_0001"}}
    feed = StripeBalanceTransactionsFeed(api_key=fake.api_key, api_base=url, page_size=2)
    pages = list(feed.iter_records(None))
    plain, linked = pages[:4], pages[4:]  # the plain listing first, so the linked copies win the merge
    assert all(r["payout_id"] is None for p in plain for r in p.records if r["type"] == "charge")
    linked_rows = {r["id"]: r for p in linked for r in p.records}
    assert {k: r["payout_id"] for k, r in linked_rows.items()} == {
        "txn_0000": "po_0005", "txn_0001": "po_0005", "txn_0002": "po_0005", "txn_0005": "po_0005",
        "txn_0003": "po_0006"}
    assert linked_rows["txn_0001"]["source_id"] == "ch_0001"  # the expanded source still lands as its id
    assert linked_rows["txn_0001"]["payment_intent_id"] == "pi_0001"
    assert linked_rows["txn_0000"]["payment_intent_id"] is None
    member_queries = [q for q in fake.queries if "payout" in q]
    # one listing per payout read (po_0005 takes two pages of 2), expanding the source; the manual
    # payout po_0007 is refused by Stripe and simply lands without members
    assert [(q["payout"], q.get("starting_after")) for q in member_queries] == [
        ("po_0007", None), ("po_0006", None), ("po_0005", None), ("po_0005", "txn_0002")]
    assert all(q["expand[0]"] == "data.source" for q in member_queries)

    fake.queries.clear()
    later = dt.datetime.fromtimestamp(T0 + 6 * 60, UTC)  # only po_0006 and po_0007 are read again
    list(feed.iter_records(later))
    assert sorted(q["payout"] for q in fake.queries if "payout" in q) == ["po_0006", "po_0007"]


def test_stripe_payout_member_listing_failure_is_a_feed_error(stripe_fake):
    fake, url = stripe_fake
    fake.balance_transactions = [_txn(1, "payout")]
    fake.faults.mode = "down"
    feed = StripeBalanceTransactionsFeed(api_key=fake.api_key, api_base=url)
    with pytest.raises(GatewayFeedError):
        list(feed.iter_records(None))


def test_stripe_payouts(stripe_fake):
    fake, url = stripe_fake
    fake.payouts = [{"id": "po_1", "object": "payout", "amount": 48_701_5, "currency": "eur", "status": "paid",
                     "method": "standard", "created": T0, "arrival_date": T0 + 86_400,
                     "balance_transaction": "txn_po_1", "destination": "ba_1"}]
    (page,) = StripePayoutsFeed(api_key=fake.api_key, api_base=url).iter_records(None)
    assert page.records[0]["arrival_on"] == dt.date(2026, 3, 2)
    assert page.records[0]["balance_transaction_id"] == "txn_po_1"


def test_stripe_500_raises_a_feed_error(stripe_fake):
    fake, url = stripe_fake
    fake.faults.mode = "down"
    feed = StripeBalanceTransactionsFeed(api_key=fake.api_key, api_base=url)
    with pytest.raises(GatewayFeedError, match=r"stripe: listing gateway_stripe_balance_transactions failed \(HTTP 500\)"):
        list(feed.iter_records(None))


@pytest.fixture
def razorpay_fake():
    fake = FakeRazorpay()
    fake.settlements = [{"id": f"setl_{i:03d}", "entity": "settlement", "amount": 100_000 + i, "status": "processed",
                         "fees": 2_360, "tax": 360, "utr": f"UTR{i}", "created_at": T0 + i * 3600}
                        for i in range(5)]
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


def test_razorpay_settlements_skip_count_pages_and_cursor(razorpay_fake):
    fake, url = razorpay_fake
    feed = RazorpaySettlementsFeed(key_id=fake.key_id, key_secret=fake.key_secret, base_url=url, page_size=2)
    pages = list(feed.iter_records(None))
    assert [len(p.records) for p in pages] == [2, 2, 1]
    first = pages[0].records[0]
    assert (first["currency"], first["fees_minor"], first["tax_minor"]) == ("INR", 2_360, 360)
    resumed = collect(feed, dt.datetime.fromtimestamp(T0 + 3 * 3600, UTC))
    assert sorted(r["id"] for r in resumed) == ["setl_003", "setl_004"]


def test_razorpay_500_raises_a_feed_error(razorpay_fake):
    fake, url = razorpay_fake
    fake.faults.mode, fake.faults.down_status = "down", 500
    feed = RazorpaySettlementsFeed(key_id=fake.key_id, key_secret=fake.key_secret, base_url=url)
    with pytest.raises(GatewayFeedError, match="razorpay: listing settlements failed"):
        list(feed.iter_records(None))


def _paypal_txn(i: int, day: int, code: str = "T0006") -> dict:
    gross = "125.50" if code == "T0006" else "-20.00"
    info = {"transaction_id": f"9XY{i:014d}", "transaction_event_code": code,
            "transaction_initiation_date": f"2026-{3 + day // 31:02d}-{day % 31 + 1:02d}T10:00:00+0000",
            "transaction_updated_date": f"2026-{3 + day // 31:02d}-{day % 31 + 1:02d}T10:05:00+0000",
            "transaction_amount": {"currency_code": "USD", "value": gross},
            "transaction_status": "S", "invoice_id": f"TS-B{i:05d}"}
    if code == "T0006":
        info["fee_amount"] = {"currency_code": "USD", "value": "-4.69"}
    return info


@pytest.fixture
def paypal_fake():
    fake = FakePayPal()
    fake.transactions = [_paypal_txn(i, day=i * 9) for i in range(8)] + [_paypal_txn(99, day=40, code="T1107")]
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


def test_paypal_transaction_search_windows_pages_and_cursor(paypal_fake):
    fake, url = paypal_fake
    now = dt.datetime(2026, 5, 31, tzinfo=UTC)
    feed = PayPalTransactionsFeed(client_id=fake.client_id, client_secret=fake.client_secret, base_url=url,
                                  page_size=2, first_read_days=100, now=lambda: now)
    records = collect(feed, None)
    assert len(records) == 9 and len({r["transaction_id"] for r in records}) == 9
    assert len(fake.search_windows) >= 4  # 100 days in windows of at most 31
    sale = next(r for r in records if r["transaction_id"] == "9XY00000000000001")
    assert (sale["gross_minor"], sale["fee_minor"], sale["net_minor"], sale["currency"]) == (12_550, 469, 12_081, "USD")
    assert sale["created_at"] == dt.datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    refund = next(r for r in records if r["event_code"] == "T1107")
    assert (refund["gross_minor"], refund["fee_minor"]) == (-2_000, 0)

    fake.search_windows.clear()
    resumed = collect(feed, dt.datetime(2026, 4, 10, 10, 0, tzinfo=UTC))
    # >= the cursor: the refund created exactly at the cursor is read again (the merge absorbs it)
    assert {r["transaction_id"] for r in resumed} == {"9XY00000000000099", "9XY00000000000005",
                                                      "9XY00000000000006", "9XY00000000000007"}
    assert fake.search_windows[0][0] == "2026-04-10T10:00:00Z"


def test_paypal_search_500_raises_a_feed_error(paypal_fake):
    fake, url = paypal_fake
    feed = PayPalTransactionsFeed(client_id=fake.client_id, client_secret=fake.client_secret, base_url=url,
                                  first_read_days=10)
    list(feed.iter_records(None))  # the SDK now holds a token: the next failure is the search itself
    fake.faults.mode, fake.faults.down_status = "down", 500
    with pytest.raises(GatewayFeedError, match=r"paypal: transaction search failed \(HTTP 500\)"):
        list(feed.iter_records(None))


def test_paypal_token_failure_raises_a_feed_error(paypal_fake):
    fake, url = paypal_fake
    feed = PayPalTransactionsFeed(client_id=fake.client_id, client_secret="wrong", base_url=url,
                                  first_read_days=10)
    with pytest.raises(GatewayFeedError, match="paypal: no OAuth token"):
        list(feed.iter_records(None))


def test_credentials_choose_live_or_demo_per_gateway():
    from pydantic import SecretStr

    from tourstack.gateway_feeds import GatewayCredentials, build_feeds
    from tourstack.settings import Settings

    demo = build_feeds(GatewayCredentials(), operational=None)
    assert {feed.source for feed in demo.values()} == {"demo"} and len(demo) == 4
    settings = Settings(stripe_secret_key=SecretStr("sk_live_x"), razorpay_key_id="rzp",
                        razorpay_key_secret=SecretStr("s"))
    mixed = build_feeds(GatewayCredentials.from_settings(settings), operational=None)
    assert {name: feed.source for name, feed in mixed.items()} == {
        "gateway_stripe_balance_transactions": "api", "gateway_stripe_payouts": "api",
        "gateway_razorpay_settlements": "api", "gateway_paypal_transactions": "demo"}
