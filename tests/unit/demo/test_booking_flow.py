"""The demo's booking step: two quotes booked, one changed, one cancelled through the service,
and var/outbox/ then holds the Slack messages, the Teams card, the calendar events and the
customer's mails with their ICS invites (REQUEST, SEQUENCE 1, CANCEL), and WhatsApp
confirmations for the customer whose opt-in the demo recorded."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json

from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select

from tests import factories as f
from tourstack.db.models import OutboxMessage
from tourstack.demo.booking_flow import run_booking_flow
from tourstack.settings import Settings


def test_the_demo_books_changes_and_cancels_and_the_outbox_shows_it(db_url, session, tmp_path):
    agent = f.make_agent(session)
    customer = f.make_customer(session, session.get(f.Agency, agent.agency_id))
    customer.phone = "098123 45678"  # as agents type it: an Indian mobile with a trunk zero
    today = dt.date.today()
    for _ in range(2):
        f.make_quote(session, f.make_quote_request(session, agent, customer=customer),
                     valid_until=today + dt.timedelta(days=10))
    session.commit()
    settings = Settings(database_url=db_url, home=tmp_path / "home")
    flow = run_booking_flow(settings)
    assert len(flow.booked) == 2 and flow.updated == flow.booked[0] and flow.cancelled == flow.booked[1]
    outbox = settings.outbox_dir
    slack = [json.loads(p.read_text()) for p in sorted((outbox / "slack").glob("*.json"))]
    assert [m["event"] for m in slack] == ["booking.created", "booking.created", "booking.updated",
                                           "booking.cancelled"]
    assert len(list((outbox / "teams").glob("*.json"))) == 2
    assert len(list((outbox / "calendar").glob("*.json"))) == 4
    mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in sorted((outbox / "email").glob("*.eml"))]
    invites = []
    for mail in mails:
        [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
        event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
        invites.append((part.get_param("method"), str(event["UID"]), int(event["SEQUENCE"])))
    first, second = (f"booking-{ref.lower()}@tourstack" for ref in flow.booked)
    assert sorted(invites) == sorted([("REQUEST", first, 0), ("REQUEST", second, 0), ("REQUEST", first, 1),
                                      ("CANCEL", second, 1)])
    # the customer's opt-in, recorded by the demo, lets the booking confirmations reach WhatsApp:
    # delivered at once by day, held until 08:00 in the customer's quiet hours (21:00-08:00 IST)
    assert flow.opted_in == "+919812345678"
    session.expire_all()
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "whatsapp")).all()
    assert [(r.event_type, r.recipient) for r in rows] == [("booking.created", flow.opted_in)] * 2
    files = sorted((outbox / "whatsapp").glob("*.json")) if (outbox / "whatsapp").exists() else []
    held = [r for r in rows if r.status == "pending"]
    assert len(files) + len(held) == 2 and all(r.status in ("sent", "pending") for r in rows)
    for row in held:
        assert row.next_attempt_at.astimezone(ZoneInfo("Asia/Kolkata")).time() == dt.time(8, 0)
    assert flow.sent == 4 + 2 + 4 + 4 + len(files)
