"""The payments domain on a real PostgreSQL: unique keys, savepoints and webhook storage."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from tests.fakes.memory_gateway import MemoryGateway
from tourstack.db.engine import make_engine
from tourstack.db.migrate import upgrade
from tourstack.db.models import Payment, WebhookEvent
from tourstack.payments import (
    CircuitBreaker,
    PaymentInput,
    PaymentRouter,
    PlanTerms,
    create_plan,
    receive,
    request_refund,
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
            assert not s.query(WebhookEvent).one().payload.startswith("invalid")
    finally:
        engine.dispose()
