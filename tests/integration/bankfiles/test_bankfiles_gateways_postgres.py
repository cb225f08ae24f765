"""Bank statement import, gateway landing and settlement batches on a real PostgreSQL: the
partial unique index, the migration's foreign key, the COPY-based merge and the raw-table SQL of
the batch sync behave as on SQLite/DuckDB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.fakes.asgi_server import ThreadedServer
from tests.pipeline_helpers import seed_tiny
from tests.settlement_helpers import land_live, live_payments, stripe_world
from tourstack.bankfiles import DuplicateFileError, import_file
from tourstack.db.engine import make_engine
from tourstack.db.migrate import downgrade, upgrade
from tourstack.db.models import (
    BankStatementImport,
    BankStatementLine,
    Payment,
    ReconciliationMatch,
    SettlementBatch,
)
from tourstack.gateway_feeds import FeedPage, land_feed
from tourstack.gateway_feeds.tables import PAYPAL_TRANSACTIONS
from tourstack.gateway_feeds.land import LOOKBACK
from tourstack.gateway_feeds.settlements import sync_settlement_batches
from tourstack.ingest.load import PostgresWarehouse
from tourstack.reconcile.operational import run_reconciliation

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bankfiles"


def test_camt_import_on_postgres(make_pg_database):
    url = make_pg_database("ts_bank")
    upgrade(url)
    engine = make_engine(url)
    try:
        first = import_file(engine, FIXTURES / "statement_camt053_v02.xml")
        assert (first.lines_imported, first.bank_account) == (3, "DE89370400440532013000")
        with pytest.raises(DuplicateFileError):
            import_file(engine, FIXTURES / "statement_camt053_v02.xml")
        overlap = import_file(engine, FIXTURES / "statement_2026_03_week1_2.csv")
        assert (overlap.lines_imported, overlap.duplicates_skipped) == (2, 1)
        with engine.connect() as c:
            amounts = c.execute(select(BankStatementLine.amount_minor).order_by(BankStatementLine.entry_id)).scalars().all()
            imports = c.execute(select(func.count()).select_from(BankStatementImport)).scalar_one()
        assert amounts == [125000, -8540, 487015, -120000, 31050] and imports == 2
    finally:
        engine.dispose()
    downgrade(url, "0007")  # the batch migration runs both ways on PostgreSQL too
    upgrade(url)


class _FixedFeed:
    table, source = PAYPAL_TRANSACTIONS, "api"

    def __init__(self, records):
        self.records, self.seen = records, []

    def iter_records(self, since_cursor):
        self.seen.append(since_cursor)
        chosen = [r for r in self.records if since_cursor is None or r["created_at"] >= since_cursor]
        yield FeedPage(chosen, max((r["created_at"] for r in chosen), default=None))


def _txn(i: int) -> dict:
    created = dt.datetime(2026, 3, 1, 10, i, tzinfo=dt.UTC)
    return {"transaction_id": f"TX{i}", "event_code": "T0006", "status": "S", "gross_minor": 1000 + i,
            "fee_minor": 30, "net_minor": 970 + i, "currency": "USD", "created_at": created,
            "updated_at": created, "invoice_id": None, "custom_field": "a,b \"quoted\"", "reference_id": None,
            "booking_ref": None, "source": "api"}


def test_gateway_landing_on_postgres_merges_by_key(make_pg_database):
    warehouse = PostgresWarehouse(make_pg_database("ts_gw"))
    try:
        feed = _FixedFeed([_txn(i) for i in range(3)])
        assert land_feed(feed, warehouse).rows_in_warehouse == 3
        feed.records.append(_txn(5))
        second = land_feed(feed, warehouse)
        assert feed.seen[-1] == dt.datetime(2026, 3, 1, 10, 2, tzinfo=dt.UTC) - LOOKBACK  # cursor minus look-back
        assert (second.records_read, second.rows_in_warehouse) == (4, 4)  # the look-back re-reads the week
        frame = warehouse.frame("select custom_field, gross_minor from raw.gateway_paypal_transactions"
                                " order by transaction_id")
        assert list(frame["gross_minor"]) == [1000, 1001, 1002, 1005]
        assert frame["custom_field"][0] == 'a,b "quoted"'
    finally:
        warehouse.close()


def test_settlement_batches_sync_and_reconcile_on_postgres(make_pg_database):
    """Warehouse and operational database both on PostgreSQL: the raw-table SQL, the upsert and
    the payment links, a second run that changes nothing, and the payout matched to its batch."""
    operational_url = make_pg_database("ts_settle_op")
    seed_tiny(operational_url)
    engine = make_engine(operational_url)
    warehouse = PostgresWarehouse(make_pg_database("ts_settle_wh"))
    fake = stripe_world()
    try:
        by_intent, by_charge = live_payments(engine)
        with ThreadedServer(fake.app) as server:
            land_live(warehouse, fake, server.url)
        first = sync_settlement_batches(warehouse, engine, bank_account="DE89370400440532013000")
        assert (first.inserted, first.payments_linked) == (4, 2)
        assert sorted(first.without_breakdown) == ["WD1", "po_2"]
        again = sync_settlement_batches(warehouse, engine, bank_account="DE89370400440532013000")
        assert (again.inserted, again.updated, again.payments_linked, again.unchanged) == (0, 0, 0, 4)
        with Session(engine) as session, session.begin():
            batch = session.scalar(select(SettlementBatch).where(SettlementBatch.batch_reference == "po_1NkQa2"))
            assert (batch.gross_minor, batch.fee_minor, batch.net_minor, batch.settled_on) == (
                13_000, 495, 12_505, dt.date(2026, 3, 4))
            expected_id = batch.id
            assert {session.get(Payment, by_intent).settlement_batch_id,
                    session.get(Payment, by_charge).settlement_batch_id} == {expected_id}
            line = BankStatementLine(bank_account="DE89370400440532013000", booked_on=dt.date(2026, 3, 4),
                                     value_on=dt.date(2026, 3, 4), amount_minor=12_505, currency="EUR",
                                     reference=None, counterparty="STRIPE PAYMENTS",
                                     description="STRIPE PAYOUT po_1NkQa2")
            session.add(line)
            session.flush()
            run_reconciliation(session, rates=None, as_of=dt.date(2026, 3, 10))
            rule, batch_id = session.execute(select(ReconciliationMatch.rule, ReconciliationMatch.settlement_batch_id)
                                             .where(ReconciliationMatch.txn_key == f"bank:{line.id}")).one()
        assert (rule, batch_id) == ("payout_batch", expected_id)
    finally:
        warehouse.close()
        engine.dispose()
