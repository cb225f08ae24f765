"""Supplier payouts proposed, approved and marked paid at the same moment: every due booking
item is in one live payout, payouts add up to the dues, and each step happens once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.integration.concurrency.conftest import N, call, expect, race, same
from tourstack.db.models import SupplierPayout, SupplierPayoutEvent, SupplierPayoutItem

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("concurrency_settlement")]

PERIOD = {"period_start": "2026-05-01", "period_end": "2026-05-31"}


def _supplier_with_dues(stack) -> tuple[int, list[int], int]:
    """A supplier (INR, paid on the service date) with five items due in May."""
    with stack.factory() as s:
        booking = f.make_booking(s)
        supplier = f.make_supplier(s, currency="INR", payment_terms_days=0)
        items = [f.make_booking_item(s, booking, supplier=supplier, service_date=dt.date(2026, 5, 3 + n),
                                     cost_minor=10_000_00 + n).id for n in range(5)]
        s.commit()
        return supplier.id, items, sum(10_000_00 + n for n in range(5))


def _propose(stack, supplier_id: int) -> int:
    made = call(stack, "POST", "/api/v1/supplier-payouts/proposals", "finance_a", PERIOD | {"supplier_id": supplier_id})
    assert made.status_code == 201, made.text
    (payout,) = made.json()["payouts"]
    return payout["id"]


def _events(stack, payout_id: int, action: str) -> int:
    with stack.factory() as s:
        return int(s.scalar(select(func.count()).select_from(SupplierPayoutEvent).where(
            SupplierPayoutEvent.supplier_payout_id == payout_id, SupplierPayoutEvent.action == action)))


def test_concurrent_proposals_pay_each_item_once(stack):
    supplier_id, items, dues = _supplier_with_dues(stack)
    responses = race(stack, same(N, ("POST", "/api/v1/supplier-payouts/proposals", "finance_a",
                                     PERIOD | {"supplier_id": supplier_id})))
    with stack.factory() as s:
        live = s.execute(select(SupplierPayoutItem.booking_item_id, SupplierPayoutItem.amount_minor)
                         .where(SupplierPayoutItem.live_booking_item_id.is_not(None),
                                SupplierPayoutItem.booking_item_id.in_(items))).all()
        proposed = s.scalar(select(func.coalesce(func.sum(SupplierPayout.amount_minor), 0))
                            .where(SupplierPayout.supplier_id == supplier_id))
    assert proposed <= dues, f"payouts of {proposed / dues:.0%} of the dues proposed"
    assert sorted(b for b, _ in live) == items and sum(a for _, a in live) == dues
    expect(responses, wins=1, lose=200)  # the others find nothing left to propose
    assert [len(r.json()["payouts"]) for r in responses].count(1) == 1


def test_a_payout_is_approved_once(stack):
    supplier_id, _, _ = _supplier_with_dues(stack)
    payout_id = _propose(stack, supplier_id)
    responses = race(stack, same(N, ("POST", f"/api/v1/supplier-payouts/{payout_id}/approve", "finance_b", None)))
    approvals = _events(stack, payout_id, "approve")
    assert approvals == 1, f"{approvals} approvals recorded"
    expect(responses, wins=1, win=200)


def test_a_payout_is_marked_paid_once(stack):
    supplier_id, _, _ = _supplier_with_dues(stack)
    payout_id = _propose(stack, supplier_id)
    assert call(stack, "POST", f"/api/v1/supplier-payouts/{payout_id}/approve", "finance_b").status_code == 200
    today = dt.date.today().isoformat()
    responses = race(stack, [("POST", f"/api/v1/supplier-payouts/{payout_id}/mark-paid", "finance_b",
                              {"reference": f"NEFT{payout_id:05d}{i:02d}", "paid_on": today}) for i in range(N)])
    paid = _events(stack, payout_id, "mark_paid")
    assert paid == 1, f"marked paid {paid} times"
    expect(responses, wins=1, win=200)
    with stack.factory() as s:
        winner = next(r for r in responses if r.status_code == 200)
        assert s.get(SupplierPayout, payout_id).reference == winner.json()["reference"]
