"""The queries and scores behind destination discovery (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import median

from sqlalchemy import Integer, cast, extract, func, select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, Destination, QuoteRequest, Site
from tourstack.discovery.seasons import Season

MIN_AGENCIES = 3  # a count made of fewer agencies is withheld (it would show one agency's sales)
TREND_MIN_EVENTS = 5  # quotes + bookings over both weeks: fewer is noise, not a trend
LIVE = ("cancelled",)
_MONTHS = range(1, 13)


@dataclass(frozen=True)
class Profile:
    """What a destination offers, from its live sites: category shares and in-season months."""

    destination: Destination
    sites: int
    categories: dict[str, float]  # category -> share of the sites
    months: dict[int, float]  # month -> share of the sites in season
    price_levels: list[int] = field(default_factory=list)

    @property
    def best_months(self) -> list[int]:
        return [m for m in _MONTHS if self.months.get(m, 0.0) >= 0.5]


@dataclass(frozen=True)
class SimilarDestination:
    destination: Destination
    score: float  # cosine similarity of offer and season, plus a region bonus, 0..1
    shared_categories: list[str]
    shared_months: list[int]


@dataclass(frozen=True)
class PopularDestination:
    destination: Destination
    bookings: int  # live bookings travelling in the season, over the window
    agencies: int
    in_season_share: float  # share of its sites whose best season includes the season's months


@dataclass(frozen=True)
class TrendingDestination:
    destination: Destination
    this_week: int  # quote requests + bookings in the 7 days up to as_of
    last_week: int  # the 7 days before
    growth: float  # (this - last) / last; last = 0 counts as 1
    agencies: int


@dataclass(frozen=True)
class Comparison:
    profile: Profile
    bookings_365d: int | None  # None: fewer than MIN_AGENCIES agencies behind it
    median_trip_days: float | None
    median_travellers: float | None
    cancellation_rate: float | None
    median_site_price_minor: int | None
    site_price_currency: str | None


def _months(best_season: str) -> set[int]:
    return {int(m) for m in best_season.split(",") if m.strip().isdigit() and 1 <= int(m) <= 12}


def profiles(session: Session) -> dict[int, Profile]:
    rows = session.execute(
        select(Site.destination_id, Site.category, Site.best_season, Site.price_level)
        .where(Site.deleted_at.is_(None))
    ).all()
    by_destination: dict[int, list] = defaultdict(list)
    for row in rows:
        by_destination[row.destination_id].append(row)
    out = {}
    for destination in session.scalars(select(Destination).order_by(Destination.id)):
        sites = by_destination.get(destination.id, [])
        n = len(sites) or 1
        categories = Counter(s.category for s in sites)
        months = Counter(m for s in sites for m in _months(s.best_season))
        out[destination.id] = Profile(
            destination, len(sites), {c: k / n for c, k in categories.items()},
            {m: k / n for m, k in months.items()}, sorted(s.price_level for s in sites))
    return out


def _cosine(a: dict, b: dict) -> float:
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def similar_destinations(session: Session, destination_id: int, limit: int = 5) -> list[SimilarDestination]:
    """Content-based: what the sites offer (60%) and when they are in season (30%), plus 10% for
    the same region (a "Rajasthan circuit" is planned together). Raises KeyError when unknown."""
    every = profiles(session)
    base = every[destination_id]
    scored = []
    for other_id, other in every.items():
        if other_id == destination_id or other.sites == 0:
            continue
        score = (0.6 * _cosine(base.categories, other.categories) + 0.3 * _cosine(base.months, other.months)
                 + 0.1 * (other.destination.region == base.destination.region))
        shared = sorted(set(base.categories) & set(other.categories),
                        key=lambda c: -(base.categories[c] + other.categories[c]))
        months = sorted(set(base.best_months) & set(other.best_months))
        scored.append(SimilarDestination(other.destination, round(score, 4), shared[:6], months))
    scored.sort(key=lambda s: (-s.score, s.destination.name))
    return scored[:limit]


def _live_bookings():
    return Booking.deleted_at.is_(None), Booking.status.not_in(LIVE)


def popular_in_season(session: Session, season: Season, as_of: dt.date, *, window_days: int = 730,
                      limit: int = 10) -> list[PopularDestination]:
    """Destinations by live bookings whose trip starts in the season's months, travelling in the
    `window_days` before `as_of` (two years: each season occurs twice)."""
    start = as_of - dt.timedelta(days=window_days)
    month = cast(extract("month", Booking.travel_start), Integer)
    rows = session.execute(
        select(Booking.destination_id, func.count(Booking.id), func.count(func.distinct(Booking.agency_id)))
        .where(*_live_bookings(), Booking.travel_start >= start, Booking.travel_start < as_of,
               month.in_(season.months))
        .group_by(Booking.destination_id)
    ).all()
    every = profiles(session)
    out = []
    for destination_id, bookings, agencies in rows:
        if agencies < MIN_AGENCIES:
            continue
        profile = every[destination_id]
        share = sum(profile.months.get(m, 0.0) for m in season.months) / len(season.months)
        out.append(PopularDestination(profile.destination, bookings, agencies, round(share, 4)))
    out.sort(key=lambda p: (-p.bookings, p.destination.name))
    return out[:limit]


def _weekly(session: Session, column, destination, agency, where, as_of: dt.date) -> dict[int, list]:
    """(this week, last week, agencies this week) per destination, for one kind of event."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    mid, start = end - dt.timedelta(days=7), end - dt.timedelta(days=14)
    out: dict[int, list] = defaultdict(lambda: [0, 0, set()])
    for dest, at, agency_id in session.execute(
        select(destination, column, agency).where(*where, column >= start, column < end)
    ):
        entry = out[dest]
        if at >= mid:
            entry[0] += 1
            entry[2].add(agency_id)
        else:
            entry[1] += 1
    return out


def trending(session: Session, as_of: dt.date, limit: int = 10) -> list[TrendingDestination]:
    """Week-over-week growth of quote requests plus bookings, the 7 days up to `as_of` against
    the 7 before; at least TREND_MIN_EVENTS events over both weeks and MIN_AGENCIES agencies
    this week, so one agency's busy week is not a trend."""
    totals: dict[int, list] = defaultdict(lambda: [0, 0, set()])
    for part in (
        _weekly(session, QuoteRequest.requested_at, QuoteRequest.destination_id, QuoteRequest.agency_id,
                (QuoteRequest.deleted_at.is_(None),), as_of),
        _weekly(session, Booking.booked_at, Booking.destination_id, Booking.agency_id,
                (Booking.deleted_at.is_(None),), as_of),
    ):
        for dest, (this, last, agencies) in part.items():
            totals[dest][0] += this
            totals[dest][1] += last
            totals[dest][2] |= agencies
    names = {d.id: d for d in session.scalars(select(Destination))}
    out = []
    for dest, (this, last, agencies) in totals.items():
        if this + last < TREND_MIN_EVENTS or len(agencies) < MIN_AGENCIES or this <= last:
            continue
        out.append(TrendingDestination(names[dest], this, last, round((this - last) / max(last, 1), 4),
                                       len(agencies)))
    out.sort(key=lambda t: (-t.growth, -t.this_week, t.destination.name))
    return out[:limit]


def compare(session: Session, destination_ids: list[int], as_of: dt.date) -> list[Comparison]:
    """Side by side: what each offers and how its trips go (the last 365 days of bookings).
    Raises KeyError naming the first unknown id."""
    every = profiles(session)
    for destination_id in destination_ids:
        if destination_id not in every:
            raise KeyError(destination_id)
    since = dt.datetime.combine(as_of - dt.timedelta(days=365), dt.time(), tzinfo=dt.UTC)
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    trips: dict[int, list] = defaultdict(list)
    for row in session.execute(
        select(Booking.destination_id, Booking.agency_id, Booking.status, Booking.travel_start,
               Booking.travel_end, Booking.travellers)
        .where(Booking.deleted_at.is_(None), Booking.destination_id.in_(destination_ids),
               Booking.booked_at >= since, Booking.booked_at < until)
    ):
        trips[row.destination_id].append(row)
    prices: dict[int, list] = defaultdict(list)
    for destination_id, price, currency in session.execute(
        select(Site.destination_id, Site.price_minor, Site.price_currency)
        .where(Site.deleted_at.is_(None), Site.destination_id.in_(destination_ids))
    ):
        prices[destination_id].append((price, currency))
    out = []
    for destination_id in destination_ids:
        rows = trips.get(destination_id, [])
        shown = len({r.agency_id for r in rows}) >= MIN_AGENCIES
        live = [r for r in rows if r.status not in LIVE]
        currencies = {c for _, c in prices.get(destination_id, [])}
        one_currency = len(currencies) == 1
        out.append(Comparison(
            profile=every[destination_id],
            bookings_365d=len(live) if shown else None,
            median_trip_days=median((r.travel_end - r.travel_start).days + 1 for r in live) if shown and live else None,
            median_travellers=median(r.travellers for r in live) if shown and live else None,
            cancellation_rate=round(1 - len(live) / len(rows), 4) if shown else None,
            median_site_price_minor=int(median(p for p, _ in prices[destination_id])) if one_currency else None,
            site_price_currency=currencies.pop() if one_currency else None,
        ))
    return out
