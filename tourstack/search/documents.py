"""Search documents read from the operational database, one generator per index.

Why bulk queries with aggregates rather than per-row lookups: a full re-index reads every
site, itinerary, supplier, booking and agent; popularity (bookings in the last 365 days) and
ratings are computed in one grouped query per index, so the cost stays a handful of queries
whatever the catalogue size. Soft-deleted rows are left out. Money stays integer minor units
with its currency beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourstack.db.models import (
    Agency, Agent, Booking, BookingItem, Customer, CustomerRating, Destination, Itinerary,
    ItineraryDay, ItineraryItem, QuoteRequest, Site, Supplier,
)
from tourstack.search.backend import Document
from tourstack.search.config import Ranking

PRICE_RANGES = {0: "free", 1: "budget", 2: "moderate", 3: "premium", 4: "luxury"}


def _since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=365)


def _only(column, ids: Collection[int] | None) -> tuple:
    """The clause limiting a query to `ids` (one document re-read for a change), or none."""
    return () if ids is None else (column.in_(list(ids)),)


def _rating_x10(average: float | None) -> int:
    return 0 if average is None else round(float(average) * 10)


def site_documents(
    session: Session, ranking: Ranking, now: dt.datetime, ids: Collection[int] | None = None
) -> Iterator[Document]:
    recent = dict(session.execute(
        select(BookingItem.site_id, func.count(func.distinct(BookingItem.booking_id)))
        .join(Booking, Booking.id == BookingItem.booking_id)
        .where(BookingItem.site_id.is_not(None), *_only(BookingItem.site_id, ids), Booking.booked_at >= _since(now),
               Booking.status != "cancelled", Booking.deleted_at.is_(None))
        .group_by(BookingItem.site_id)
    ).all())
    rated = dict(session.execute(
        select(BookingItem.site_id, func.avg(CustomerRating.score))
        .join(CustomerRating, CustomerRating.booking_id == BookingItem.booking_id)
        .where(BookingItem.site_id.is_not(None), *_only(BookingItem.site_id, ids), CustomerRating.deleted_at.is_(None))
        .group_by(BookingItem.site_id)
    ).all())
    rows = session.execute(
        select(Site, Destination.name).join(Destination, Destination.id == Site.destination_id)
        .where(Site.deleted_at.is_(None), *_only(Site.id, ids)).order_by(Site.id)
    )
    for site, destination in rows:
        bookings, rating = int(recent.get(site.id, 0)), _rating_x10(rated.get(site.id))
        yield {
            "id": site.id, "name": site.name, "category": site.category, "location": destination,
            "description": site.description or "", "price_range": PRICE_RANGES.get(site.price_level, "premium"),
            "price_minor": site.price_minor, "currency": site.price_currency,
            "popularity": site.popularity, "bookings_365d": bookings, "rating_x10": rating,
            "rank_signal": ranking.signal(popularity=site.popularity, bookings_365d=bookings, rating_x10=rating),
        }


def destination_documents(
    session: Session, ranking: Ranking, now: dt.datetime, ids: Collection[int] | None = None
) -> Iterator[Document]:
    """Destinations to browse and compare: found by their name, city, region or country, and
    ranked by the bookings made for them in the last year."""
    recent = dict(session.execute(
        select(Booking.destination_id, func.count())
        .where(Booking.booked_at >= _since(now), Booking.status != "cancelled", Booking.deleted_at.is_(None),
               *_only(Booking.destination_id, ids))
        .group_by(Booking.destination_id)
    ).all())
    for destination in session.scalars(select(Destination).where(*_only(Destination.id, ids)).order_by(Destination.id)):
        bookings = int(recent.get(destination.id, 0))
        yield {
            "id": destination.id, "name": destination.name, "city": destination.city,
            "region": destination.region, "country": destination.country_name, "bookings_365d": bookings,
            "rank_signal": ranking.signal(bookings_365d=bookings),
        }


def itinerary_documents(
    session: Session, ranking: Ranking, now: dt.datetime, ids: Collection[int] | None = None
) -> Iterator[Document]:
    requested = dict(session.execute(
        select(QuoteRequest.itinerary_id, func.count())
        .where(QuoteRequest.itinerary_id.is_not(None), QuoteRequest.requested_at >= _since(now))
        .group_by(QuoteRequest.itinerary_id)
    ).all())
    stops: dict[int, list[str]] = {}
    for itinerary_id, name in session.execute(
        select(ItineraryDay.itinerary_id, func.coalesce(ItineraryItem.name, Site.name))
        .join(ItineraryItem, ItineraryItem.itinerary_day_id == ItineraryDay.id)
        .outerjoin(Site, Site.id == ItineraryItem.site_id)
        .where(ItineraryItem.deleted_at.is_(None), *_only(ItineraryDay.itinerary_id, ids))
        .order_by(ItineraryDay.itinerary_id, ItineraryDay.day_number, ItineraryItem.position)
    ):
        if name:
            stops.setdefault(itinerary_id, []).append(name)
    rows = session.execute(
        select(Itinerary, Destination.name).join(Destination, Destination.id == Itinerary.destination_id)
        .where(Itinerary.deleted_at.is_(None), *_only(Itinerary.id, ids)).order_by(Itinerary.id)
    )
    for itinerary, destination in rows:
        yield {
            "id": itinerary.id, "title": itinerary.title, "destination": destination,
            "stops": " · ".join(dict.fromkeys(stops.get(itinerary.id, []))),
            "duration": str(itinerary.days_count), "budget": itinerary.budget_level,
            "kind": "template" if itinerary.agency_id is None else "generated",
            "agency_id": itinerary.agency_id, "status": itinerary.status,
            "price_minor": itinerary.estimated_cost_minor, "currency": itinerary.currency,
            "days": itinerary.days_count,
            "rank_signal": ranking.signal(bookings_365d=int(requested.get(itinerary.id, 0))),
        }


def supplier_documents(
    session: Session, ranking: Ranking, now: dt.datetime, ids: Collection[int] | None = None
) -> Iterator[Document]:
    recent = dict(session.execute(
        select(BookingItem.supplier_id, func.count(func.distinct(BookingItem.booking_id)))
        .join(Booking, Booking.id == BookingItem.booking_id)
        .where(Booking.booked_at >= _since(now), Booking.status != "cancelled")
        .group_by(BookingItem.supplier_id)
    ).all())
    rated = dict(session.execute(
        select(CustomerRating.supplier_id, func.avg(CustomerRating.score))
        .where(CustomerRating.supplier_id.is_not(None), CustomerRating.deleted_at.is_(None))
        .group_by(CustomerRating.supplier_id)
    ).all())
    rows = session.execute(
        select(Supplier, Destination.name).join(Destination, Destination.id == Supplier.destination_id)
        .where(Supplier.deleted_at.is_(None), *_only(Supplier.id, ids)).order_by(Supplier.id)
    )
    for supplier, destination in rows:
        bookings, rating = int(recent.get(supplier.id, 0)), _rating_x10(rated.get(supplier.id))
        yield {
            "id": supplier.id, "name": supplier.name, "kind": supplier.kind, "location": destination,
            "contact_name": supplier.contact_name, "star_rating": supplier.star_rating or 0,
            "rating_x10": rating, "bookings_365d": bookings,
            "rank_signal": ranking.signal(bookings_365d=bookings, rating_x10=rating),
        }


def booking_documents(
    session: Session, ranking: Ranking, now: dt.datetime, ids: Collection[int] | None = None
) -> Iterator[Document]:
    rows = session.execute(
        select(Booking, Customer.first_name, Customer.last_name, Destination.name, Agent.name)
        .join(Customer, Customer.id == Booking.customer_id)
        .join(Destination, Destination.id == Booking.destination_id)
        .join(Agent, Agent.id == Booking.agent_id)
        .where(Booking.deleted_at.is_(None), *_only(Booking.id, ids)).order_by(Booking.id)
    )
    for booking, first, last, destination, agent in rows:
        yield {
            "id": booking.id, "booking_ref": booking.booking_ref, "customer": f"{first} {last}",
            "destination": destination, "agent": agent, "status": booking.status,
            "agency_id": booking.agency_id, "price_minor": booking.total_sell_minor,
            "currency": booking.currency, "travellers": booking.travellers,
            "travel_start": booking.travel_start.isoformat(),
        }


def agent_documents(
    session: Session, ranking: Ranking, now: dt.datetime, ids: Collection[int] | None = None
) -> Iterator[Document]:
    rows = session.execute(
        select(Agent, Agency.name).join(Agency, Agency.id == Agent.agency_id)
        .where(Agent.deleted_at.is_(None), *_only(Agent.id, ids)).order_by(Agent.id)
    )
    for agent, agency in rows:
        yield {
            "id": agent.id, "name": agent.name, "agency": agency, "email": agent.email,
            "status": "active" if agent.is_active else "inactive", "agency_id": agent.agency_id,
        }


BUILDERS = {
    "sites": site_documents, "destinations": destination_documents, "itineraries": itinerary_documents, "suppliers": supplier_documents,
    "bookings": booking_documents, "agents": agent_documents,
}


def all_documents(session: Session, ranking: Ranking, now: dt.datetime) -> dict[str, Iterator[Document]]:
    """Index name -> its documents, read lazily in index order."""
    return {name: build(session, ranking, now) for name, build in BUILDERS.items()}


def rebuild_from_database(session: Session, service, now: dt.datetime | None = None) -> dict[str, str]:
    """Full re-index of every index from the operational database; index -> location.

    `service` is a tourstack.search.SearchService; each index is built anew and swapped in."""
    now = now or dt.datetime.now(dt.UTC)
    return service.reindex(all_documents(session, service.config.ranking, now))
