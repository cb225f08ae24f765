"""Small helpers shared by the payments integration tests."""

from __future__ import annotations

import uuid

from tests import factories as f
from tests.unit.api.conftest import auth


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
