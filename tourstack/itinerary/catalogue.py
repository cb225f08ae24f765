"""A read-only snapshot of one destination's catalogue, as the planners and grounding need it.

Why a snapshot: planning touches every site many times (scoring, opening hours, crowd levels,
distances); loading the destination once into plain dataclasses keeps the planner pure and fast
and lets tests build catalogues without a database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourstack.db.models import Destination, Site, SiteCrowdLevel, SiteOpeningHours, Supplier, SupplierRate


class UnknownDestination(LookupError):
    """The destination is not in the catalogue."""


@dataclass(frozen=True, slots=True)
class CatalogueSite:
    id: int
    name: str
    category: str
    latitude: float
    longitude: float
    duration_minutes: int
    price_minor: int
    currency: str
    price_level: int
    best_months: frozenset[int]
    popularity: int
    description: str | None
    # ISO weekday -> list of (opens, closes); a weekday missing here is a closed day.
    hours: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    # (weekday, hour) -> crowd level 0..100
    crowd: dict[tuple[int, int], int] = field(default_factory=dict)

    def open_windows(self, weekday: int | None) -> list[tuple[dt.time, dt.time]]:
        """Opening windows on an ISO weekday; with no date known, the windows of any open day."""
        if weekday is None:
            return next(iter(self.hours.values()), [])
        return self.hours.get(weekday, [])


@dataclass(frozen=True, slots=True)
class CatalogueSupplier:
    id: int
    name: str
    kind: str  # hotel, transport, guide, activity
    currency: str
    star_rating: int | None
    latitude: float | None
    longitude: float | None
    rate_minor: int | None  # cheapest current contracted rate, in `currency`


@dataclass(slots=True)
class DestinationCatalogue:
    id: int
    name: str
    country_code: str
    region: str
    latitude: float
    longitude: float
    currency: str
    sites: list[CatalogueSite]
    suppliers: list[CatalogueSupplier]

    def site(self, site_id: int) -> CatalogueSite | None:
        return next((s for s in self.sites if s.id == site_id), None)

    def of_kind(self, kind: str) -> list[CatalogueSupplier]:
        return [s for s in self.suppliers if s.kind == kind]


def list_destinations(session: Session) -> list[str]:
    return list(session.scalars(select(Destination.name).order_by(Destination.name)))


def find_destination(session: Session, name: str) -> Destination:
    """Case-insensitive match on name, then city."""
    key = name.strip().lower()
    dest = session.scalar(select(Destination).where(func.lower(Destination.name) == key))
    dest = dest or session.scalar(select(Destination).where(func.lower(Destination.city) == key))
    if dest is None:
        raise UnknownDestination(f"unknown destination {name!r}")
    return dest


def load_catalogue(session: Session, destination: str | int, *, as_of: dt.date | None = None) -> DestinationCatalogue:
    """Sites (not deleted) with hours and crowds, and suppliers with their cheapest rate."""
    if isinstance(destination, int):
        dest = session.get(Destination, destination)
        if dest is None:
            raise UnknownDestination(f"unknown destination id {destination}")
    else:
        dest = find_destination(session, destination)
    site_rows = list(session.scalars(
        select(Site).where(Site.destination_id == dest.id, Site.deleted_at.is_(None)).order_by(Site.id)
    ))
    ids = [s.id for s in site_rows]
    hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    crowd: dict[int, dict] = defaultdict(dict)
    if ids:
        for h in session.scalars(select(SiteOpeningHours).where(SiteOpeningHours.site_id.in_(ids))):
            hours[h.site_id][h.weekday].append((h.opens_at, h.closes_at))
        for c in session.execute(
            select(SiteCrowdLevel.site_id, SiteCrowdLevel.weekday, SiteCrowdLevel.hour, SiteCrowdLevel.crowd_level)
            .where(SiteCrowdLevel.site_id.in_(ids))
        ):
            crowd[c.site_id][(c.weekday, c.hour)] = c.crowd_level
    sites = [
        CatalogueSite(
            id=s.id, name=s.name, category=s.category, latitude=s.latitude, longitude=s.longitude,
            duration_minutes=s.typical_duration_minutes, price_minor=s.price_minor,
            currency=s.price_currency, price_level=s.price_level,
            best_months=frozenset(int(m) for m in (s.best_season or "").split(",") if m.strip()),
            popularity=s.popularity, description=s.description,
            hours={wd: sorted(w) for wd, w in hours[s.id].items()}, crowd=crowd[s.id],
        )
        for s in site_rows
    ]
    rate_q = select(SupplierRate.supplier_id, func.min(SupplierRate.cost_minor)).where(
        SupplierRate.deleted_at.is_(None)
    )
    rates = dict(session.execute(rate_q.group_by(SupplierRate.supplier_id)).tuples().all())
    if as_of is not None:  # prefer the rate valid on the date; else the cheapest on file
        dated = rate_q.where(SupplierRate.valid_from <= as_of, SupplierRate.valid_to >= as_of)
        rates |= dict(session.execute(dated.group_by(SupplierRate.supplier_id)).tuples().all())
    suppliers = [
        CatalogueSupplier(
            id=s.id, name=s.name, kind=s.kind, currency=s.currency, star_rating=s.star_rating,
            latitude=s.latitude, longitude=s.longitude, rate_minor=rates.get(s.id),
        )
        for s in session.scalars(
            select(Supplier).where(Supplier.destination_id == dest.id, Supplier.deleted_at.is_(None))
            .order_by(Supplier.id)
        )
    ]
    return DestinationCatalogue(
        id=dest.id, name=dest.name, country_code=dest.country_code, region=dest.region,
        latitude=dest.latitude, longitude=dest.longitude, currency=dest.currency,
        sites=sites, suppliers=suppliers,
    )
