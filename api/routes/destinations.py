"""Destination discovery (tourstack.discovery): similar, popular in a season, trending, compare.

Scoping: the figures are aggregates over every agency's bookings and quote requests, and a count
is shown only when at least `MIN_AGENCIES` agencies make it up, so an agent learns what the
market books, never what one other agency sold.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from sqlalchemy import select

from api.deps import CanReadItineraries, SessionDep
from api.problems import ApiProblem
from api.schemas.common import IsoDate, problem_responses
from api.schemas.discovery import (
    ComparisonItem, ComparisonList, DestinationList, DestinationRef, PopularItem, PopularList, SimilarItem,
    SimilarList, TrendingItem, TrendingList,
)
from tourstack.db.models import Destination
from tourstack.discovery import SEASONS, compare, popular_in_season, season_of, similar_destinations, trending

router = APIRouter(prefix="/destinations", tags=["destinations"])
_RESPONSES = problem_responses(401, 403, 404, 422)
Limit = Annotated[int, Query(ge=1, le=20)]
AsOf = Annotated[IsoDate | None, Query(description="YYYY-MM-DD; default: today (UTC)")]
POPULAR_WINDOW_DAYS = 730


def today() -> dt.date:
    """The UTC date (one place, so a test can fix the clock)."""
    return dt.datetime.now(dt.UTC).date()


def _as_of(as_of: dt.date | None) -> dt.date:
    return as_of or today()


def _not_found(destination_id: int) -> ApiProblem:
    return ApiProblem(404, f"no destination {destination_id}", slug="not-found", title="Not found")


@router.get("", response_model=DestinationList, responses=_RESPONSES)
def list_destinations(principal: CanReadItineraries, session: SessionDep) -> DestinationList:
    """Every destination of the catalogue, by name."""
    rows = session.scalars(select(Destination).order_by(Destination.name))
    return DestinationList(items=[DestinationRef.of(d) for d in rows])


@router.get("/popular", response_model=PopularList, responses=_RESPONSES)
def popular(
    principal: CanReadItineraries, session: SessionDep, as_of: AsOf = None, limit: Limit = 10,
    season: Annotated[Literal["winter", "summer", "monsoon", "post_monsoon"] | None,
                      Query(description="IMD season; default: the season of as_of")] = None,
) -> PopularList:
    """Popular in a season: live bookings starting in its months over the last two years."""
    day = _as_of(as_of)
    chosen = SEASONS[season] if season else season_of(day)
    items = popular_in_season(session, chosen, day, window_days=POPULAR_WINDOW_DAYS, limit=limit)
    return PopularList(season=chosen.name, label=chosen.label, months=list(chosen.months), as_of=day,
                       window_start=day - dt.timedelta(days=POPULAR_WINDOW_DAYS),
                       items=[PopularItem.of(p) for p in items])


@router.get("/trending", response_model=TrendingList, responses=_RESPONSES)
def trending_destinations(
    principal: CanReadItineraries, session: SessionDep, limit: Limit = 10,
    as_of: Annotated[IsoDate | None, Query(description="the last day counted, YYYY-MM-DD; default: yesterday (UTC)")] = None,
) -> TrendingList:
    """Growing week over week: quote requests plus bookings, the 7 days up to `as_of` against the
    7 before. The default ends yesterday: a week holding today's first hours would look like a fall."""
    day = as_of or today() - dt.timedelta(days=1)
    return TrendingList(as_of=day, items=[TrendingItem.of(t) for t in trending(session, day, limit)])


@router.get("/compare", response_model=ComparisonList, responses=_RESPONSES)
def compare_destinations(
    principal: CanReadItineraries, session: SessionDep,
    ids: Annotated[str, Query(max_length=100, pattern=r"^[1-9][0-9]{0,9}(,[1-9][0-9]{0,9}){1,3}$",
                              description="2 to 4 different destination ids, comma-separated")],
    as_of: AsOf = None,
) -> ComparisonList:
    """Two to four destinations side by side: offer, season, price level and how trips go."""
    try:
        wanted = [int(part) for part in ids.split(",") if part.strip()]
    except ValueError:
        raise ApiProblem(422, "ids must be comma-separated integers", slug="invalid-comparison",
                         title="Invalid comparison") from None
    if not 2 <= len(wanted) <= 4 or len(set(wanted)) != len(wanted):
        raise ApiProblem(422, "compare 2 to 4 different destinations", slug="invalid-comparison",
                         title="Invalid comparison")
    if any(not 1 <= i <= 2_147_483_647 for i in wanted):
        raise ApiProblem(422, "destination ids are positive integers", slug="invalid-comparison",
                         title="Invalid comparison")
    day = _as_of(as_of)
    try:
        rows = compare(session, wanted, day)
    except KeyError as missing:
        raise _not_found(missing.args[0]) from None
    return ComparisonList(as_of=day, items=[ComparisonItem.of(c) for c in rows])


@router.get("/{destination_id}/similar", response_model=SimilarList, responses=_RESPONSES)
def similar(
    principal: CanReadItineraries, session: SessionDep,
    destination_id: Annotated[int, Path(ge=1, le=2_147_483_647)], limit: Limit = 5,
) -> SimilarList:
    """Destinations like this one: what their sites offer and when they are in season."""
    destination = session.get(Destination, destination_id)
    if destination is None:
        raise _not_found(destination_id)
    return SimilarList(destination=DestinationRef.of(destination),
                       items=[SimilarItem.of(s) for s in similar_destinations(session, destination_id, limit)])
