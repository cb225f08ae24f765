"""Small helpers shared by the payments integration tests."""

from __future__ import annotations

import uuid

from tests import factories as f
from tests.unit.api.conftest import auth
from tourstack.db.models import Booking
from tourstack.payments import received_minor


def new_booking(session_factory, world, *, currency: str, total_minor: int, status: str = "pending") -> str:
    with session_factory() as s:
        booking = f.make_booking(s, world.agent_a, currency=currency, total_sell_minor=total_minor, status=status)
        s.commit()
        return booking.booking_ref


def pay(client, key: str, body: dict, idem: str | None = None):
    headers = auth(key) | {"Idempotency-Key": idem or f"test-{uuid.uuid4().hex}"}
    return client.post("/api/v1/payments", json=body, headers=headers)


def plan(client, key: str, booking_ref: str, **body):
    return client.post(f"/api/v1/bookings/{booking_ref}/payment-plan", json=body, headers=auth(key))


def captured_razorpay_payment(client, world, fake_razorpay, session_factory, total_minor: int = 20_000_00) -> dict:
    """An INR payment taken through Razorpay Checkout and captured; returns the API's payment."""
    ref = new_booking(session_factory, world, currency="INR", total_minor=total_minor)
    created = pay(client, world.keys["agent_a"], {"booking_ref": ref}).json()
    payment_id, signature = fake_razorpay.checkout(created["gateway_reference"])
    cap = client.post(f"/api/v1/payments/{created['id']}/capture",
                      json={"razorpay_payment_id": payment_id, "razorpay_signature": signature},
                      headers=auth(world.keys["agent_a"]))
    assert cap.status_code == 200 and cap.json()["status"] == "succeeded", cap.text
    return cap.json() | {"booking_ref": ref, "capture_reference": payment_id}


def captured_paypal_payment(client, world, fake_paypal, session_factory, total_minor: int = 800_00,
                            currency: str = "AUD") -> dict:
    """A PayPal order approved by the buyer and captured; returns the API's payment."""
    ref = new_booking(session_factory, world, currency=currency, total_minor=total_minor)
    created = pay(client, world.keys["agent_a"], {"booking_ref": ref, "gateway": "paypal"}).json()
    fake_paypal.approve(created["gateway_reference"])
    cap = client.post(f"/api/v1/payments/{created['id']}/capture", json={}, headers=auth(world.keys["agent_a"]))
    assert cap.status_code == 200 and cap.json()["status"] == "succeeded", cap.text
    return cap.json() | {"booking_ref": ref}


def refund(client, key: str, payment_id: int, amount: str, reason: str = "goodwill"):
    return client.post(f"/api/v1/payments/{payment_id}/refunds", json={"amount": amount, "reason": reason},
                       headers=auth(key))


def received(session_factory, booking_ref: str) -> int:
    """What the booking has received, in minor units (payments net of refunds and lost disputes)."""
    with session_factory() as s:
        return received_minor(s, s.query(Booking).filter_by(booking_ref=booking_ref).one())
