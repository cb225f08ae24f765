"""Nearby attractions for an itinerary day: live catalogue sites within a radius of the day's
planned sites, not already in the itinerary, ranked by closeness and popularity.

Why both: the closest site is often a minor one and the most popular may be across town; the
score is popularity (0-100) times how close the site is within the radius (1 at the planned
site, 0 at the edge), so a famous site 1 km away outranks an obscure one next door, and both
outrank a famous one at the edge of the radius. Distances are great-circle kilometres (the
suggestion list; the day's legs give travel times).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Itinerary, Site
from tourstack.itinerary import drafts
from tourstack.routing.travel import haversine_km
from tourstack.routing.types import LatLon

MAX_RADIUS_KM = 50.0


@dataclass(frozen=True)
class NearbySite:
    site: Site
    day_number: int
    near: str  # the planned site it is closest to
    distance_km: float
    score: float


def nearby_for_itinerary(session: Session, itinerary: Itinerary, *, radius_km: float = 5.0, limit: int = 10,
                         day: int | None = None) -> list[NearbySite]:
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise ValueError(f"radius_km must be above 0 and at most {MAX_RADIUS_KM:g}")
    planned: dict[int, list[Site]] = {}
    in_itinerary: set[int] = set()
    for day_row, item in drafts.item_rows(session, itinerary):
        if item.site_id is None or item.deleted_at is not None:
            continue
        in_itinerary.add(item.site_id)
        site = session.get(Site, item.site_id)
        if site is not None and (day is None or day_row.day_number == day):
            planned.setdefault(day_row.day_number, []).append(site)
    if not planned:
        return []
    candidates = session.scalars(select(Site).where(Site.destination_id == itinerary.destination_id,
                                                    Site.deleted_at.is_(None), Site.id.not_in(in_itinerary))).all()
    best: dict[int, NearbySite] = {}
    for day_number, anchors in planned.items():
        for site in candidates:
            distance, anchor = min((haversine_km(LatLon(a.latitude, a.longitude), LatLon(site.latitude, site.longitude)), a.name)
                                   for a in anchors)
            if distance > radius_km:
                continue
            score = round(site.popularity * (1 - distance / radius_km), 2)
            found = NearbySite(site, day_number, anchor, round(distance, 2), score)
            if site.id not in best or score > best[site.id].score:
                best[site.id] = found
    return sorted(best.values(), key=lambda n: (-n.score, n.distance_km, n.site.name))[:limit]
