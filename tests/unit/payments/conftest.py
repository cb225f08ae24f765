"""Fixtures of the payments unit tests: a migrated SQLite session, in-process gateways and a
router over them, and small helpers to make bookings and deliver webhook events."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from tests.fakes.memory_gateway import MemoryGateway
from tourstack.db.engine import make_engine
from tourstack.payments import CircuitBreaker, PaymentRouter, receive

NOW = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def session(migrated_sqlite_url):
    engine = make_engine(migrated_sqlite_url)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture
def gateways():
    return {"razorpay": MemoryGateway("razorpay"), "stripe": MemoryGateway("stripe"), "paypal": MemoryGateway("paypal")}


@pytest.fixture
def router(gateways):
    return PaymentRouter(gateways, CircuitBreaker())


def make_booking(session, **kw):
    values = {"status": "pending", "total_sell_minor": 100_000_00, "travel_start": dt.date(2026, 9, 1)} | kw
    b = f.make_booking(session, **values)
    session.commit()
    return b


def deliver(session, gateway, event_id, kind, **fields):
    """A verified delivery of a MemoryGateway event (the JSON of the notice's fields)."""
    body = json.dumps({"event_id": event_id, "gateway_type": kind, "kind": kind, **fields}).encode()
    return receive(session, gateway, body, {"x-sig": "ok"}, now=NOW)
