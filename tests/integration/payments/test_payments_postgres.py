"""The payments domain on a real PostgreSQL: unique keys, savepoints and webhook storage, two
requests for one booking decided in turn, and a refund's webhook overtaking its own commit."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests import factories as f
from tests.fakes.memory_gateway import MemoryGateway
from tourstack.db.engine import make_engine
from tourstack.db.migrate import upgrade
from tourstack.db.models import Booking, Payment, Refund, WebhookEvent
from tourstack.payments import (
    CircuitBreaker,
    PaymentInProgress,
    PaymentInput,
    PaymentRouter,
    PlanTerms,
    create_plan,
    receive,
    request_refund,
    retry_events,
    take_payment,
)

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
NOW = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)


def test_payment_webhook_and_refund_on_postgres(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    gw = MemoryGateway("razorpay", outcome="pending")
    router = PaymentRouter({"razorpay": gw}, CircuitBreaker())
    try:
        with Session(engine) as s:
            booking = f.make_booking(s, status="pending", total_sell_minor=10_000_00)
            create_plan(s, booking, PlanTerms("deposit_balance"), today=NOW.date())
            payment = take_payment(s, PaymentInput(booking, "staff:k1"), router, now=NOW).payment
            s.commit()
            assert take_payment(s, PaymentInput(booking, "staff:k1"), router, now=NOW).payment.id == payment.id
            body = json.dumps({"event_id": "e1", "gateway_type": "payment.captured", "kind": "payment.succeeded",
                               "payment_reference": payment.gateway_reference}).encode()
            assert receive(s, gw, body, {"x-sig": "ok"}, now=NOW).outcome == "processed"
            assert receive(s, gw, body, {"x-sig": "ok"}, now=NOW).outcome == "duplicate"
            s.refresh(booking)
            assert (payment.status, booking.status, payment.amount_minor) == ("succeeded", "confirmed", 3_000_00)
            refund = request_refund(s, payment, 1_000_00, "goodwill", requested_by_key_id=None, thresholds={},
                                    gateways={"razorpay": gw}, now=NOW)
            s.commit()
            assert refund.status == "succeeded"
            assert s.query(WebhookEvent).count() == 1 and s.query(Payment).count() == 1
            stored = s.query(WebhookEvent).one()
            assert (stored.payload, stored.signature_valid, stored.status, stored.attempts) == (
                body.decode(), True, "processed", 1)
    finally:
        engine.dispose()


def _wait_for_a_lock_wait(engine, deadline_seconds: float = 10.0) -> None:
    """Until another backend of this database waits on a row lock (no timing assert: it polls)."""
    deadline = time.monotonic() + deadline_seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                        "AND wait_event_type = 'Lock'")).scalar()
            conn.rollback()
            if waiting:
                return
            time.sleep(0.05)
    raise AssertionError("the second request never waited for the first")


def test_two_concurrent_full_payments_are_decided_in_turn(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    router = PaymentRouter({"razorpay": MemoryGateway("razorpay", outcome="pending")}, CircuitBreaker())
    try:
        with Session(engine) as s:
            booking_id = f.make_booking(s, status="pending", total_sell_minor=10_000_00).id
            s.commit()
        first = Session(engine)
        take_payment(first, PaymentInput(first.get(Booking, booking_id), "agency1:a"), router, now=NOW)
        outcome: dict[str, object] = {}

        def second() -> None:
            with Session(engine) as s:
                try:
                    take_payment(s, PaymentInput(s.get(Booking, booking_id), "agency1:b"), router, now=NOW)
                    s.commit()
                    outcome["taken"] = True
                except PaymentInProgress as exc:
                    outcome["refused"] = exc

        thread = threading.Thread(target=second)
        thread.start()
        _wait_for_a_lock_wait(engine)  # the second request is blocked on the booking row
        first.commit()
        first.close()
        thread.join(timeout=30)
        assert "refused" in outcome and "taken" not in outcome
        with Session(engine) as s:
            assert s.query(Payment).count() == 1
    finally:
        engine.dispose()


def test_a_refund_webhook_before_the_refund_commits_is_counted_once(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    gw = MemoryGateway("razorpay")
    gateways = {"razorpay": gw}
    router = PaymentRouter(gateways, CircuitBreaker())
    receipts = []

    def gateway_calls_back(made, key):  # the gateway's webhook, delivered while our request is open
        body = json.dumps({"event_id": f"evt-{made.reference}", "gateway_type": "refund.processed",
                           "kind": "refund.succeeded", "payment_reference": payment.gateway_reference,
                           "refund_reference": made.reference, "amount_minor": made.amount_minor,
                           "currency": "INR", "merchant_refund_key": key}).encode()
        with Session(engine) as other:
            receipts.append(receive(other, gw, body, {"x-sig": "ok"}, now=NOW).outcome)

    try:
        with Session(engine) as s:
            booking = f.make_booking(s, status="confirmed", total_sell_minor=10_000_00)
            payment = take_payment(s, PaymentInput(booking, "staff:k2", amount_minor=10_000_00), router,
                                   now=NOW).payment
            s.commit()
            gw.on_refund = gateway_calls_back
            refund = request_refund(s, payment, 4_000_00, "cancelled", requested_by_key_id=None, thresholds={},
                                    gateways=gateways, now=NOW)
            assert receipts == ["parked"]  # our row is not visible to the webhook yet
            s.commit()
            assert retry_events(s, gateways=gateways, now=NOW) == {"processed": 1}
            rows = s.query(Refund).all()
            assert [(r.id, r.status, r.gateway) for r in rows] == [(refund.id, "succeeded", "razorpay")]
    finally:
        engine.dispose()
