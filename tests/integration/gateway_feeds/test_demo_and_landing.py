"""Demo readers over seeded operational data, landing by cursor without duplicates, and the
Dagster assets re-run on DuckDB."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.stripe_lists import FakeStripeLists
from tourstack.db.models import Payment, Refund, SettlementBatch
from tourstack.gateway_feeds import GatewayCredentials, build_feeds, current_cursor, land_feed
from tourstack.gateway_feeds.base import collect
from tourstack.gateway_feeds.demo_feed import DemoPayPalTransactionsFeed, DemoStripeBalanceTransactionsFeed
from tourstack.gateway_feeds.stripe_feed import StripeBalanceTransactionsFeed
from tourstack.gateway_feeds.tables import STRIPE_BALANCE_TRANSACTIONS
from tourstack.ingest.load import DuckDBWarehouse


def test_demo_stripe_records_match_the_operational_money(engine):
    records = collect(DemoStripeBalanceTransactionsFeed(engine), None)
    with engine.connect() as c:
        paid = c.execute(select(func.count(), func.sum(Payment.amount_minor)).where(
            Payment.gateway == "stripe", Payment.status == "succeeded")).one()
        refunded = c.execute(select(func.count()).select_from(Refund).join(Payment).where(
            Payment.gateway == "stripe", Refund.status == "succeeded")).scalar_one()
        batches = c.execute(select(func.count()).where(SettlementBatch.gateway == "stripe")).scalar_one()
    charges = [r for r in records if r["type"] == "charge"]
    assert (len(charges), sum(r["amount_minor"] for r in charges)) == tuple(paid)
    assert sum(r["type"] == "refund" for r in records) == refunded
    assert sum(r["type"] == "payout" for r in records) == batches
    assert all(r["source"] == "demo" and r["net_minor"] == r["amount_minor"] - r["fee_minor"] for r in records)
    assert all(r["booking_ref"] for r in charges)
    assert len({r["id"] for r in records}) == len(records)


def test_demo_reader_honours_the_cursor(engine):
    feed = DemoPayPalTransactionsFeed(engine)
    everything = collect(feed, None)
    cut = sorted(r["created_at"] for r in everything)[len(everything) // 2]
    later = collect(feed, cut)
    assert later and all(r["created_at"] >= cut for r in later)
    assert {r["transaction_id"] for r in later} == {r["transaction_id"] for r in everything if r["created_at"] >= cut}


def test_landing_twice_lands_no_duplicates(engine, warehouse):
    feeds = build_feeds(GatewayCredentials(), engine)
    first = {name: land_feed(feed, warehouse) for name, feed in feeds.items()}
    second = {name: land_feed(feed, warehouse) for name, feed in feeds.items()}
    for name in feeds:
        assert first[name].source == "demo" and first[name].rows_in_warehouse > 0
        assert second[name].previous_cursor == first[name].cursor
        assert second[name].records_read < first[name].records_read  # resumed at the cursor
        assert second[name].rows_in_warehouse == first[name].rows_in_warehouse, name
        key = feeds[name].table.key
        dupes = warehouse.frame(f'select count(*) - count(distinct "{key}") from raw."{name}"').iloc[0, 0]
        assert dupes == 0


def test_live_feed_lands_by_cursor_and_creates_empty_tables(warehouse):
    fake = FakeStripeLists()
    t0 = 1_772_323_200
    fake.balance_transactions = [
        {"id": f"txn_{i}", "type": "charge", "amount": 1000, "fee": 30, "net": 970, "currency": "inr",
         "status": "pending", "created": t0 + i, "source": f"ch_{i}"} for i in range(3)]
    with ThreadedServer(fake.app) as server:
        feed = StripeBalanceTransactionsFeed(api_key=fake.api_key, api_base=server.url)
        first = land_feed(feed, warehouse)
        assert (first.records_read, first.rows_in_warehouse) == (3, 3)
        fake.balance_transactions.append({**fake.balance_transactions[-1], "id": "txn_3", "created": t0 + 5})
        fake.balance_transactions[0]["status"] = "available"  # changed at the gateway after landing
        second = land_feed(feed, warehouse)
        assert second.previous_cursor == dt.datetime.fromtimestamp(t0 + 2, dt.UTC)
        # the look-back window re-reads the last week: txn_0..2 merge onto themselves, txn_3 is new
        assert (second.records_read, second.rows_in_warehouse) == (4, 4)
        status = warehouse.frame("select status from raw.gateway_stripe_balance_transactions where id = 'txn_0'")
        assert status.iloc[0, 0] == "available"
    assert current_cursor(warehouse, STRIPE_BALANCE_TRANSACTIONS) == dt.datetime.fromtimestamp(t0 + 5, dt.UTC)


def test_first_run_with_no_records_still_creates_the_table(warehouse):
    class Empty:
        table, source = STRIPE_BALANCE_TRANSACTIONS, "api"

        def iter_records(self, since_cursor):
            return iter(())

    result = land_feed(Empty(), warehouse)
    assert (result.rows_in_warehouse, result.cursor) == (0, None)
    assert list(warehouse.frame("select * from raw.gateway_stripe_balance_transactions").columns)[:3] == [
        "id", "type", "reporting_category"]


def test_dagster_assets_rerun_without_duplicates(engine, tmp_path, monkeypatch):
    from dagster import materialize

    from orchestration.defs.gateway_feeds import gateway_assets
    from orchestration.defs.resources import OperationalDatabase, WarehouseResource
    from orchestration.defs.services import settings_backed_resources
    from tourstack.settings import get_settings

    for name in ("STRIPE_SECRET_KEY", "RAZORPAY_KEY_ID", "PAYPAL_CLIENT_ID"):
        monkeypatch.delenv(f"TOURSTACK_{name}", raising=False)
    get_settings.cache_clear()
    path = tmp_path / "assets.duckdb"
    resources = {"operational_db": OperationalDatabase(url=str(engine.url)),
                 "warehouse": WarehouseResource(kind="duckdb", duckdb_path=str(path)),
                 **settings_backed_resources()}
    counts = []
    for _ in range(2):
        result = materialize(gateway_assets, resources=resources)
        assert result.success
        counts.append({e.asset_key.path[-1]: e.event_specific_data.materialization.metadata["dagster/row_count"].value
                       for e in result.get_asset_materialization_events()})
    assert counts[0] == counts[1] and len(counts[0]) == 4
    wh = DuckDBWarehouse(str(path))
    try:
        for name, rows in counts[0].items():
            assert wh.row_count(name) == rows
    finally:
        wh.close()
    get_settings.cache_clear()
