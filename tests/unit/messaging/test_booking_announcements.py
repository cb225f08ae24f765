"""Bookings announce their creation, changes and cancellation in the change's own transaction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests import factories as f
from tourstack.db.models import Booking, Customer, OutboxMessage, Payment
from tourstack.messaging.events import announce_booking, booking_event_key
from tourstack.payments.plans import refresh_booking


def rows(session, event_type=None):
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if event_type:
        stmt = stmt.where(OutboxMessage.event_type == event_type)
    return session.scalars(stmt).all()


def test_a_new_booking_reaches_slack_teams_and_the_calendar_threaded_on_its_reference(session):
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    got = {(r.channel, r.recipient) for r in rows(session, "booking.created")}
    # no opted-in WhatsApp number is named, so that route is skipped; the invite goes by e-mail
    customer = session.get(Customer, booking.customer_id)
    assert got == {("slack", "#bookings"), ("teams", "bookings"), ("calendar", "operations"),
                   ("email", customer.email)}
    payload = json.loads(rows(session, "booking.created")[0].payload)
    assert payload["thread"] == booking.booking_ref
    assert payload["facts"]["booking_ref"] == booking.booking_ref
    assert payload["facts"]["amount"] == "120000.00"


def test_a_rolled_back_booking_leaves_no_message(session):
    booking = f.make_booking(session)
    session.commit()
    booking.status = "cancelled"
    announce_booking(session, booking, "cancelled")
    assert rows(session, "booking.cancelled")  # written in the transaction...
    session.rollback()
    assert rows(session, "booking.cancelled") == []  # ...and gone with it
    assert session.get(Booking, booking.id).status == "confirmed"


def test_a_retried_announcement_of_the_same_change_writes_nothing(session):
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    booking.travellers = 3
    first = announce_booking(session, booking, "updated")
    session.commit()
    again = announce_booking(session, booking, "updated")  # the request retried: nothing changed
    session.commit()
    assert len(first.queued) == 3 and again.queued == () and again.duplicates == 3
    assert len(rows(session, "booking.updated")) == 3


def test_each_real_change_is_a_new_event_even_back_to_an_earlier_state(session):
    booking = f.make_booking(session)
    session.commit()
    keys = []
    for travellers in (3, 2, 3):
        booking.travellers = travellers
        session.flush()
        keys.append(booking_event_key(booking, "updated"))
        announce_booking(session, booking, "updated")
        session.commit()
    assert len(set(keys)) == 3
    assert len(rows(session, "booking.updated")) == 9  # slack, calendar and e-mail, three times


def test_an_unknown_change_is_refused(session):
    with pytest.raises(ValueError, match="unknown booking change"):
        announce_booking(session, f.make_booking(session), "moved")


def test_a_status_change_from_money_received_announces_an_update_once(session):
    booking = f.make_booking(session, status="pending")
    session.add(Payment(booking_id=booking.id, amount_minor=booking.total_sell_minor, currency="INR", fee_minor=0,
                        status="succeeded", gateway="razorpay", gateway_reference="pay_b1", method="card",
                        attempted_at=dt.datetime.now(dt.UTC), idempotency_key="kb-1"))
    session.flush()
    refresh_booking(session, booking)
    refresh_booking(session, booking)  # a redelivered webhook: no change, no message
    session.commit()
    assert booking.status == "paid"
    [slack] = [r for r in rows(session, "booking.updated") if r.channel == "slack"]
    assert json.loads(slack.payload)["facts"]["status"] == "paid"
