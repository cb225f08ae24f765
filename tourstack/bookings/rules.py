"""What every booking's trip must satisfy, on creation and on every change."""

from __future__ import annotations

import datetime as dt

from tourstack.bookings.errors import InvalidBooking

MAX_TRAVELLERS = 99
MAX_TRIP_DAYS = 366


def check_trip(start: dt.date, end: dt.date, travellers: int, *, today: dt.date) -> None:
    if start < today:
        raise InvalidBooking(f"travel_start {start.isoformat()} is in the past")
    if end < start:
        raise InvalidBooking("travel_end is before travel_start")
    if (end - start).days > MAX_TRIP_DAYS:
        raise InvalidBooking(f"a trip lasts at most {MAX_TRIP_DAYS} days")
    if not 1 <= travellers <= MAX_TRAVELLERS:
        raise InvalidBooking(f"travellers must be between 1 and {MAX_TRAVELLERS}")
