"""The customer's ICS invite of a booking, with a SEQUENCE that grows only when the trip changes.

Why the invite keeps a row: a mail client replaces its entry only when an invite with the same
UID has a higher SEQUENCE. The `calendar_events` row of calendar `customer` (provider `ics`)
remembers the sequence and a digest of what the last invite said; writing the invite again
without a change keeps the sequence (the client sees the same version), any change to the times,
plan, contacts or status raises it by one, and a cancelled booking's invite is METHOD:CANCEL.

The outbox's e-mail channel (tourstack.messaging.mail_channel) mails the invite to the customer
with each booking event; `tourstack calendar ics BOOKING_REF --out FILE.ics` writes one to a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.models import Booking, CalendarEvent
from tourstack.messaging.trip_calendar import TripEvent, ics_invite, trip_event

CUSTOMER_CALENDAR = "customer"


def _digest(event: TripEvent) -> str:
    text = "|".join(str(v) for v in (event.summary, event.description, event.location, event.start.isoformat(),
                                     event.end.isoformat(), event.cancelled, event.attendee_email))
    return "ics:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def customer_invite(session: Session, booking: Booking, *, public_url: str,
                    stamp: dt.datetime | None = None) -> tuple[bytes, int]:
    """The invite and its sequence; records the version in the caller's transaction."""
    event = trip_event(session, booking, public_url=public_url)
    digest = _digest(event)
    row = session.scalar(select(CalendarEvent).where(CalendarEvent.booking_id == booking.id,
                                                     CalendarEvent.calendar == CUSTOMER_CALENDAR)
                         .with_for_update())
    status = "cancelled" if event.cancelled else "confirmed"
    if row is None:
        row = CalendarEvent(booking_id=booking.id, calendar=CUSTOMER_CALENDAR, provider="ics", uid=event.uid,
                            sequence=0, status=status, last_event_key=digest)
        session.add(row)
    elif row.last_event_key != digest:
        row.sequence += 1
        row.status, row.last_event_key, row.updated_at = status, digest, utcnow()
    session.flush()
    return ics_invite(event, sequence=row.sequence, stamp=stamp), row.sequence
