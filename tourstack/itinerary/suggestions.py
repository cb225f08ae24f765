"""Activity suggestions near a point (or a stop): matching interests and season, open that day,
with the best time to visit from opening hours and typical crowd levels.

Why hours x crowds: "best time" is the opening hour, long enough for a typical visit, where the
site is least crowded on that weekday; sites closed that day are never suggested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Destination, Site
from tourstack.itinerary.catalogue import CatalogueSite, DestinationCatalogue, load_catalogue
from tourstack.itinerary.pacing import categories_for
from tourstack.itinerary.routing import haversine_km


class NothingNearby(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Suggestion:
    site_id: int
    name: str
    category: str
    distance_km: float
    matches_interests: bool
    in_season: bool | None
    opens_at: dt.time | None
    closes_at: dt.time | None
    best_time: dt.time | None
    crowd_level: int | None
    price_minor: int
    currency: str
    duration_minutes: int
    score: float


def best_time(site: CatalogueSite, weekday: int | None) -> tuple[dt.time | None, int | None]:
    """Start hour in the opening windows with the lowest typical crowd, visit fitting before close."""
    options = []
    days = [weekday] if weekday is not None else sorted(site.hours)
    for wd in days:
        for opens, closes in site.hours.get(wd, []):
            last = closes.hour * 60 + closes.minute - site.duration_minutes
            hour = opens.hour + (1 if opens.minute else 0)
            while hour * 60 <= last:
                options.append((site.crowd.get((wd, hour), 50), hour))
                hour += 1
    if not options:
        return None, None
    crowd, hour = min(options)
    return dt.time(hour, 0), crowd


def suggest(cat: DestinationCatalogue, *, lat: float, lon: float, date: dt.date | None = None,
            interests: list[str] | None = None, radius_km: float = 10.0, limit: int = 10,
            exclude_site_ids: set[int] | frozenset[int] = frozenset()) -> list[Suggestion]:
    wanted = categories_for(interests or [])
    weekday = date.isoweekday() if date else None
    out = []
    for site in cat.sites:
        if site.id in exclude_site_ids:
            continue
        km = haversine_km(lat, lon, site.latitude, site.longitude)
        if km > radius_km:
            continue
        windows = site.open_windows(weekday)
        if not windows:
            continue  # closed that day
        matches = site.category in wanted
        in_season = (date.month in site.best_months) if date and site.best_months else None
        when, crowd = best_time(site, weekday)
        score = site.popularity / 100 + (1.5 if matches else 0) + (0.3 if in_season else 0) - km / radius_km
        out.append(Suggestion(
            site_id=site.id, name=site.name, category=site.category, distance_km=round(km, 2),
            matches_interests=matches, in_season=in_season, opens_at=windows[0][0],
            closes_at=windows[-1][1], best_time=when, crowd_level=crowd, price_minor=site.price_minor,
            currency=site.currency, duration_minutes=site.duration_minutes, score=round(score, 3),
        ))
    out.sort(key=lambda s: (-s.score, s.site_id))
    return out[:limit]


def catalogue_near(session: Session, *, site_id: int | None = None, lat: float | None = None,
                   lon: float | None = None, max_km: float = 150.0) -> tuple[DestinationCatalogue, float, float]:
    """The catalogue around a site or a point (the nearest destination within `max_km`)."""
    if site_id is not None:
        site = session.get(Site, site_id)
        if site is None or site.deleted_at is not None:
            raise NothingNearby(f"site {site_id} not found")
        return load_catalogue(session, site.destination_id), site.latitude, site.longitude
    if lat is None or lon is None:
        raise NothingNearby("give site_id, or lat and lon")
    dests = session.scalars(select(Destination)).all()
    best = min(dests, key=lambda d: haversine_km(lat, lon, d.latitude, d.longitude), default=None)
    if best is None or haversine_km(lat, lon, best.latitude, best.longitude) > max_km:
        raise NothingNearby("no catalogued destination near that point")
    return load_catalogue(session, best.id), lat, lon
