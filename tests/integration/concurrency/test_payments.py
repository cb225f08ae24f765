"""Captures, charges and payment plans at the same moment: a payment is captured once, a
booking is never charged beyond what it costs, an installment is paid once, and concurrent plan
replacements leave one live schedule that adds up to the booking."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.integration.concurrency.conftest import N, call, expect, race, same
from tests.integration.concurrency.helpers import booking, payment
from tourstack.db.models import Booking, Installment, Payment, PaymentPlan

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("concurrency_payments")]


def _succeeded(stack, booking_id: int) -> int:
    with stack.factory() as s:
        return int(s.scalar(select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(
            Payment.booking_id == booking_id, Payment.status == "succeeded")))


def test_a_payment_is_captured_once(stack):
    with stack.factory() as s:
        row = payment(s, 12_345_00, status="pending")
        pid, reference, booking_id = row.id, row.gateway_reference, row.booking_id
        s.commit()
    responses = race(stack, same(N, ("POST", f"/api/v1/payments/{pid}/capture", "finance_a",
                                     {"razorpay_payment_id": "pay_race", "razorpay_signature": "sig"})))
    captures = stack.gateways["razorpay"].captures.get(reference, 0)
    assert captures == 1, f"captured {captures} times at the gateway"
    expect(responses, wins=N, win=200)  # a repeated capture answers with the captured payment
    assert {r.json()["status"] for r in responses} == {"succeeded"}
    assert _succeeded(stack, booking_id) == 12_345_00


def test_a_booking_is_never_charged_beyond_its_total(stack):
    with stack.factory() as s:
        row = booking(s, 50_000_00, status="pending")
        ref, booking_id = row.booking_ref, row.id
        s.commit()
    responses = race(stack, same(N, ("POST", "/api/v1/payments", "finance_a",
                                     {"booking_ref": ref, "amount": "30000.00", "gateway": "razorpay"})))
    paid = _succeeded(stack, booking_id)
    assert paid <= 50_000_00, f"charged {paid / 50_000_00:.0%} of the booking"
    expect(responses, wins=1)


def test_an_installment_is_paid_once(stack):
    with stack.factory() as s:
        row = booking(s, 80_000_00, status="pending")
        ref, booking_id = row.booking_ref, row.id
        s.commit()
    plan = call(stack, "POST", f"/api/v1/bookings/{ref}/payment-plan", "finance_a",
                {"kind": "deposit_balance", "deposit_percent": "25"})
    assert plan.status_code == 201, plan.text
    deposit = plan.json()["installments"][0]
    responses = race(stack, same(N, ("POST", "/api/v1/payments", "finance_a",
                                     {"booking_ref": ref, "installment_id": deposit["id"], "gateway": "razorpay"})))
    paid = _succeeded(stack, booking_id)
    assert paid == 20_000_00, f"the 25 % deposit was charged {paid / 20_000_00:.0f} times"
    expect(responses, wins=1)


def test_concurrent_plan_replacements_leave_one_schedule(stack):
    with stack.factory() as s:
        row = booking(s, 90_000_00, status="pending")
        ref, booking_id = row.booking_ref, row.id
        s.commit()
    responses = race(stack, same(N, ("POST", f"/api/v1/bookings/{ref}/payment-plan", "finance_a",
                                     {"kind": "installments", "installments": 3})))
    with stack.factory() as s:
        plans = list(s.scalars(select(PaymentPlan).where(PaymentPlan.booking_id == booking_id)))
        live = s.scalars(select(Installment).join(PaymentPlan).where(
            PaymentPlan.booking_id == booking_id, Installment.status != "cancelled")).all()
        scheduled = {p.id: sum(i.amount_minor for i in s.scalars(
            select(Installment).where(Installment.payment_plan_id == p.id))) for p in plans}
        total = s.get(Booking, booking_id).total_sell_minor
    live_total = sum(i.amount_minor for i in live)
    assert live_total == total, f"live installments schedule {live_total / total:.0%} of the booking"
    assert len({i.payment_plan_id for i in live}) == 1
    assert all(scheduled[p.id] == p.total_minor for p in plans)
    expect(responses, wins=N)  # replacing a plan is allowed while nothing is paid: each one in turn
