"""The sales flow: itineraries, quote requests, quotes, bookings and what travellers thought."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import false as sa_false
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, MinorUnits, SoftDelete, Timestamps, UTCDateTime


class Itinerary(Timestamps, SoftDelete, Base):
    __tablename__ = "itineraries"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    destination_id: Mapped[int] = mapped_column(ForeignKey("destinations.id"))
    title: Mapped[str] = mapped_column(String(200))
    days_count: Mapped[int] = mapped_column(SmallInteger)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    budget_level: Mapped[str] = mapped_column(String(16))  # budget, moderate, luxury
    travel_style: Mapped[str] = mapped_column(String(16))  # fast_paced, moderate, relaxed
    status: Mapped[str] = mapped_column(String(16))  # draft, approved, archived
    source: Mapped[str] = mapped_column(String(16))  # manual, offline_planner, openai
    currency: Mapped[str] = mapped_column(String(3))
    estimated_cost_minor: Mapped[int] = mapped_column(MinorUnits)


class ItineraryDay(Timestamps, Base):
    __tablename__ = "itinerary_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    itinerary_id: Mapped[int] = mapped_column(ForeignKey("itineraries.id"), index=True)
    day_number: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(200))


class ItineraryItem(Timestamps, SoftDelete, Base):
    __tablename__ = "itinerary_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    itinerary_day_id: Mapped[int] = mapped_column(ForeignKey("itinerary_days.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    slot: Mapped[str] = mapped_column(String(16))  # morning, afternoon, evening, overnight
    kind: Mapped[str] = mapped_column(String(16))  # site, hotel, transport, meal
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    description: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[dt.time | None] = mapped_column(Time)
    ends_at: Mapped[dt.time | None] = mapped_column(Time)
    estimated_cost_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set by generated plans: the place as named, and whether it matched the catalogue.
    name: Mapped[str | None] = mapped_column(String(200))
    is_verified: Mapped[bool | None] = mapped_column(Boolean, server_default=sa_false())


class QuoteRequest(Timestamps, SoftDelete, Base):
    """An agent asking for a price; `status` is open, quoted or closed."""

    __tablename__ = "quote_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    destination_id: Mapped[int] = mapped_column(ForeignKey("destinations.id"))
    itinerary_id: Mapped[int | None] = mapped_column(ForeignKey("itineraries.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    travel_start: Mapped[dt.date] = mapped_column(Date)
    travel_end: Mapped[dt.date] = mapped_column(Date)
    adults: Mapped[int] = mapped_column(SmallInteger)
    children: Mapped[int] = mapped_column(SmallInteger, default=0)
    budget_level: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))


class Quote(Timestamps, SoftDelete, Base):
    """A priced offer. `status`: draft, sent, accepted, rejected, expired."""

    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_number: Mapped[str] = mapped_column(String(32), unique=True)
    quote_request_id: Mapped[int] = mapped_column(ForeignKey("quote_requests.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    prepared_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(MinorUnits)
    cost_minor: Mapped[int] = mapped_column(MinorUnits)
    status: Mapped[str] = mapped_column(String(16))


class Booking(Timestamps, SoftDelete, Base):
    """A confirmed sale. `status`: pending, confirmed, paid, completed, cancelled."""

    __tablename__ = "bookings"
    # The list's filter (agency, status) and its newest-first order by id, from one index.
    __table_args__ = (Index("ix_bookings_agency_status_id", "agency_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_ref: Mapped[str] = mapped_column(String(16), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id"))
    destination_id: Mapped[int] = mapped_column(ForeignKey("destinations.id"))
    booked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    travel_start: Mapped[dt.date] = mapped_column(Date)
    travel_end: Mapped[dt.date] = mapped_column(Date)
    travellers: Mapped[int] = mapped_column(SmallInteger)
    currency: Mapped[str] = mapped_column(String(3))
    total_sell_minor: Mapped[int] = mapped_column(MinorUnits)
    total_cost_minor: Mapped[int] = mapped_column(MinorUnits)
    status: Mapped[str] = mapped_column(String(16))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancellation_reason: Mapped[str | None] = mapped_column(String(200))


class BookingItem(Timestamps, Base):
    """One supplied service. Cost is in the supplier's currency, sell in the booking's."""

    __tablename__ = "booking_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    service_type: Mapped[str] = mapped_column(String(16))  # hotel, transport, guide, activity
    # The catalogue site an activity is an entrance or experience at, so revenue can be attributed
    # to sites; NULL for hotels, transport and guides, which are not bound to one site.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    service_date: Mapped[dt.date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(SmallInteger)
    cost_minor: Mapped[int] = mapped_column(MinorUnits)
    cost_currency: Mapped[str] = mapped_column(String(3))
    sell_minor: Mapped[int] = mapped_column(MinorUnits)
    sell_currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # confirmed, cancelled
    supplier_requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    supplier_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CustomerRating(Timestamps, SoftDelete, Base):
    """A traveller's 1-5 score after the trip, for the booking and optionally a supplier."""

    __tablename__ = "customer_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
