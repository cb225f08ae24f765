"""A booking as a calendar event: what every calendar shows, and the customer's ICS invite.

Why one description for Google Calendar and the ICS file: the trip's times (in the
destination's time zone), the day plan and contacts in the description, the link to the
itinerary PDF and the stable UID are the same decision whichever calendar receives them; each
backend only writes its wire format.

Times: the trip starts on `travel_start` at the first planned item's start (09:00 when the plan
names none) and ends on `travel_end` at the last item's end (18:00 otherwise), wall-clock times
of the destination's zone (`destinations.timezone`), so a calendar in another zone shows the
right instant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as IcsEvent
from icalendar import vCalAddress, vText
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import (
    Agency,
    Booking,
    BookingItem,
    Customer,
    Destination,
    Itinerary,
    Quote,
    QuoteRequest,
    Supplier,
)
from tourstack.itinerary import drafts

PRODID = "-//Tourstack//Trip calendar//EN"
DEFAULT_START, DEFAULT_END = dt.time(9, 0), dt.time(18, 0)
LIVE = frozenset({"pending", "confirmed", "paid", "completed"})


class BookingNotFound(LookupError):
    """No booking by that reference."""


@dataclass(frozen=True)
class TripEvent:
    booking_ref: str
    uid: str
    summary: str
    description: str
    location: str
    start: dt.datetime  # aware, in the destination's zone
    end: dt.datetime
    timezone: str
    pdf_url: str | None
    cancelled: bool
    organizer_email: str | None
    attendee_email: str | None
    attendee_name: str


def booking_uid(booking_ref: str) -> str:
    """The iCal UID of a booking's trip: stable for the booking's life, the same in every invite."""
    return f"booking-{booking_ref.lower()}@tourstack"


def _itinerary(session: Session, booking: Booking) -> Itinerary | None:
    if booking.quote_id is None:
        return None
    itinerary_id = session.scalar(select(QuoteRequest.itinerary_id).join(Quote, Quote.quote_request_id == QuoteRequest.id)
                                  .where(Quote.id == booking.quote_id))
    itinerary = session.get(Itinerary, itinerary_id) if itinerary_id else None
    return itinerary if itinerary is not None and itinerary.deleted_at is None else None


def _plan(session: Session, booking: Booking, itinerary: Itinerary | None) -> tuple[list[str], dt.time, dt.time]:
    """The day-by-day lines and the first start / last end time of the plan."""
    lines: list[str] = []
    starts: list[dt.time] = []
    ends: list[dt.time] = []
    if itinerary is not None:
        current = None
        for day, item in drafts.item_rows(session, itinerary):
            if day.day_number != current:
                current = day.day_number
                lines.append(f"Day {day.day_number}: {day.title}")
            clock = item.starts_at.strftime("%H:%M") + " " if item.starts_at else ""
            lines.append(f"  {clock}{drafts._item_name(session, item)}")
            if day.day_number == 1 and item.starts_at:
                starts.append(item.starts_at)
            if item.ends_at:
                ends.append(item.ends_at)
    else:
        items = session.scalars(select(BookingItem).where(BookingItem.booking_id == booking.id,
                                                          BookingItem.status != "cancelled")
                                .order_by(BookingItem.service_date, BookingItem.id)).all()
        lines = [f"{i.service_date.isoformat()}: {i.description}" for i in items]
    return lines, min(starts, default=DEFAULT_START), max(ends, default=DEFAULT_END) if itinerary else DEFAULT_END


def _contacts(session: Session, booking: Booking) -> list[str]:
    out = []
    agency = session.get(Agency, booking.agency_id)
    if agency is not None:
        out.append(f"Your travel agency: {agency.name}, {agency.phone or ''} {agency.email}".replace("  ", " "))
    supplier_ids = session.scalars(select(BookingItem.supplier_id).where(BookingItem.booking_id == booking.id)
                                   .distinct().order_by(BookingItem.supplier_id)).all()
    for supplier in (session.get(Supplier, sid) for sid in supplier_ids):
        if supplier is not None:
            role = {"hotel": "Hotel", "transport": "Driver and car", "guide": "Guide"}.get(supplier.kind, "Supplier")
            out.append(f"{role}: {supplier.name} ({supplier.contact_name}) {supplier.contact_phone or ''}".rstrip())
    return out


def trip_event(session: Session, booking: Booking, *, public_url: str) -> TripEvent:
    destination = session.get(Destination, booking.destination_id)
    zone = destination.timezone if destination else "UTC"
    customer = session.get(Customer, booking.customer_id)
    agency = session.get(Agency, booking.agency_id)
    itinerary = _itinerary(session, booking)
    plan, first, last = _plan(session, booking, itinerary)
    pdf_url = f"{public_url.rstrip('/')}/api/v1/itineraries/{itinerary.id}.pdf" if itinerary else None
    title = itinerary.title if itinerary else (destination.name if destination else "Trip")
    where = f"{destination.city}, {destination.country_name}" if destination else ""
    lines = [f"Booking {booking.booking_ref}: {title}", f"{booking.travellers} traveller(s)", ""]
    if plan:
        lines += ["Itinerary", *plan, ""]
    contacts = _contacts(session, booking)
    if contacts:
        lines += ["Contacts", *contacts, ""]
    if pdf_url:
        lines.append(f"Itinerary PDF: {pdf_url}")
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(booking.travel_start, first, tzinfo=tz)
    end = dt.datetime.combine(booking.travel_end, last, tzinfo=tz)
    if end <= start:
        end = start + dt.timedelta(hours=1)
    name = f"{customer.first_name} {customer.last_name}" if customer else ""
    return TripEvent(
        booking_ref=booking.booking_ref, uid=booking_uid(booking.booking_ref),
        summary=f"{title} ({booking.booking_ref})", description="\n".join(lines).strip(), location=where,
        start=start, end=end, timezone=zone, pdf_url=pdf_url,
        cancelled=booking.status == "cancelled" or booking.deleted_at is not None,
        organizer_email=agency.email if agency else None,
        attendee_email=customer.email if customer else None, attendee_name=name)


def booking_by_ref(session: Session, booking_ref: str) -> Booking:
    booking = session.scalar(select(Booking).where(Booking.booking_ref == booking_ref.strip()))
    if booking is None:
        raise BookingNotFound(f"no booking {booking_ref!r}")
    return booking


def ics_invite(event: TripEvent, *, sequence: int, stamp: dt.datetime | None = None) -> bytes:
    """The invite as an iCalendar file: METHOD:REQUEST, or METHOD:CANCEL (STATUS:CANCELLED) for a
    cancelled trip; the UID and a SEQUENCE that grows with each change let mail clients update
    the one entry they already have."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if event.cancelled else "REQUEST")
    vevent = IcsEvent()
    vevent.add("uid", event.uid)
    vevent.add("sequence", sequence)
    vevent.add("dtstamp", (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC))
    vevent.add("dtstart", event.start)
    vevent.add("dtend", event.end)
    vevent.add("summary", event.summary)
    vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.pdf_url:
        vevent.add("url", event.pdf_url)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.organizer_email:
        organizer = vCalAddress(f"mailto:{event.organizer_email}")
        organizer.params["cn"] = vText("Tourstack")
        vevent.add("organizer", organizer)
    if event.attendee_email:
        attendee = vCalAddress(f"mailto:{event.attendee_email}")
        attendee.params["cn"] = vText(event.attendee_name or event.attendee_email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        vevent.add("attendee", attendee)
    cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()
