"""Refunds requested, approved and paid out at the same moment never return more than the
payment took: exactly as many refunds as fit succeed, the rest are 409 problems, and the
gateway is asked once per refund that stands."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.integration.concurrency.conftest import N, call, expect, race, same
from tests.integration.concurrency.helpers import held_refunds, payment
from tourstack.db.models import Refund
from tourstack.money import from_minor

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("concurrency_refunds")]


def _inr(minor: int) -> str:
    return str(from_minor(minor, "INR"))


def _payment(stack, amount_minor: int, **kw) -> int:
    with stack.factory() as s:
        pid = payment(s, amount_minor, **kw).id
        s.commit()
    return pid


def _refunds(stack, pid: int) -> tuple[list[Refund], int]:
    """The payment's refunds and what they hold (pending + succeeded)."""
    with stack.factory() as s:
        rows = list(s.scalars(select(Refund).where(Refund.payment_id == pid).order_by(Refund.id)))
        return rows, held_refunds(s, pid)


def _refund_race(stack, pid: int, amount_minor: int, reason: str = "cancelled"):
    return race(stack, same(N, ("POST", f"/api/v1/payments/{pid}/refunds", "finance_a",
                                {"amount": _inr(amount_minor), "reason": reason})))


def test_refunds_awaiting_approval_never_hold_more_than_the_payment(stack):
    amount = 47_507_16
    pid = _payment(stack, amount)
    share = amount * 60 // 100  # above the approval threshold: each waits for a second person
    responses = _refund_race(stack, pid, share)
    rows, held = _refunds(stack, pid)
    assert held <= amount, f"refunds hold {held / amount:.0%} of the payment ({len(rows)} refunds)"
    expect(responses, wins=1)
    assert [(r.status, r.approval_required, r.amount_minor) for r in rows] == [("pending", True, share)]


def test_refunds_sent_at_once_are_made_once(stack):
    amount = 15_000_00
    pid = _payment(stack, amount)
    share = 9_000_00  # 60 %, below the threshold: sent to the gateway straight away
    responses = _refund_race(stack, pid, share)
    rows, held = _refunds(stack, pid)
    made = [key for key in stack.gateways["razorpay"].refunded if key in {f"refund-{r.id}" for r in rows}]
    assert held <= amount, f"INR {_inr(held)} refunded on a {_inr(amount)} payment ({len(made)} at the gateway)"
    expect(responses, wins=1)
    assert [r.status for r in rows] == ["succeeded"] and len(made) == 1


def test_exactly_as_many_partial_refunds_as_fit_succeed(stack):
    amount = 20_000_00
    pid = _payment(stack, amount)
    responses = _refund_race(stack, pid, 3_000_00, "goodwill")  # 15 % each: 6 fit
    rows, held = _refunds(stack, pid)
    assert held <= amount, f"refunds hold {held / amount:.0%} of the payment"
    expect(responses, wins=6)
    assert held == 18_000_00 and {r.status for r in rows} == {"succeeded"}


def test_a_waiting_refund_is_approved_and_sent_once(stack):
    pid = _payment(stack, 60_000_00)
    created = call(stack, "POST", f"/api/v1/payments/{pid}/refunds", "finance_a",
                   {"amount": "50000.00", "reason": "cancelled"})
    assert created.status_code == 201 and created.json()["approval_required"], created.text
    rid = created.json()["id"]
    responses = race(stack, same(N, ("POST", f"/api/v1/refunds/{rid}/approve", "finance_b", None)))
    (refund,), _ = _refunds(stack, pid)
    expect(responses, wins=1, win=200)
    assert refund.status == "succeeded" and refund.approved_at is not None
    assert f"refund-{rid}" in stack.gateways["razorpay"].refunded


def test_a_bank_transfer_refund_is_paid_out_once(stack):
    pid = _payment(stack, 8_000_00, gateway="bank_transfer")
    created = call(stack, "POST", f"/api/v1/payments/{pid}/refunds", "finance_a",
                   {"amount": "8000.00", "reason": "cancelled"})
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    today = dt.date.today().isoformat()
    responses = race(stack, [("POST", f"/api/v1/refunds/{rid}/mark-paid", "finance_b",
                              {"reference": f"UTR{rid:06d}{i:02d}", "paid_on": today}) for i in range(N)])
    (refund,), _ = _refunds(stack, pid)
    expect(responses, wins=1, win=200)
    winner = next(r for r in responses if r.status_code == 200)
    assert refund.status == "succeeded" and refund.gateway_reference == winner.json()["gateway_reference"]
