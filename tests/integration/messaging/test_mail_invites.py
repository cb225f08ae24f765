"""The e-mail channel over real SMTP (aiosmtpd on 127.0.0.1): a booking's customer receives the
trip's invite as `text/calendar; method=REQUEST`, the same UID with a higher SEQUENCE after a
change, METHOD:CANCEL after the cancellation; a change the invite does not show mails nothing;
SMTP refusals become retries or dead letters."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests import factories as f
from tests.fakes.smtp import smtp_server
from tourstack.bookings import BookingChange, NewBooking, cancel_booking, create_booking, update_booking
from tourstack.db.models import Customer, OutboxMessage
from tourstack.mail import SmtpTransport
from tourstack.messaging import dispatch_due, shipped_config
from tourstack.messaging.events import announce_booking
from tourstack.messaging.mail_channel import MailChannelTransport

pytestmark = pytest.mark.integration
TODAY = dt.date(2026, 9, 1)
CONFIG = shipped_config()


def _transport(fake, sessions) -> MailChannelTransport:
    return MailChannelTransport(mail=SmtpTransport(fake.host, fake.port, security="none", timeout=5),
                                sender="Tourstack <trips@tourstack.example>", sessions=sessions,
                                public_url="https://api.tourstack.example")


def _invite(received) -> tuple[str, Calendar]:
    parts = [p for p in received.message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0].get_param("method"), Calendar.from_ical(parts[0].get_content())


@pytest.fixture
def booking(session):
    agent = f.make_agent(session)
    customer = f.make_customer(session, session.get(f.Agency, agent.agency_id), email="asha@example.test")
    quote = f.make_quote(session, f.make_quote_request(session, agent, customer=customer))
    created = create_booking(session, NewBooking(quote_id=quote.id), agency_id=None, today=TODAY).booking
    session.commit()
    return created


def test_the_customer_gets_request_then_a_higher_sequence_then_cancel(session, sessions, clock, booking):
    with smtp_server() as fake:
        transport = _transport(fake, sessions)
        assert dispatch_due(sessions, {"email": transport}, CONFIG, clock=clock).sent == 1
        update_booking(session, booking.booking_ref, BookingChange(travellers=3), agency_id=None, today=TODAY)
        session.commit()
        clock.advance(60)
        assert dispatch_due(sessions, {"email": transport}, CONFIG, clock=clock).sent == 1
        cancel_booking(session, booking.booking_ref, "visa refused", agency_id=None)
        session.commit()
        clock.advance(60)
        assert dispatch_due(sessions, {"email": transport}, CONFIG, clock=clock).sent == 1
    assert [r.rcpt_tos for r in fake.received] == [["asha@example.test"]] * 3
    methods, events = zip(*(_invite(r) for r in fake.received), strict=True)
    assert methods == ("REQUEST", "REQUEST", "CANCEL")
    assert [str(c["METHOD"]) for c in events] == ["REQUEST", "REQUEST", "CANCEL"]
    vevents = [c.walk("VEVENT")[0] for c in events]
    assert {str(v["UID"]) for v in vevents} == {f"booking-{booking.booking_ref.lower()}@tourstack"}
    assert [int(v["SEQUENCE"]) for v in vevents] == [0, 1, 2]
    assert "3 traveller(s)" in str(vevents[1]["DESCRIPTION"])
    assert str(vevents[2]["STATUS"]) == "CANCELLED"
    assert str(vevents[0]["ATTENDEE"]) == "mailto:asha@example.test"


def test_an_update_the_invite_does_not_show_mails_nothing(session, sessions, clock, booking):
    with smtp_server() as fake:
        transport = _transport(fake, sessions)
        dispatch_due(sessions, {"email": transport}, CONFIG, clock=clock)
        booking.status = "confirmed"  # a payment moved the status: the trip is the same
        announce_booking(session, booking, "updated")
        session.commit()
        clock.advance(60)
        report = dispatch_due(sessions, {"email": transport}, CONFIG, clock=clock)
    assert report.sent == 1 and len(fake.received) == 1
    row = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "booking.updated",
                                                      OutboxMessage.channel == "email")).one()
    session.refresh(row)
    assert row.provider_message_id == "email:unchanged"


def test_a_temporary_refusal_retries_with_the_same_sequence_and_a_hard_one_is_dead(session, sessions, clock,
                                                                                    booking):
    with smtp_server(data_reply="451 4.3.0 try again later") as fake:
        report = dispatch_due(sessions, {"email": _transport(fake, sessions)}, CONFIG, clock=clock)
    assert report.retried == 1
    clock.advance(3600)
    with smtp_server() as fake:
        assert dispatch_due(sessions, {"email": _transport(fake, sessions)}, CONFIG, clock=clock).sent == 1
    _, calendar = _invite(fake.received[0])
    assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 0
    customer = session.get(Customer, booking.customer_id)
    update_booking(session, booking.booking_ref, BookingChange(travellers=4), agency_id=None, today=TODAY)
    session.commit()
    clock.advance(60)
    with smtp_server(refuse_rcpt="550 5.1.1 mailbox unavailable") as fake:
        report = dispatch_due(sessions, {"email": _transport(fake, sessions)}, CONFIG, clock=clock)
    assert report.dead == 1 and fake.received == []
    dead = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "dead")).one()
    session.refresh(dead)
    assert customer.email in dead.reason and "550" in dead.reason
