"""The API's hot queries use an index on PostgreSQL, proved by EXPLAIN on enough rows that the
planner would rather scan the table if no index served (30,000 bookings and invoices over 50
agencies, 30,000 payments), after ANALYZE, with the planner's default settings.

The SQL explained is the SQL the query functions really send (captured from the engine), with its
parameters, so a change to a query that loses its index fails here.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import psycopg
import pytest
from sqlalchemy import event, text

from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import Booking, Invoice, Payment
from tourstack.invoicing.queries import InvoiceFilters, list_invoices
from tourstack.payments.service import list_payments
from tourstack.sales import BookingFilters, list_bookings

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
ROWS = 30_000
AGENCIES = 50


def _clone(conn, table, seed_id: int, overrides: dict[str, str]) -> None:
    """ROWS copies of one row, with some columns computed from g = 1..ROWS."""
    cols = [c.name for c in table.columns if c.name != "id"]
    values = [overrides.get(c, c) for c in cols]
    conn.execute(text(f"INSERT INTO {table.name} ({', '.join(cols)}) SELECT {', '.join(values)} "
                      f"FROM {table.name}, generate_series(1, {ROWS}) AS g WHERE {table.name}.id = {seed_id}"))


@pytest.fixture(scope="module")
def big(pg_admin_url):
    """One database for the module (filling it is the slow part), dropped at the end."""
    name = f"ts_explain_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{pg_admin_url.rpartition('/')[0]}/{name}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as s:
        dest = f.make_destination(s)
        agencies = [f.make_agency(s) for _ in range(AGENCIES)]
        agent = f.make_agent(s, agencies[0])
        booking = f.make_booking(s, agent, destination=dest)
        invoice = Invoice(series="TS", fiscal_year=2026, booking_id=booking.id, agency_id=agencies[0].id,
                          currency="INR", subtotal_minor=100, tax_minor=5, total_minor=105, status="draft")
        s.add(invoice)
        s.flush()
        payment = Payment(booking_id=booking.id, invoice_id=invoice.id, gateway="stripe", gateway_reference="pi_0",
                          method="card", amount_minor=105, currency="INR", status="succeeded",
                          attempted_at=dt.datetime.now(dt.UTC))
        s.add(payment)
        s.commit()
        ids = "ARRAY[" + ",".join(str(a.id) for a in agencies) + "]"
        first_invoice = invoice.id
        with engine.begin() as conn:
            _clone(conn, Booking.__table__, booking.id, {
                "booking_ref": "'BX' || g", "agency_id": f"({ids})[1 + g % {AGENCIES}]",
                "status": "(ARRAY['pending','confirmed','paid','completed','cancelled'])[1 + g % 5]",
                "booked_at": "now() - g * interval '1 hour'"})
            _clone(conn, Invoice.__table__, invoice.id, {
                "agency_id": f"({ids})[1 + g % {AGENCIES}]",
                "status": "(ARRAY['draft','pending_approval','approved','issued','partially_paid','paid','void'])[1 + g % 7]"})
            _clone(conn, Payment.__table__, payment.id, {
                "invoice_id": f"{first_invoice} + g", "gateway_reference": "'pi_' || g"})
            for table in ("bookings", "invoices", "payments"):
                conn.execute(text(f"ANALYZE {table}"))
    yield engine, sessions, agencies
    engine.dispose()
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _plan_of(engine, sessions, query) -> dict:
    """EXPLAIN (FORMAT JSON) of the last statement `query(session)` sent."""
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with sessions() as s:
            query(s)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = sent[-1]
    with engine.connect() as conn:
        raw = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _scans(plan: dict) -> tuple[set[str], set[str]]:
    """(every index the plan reads, every relation it reads whole)."""
    indexes = {n["Index Name"] for n in _nodes(plan) if "Index Name" in n}
    seq = {n["Relation Name"] for n in _nodes(plan) if n["Node Type"] == "Seq Scan"}
    return indexes, seq


def test_booking_list_by_agency_status_and_dates_uses_the_compound_index(big):
    engine, sessions, agencies = big
    today = dt.date.today()
    plan = _plan_of(engine, sessions, lambda s: list_bookings(
        s, agency_id=agencies[7].id, limit=50,
        filters=BookingFilters(status="confirmed", booked_from=today - dt.timedelta(days=400), booked_to=today)))
    indexes, seq = _scans(plan)
    assert "ix_bookings_agency_status_id" in indexes and "bookings" not in seq, (indexes, seq)


def test_invoice_list_by_agency_and_status_uses_the_compound_index(big):
    engine, sessions, agencies = big
    plan = _plan_of(engine, sessions, lambda s: list_invoices(
        s, agency_id=agencies[3].id, limit=50, filters=InvoiceFilters(status="issued")))
    indexes, seq = _scans(plan)
    assert "ix_invoices_agency_status_id" in indexes and "invoices" not in seq, (indexes, seq)


def test_payments_of_an_invoice_use_its_index(big):
    engine, sessions, _ = big

    def by_invoice(s):
        row = s.execute(text("SELECT id FROM invoices ORDER BY id DESC LIMIT 1 OFFSET 100")).scalar()
        return s.query(Payment).filter(Payment.invoice_id == row).all()

    indexes, seq = _scans(_plan_of(engine, sessions, by_invoice))
    assert "ix_payments_invoice_id" in indexes and "payments" not in seq, (indexes, seq)


def test_staff_booking_list_by_status_pages_by_the_primary_key_not_a_scan(big):
    engine, sessions, _ = big
    plan = _plan_of(engine, sessions, lambda s: list_bookings(
        s, agency_id=None, limit=50, filters=BookingFilters(status="paid")))
    indexes, seq = _scans(plan)
    assert "bookings" not in seq, (indexes, seq)
