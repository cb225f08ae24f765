"""Dues: which items count, due dates from payment terms, multi-currency, and payout coverage."""

from __future__ import annotations

import datetime as dt

from tests import factories as f
from tests.unit.supplier_payouts.conftest import item
from tourstack.db.models import SupplierPayout
from tourstack.supplier_payouts import item_dues, supplier_dues

D = dt.date


def test_due_date_is_service_date_plus_payment_terms(session, world):
    item(session, world.booking, world.hotel, D(2026, 5, 10), 12_345_67)
    item(session, world.booking, world.guide, D(2026, 5, 10), 250_00)
    item(session, world.booking, world.jpy, D(2026, 5, 10), 48_000)
    dues = {d.supplier_id: d for d in item_dues(session)}
    assert dues[world.hotel.id].due_on == D(2026, 6, 9)
    assert dues[world.guide.id].due_on == D(2026, 5, 10)
    assert dues[world.jpy.id].due_on == D(2026, 5, 25)
    assert {d.currency for d in dues.values()} == {"INR", "EUR", "JPY"}


def test_grouped_per_supplier_currency_and_due_date_in_exact_minor_units(session, world):
    item(session, world.booking, world.hotel, D(2026, 5, 10), 10_000_01)
    item(session, world.booking, world.hotel, D(2026, 5, 10), 20_000_02)
    item(session, world.booking, world.hotel, D(2026, 5, 11), 5_00)
    item(session, world.booking, world.jpy, D(2026, 5, 10), 48_001)
    dues = supplier_dues(session, D(2026, 6, 10))
    hotel = [d for d in dues if d.supplier_id == world.hotel.id]
    assert [(d.due_on, d.item_count, d.cost_minor) for d in hotel] == [
        (D(2026, 6, 9), 2, 30_000_03), (D(2026, 6, 10), 1, 5_00)]
    assert hotel[0].overdue and not hotel[1].overdue  # due before as_of vs due on as_of
    jpy = [d for d in dues if d.supplier_id == world.jpy.id]
    assert [(d.currency, d.cost_minor, d.outstanding_minor) for d in jpy] == [("JPY", 48_001, 48_001)]


def test_only_confirmed_items_of_live_bookings_served_by_as_of_count(session, world):
    item(session, world.booking, world.hotel, D(2026, 5, 1), 100_00)
    item(session, world.booking, world.hotel, D(2026, 5, 1), 200_00, status="cancelled")
    item(session, world.booking, world.hotel, D(2026, 5, 1), 300_00, status="pending")
    item(session, world.booking, world.hotel, D(2026, 7, 1), 400_00)  # after as_of
    cancelled = f.make_booking(session, status="cancelled")
    item(session, cancelled, world.hotel, D(2026, 5, 1), 500_00)
    deleted = f.make_booking(session, deleted_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    item(session, deleted, world.hotel, D(2026, 5, 1), 600_00)
    dues = supplier_dues(session, D(2026, 6, 15), world.hotel.id)
    assert [(d.item_count, d.cost_minor) for d in dues] == [(1, 100_00)]


def test_payouts_without_links_cover_their_period_in_service_date_order(session, world):
    a = item(session, world.booking, world.hotel, D(2026, 4, 3), 100_00)
    b = item(session, world.booking, world.hotel, D(2026, 4, 20), 300_00)
    c = item(session, world.booking, world.hotel, D(2026, 5, 2), 50_00)  # outside the period
    session.add_all([
        SupplierPayout(supplier_id=world.hotel.id, amount_minor=250_00, currency="INR",
                       period_start=D(2026, 4, 1), period_end=D(2026, 4, 30), status="paid",
                       paid_on=D(2026, 5, 5), reference="SP-1"),
        SupplierPayout(supplier_id=world.hotel.id, amount_minor=999_00, currency="INR",
                       period_start=D(2026, 4, 1), period_end=D(2026, 4, 30), status="rejected"),
        SupplierPayout(supplier_id=world.hotel.id, amount_minor=999_00, currency="EUR",
                       period_start=D(2026, 4, 1), period_end=D(2026, 4, 30), status="paid"),
    ])
    session.flush()
    dues = {d.booking_item_id: d for d in item_dues(session)}
    assert (dues[a.id].paid_minor, dues[a.id].outstanding_minor) == (100_00, 0)
    assert (dues[b.id].paid_minor, dues[b.id].outstanding_minor) == (150_00, 150_00)
    assert dues[c.id].paid_minor == 0


def test_coverage_is_capped_at_cost_paid_first(session, world):
    a = item(session, world.booking, world.hotel, D(2026, 4, 3), 100_00)
    for status in ("paid", "paid", "approved"):
        session.add(SupplierPayout(supplier_id=world.hotel.id, amount_minor=60_00, currency="INR",
                                   period_start=D(2026, 4, 1), period_end=D(2026, 4, 30), status=status))
    session.flush()
    (due,) = item_dues(session)
    assert (due.paid_minor, due.in_payment_minor, due.outstanding_minor, due.unproposed_minor) == (
        100_00, 0, 0, 0)
    assert supplier_dues(session, D(2026, 6, 1)) == []
    assert len(supplier_dues(session, D(2026, 6, 1), include_settled=True)) == 1
    assert a.id == due.booking_item_id
