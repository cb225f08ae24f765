"""Booking writes over HTTP: book a quote (idempotent), change it, cancel it; agents only
their agency's (another's answers 404, like a missing one), and clear problems for bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.unit.api.conftest import auth
from tourstack.db.models import Booking, Customer, OutboxMessage

START = dt.date.today() + dt.timedelta(days=60)
END = START + dt.timedelta(days=5)


@pytest.fixture
def quotes(session_factory, world):
    """A bookable quote of each agency, its request naming a customer, the trip in the future."""
    out = {}
    with session_factory() as s:
        for name, agent in (("a", world.agent_a), ("b", world.agent_b)):
            customer = f.make_customer(s, s.get(f.Agency, agent.agency_id))
            request = f.make_quote_request(s, agent, customer=customer, travel_start=START, travel_end=END,
                                           status="quoted")
            out[name] = f.make_quote(s, request, valid_until=START).id
        s.commit()
    return out


def post(client, key, body, idem="booking-key-0001"):
    return client.post("/api/v1/bookings", json=body, headers={**auth(key), "Idempotency-Key": idem})


def test_an_agent_books_its_quote_once_and_a_retry_answers_the_same_booking(client, world, quotes, session_factory):
    first = post(client, world.keys["agent_a"], {"quote_id": quotes["a"]})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "pending" and body["replayed"] is False and body["total_cost"] is None
    assert body["travel_start"] == START.isoformat() and body["total_sell"] == {"amount": "25000.00",
                                                                                "currency": "INR"}
    assert first.headers["Location"] == f"/api/v1/bookings/{body['booking_ref']}"
    again = post(client, world.keys["agent_a"], {"quote_id": quotes["a"]})
    assert again.status_code == 200 and again.json()["booking_ref"] == body["booking_ref"]
    assert again.json()["replayed"] is True
    reused = post(client, world.keys["agent_a"], {"quote_id": quotes["a"], "travellers": 5})
    assert reused.status_code == 409 and reused.json()["type"].endswith("idempotency-key-reused")
    other_key = post(client, world.keys["agent_a"], {"quote_id": quotes["a"]}, idem="booking-key-0002")
    assert other_key.status_code == 409 and "booked already" in other_key.json()["detail"]
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Booking).where(Booking.quote_id == quotes["a"])) == 1
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.event_type == "booking.created")) == 4


def test_another_agencys_quote_and_booking_are_not_found(client, world, quotes):
    assert post(client, world.keys["agent_a"], {"quote_id": quotes["b"]}).status_code == 404
    assert post(client, world.keys["agent_a"], {"quote_id": 2_000_000}).status_code == 404
    ref_b = post(client, world.keys["agent_b"], {"quote_id": quotes["b"]}).json()["booking_ref"]
    patch = client.patch(f"/api/v1/bookings/{ref_b}", json={"travellers": 3}, headers=auth(world.keys["agent_a"]))
    cancel = client.post(f"/api/v1/bookings/{ref_b}/cancel", json={"reason": "x"},
                         headers=auth(world.keys["agent_a"]))
    assert patch.status_code == 404 and cancel.status_code == 404
    staff = client.patch(f"/api/v1/bookings/{ref_b}", json={"travellers": 3}, headers=auth(world.keys["ops"]))
    assert staff.status_code == 200 and staff.json()["travellers"] == 3


def test_finance_may_not_book(client, world, quotes):
    assert post(client, world.keys["finance"], {"quote_id": quotes["a"]}).status_code == 403
    assert client.post("/api/v1/bookings", json={"quote_id": quotes["a"]}).status_code == 401


@pytest.mark.parametrize("body, status, words", [
    ({"quote_id": 0}, 422, None),
    ({"quote_id": 2**31}, 422, None),
    ({"quote_id": 1, "travellers": 0}, 422, None),
    ({"quote_id": 1, "travel_start": "2020-01-01"}, 422, "in the past"),
    ({"quote_id": 1, "travel_end": (START - dt.timedelta(days=1)).isoformat()}, 422, "before travel_start"),
    ({"quote_id": 1, "surprise": True}, 422, None),
])
def test_bad_creations_are_clear_problems(client, world, quotes, body, status, words):
    if body["quote_id"] == 1:
        body = {**body, "quote_id": quotes["a"]}
    response = post(client, world.keys["agent_a"], body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if words:
        assert words in response.json()["detail"]


def test_a_missing_idempotency_key_is_refused(client, world, quotes):
    response = client.post("/api/v1/bookings", json={"quote_id": quotes["a"]}, headers=auth(world.keys["agent_a"]))
    assert response.status_code == 422


def test_change_then_cancel_then_nothing_more(client, world, quotes, session_factory):
    ref = post(client, world.keys["agent_a"], {"quote_id": quotes["a"]}).json()["booking_ref"]
    key = auth(world.keys["agent_a"])
    moved = client.patch(f"/api/v1/bookings/{ref}", headers=key, json={
        "travel_end": (END + dt.timedelta(days=2)).isoformat(), "customer_phone": "+91 98765 43210"})
    assert moved.status_code == 200 and moved.json()["travel_end"] == (END + dt.timedelta(days=2)).isoformat()
    backwards = client.patch(f"/api/v1/bookings/{ref}", headers=key, json={
        "travel_end": (START - dt.timedelta(days=1)).isoformat()})
    assert backwards.status_code == 422
    cancelled = client.post(f"/api/v1/bookings/{ref}/cancel", headers=key, json={"reason": "visa refused"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["received"] == {"amount": "0.00",
                                                                                         "currency": "INR"}
    again = client.post(f"/api/v1/bookings/{ref}/cancel", headers=key, json={"reason": "again"})
    late = client.patch(f"/api/v1/bookings/{ref}", headers=key, json={"travellers": 1})
    assert again.status_code == 409 and late.status_code == 409
    assert late.json()["type"].endswith("booking-closed")
    assert client.post(f"/api/v1/bookings/{ref}/cancel", headers=key, json={"reason": " "}).status_code == 422
    with session_factory() as s:
        booking = s.scalar(select(Booking).where(Booking.booking_ref == ref))
        assert s.get(Customer, booking.customer_id).phone == "+91 98765 43210"
        counts = dict(s.execute(select(OutboxMessage.event_type, func.count())
                                .where(OutboxMessage.event_type.like("booking.%"))
                                .group_by(OutboxMessage.event_type)).all())
    assert counts == {"booking.created": 4, "booking.updated": 3, "booking.cancelled": 3}
