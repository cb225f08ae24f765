"""The calendar channel: a booking's event in each connected calendar, kept in step with it.

Why the booking's current state and not the message's facts: calendar messages of one booking
may be delivered late or out of order (a retry after a back-off); writing what the booking is
now makes every delivery converge on the truth, and one that finds nothing new changes nothing.

Per booking and calendar one `calendar_events` row keeps the provider's event id, its etag, the
stable UID and the SEQUENCE. Creation inserts with an id derived from the UID, so a lost answer
retried answers 409 (the event is then read and patched) instead of a second event. Changes
patch with `If-Match`; a 412 (someone edited the event) re-reads the event and patches again on
its fresh etag, a few times. Cancellation sets the event's status to cancelled; a booking whose
event never existed has nothing to cancel and succeeds without a call that changes anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.models import Booking, CalendarEvent
from tourstack.messaging.google_calendar import EventExists, EventMissing, StaleEtag, event_id_for
from tourstack.messaging.transports import DeliveryError, OutboundMessage
from tourstack.messaging.trip_calendar import TripEvent, trip_event

log = logging.getLogger("tourstack.messaging")
STALE_RETRIES = 3


class CalendarBackend(Protocol):
    def insert(self, calendar_id: str, body: dict) -> dict: ...
    def get(self, calendar_id: str, event_id: str) -> dict: ...
    def patch(self, calendar_id: str, event_id: str, body: dict, *, etag: str | None) -> dict: ...


def google_body(event: TripEvent, *, sequence: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": event.summary, "description": event.description, "location": event.location,
        "start": {"dateTime": event.start.isoformat(), "timeZone": event.timezone},
        "end": {"dateTime": event.end.isoformat(), "timeZone": event.timezone},
        "status": "cancelled" if event.cancelled else "confirmed", "sequence": sequence,
        "extendedProperties": {"private": {"tourstack_uid": event.uid, "booking_ref": event.booking_ref}},
    }
    if event.pdf_url:
        body["source"] = {"title": "Itinerary PDF", "url": event.pdf_url}
    return body


def _save(session: Session, booking_id: int, calendar: str, **values: Any) -> None:
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(CalendarEvent).values(booking_id=booking_id, calendar=calendar, created_at=now, updated_at=now,
                                        **values)
    session.execute(stmt.on_conflict_do_update(index_elements=["booking_id", "calendar"],
                                               set_={**values, "updated_at": now}))
    session.commit()


class CalendarTransport:
    """`send` applies one booking message to the calendar its route names (the recipient) and
    returns `google:<event id>`. `calendars` maps a route's recipient to the provider's calendar
    id; a recipient without one is refused for good."""

    def __init__(self, *, sessions: Callable[[], Session], backend: CalendarBackend,
                 calendars: Mapping[str, str], public_url: str, provider: str = "google",
                 row_prefix: str = "") -> None:
        self._sessions, self._backend, self._calendars = sessions, backend, dict(calendars)
        self._public_url, self._provider = public_url, provider
        self._prefix = row_prefix  # `outlook:`: its rows never collide with Google's of one recipient

    def connects(self, recipient: str) -> bool:
        return bool(self._calendars.get(recipient))

    def send(self, message: OutboundMessage) -> str:
        calendar_id = self._calendars.get(message.recipient)
        if not calendar_id:
            raise DeliveryError(f"calendar: no calendar connected for {message.recipient!r}", temporary=False)
        ref = (message.payload.get("facts") or {}).get("booking_ref") or message.payload.get("thread")
        row_name = self._prefix + message.recipient
        with self._sessions() as session:
            booking = session.scalar(select(Booking).where(Booking.booking_ref == str(ref or "")))
            if booking is None:
                raise DeliveryError(f"calendar: no booking {ref!r}", temporary=False)
            event = trip_event(session, booking, public_url=self._public_url)
            row = session.scalar(select(CalendarEvent).where(CalendarEvent.booking_id == booking.id,
                                                             CalendarEvent.calendar == row_name))
            booking_id = booking.id
            known = (row.provider_event_id, row.etag, row.sequence, row.last_event_key) if row else None
        event_id = event_id_for(event.uid)
        if known is not None and known[3] == message.event_key and known[0]:
            return f"{self._provider}:{known[0]}"  # this message was applied already
        if event.cancelled:
            answer = self._cancel(calendar_id, event_id, event, known)
        else:
            try:
                answer = self._upsert(calendar_id, event_id, event, known)
            except EventMissing:  # deleted in the calendar by hand: its id cannot be used again
                raise DeliveryError(f"calendar: the event of {event.booking_ref} was deleted in the calendar",
                                    temporary=False) from None
        with self._sessions() as session:
            _save(session, booking_id, row_name, provider=self._provider,
                  provider_event_id=answer.get("id") if answer else None,
                  etag=answer.get("etag") if answer else None, uid=event.uid,
                  sequence=int(answer.get("sequence", 0)) if answer else (known[2] if known else 0),
                  status="cancelled" if event.cancelled else "confirmed", last_event_key=message.event_key)
        return f"{self._provider}:{answer['id']}" if answer else f"{self._provider}:none"

    def _upsert(self, calendar_id: str, event_id: str, event: TripEvent, known) -> dict:
        if known is None or not known[0]:
            try:
                return self._backend.insert(calendar_id, {"id": event_id, **google_body(event, sequence=0)})
            except EventExists:
                pass  # an earlier try created it and its answer was lost: update it instead
            current = self._backend.get(calendar_id, event_id)
            return self._patch(calendar_id, event_id, event, current.get("etag"), int(current.get("sequence", 0)))
        return self._patch(calendar_id, event_id, event, known[1], known[2])

    def _patch(self, calendar_id: str, event_id: str, event: TripEvent, etag: str | None, sequence: int) -> dict:
        for _ in range(STALE_RETRIES):
            try:
                return self._backend.patch(calendar_id, event_id, google_body(event, sequence=sequence + 1), etag=etag)
            except StaleEtag:
                current = self._backend.get(calendar_id, event_id)  # edited meanwhile: re-read, apply on top
                etag, sequence = current.get("etag"), max(sequence, int(current.get("sequence", 0)))
        raise DeliveryError(f"calendar: event kept changing ({STALE_RETRIES} stale etags)")

    def _cancel(self, calendar_id: str, event_id: str, event: TripEvent, known) -> dict | None:
        try:
            if known is None or not known[0]:
                current = self._backend.get(calendar_id, event_id)  # a lost insert answer may have made it
                etag, sequence = current.get("etag"), int(current.get("sequence", 0))
            else:
                etag, sequence = known[1], known[2]
            return self._patch(calendar_id, event_id, event, etag, sequence)
        except EventMissing:
            return None  # never created (or deleted): nothing to cancel


class CalendarChannel:
    """Every connected provider's calendar of a recipient (Google, Outlook): a message is sent
    when each of them has it. A provider that fails makes the message retry; the ones that
    succeeded recognise the message on the retry (`last_event_key`) and change nothing."""

    def __init__(self, transports: list[CalendarTransport]) -> None:
        self._transports = list(transports)

    def send(self, message: OutboundMessage) -> str:
        targets = [t for t in self._transports if t.connects(message.recipient)]
        if not targets:
            raise DeliveryError(f"calendar: no calendar connected for {message.recipient!r}", temporary=False)
        return " ".join(t.send(message) for t in targets)[:255]


def connected_calendars(settings) -> list[str]:
    """The `calendar_events` names of every connected calendar: a Google one is its route's
    recipient (`operations`), an Outlook one `outlook:<recipient>`."""
    names = list(settings.google_calendar_ids)
    if _graph_configured(settings):
        names += [f"outlook:{recipient}" for recipient in settings.graph_calendar_users]
    return sorted(names)


def _graph_configured(settings) -> bool:
    return bool(settings.graph_tenant_id and settings.graph_client_id and settings.graph_client_secret
                and settings.graph_calendar_users)


def calendar_transport_from_settings(settings, sessions: Callable[[], Session]) -> CalendarChannel | None:
    """The calendar channel: Google Calendar when a service account and calendars are
    configured, Outlook (Microsoft Graph) when an app registration and mailboxes are; None
    without either (the channel then writes files)."""
    transports: list[CalendarTransport] = []
    if settings.google_calendar_credentials and settings.google_calendar_ids:
        from tourstack.messaging.google_calendar import GoogleCalendar

        backend = GoogleCalendar(credentials_file=settings.google_calendar_credentials,
                                 subject=settings.google_calendar_subject, api_url=settings.google_calendar_api_url)
        transports.append(CalendarTransport(sessions=sessions, backend=backend, calendars=settings.google_calendar_ids,
                                            public_url=settings.public_url))
    if _graph_configured(settings):
        from tourstack.messaging.outlook_calendar import GraphCalendar

        graph = GraphCalendar(tenant_id=settings.graph_tenant_id, client_id=settings.graph_client_id,
                              client_secret=settings.graph_client_secret, api_url=settings.graph_api_url,
                              login_url=settings.graph_login_url)
        transports.append(CalendarTransport(sessions=sessions, backend=graph, calendars=settings.graph_calendar_users,
                                            public_url=settings.public_url, provider="outlook", row_prefix="outlook:"))
    return CalendarChannel(transports) if transports else None


def expected_calendar_events(session: Session, calendars: list[str], *, today: dt.date | None = None) -> dict:
    """For the asset check: live bookings (not cancelled, not deleted, trip not over) without
    exactly one confirmed event in each connected calendar."""
    from sqlalchemy import func

    today = today or dt.date.today()
    live = select(Booking.id, Booking.booking_ref).where(
        Booking.status.not_in(("cancelled",)), Booking.deleted_at.is_(None), Booking.travel_end >= today)
    bookings = dict(session.execute(live).all())
    counts = {(b, c): n for b, c, n in session.execute(
        select(CalendarEvent.booking_id, CalendarEvent.calendar, func.count())
        .where(CalendarEvent.status == "confirmed", CalendarEvent.calendar.in_(calendars),
               CalendarEvent.provider_event_id.is_not(None))
        .group_by(CalendarEvent.booking_id, CalendarEvent.calendar))}
    missing = sorted(f"{ref}@{cal}" for bid, ref in bookings.items() for cal in calendars
                     if counts.get((bid, cal), 0) != 1)
    return {"live_bookings": len(bookings), "calendars": calendars, "missing": missing}
