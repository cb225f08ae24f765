"""Quotes and payments announce themselves in their own transaction, once."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select

from tests import factories as f
from tourstack.db.models import FxRate, OutboxMessage, Payment
from tourstack.messaging.events import announce_payment
from tourstack.sales import create_quote

VALID = dt.date.today() + dt.timedelta(days=30)


def messages(session, event_type):
    return session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event_type)).all()


def test_a_high_value_inr_quote_reaches_sales_and_a_small_one_does_not(session):
    big = create_quote(session, f.make_quote_request(session).id, agency_id=None, total=Decimal("750000"),
                       cost=Decimal("600000"), currency="INR", valid_until=VALID)
    create_quote(session, f.make_quote_request(session).id, agency_id=None, total=Decimal("90000"),
                 cost=Decimal("70000"), currency="INR", valid_until=VALID)
    session.commit()
    [row] = messages(session, "quote.created")
    assert (row.channel, row.recipient, row.event_key) == ("slack", "#sales", big.quote_number)
    assert json.loads(row.payload)["facts"]["total"] == "750000.00"


def test_a_foreign_quote_is_converted_with_its_rate_recorded(session):
    on = dt.date.today()
    session.add_all([FxRate(rate_date=on, base_currency="EUR", quote_currency=c, rate=r, source="ecb")
                     for c, r in (("USD", Decimal("1.05")), ("INR", Decimal("90.30")))])
    request = f.make_quote_request(session, currency="USD")
    create_quote(session, request.id, agency_id=None, total=Decimal("7000"), cost=Decimal("5000"),
                 currency="USD", valid_until=VALID)
    session.commit()
    [row] = messages(session, "quote.created")
    facts = json.loads(row.payload)["facts"]
    assert facts["amount_inr"] == "602000.00"  # 7000 x 90.30 / 1.05
    assert (facts["fx_rate_date"], facts["fx_source"]) == (on.isoformat(), "ecb")


def test_without_a_rate_a_foreign_quote_is_not_guessed_into_a_threshold(session):
    request = f.make_quote_request(session, currency="USD")
    create_quote(session, request.id, agency_id=None, total=Decimal("9000"), cost=Decimal("5000"),
                 currency="USD", valid_until=VALID)
    session.commit()
    assert messages(session, "quote.created") == []


def test_a_payment_outcome_is_announced_once(session):
    booking = f.make_booking(session, f.make_agent(session))
    payment = Payment(booking_id=booking.id, amount_minor=50_000_00, currency="INR", fee_minor=0,
                      status="succeeded", gateway="razorpay", gateway_reference="pay_1", method="card",
                      attempted_at=dt.datetime.now(dt.UTC), idempotency_key="k-1")
    session.add(payment)
    session.flush()
    announce_payment(session, payment)
    announce_payment(session, payment)
    session.commit()
    [row] = messages(session, "payment.confirmed")
    facts = json.loads(row.payload)
    assert (row.recipient, facts["thread"], facts["facts"]["amount"]) == ("#finance", booking.booking_ref, "50000.00")
