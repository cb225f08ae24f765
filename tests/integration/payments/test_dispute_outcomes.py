"""Dispute outcomes from each gateway's webhooks, and what a lost dispute does to the money the
booking has received (a won one leaves it alone)."""

from __future__ import annotations

import pytest

from tests.integration.payments.conftest import paypal_signed, razorpay_signed, stripe_signed
from tests.integration.payments.helpers import (
    captured_paypal_payment,
    captured_razorpay_payment,
    new_booking,
    pay,
    received,
)
from tourstack.db.models import Dispute

pytestmark = pytest.mark.integration


def _status(session_factory, reference: str) -> str:
    with session_factory() as s:
        return s.query(Dispute).filter_by(gateway_reference=reference).one().status


def _post(client, gateway: str, signed: tuple[bytes, dict]) -> str:
    answer = client.post(f"/api/v1/webhooks/{gateway}", content=signed[0], headers=signed[1])
    assert answer.status_code == 200, answer.text
    return answer.json()["outcome"]


def test_stripe_dispute_won_keeps_the_money(client, world, runtime, session_factory):
    ref = new_booking(session_factory, world, currency="USD", total_minor=700_00)
    paid = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_visa"}).json()
    dispute = {"id": "dp_won_1", "object": "dispute", "payment_intent": paid["gateway_reference"], "amount": 700_00,
               "currency": "usd", "reason": "fraudulent", "evidence_details": {"due_by": 1796000000}}
    for evt_id, etype, status in (("evt_dpw_1", "charge.dispute.created", "needs_response"),
                                  ("evt_dpw_2", "charge.dispute.closed", "won")):
        event = {"id": evt_id, "object": "event", "type": etype, "data": {"object": dispute | {"status": status}}}
        assert _post(client, "stripe", stripe_signed(event)) == "processed"
    assert _status(session_factory, "dp_won_1") == "won"
    assert received(session_factory, ref) == 700_00


def _paypal_dispute(fake, dispute_id: str, capture_id: str, etype: str, outcome: str | None = None) -> tuple:
    resource = {"dispute_id": dispute_id, "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
                "dispute_amount": {"currency_code": "AUD", "value": "300.00"},
                "seller_response_due_date": "2026-12-20T00:00:00Z",
                "disputed_transactions": [{"seller_transaction_id": capture_id}]}
    if outcome:
        resource["dispute_outcome"] = {"outcome_code": outcome}
    event = {"id": f"WH-{dispute_id}-{etype.rsplit('.', 1)[-1]}", "event_type": etype, "resource": resource}
    return paypal_signed(fake, event, f"tx-{event['id']}")


def test_paypal_resolved_disputes_follow_the_outcome_table(client, world, runtime, fake_paypal, session_factory):
    paid = captured_paypal_payment(client, world, fake_paypal, session_factory)
    capture_id = next(iter(fake_paypal.captures))
    for dispute_id, outcome, expected in (("PP-D-CANCEL", "CANCELED_BY_BUYER", "won"),
                                          ("PP-D-BUYER", "RESOLVED_BUYER_FAVOUR", "lost")):
        assert _post(client, "paypal", _paypal_dispute(fake_paypal, dispute_id, capture_id,
                                                        "CUSTOMER.DISPUTE.CREATED")) == "processed"
        assert _post(client, "paypal", _paypal_dispute(fake_paypal, dispute_id, capture_id,
                                                        "CUSTOMER.DISPUTE.RESOLVED", outcome)) == "processed"
        assert _status(session_factory, dispute_id) == expected
    assert received(session_factory, paid["booking_ref"]) == 800_00 - 300_00  # only the lost one counts


def test_razorpay_dispute_lost_reduces_what_the_booking_received(client, world, runtime, fake_razorpay,
                                                                 session_factory):
    paid = captured_razorpay_payment(client, world, fake_razorpay, session_factory, total_minor=50_000_00)
    assert received(session_factory, paid["booking_ref"]) == 50_000_00
    for event_id, etype in (("rzp_evt_dl1", "payment.dispute.created"), ("rzp_evt_dl2", "payment.dispute.lost")):
        event = {"entity": "event", "event": etype, "payload": {"dispute": {"entity": {
            "id": "disp_lost_1", "payment_id": paid["capture_reference"], "amount": 12_000_00, "currency": "INR",
            "reason_code": "chargeback", "respond_by": 1796000000}}}}
        assert _post(client, "razorpay", razorpay_signed(event, event_id)) == "processed"
    assert _status(session_factory, "disp_lost_1") == "lost"
    assert received(session_factory, paid["booking_ref"]) == 50_000_00 - 12_000_00
