"""Activity suggestions near a stop or a point, for a date and interests."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CanReadItineraries, SessionDep
from api.problems import ApiProblem
from api.schemas.common import DbId, IsoDate, Money, problem_responses
from api.schemas.itineraries import SuggestionOut
from tourstack.itinerary.suggestions import catalogue_near, suggest

router = APIRouter(prefix="/suggestions", tags=["itineraries"])


@router.get("", response_model=list[SuggestionOut], responses=problem_responses(401, 403, 404, 422))
def get_suggestions(
    session: SessionDep,
    principal: CanReadItineraries,
    site_id: Annotated[DbId | None, Query(description="suggest around this stop")] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    date: IsoDate | None = None,
    interests: Annotated[str | None, Query(max_length=200, description="comma-separated")] = None,
    radius_km: Annotated[float, Query(gt=0, le=100)] = 10.0,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[SuggestionOut]:
    """Open that day, near, matching interests and season; with the least crowded time to go."""
    if site_id is None and (lat is None or lon is None):
        raise ApiProblem(422, "give site_id, or lat and lon", slug="validation-error")
    cat, at_lat, at_lon = catalogue_near(session, site_id=site_id, lat=lat, lon=lon)
    wanted = [i.strip() for i in (interests or "").split(",") if i.strip()]
    found = suggest(cat, lat=at_lat, lon=at_lon, date=date, interests=wanted, radius_km=radius_km,
                    limit=limit, exclude_site_ids={site_id} if site_id else set())
    return [SuggestionOut(
        site_id=s.site_id, name=s.name, category=s.category, distance_km=s.distance_km,
        matches_interests=s.matches_interests, in_season=s.in_season, opens_at=s.opens_at,
        closes_at=s.closes_at, best_time=s.best_time, crowd_level=s.crowd_level,
        price=Money.of(s.price_minor, s.currency), duration_minutes=s.duration_minutes,
    ) for s in found]
