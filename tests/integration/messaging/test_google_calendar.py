"""The calendar channel through the real google-api-python-client against a fake Calendar API on
127.0.0.1: one event per booking, etag-conditional updates, 412 re-read, 429, cancellation."""

from __future__ import annotations

import datetime as dt

import httplib2
import pytest
from sqlalchemy import select

from tests import factories as f
from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.google_calendar import FakeGoogleCalendar
from tourstack.db.models import CalendarEvent, OutboxMessage
from tourstack.messaging import dispatch_due, shipped_config
from tourstack.messaging.calendar_sync import CalendarTransport, expected_calendar_events
from tourstack.messaging.events import announce_booking
from tourstack.messaging.google_calendar import GoogleCalendar, event_id_for
from tourstack.messaging.trip_calendar import booking_uid

pytestmark = pytest.mark.xdist_group("messaging_fakes")
CONFIG = shipped_config()
CAL = "ops@group.calendar.google.com"


@pytest.fixture(scope="module")
def google_server():
    fake = FakeGoogleCalendar()
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


@pytest.fixture
def google(google_server, sessions):
    fake, url = google_server
    fake.reset()
    backend = GoogleCalendar(http=httplib2.Http(timeout=5), api_url=f"{url}/calendar/v3/")
    transport = CalendarTransport(sessions=sessions, backend=backend, calendars={"operations": CAL},
                                  public_url="https://tourstack.example")
    return fake, transport


def dispatch(sessions, transport, clock):
    # never behind the rows just written (a busy machine can take longer than the clock's lead)
    clock.now = max(clock.now, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    return dispatch_due(sessions, {"calendar": transport}, CONFIG, clock=clock)


def calendar_rows(session):
    session.expire_all()
    return session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "calendar")
                           .order_by(OutboxMessage.id)).all()


def event_row(session, booking):
    session.expire_all()
    return session.scalars(select(CalendarEvent).where(CalendarEvent.booking_id == booking.id)).one()


def the_event(fake, booking):
    return fake.events[(CAL, event_id_for(booking_uid(booking.booking_ref)))]


def test_a_booking_gets_one_event_updated_and_cancelled_with_its_etag(session, sessions, google, clock):
    fake, transport = google
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    assert dispatch(sessions, transport, clock).sent == 1
    event = the_event(fake, booking)
    assert event["start"] == {"dateTime": "2026-10-01T09:00:00+05:30", "timeZone": "Asia/Kolkata"}
    assert event["end"]["dateTime"] == "2026-10-07T18:00:00+05:30"
    assert event["extendedProperties"]["private"]["booking_ref"] == booking.booking_ref
    assert f"Booking {booking.booking_ref}" in event["description"]
    row = event_row(session, booking)
    assert (row.etag, row.sequence, row.status, row.uid) == (event["etag"], 0, "confirmed",
                                                           booking_uid(booking.booking_ref))
    assert expected_calendar_events(session, ["operations"], today=booking.travel_start)["missing"] == []

    booking.travellers = 4
    announce_booking(session, booking, "updated")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, transport, clock).sent == 1
    event = the_event(fake, booking)
    assert "4 traveller(s)" in event["description"] and event["sequence"] == 1
    assert event_row(session, booking).etag == event["etag"]

    booking.status = "cancelled"
    announce_booking(session, booking, "cancelled")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, transport, clock).sent == 1
    assert the_event(fake, booking)["status"] == "cancelled"
    row = event_row(session, booking)
    assert (row.status, row.sequence) == ("cancelled", 2)
    assert len(fake.events) == 1
    assert [m.status for m in calendar_rows(session)] == ["sent", "sent", "sent"]


def test_an_event_edited_meanwhile_is_reread_and_patched_on_its_fresh_etag(session, sessions, google, clock):
    fake, transport = google
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    dispatch(sessions, transport, clock)
    fake.edit(CAL, event_id_for(booking_uid(booking.booking_ref)), colorId="5")  # someone in the calendar UI
    booking.travellers = 5
    announce_booking(session, booking, "updated")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, transport, clock).sent == 1
    methods = [m for m, _ in fake.calls]
    assert methods == ["insert", "patch", "get", "patch"]  # 412, re-read, patch again
    event = the_event(fake, booking)
    assert "5 traveller(s)" in event["description"] and event["colorId"] == "5"
    assert event_row(session, booking).etag == event["etag"]


def test_429_waits_for_retry_after_then_creates_the_event_once(session, sessions, google, clock):
    fake, transport = google
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    fake.throttle(retry_after=120)
    report = dispatch(sessions, transport, clock)
    assert (report.sent, report.retried) == (0, 1)
    [row] = calendar_rows(session)
    assert row.status == "pending" and "rate limited" in row.reason
    assert (row.next_attempt_at - clock.now).total_seconds() >= 119
    clock.advance(121)
    assert dispatch(sessions, transport, clock).sent == 1
    assert len(fake.events) == 1


def test_a_lost_insert_answer_updates_the_event_instead_of_making_a_second(session, sessions, google, clock):
    fake, transport = google
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    dispatch(sessions, transport, clock)
    session.delete(event_row(session, booking))  # as if the answer (and our record) were lost
    booking.travellers = 6
    announce_booking(session, booking, "updated")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, transport, clock).sent == 1
    assert [m for m, _ in fake.calls] == ["insert", "insert", "get", "patch"]  # 409, read, patch
    assert len(fake.events) == 1 and "6 traveller(s)" in the_event(fake, booking)["description"]


def test_cancelling_a_booking_whose_event_never_existed_succeeds_without_one(session, sessions, google, clock):
    fake, transport = google
    booking = f.make_booking(session, status="cancelled")
    announce_booking(session, booking, "cancelled")
    session.commit()
    assert dispatch(sessions, transport, clock).sent == 1
    assert fake.events == {} and [m for m, _ in fake.calls] == ["get"]
    row = event_row(session, booking)
    assert (row.status, row.provider_event_id) == ("cancelled", None)


def test_a_recipient_without_a_calendar_and_a_5xx(session, sessions, google, clock):
    fake, transport = google
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    fake.fail_next(503)
    assert dispatch(sessions, transport, clock).retried == 1
    lonely = CalendarTransport(sessions=sessions, backend=transport._backend, calendars={},
                               public_url="https://tourstack.example")
    clock.advance(3600)
    assert dispatch(sessions, lonely, clock).dead == 1
    [row] = calendar_rows(session)
    assert row.status == "dead" and "no calendar connected" in row.reason


def test_the_check_names_live_bookings_without_their_event(session, sessions, google, clock):
    booking = f.make_booking(session)
    f.make_booking(session, status="cancelled")
    session.commit()
    result = expected_calendar_events(session, ["operations"], today=booking.travel_start)
    assert result["missing"] == [f"{booking.booking_ref}@operations"] and result["live_bookings"] == 1


@pytest.mark.postgres
def test_on_postgresql_one_row_per_booking_and_calendar_follows_the_event(pg_url, google_server, clock):
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.db.migrate import upgrade

    fake, url = google_server
    fake.reset()
    upgrade(pg_url)
    engine = make_engine(pg_url)
    sessions = make_sessionmaker(engine)
    transport = CalendarTransport(sessions=sessions, calendars={"operations": CAL}, public_url="https://t.example",
                                  backend=GoogleCalendar(http=httplib2.Http(timeout=5), api_url=f"{url}/calendar/v3/"))
    try:
        with sessions() as session:
            booking = f.make_booking(session)
            announce_booking(session, booking, "created")
            session.commit()
            assert dispatch(sessions, transport, clock).sent == 1
            booking.travellers = 7
            announce_booking(session, booking, "updated")
            session.commit()
            clock.advance(1)
            assert dispatch(sessions, transport, clock).sent == 1
            row = event_row(session, booking)
            assert (row.sequence, row.etag) == (1, the_event(fake, booking)["etag"])
            assert len(fake.events) == 1
    finally:
        engine.dispose()


def test_an_event_deleted_in_the_calendar_is_a_dead_letter_not_a_retry_loop(session, sessions, google, clock):
    fake, transport = google
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    dispatch(sessions, transport, clock)
    del fake.events[(CAL, event_id_for(booking_uid(booking.booking_ref)))]
    booking.travellers = 9
    announce_booking(session, booking, "updated")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, transport, clock).dead == 1
    assert "deleted in the calendar" in calendar_rows(session)[-1].reason
