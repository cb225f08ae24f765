"""The calendar channel into Outlook through Microsoft Graph REST (httpx) against a fake Graph and
token endpoint on 127.0.0.1: client-credentials token, one event per booking, If-Match updates,
412 re-read, 429 and 503 with Retry-After, cancellation deletes, and Google beside it."""

from __future__ import annotations

import datetime as dt

import httplib2
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from tests import factories as f
from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.google_calendar import FakeGoogleCalendar
from tests.fakes.graph_calendar import FakeGraph
from tourstack.db.models import CalendarEvent, OutboxMessage
from tourstack.messaging import dispatch_due, shipped_config
from tourstack.messaging.calendar_sync import (
    CalendarChannel,
    CalendarTransport,
    calendar_transport_from_settings,
    expected_calendar_events,
)
from tourstack.messaging.events import announce_booking
from tourstack.messaging.google_calendar import GoogleCalendar, event_id_for
from tourstack.messaging.outlook_calendar import SEQUENCE_PROP, GraphCalendar
from tourstack.messaging.trip_calendar import booking_uid
from tourstack.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("messaging_fakes")]
CONFIG = shipped_config()
MAILBOX = "ops@contoso.example"


@pytest.fixture(scope="module")
def graph_server():
    fake = FakeGraph()
    with ThreadedServer(fake.app) as server:
        yield fake, server.url


def _graph(url: str, secret: str = "app-secret") -> GraphCalendar:
    return GraphCalendar(tenant_id="tenant-1", client_id="app-id", client_secret=SecretStr(secret),
                         api_url=f"{url}/v1.0/", login_url=url, timeout=5)


@pytest.fixture
def outlook(graph_server, sessions):
    fake, url = graph_server
    fake.reset()
    transport = CalendarTransport(sessions=sessions, backend=_graph(url), calendars={"operations": MAILBOX},
                                  public_url="https://tourstack.example", provider="outlook", row_prefix="outlook:")
    return fake, CalendarChannel([transport])


def dispatch(sessions, transport, clock):
    clock.now = max(clock.now, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    return dispatch_due(sessions, {"calendar": transport}, CONFIG, clock=clock)


def the_event(fake, booking) -> dict:
    [event] = fake.by_property(event_id_for(booking_uid(booking.booking_ref)))
    return event


def row(session, booking, calendar="outlook:operations") -> CalendarEvent:
    session.expire_all()
    return session.scalars(select(CalendarEvent).where(CalendarEvent.booking_id == booking.id,
                                                       CalendarEvent.calendar == calendar)).one()


def sequence(event) -> int:
    return int({p["id"]: p["value"] for p in event["singleValueExtendedProperties"]}[SEQUENCE_PROP])


def test_created_updated_with_if_match_then_deleted_on_cancel(session, sessions, outlook, clock):
    fake, channel = outlook
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    assert dispatch(sessions, channel, clock).sent == 1
    event = the_event(fake, booking)
    assert event["start"] == {"dateTime": "2026-10-01T09:00:00", "timeZone": "Asia/Kolkata"}
    assert event["subject"].endswith(f"({booking.booking_ref})") and sequence(event) == 0
    saved = row(session, booking)
    assert (saved.provider, saved.provider_event_id, saved.etag) == ("outlook", event["id"], event["@odata.etag"])
    assert expected_calendar_events(session, ["outlook:operations"], today=booking.travel_start)["missing"] == []

    booking.travellers = 4
    announce_booking(session, booking, "updated")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, channel, clock).sent == 1
    event = the_event(fake, booking)
    assert "4 traveller(s)" in event["body"]["content"] and sequence(event) == 1
    assert row(session, booking).etag == event["@odata.etag"]
    assert [c for c, _ in fake.calls] == ["create", "patch"]

    booking.status = "cancelled"
    announce_booking(session, booking, "cancelled")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, channel, clock).sent == 1
    assert fake.events == {}
    assert (row(session, booking).status, row(session, booking).sequence) == ("cancelled", 2)
    assert expected_calendar_events(session, ["outlook:operations"], today=booking.travel_start)["live_bookings"] == 0
    assert fake.token_requests >= 1


def test_an_event_edited_in_outlook_is_reread_and_patched_on_its_fresh_etag(session, sessions, outlook, clock):
    fake, channel = outlook
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    dispatch(sessions, channel, clock)
    fake.edit(MAILBOX, the_event(fake, booking)["id"], categories=["Red category"])
    booking.travellers = 5
    announce_booking(session, booking, "updated")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, channel, clock).sent == 1
    assert [c for c, _ in fake.calls] == ["create", "patch", "list", "patch"]  # 412, re-read, patch again
    event = the_event(fake, booking)
    assert "5 traveller(s)" in event["body"]["content"] and event["categories"] == ["Red category"]


@pytest.mark.parametrize("fault, wait", [("throttle", 120), ("unavailable", 30)])
def test_429_and_503_wait_for_retry_after_then_create_once(session, sessions, outlook, clock, fault, wait):
    fake, channel = outlook
    booking = f.make_booking(session)
    announce_booking(session, booking, "created")
    session.commit()
    if fault == "throttle":
        fake.throttle(retry_after=wait)
    else:
        fake.fail_next(503, retry_after=wait)
    report = dispatch(sessions, channel, clock)
    assert (report.sent, report.retried) == (0, 1)
    [message] = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "calendar")).all()
    session.refresh(message)
    assert (message.next_attempt_at - clock.now).total_seconds() >= wait - 1
    clock.advance(wait + 1)
    assert dispatch(sessions, channel, clock).sent == 1
    assert len(fake.events) == 1


def test_an_expired_token_is_refreshed_and_a_wrong_secret_is_dead(session, sessions, graph_server, clock):
    fake, url = graph_server
    fake.reset()
    good = CalendarChannel([CalendarTransport(sessions=sessions, backend=_graph(url), calendars={"operations": MAILBOX},
                                              public_url="https://t.example", provider="outlook",
                                              row_prefix="outlook:")])
    first, second = f.make_booking(session), f.make_booking(session)
    announce_booking(session, first, "created")
    session.commit()
    assert dispatch(sessions, good, clock).sent == 1
    fake.expire_tokens()
    announce_booking(session, second, "created")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, good, clock).retried == 1  # 401: the token is dropped...
    clock.advance(3600)
    assert dispatch(sessions, good, clock).sent == 1  # ...and the retry fetches a fresh one
    bad = CalendarChannel([CalendarTransport(sessions=sessions, backend=_graph(url, "wrong-secret"),
                                             calendars={"operations": MAILBOX}, public_url="https://t.example",
                                             provider="outlook", row_prefix="outlook:")])
    third = f.make_booking(session)
    announce_booking(session, third, "created")
    session.commit()
    clock.advance(1)
    assert dispatch(sessions, bad, clock).dead == 1
    dead = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "dead")).one()
    session.refresh(dead)
    assert "invalid_client" in dead.reason and "wrong-secret" not in dead.reason


def test_google_and_outlook_each_get_one_event_from_settings(session, sessions, graph_server, clock, tmp_path):
    fake_graph, graph_url = graph_server
    fake_graph.reset()
    fake_google = FakeGoogleCalendar()
    with ThreadedServer(fake_google.app) as google:
        settings = Settings(graph_tenant_id="tenant-1", graph_client_id="app-id", graph_client_secret="app-secret",
                            graph_calendar_users={"operations": MAILBOX}, graph_api_url=f"{graph_url}/v1.0/",
                            graph_login_url=graph_url)
        assert calendar_transport_from_settings(settings, sessions) is not None  # Outlook alone is enough
        google_transport = CalendarTransport(
            sessions=sessions, calendars={"operations": "ops@group.calendar.google.com"}, public_url="https://t.example",
            backend=GoogleCalendar(http=httplib2.Http(timeout=5), api_url=f"{google.url}/calendar/v3/"))
        outlook_transport = CalendarTransport(sessions=sessions, backend=_graph(graph_url),
                                              calendars={"operations": MAILBOX}, public_url="https://t.example",
                                              provider="outlook", row_prefix="outlook:")
        channel = CalendarChannel([google_transport, outlook_transport])
        booking = f.make_booking(session)
        announce_booking(session, booking, "created")
        session.commit()
        assert dispatch(sessions, channel, clock).sent == 1
    assert len(fake_google.events) == 1 and len(fake_graph.events) == 1
    both = expected_calendar_events(session, ["operations", "outlook:operations"], today=booking.travel_start)
    assert both["missing"] == []
    assert row(session, booking, "operations").provider == "google"
