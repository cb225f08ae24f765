"""Settlement batches from landed gateway payouts: amounts, payment links, idempotence, the demo
left alone, and the reconciliation matching a bank payout line to a synced batch."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.fakes.asgi_server import ThreadedServer
from tests.settlement_helpers import grow_first_payout, land_live, live_payments, stripe_world
from tourstack.db.models import BankStatementLine, Payment, ReconciliationMatch, SettlementBatch
from tourstack.gateway_feeds import GatewayCredentials, build_feeds, land_feed
from tourstack.gateway_feeds.settlements import sync_settlement_batches
from tourstack.reconcile.operational import run_reconciliation


@pytest.fixture
def stripe():
    fake = stripe_world()
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


def _batch(engine, reference: str) -> SettlementBatch | None:
    with Session(engine) as session:
        return session.scalar(select(SettlementBatch).where(SettlementBatch.batch_reference == reference))


def _batch_of(engine, payment_id: int) -> int | None:
    with Session(engine) as session:
        return session.get(Payment, payment_id).settlement_batch_id


def _amounts(batch: SettlementBatch) -> tuple:
    return batch.gateway, batch.currency, batch.gross_minor, batch.fee_minor, batch.net_minor, batch.settled_on


def test_live_payouts_become_batches_and_link_payments(engine, warehouse, stripe):
    fake, url = stripe
    by_intent, by_charge = live_payments(engine)
    land_live(warehouse, fake, url)

    result = sync_settlement_batches(warehouse, engine, bank_account="DE89370400440532013000")
    assert (result.inserted, result.updated, result.payments_linked) == (4, 0, 2)
    assert sorted(result.without_breakdown) == ["WD1", "po_2"]
    assert result.skipped_demo == 0 and result.conflicts == []
    assert result.skipped_not_paid == 3  # the failed Stripe payout, Razorpay settlement, PayPal withdrawal

    first = _batch(engine, "po_1NkQa2")
    assert _amounts(first) == ("stripe", "EUR", 13_000, 495, 12_505, dt.date(2026, 3, 4))  # arrival date
    assert first.bank_account == "DE89370400440532013000"
    assert _amounts(_batch(engine, "po_2")) == ("stripe", "EUR", 7_000, 0, 7_000, dt.date(2026, 3, 4))
    assert _batch(engine, "po_3") is None  # failed: never reaches the bank
    assert _amounts(_batch(engine, "setl_1")) == ("razorpay", "INR", 100_006, 2_006, 98_000, dt.date(2026, 3, 2))
    assert _batch(engine, "setl_2") is None
    assert _amounts(_batch(engine, "WD1")) == ("paypal", "USD", 45_000, 0, 45_000, dt.date(2026, 3, 4))
    assert _batch(engine, "WD2") is None and _batch(engine, "CAP1") is None
    assert _batch_of(engine, by_intent) == first.id and _batch_of(engine, by_charge) == first.id

    again = sync_settlement_batches(warehouse, engine, bank_account="DE89370400440532013000")
    assert (again.inserted, again.updated, again.payments_linked) == (0, 0, 0)
    assert again.unchanged == 4


def test_a_changed_payout_updates_its_batch(engine, warehouse, stripe):
    fake, url = stripe
    land_live(warehouse, fake, url)
    assert sync_settlement_batches(warehouse, engine).inserted == 4
    before = _batch(engine, "po_1NkQa2")
    assert before.bank_account == "stripe"  # no bank-transfer account configured
    grow_first_payout(fake)
    land_live(warehouse, fake, url)  # the look-back re-reads the payout and its transactions
    second = sync_settlement_batches(warehouse, engine)
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, 3)
    after = _batch(engine, "po_1NkQa2")
    assert after.id == before.id and _amounts(after)[2:5] == (14_000, 525, 13_475)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SettlementBatch)
                              .where(SettlementBatch.batch_reference == "po_1NkQa2")) == 1


def test_a_payout_without_landed_transactions_has_no_breakdown_until_they_land(engine, warehouse, stripe):
    fake, url = stripe
    from tourstack.gateway_feeds.stripe_feed import StripePayoutsFeed

    land_feed(StripePayoutsFeed(api_key=fake.api_key, api_base=url), warehouse)  # payouts first
    early = sync_settlement_batches(warehouse, engine)
    assert "po_1NkQa2" in early.without_breakdown
    assert _amounts(_batch(engine, "po_1NkQa2"))[2:5] == (12_505, 0, 12_505)
    land_live(warehouse, fake, url)
    later = sync_settlement_batches(warehouse, engine)
    assert "po_1NkQa2" not in later.without_breakdown and later.updated == 1
    assert _amounts(_batch(engine, "po_1NkQa2"))[2:5] == (13_000, 495, 12_505)


def test_demo_feeds_change_nothing(engine, warehouse):
    for feed in build_feeds(GatewayCredentials(), engine).values():
        land_feed(feed, warehouse)
    with Session(engine) as session:
        before = session.execute(select(SettlementBatch.id, SettlementBatch.gross_minor, SettlementBatch.fee_minor,
                                        SettlementBatch.net_minor, SettlementBatch.updated_at)
                                 .order_by(SettlementBatch.id)).all()
        links = session.execute(select(Payment.id, Payment.settlement_batch_id).order_by(Payment.id)).all()
        gateway_batches = session.scalar(select(func.count()).select_from(SettlementBatch)
                                         .where(SettlementBatch.gateway.in_(("stripe", "razorpay", "paypal"))))
    result = sync_settlement_batches(warehouse, engine)
    assert (result.inserted, result.updated, result.payments_linked) == (0, 0, 0)
    assert result.skipped_demo == gateway_batches > 0
    with Session(engine) as session:
        assert session.execute(select(SettlementBatch.id, SettlementBatch.gross_minor, SettlementBatch.fee_minor,
                                      SettlementBatch.net_minor, SettlementBatch.updated_at)
                               .order_by(SettlementBatch.id)).all() == before
        assert session.execute(select(Payment.id, Payment.settlement_batch_id).order_by(Payment.id)).all() == links


def test_no_landed_tables_is_an_empty_sync(engine, warehouse):
    result = sync_settlement_batches(warehouse, engine)
    assert result.summary == {"inserted": 0, "updated": 0, "unchanged": 0, "payments_linked": 0,
                              "skipped_demo": 0, "skipped_not_paid": 0, "without_breakdown": 0, "conflicts": 0}


def test_reconciliation_matches_the_bank_payout_line_to_the_synced_batch(engine, warehouse, stripe):
    fake, url = stripe
    land_live(warehouse, fake, url)
    sync_settlement_batches(warehouse, engine)
    batch_id = _batch(engine, "po_1NkQa2").id
    with Session(engine) as session, session.begin():
        line = BankStatementLine(bank_account="DE89370400440532013000", booked_on=dt.date(2026, 3, 4),
                                 value_on=dt.date(2026, 3, 4), amount_minor=12_505, currency="EUR",
                                 reference="STRIPE po_1NkQa2", counterparty="STRIPE PAYMENTS", description="Payout")
        session.add(line)
        session.flush()
        line_id = line.id
    with Session(engine) as session, session.begin():
        run_reconciliation(session, rates=None, as_of=dt.date(2026, 3, 10))
        match = session.execute(select(ReconciliationMatch.settlement_batch_id, ReconciliationMatch.rule,
                                       ReconciliationMatch.amount_minor)
                                .where(ReconciliationMatch.txn_key == f"bank:{line_id}")).one()
    assert tuple(match) == (batch_id, "payout_batch", 12_505)


def test_the_dagster_asset_reports_the_sync(engine, tmp_path, monkeypatch):
    from dagster import materialize

    from orchestration.defs.gateway_feeds import gateway_assets, gateway_settlement_batches
    from orchestration.defs.resources import OperationalDatabase, WarehouseResource
    from orchestration.defs.services import settings_backed_resources
    from tourstack.settings import get_settings

    for name in ("STRIPE_SECRET_KEY", "RAZORPAY_KEY_ID", "PAYPAL_CLIENT_ID", "BANK_TRANSFER_IBAN",
                 "BANK_TRANSFER_ACCOUNT_NUMBER"):
        monkeypatch.delenv(f"TOURSTACK_{name}", raising=False)
    get_settings.cache_clear()
    resources = {"operational_db": OperationalDatabase(url=str(engine.url)),
                 "warehouse": WarehouseResource(kind="duckdb", duckdb_path=str(tmp_path / "assets.duckdb")),
                 **settings_backed_resources()}
    try:
        result = materialize([*gateway_assets, gateway_settlement_batches], resources=resources)
    finally:
        get_settings.cache_clear()
    assert result.success
    (mat,) = result.asset_materializations_for_node("gateway_settlement_batches")
    metadata = {k: v.value for k, v in mat.metadata.items()}
    assert (metadata["inserted"], metadata["updated"], metadata["payments_linked"]) == (0, 0, 0)  # demo
    assert metadata["batches_without_breakdown"] == 0 and metadata["skipped_demo"] > 0
