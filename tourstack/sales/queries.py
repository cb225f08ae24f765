"""Read queries for bookings and quotes, scoped by agency and paginated by keyset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, BookingItem, Quote
from tourstack.sales.pagination import Page, keyset_page


@dataclass(frozen=True)
class BookingFilters:
    """`booked_from` / `booked_to` are inclusive UTC calendar dates on `booked_at`."""

    status: str | None = None
    booked_from: dt.date | None = None
    booked_to: dt.date | None = None


@dataclass(frozen=True)
class QuoteFilters:
    """`requested_from` / `requested_to` are inclusive UTC calendar dates on `requested_at`."""

    status: str | None = None
    quote_request_id: int | None = None
    requested_from: dt.date | None = None
    requested_to: dt.date | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _date_range(stmt: Select, column: Any, start: dt.date | None, end: dt.date | None) -> Select:
    if start is not None:
        stmt = stmt.where(column >= _day_start(start))
    if end is not None:
        stmt = stmt.where(column < _day_start(end + dt.timedelta(days=1)))
    return stmt


def _bookings(agency_id: int | None) -> Select:
    stmt = select(Booking).where(Booking.deleted_at.is_(None))
    if agency_id is not None:
        stmt = stmt.where(Booking.agency_id == agency_id)
    return stmt


def _quotes(agency_id: int | None) -> Select:
    stmt = select(Quote).where(Quote.deleted_at.is_(None))
    if agency_id is not None:
        stmt = stmt.where(Quote.agency_id == agency_id)
    return stmt


def list_bookings(
    session: Session,
    *,
    agency_id: int | None,
    filters: BookingFilters | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[Booking]:
    """Bookings newest first. Raises InvalidCursor for a malformed cursor."""
    filters = filters or BookingFilters()
    stmt = _bookings(agency_id)
    if filters.status is not None:
        stmt = stmt.where(Booking.status == filters.status)
    stmt = _date_range(stmt, Booking.booked_at, filters.booked_from, filters.booked_to)
    return keyset_page(session, stmt, Booking, limit, cursor)


def get_booking_by_ref(session: Session, booking_ref: str, *, agency_id: int | None) -> Booking | None:
    """The booking, or None when it does not exist or is outside `agency_id`."""
    return session.scalar(_bookings(agency_id).where(Booking.booking_ref == booking_ref))


def list_booking_items(session: Session, booking_id: int) -> list[BookingItem]:
    return list(
        session.scalars(
            select(BookingItem)
            .where(BookingItem.booking_id == booking_id)
            .order_by(BookingItem.service_date, BookingItem.id)
        )
    )


def list_quotes(
    session: Session,
    *,
    agency_id: int | None,
    filters: QuoteFilters | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[Quote]:
    """Quotes newest first. Raises InvalidCursor for a malformed cursor."""
    filters = filters or QuoteFilters()
    stmt = _quotes(agency_id)
    if filters.status is not None:
        stmt = stmt.where(Quote.status == filters.status)
    if filters.quote_request_id is not None:
        stmt = stmt.where(Quote.quote_request_id == filters.quote_request_id)
    stmt = _date_range(stmt, Quote.requested_at, filters.requested_from, filters.requested_to)
    return keyset_page(session, stmt, Quote, limit, cursor)


def get_quote(session: Session, quote_id: int, *, agency_id: int | None) -> Quote | None:
    """The quote, or None when it does not exist or is outside `agency_id`."""
    return session.scalar(_quotes(agency_id).where(Quote.id == quote_id))
