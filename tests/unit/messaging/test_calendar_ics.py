"""The customer's ICS invite: times in the destination's zone, plan and contacts, the PDF link,
a stable UID, SEQUENCE raised per change, CANCEL on cancellation; `tourstack calendar ics`."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from typer.testing import CliRunner

from cli import app
from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import Booking, Itinerary, ItineraryDay, ItineraryItem
from tourstack.settings import get_settings

runner = CliRunner()


def planned_booking(session) -> Booking:
    """A booking whose quote's request carries a two-day itinerary, with a supplier."""
    destination = f.make_destination(session, timezone="Asia/Kathmandu")
    request = f.make_quote_request(session, destination=destination)
    itinerary = Itinerary(agency_id=request.agency_id, destination_id=destination.id, title="Kathmandu Valley",
                          days_count=2, start_date=dt.date(2026, 10, 1), budget_level="moderate",
                          travel_style="moderate", status="approved", source="manual", currency="INR",
                          estimated_cost_minor=0)
    session.add(itinerary)
    session.flush()
    request.itinerary_id = itinerary.id
    for number, (title, start, end) in enumerate((("Arrival", dt.time(14, 30), dt.time(17, 0)),
                                                  ("Temples", dt.time(8, 0), dt.time(20, 15))), start=1):
        day = ItineraryDay(itinerary_id=itinerary.id, day_number=number, title=title)
        session.add(day)
        session.flush()
        session.add(ItineraryItem(itinerary_day_id=day.id, position=1, slot="morning", kind="site",
                                  description=f"{title} walk", name=f"{title} walk", starts_at=start, ends_at=end,
                                  estimated_cost_minor=0, currency="INR"))
    quote = f.make_quote(session, request)
    agent = f.make_agent(session)
    booking = f.make_booking(session, agent, destination=destination, quote_id=quote.id,
                             travel_start=dt.date(2026, 10, 1), travel_end=dt.date(2026, 10, 2))
    f.make_booking_item(session, booking, supplier=f.make_supplier(session, destination))
    session.commit()
    return booking


def write(db_url, ref, out):
    return runner.invoke(app, ["calendar", "ics", ref, "--out", str(out), "--database-url", db_url])


def read(path):
    cal = Calendar.from_ical(path.read_bytes())
    [event] = cal.walk("VEVENT")
    return cal, event


def test_the_invite_is_a_request_a_mail_client_can_update_then_a_cancel(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("TOURSTACK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TOURSTACK_PUBLIC_URL", "https://app.tourstack.example")
    get_settings.cache_clear()
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions() as s:
            booking = planned_booking(s)
            ref = booking.booking_ref
        out = tmp_path / "trip.ics"
        result = write(db_url, ref, out)
        assert result.exit_code == 0, result.output
        cal, event = read(out)
        assert str(cal["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
        assert str(event["UID"]) == f"booking-{ref.lower()}@tourstack"
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert (start.isoformat(), str(start.tzinfo)) == ("2026-10-01T14:30:00+05:45", "Asia/Kathmandu")
        assert end.isoformat() == "2026-10-02T20:15:00+05:45"
        assert event["DTSTART"].params["TZID"] == "Asia/Kathmandu" and cal.walk("VTIMEZONE")
        description = str(event["DESCRIPTION"])
        assert "Day 2: Temples" in description and "Your travel agency" in description
        pdf = f"https://app.tourstack.example/api/v1/itineraries/{description.split('/itineraries/')[1].split('.pdf')[0]}.pdf"
        assert str(event["URL"]) == pdf and pdf in description

        assert write(db_url, ref, out).exit_code == 0  # nothing changed: the same version
        assert int(read(out)[1]["SEQUENCE"]) == 0

        with sessions() as s:
            s.get(Booking, booking.id).travellers = 3
            s.commit()
        write(db_url, ref, out)
        cal, event = read(out)
        assert (str(cal["METHOD"]), int(event["SEQUENCE"])) == ("REQUEST", 1)
        assert "3 traveller(s)" in str(event["DESCRIPTION"])

        with sessions() as s:
            s.get(Booking, booking.id).status = "cancelled"
            s.commit()
        result = write(db_url, ref, out)
        cal, event = read(out)
        assert (str(cal["METHOD"]), int(event["SEQUENCE"]), str(event["STATUS"])) == ("CANCEL", 2, "CANCELLED")
        assert str(event["UID"]) == f"booking-{ref.lower()}@tourstack"
        assert "CANCEL, sequence 2" in result.output
    finally:
        engine.dispose()
        get_settings.cache_clear()


def test_an_unknown_booking_writes_nothing(db_url, tmp_path):
    out = tmp_path / "none.ics"
    result = write(db_url, "BK-NOPE", out)
    assert result.exit_code == 1 and "no booking" in result.output and not out.exists()
