"""The demo generator: determinism, referential integrity and money invariants on a tiny seed."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from sqlalchemy import inspect

import tourstack.db.models  # noqa: F401
from tourstack.db.base import Base
from tourstack.demo import DemoConfigError, seed

AS_OF = "2026-11-25"
SIZE = 300


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[str, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo") / "seeded.db"
    url = f"sqlite:///{path}"
    counts = seed(url, SIZE, seed=7, as_of=AS_OF, progress=False)
    return str(path), counts


def _db(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path)


def _digest(path: str) -> str:
    h = hashlib.sha256()
    with _db(path) as conn:
        for table in sorted(Base.metadata.tables):
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                h.update(repr(row).encode())
    return h.hexdigest()


def _scalar(path: str, sql: str):
    with _db(path) as conn:
        return conn.execute(sql).fetchone()[0]


def test_every_generated_table_is_filled(seeded):
    _, counts = seeded
    # Tables owned by workflows rather than history (audit trails, the links a payout proposal
    # writes, gateway webhook deliveries) may stay empty, and disputes are rare enough that a tiny
    # run may have none. Statement files, saved reports and their schedules, and the e-mail
    # archive are written by people and jobs, never by the generator (its bank lines are history);
    # so is the messaging outbox (events announce themselves as they happen).
    allowed_empty = {
        "invoice_events", "supplier_payout_events", "supplier_payout_items", "disputes",
        "webhook_events", "reconciliation_matches", "reconciliation_exceptions",
        "reconciliation_decisions", "ai_generations", "itinerary_revisions",
        "bank_statement_imports", "saved_reports", "report_schedules", "executive_emails",
        "outbox_messages", "outbox_rate_slots", "message_threads", "calendar_events",
        "booking_requests",  # Idempotency-Keys of bookings made through the API, not the generator
        # the accounting sync's and the inbox's rows come from providers and mail, not the generator
        "accounting_connections", "accounting_mappings", "accounting_sync_errors", "accounting_conflicts",
        "accounting_remote_payments", "accounting_webhook_deliveries",
        "inbox_messages", "inbox_staged_rates", "inbox_confirmations", "inbox_tasks", "inbox_inbound_tokens",
        "whatsapp_contacts", "whatsapp_messages",  # customers' consent and conversations
    }
    empty = {t for t, n in counts.items() if n == 0} - allowed_empty
    assert not empty
    assert counts["bookings"] == SIZE


def test_same_seed_same_data_and_other_seed_differs(seeded, tmp_path):
    path, _ = seeded
    again = tmp_path / "again.db"
    seed(f"sqlite:///{again}", SIZE, seed=7, as_of=AS_OF, progress=False)
    other = tmp_path / "other.db"
    seed(f"sqlite:///{other}", SIZE, seed=8, as_of=AS_OF, progress=False)
    assert _digest(path) == _digest(str(again))
    assert _digest(path) != _digest(str(other))


def test_foreign_keys_hold(seeded):
    path, _ = seeded
    with _db(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_invoice_totals_tie_to_lines(seeded):
    path, _ = seeded
    bad = _scalar(path, """
        SELECT COUNT(*) FROM invoices i WHERE total_minor != subtotal_minor + tax_minor
          OR subtotal_minor != (SELECT SUM(amount_minor) FROM invoice_lines l WHERE l.invoice_id = i.id)
          OR tax_minor != (SELECT SUM(tax_minor) FROM invoice_lines l WHERE l.invoice_id = i.id)
          OR tax_minor != cgst_minor + sgst_minor + igst_minor + vat_minor""")
    assert bad == 0
    assert _scalar(path, "SELECT COUNT(*) FROM invoice_lines WHERE quantity * unit_price_minor != amount_minor") == 0
    assert _scalar(path, "SELECT COUNT(*) FROM invoices i JOIN bookings b ON b.id = i.booking_id "
                         "WHERE i.subtotal_minor != b.total_sell_minor") == 0


def test_invoice_numbers_are_gapless_per_series_and_year(seeded):
    path, _ = seeded
    with _db(path) as conn:
        rows = conn.execute("""SELECT series, fiscal_year, MIN(sequence_number), MAX(sequence_number),
                                      COUNT(sequence_number), COUNT(DISTINCT invoice_number)
                               FROM invoices WHERE sequence_number IS NOT NULL GROUP BY 1, 2""").fetchall()
        counters = dict(((s, y), n) for s, y, n in conn.execute(
            "SELECT series, fiscal_year, last_number FROM invoice_counters"))
    assert rows
    for series, year, lo, hi, n, distinct in rows:
        assert (lo, hi) == (1, n) and distinct == n
        assert counters[(series, year)] == hi


def test_settlement_batches_tie_out(seeded):
    path, _ = seeded
    bad = _scalar(path, """
        SELECT COUNT(*) FROM settlement_batches b WHERE net_minor != gross_minor - fee_minor
          OR gross_minor != (SELECT COALESCE(SUM(amount_minor), 0) FROM payments p WHERE p.settlement_batch_id = b.id)
          OR fee_minor != (SELECT COALESCE(SUM(fee_minor), 0) FROM payments p WHERE p.settlement_batch_id = b.id)""")
    assert bad == 0
    assert _scalar(path, "SELECT COUNT(*) FROM settlement_batches") > 0
    # Every batch is credited to the bank under its reference, for its net amount.
    assert _scalar(path, """SELECT COUNT(*) FROM settlement_batches b WHERE NOT EXISTS (
        SELECT 1 FROM bank_statement_lines s WHERE s.reference = b.batch_reference
        AND s.amount_minor = b.net_minor AND s.currency = b.currency)""") == 0
    assert _scalar(path, "SELECT COUNT(*) FROM payments WHERE status = 'failed' "
                         "AND (settlement_batch_id IS NOT NULL OR fee_minor != 0 OR failure_code IS NULL)") == 0


def test_payments_match_plans(seeded):
    path, _ = seeded
    assert _scalar(path, """SELECT COUNT(*) FROM payment_plans pp WHERE total_minor !=
        (SELECT SUM(amount_minor) FROM installments i WHERE i.payment_plan_id = pp.id)""") == 0
    assert _scalar(path, """SELECT COUNT(*) FROM payment_plans pp JOIN invoices i ON i.booking_id = pp.booking_id
        WHERE pp.total_minor != i.total_minor""") == 0
    assert _scalar(path, """SELECT COUNT(*) FROM installments i WHERE i.status = 'paid' AND i.amount_minor !=
        (SELECT SUM(amount_minor) FROM payments p WHERE p.installment_id = i.id AND p.status = 'succeeded')""") == 0
    assert _scalar(path, """SELECT COUNT(*) FROM installments i WHERE i.status != 'paid' AND EXISTS
        (SELECT 1 FROM payments p WHERE p.installment_id = i.id AND p.status = 'succeeded')""") == 0
    assert _scalar(path, """SELECT COUNT(*) FROM refunds r JOIN payments p ON p.id = r.payment_id
        WHERE r.amount_minor > p.amount_minor OR p.status != 'succeeded' OR r.currency != p.currency""") == 0
    share = _scalar(path, "SELECT AVG(status = 'failed') FROM payments")
    assert 0.01 < share < 0.1


def test_amounts_are_integers_and_timestamps_consistent(seeded):
    path, _ = seeded
    with _db(path) as conn:
        for table in Base.metadata.tables.values():
            for col in table.c:
                if col.name.endswith("_minor"):
                    kinds = {r[0] for r in conn.execute(f"SELECT DISTINCT typeof({col.name}) FROM {table.name}")}
                    assert kinds <= {"integer", "null"}, (table.name, col.name, kinds)
            if "created_at" in table.c:
                later = conn.execute(f"SELECT COUNT(*) FROM {table.name} WHERE updated_at < created_at "
                                     f"OR created_at >= '2026-11-26'").fetchone()[0]
                assert later == 0, table.name
    assert _scalar(path, "SELECT COUNT(*) FROM quotes WHERE sent_at < requested_at OR responded_at < sent_at") == 0
    assert _scalar(path, "SELECT COUNT(*) FROM bookings b JOIN quotes q ON q.id = b.quote_id "
                         "WHERE q.responded_at > b.booked_at OR q.status != 'accepted'") == 0
    assert _scalar(path, "SELECT COUNT(*) FROM booking_items WHERE supplier_confirmed_at < supplier_requested_at") == 0


def test_business_shape(seeded):
    path, _ = seeded
    cancelled = _scalar(path, "SELECT AVG(status = 'cancelled') FROM bookings")
    assert 0.02 < cancelled < 0.16
    with _db(path) as conn:
        currencies = {r[0] for r in conn.execute("SELECT DISTINCT currency FROM bookings UNION "
                                                 "SELECT DISTINCT cost_currency FROM booking_items")}
        fx = {r[0]: r[1] for r in conn.execute("SELECT quote_currency, MIN(source) FROM fx_rates GROUP BY 1")}
    assert {"INR", "USD", "EUR", "GBP", "AED", "SGD", "THB"} <= currencies
    assert fx["AED"] == "ecb_derived" and fx["INR"] == "ecb"


def test_catalogue_requirements(seeded):
    path, counts = seeded
    assert counts["destinations"] >= 8 and counts["sites"] >= 300 and counts["agencies"] >= 50
    assert _scalar(path, "SELECT COUNT(DISTINCT country_code) FROM destinations") >= 5
    with _db(path) as conn:
        taj = conn.execute("SELECT id, latitude, longitude FROM sites WHERE name = 'Taj Mahal'").fetchone()
        days = {r[0] for r in conn.execute("SELECT weekday FROM site_opening_hours WHERE site_id = ?", (taj[0],))}
        crowd = conn.execute("SELECT COUNT(*) FROM site_crowd_levels WHERE site_id = ?", (taj[0],)).fetchone()[0]
        kinds = {r[0] for r in conn.execute("SELECT DISTINCT kind FROM suppliers")}
    assert abs(taj[1] - 27.1751) < 0.01 and abs(taj[2] - 78.0421) < 0.01
    assert days == {1, 2, 3, 4, 6, 7}  # closed on Fridays
    assert crowd > 0
    assert kinds == {"hotel", "transport", "guide", "activity"}


def test_refuses_non_empty_database(seeded):
    path, _ = seeded
    with pytest.raises(DemoConfigError, match="already holds data"):
        seed(f"sqlite:///{path}", "tiny", seed=7, as_of=AS_OF, progress=False)


def test_reset_replaces_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    seed(url, 50, seed=1, as_of=AS_OF, progress=False)
    counts = seed(url, 60, seed=1, as_of=AS_OF, progress=False, reset=True)
    assert counts["bookings"] == 60
    from tourstack.db.engine import make_engine

    engine = make_engine(url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
