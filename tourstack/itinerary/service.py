"""Use cases the API, CLI and Dagster share: generate a draft, regenerate (all or one day).

Each function takes its collaborators (session, providers, usage store, budget, limiter) as
arguments and flushes without committing; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from tourstack.db.models import Itinerary
from tourstack.itinerary import drafts
from tourstack.itinerary.catalogue import load_catalogue
from tourstack.itinerary.chain import Generation, generate
from tourstack.itinerary.limits import Budget, RateLimiter
from tourstack.itinerary.models import TripRequest
from tourstack.itinerary.providers import PlanRequest, Provider
from tourstack.itinerary.usage import SqlUsageStore


def plan_trip(session: Session, trip: TripRequest, providers: Sequence[Provider], *,
              budget: Budget = Budget(), limiter: RateLimiter | None = None,
              agency_id: int | None = None, store: SqlUsageStore | None = None) -> Generation:
    """A plan without saving it (records are still written)."""
    catalogue = load_catalogue(session, trip.destination, as_of=trip.start_date or dt.date.today())
    return generate(catalogue, PlanRequest(trip=trip), providers, store or SqlUsageStore(session),
                    budget=budget, limiter=limiter, agency_id=agency_id)


def generate_draft(session: Session, trip: TripRequest, providers: Sequence[Provider], *,
                   budget: Budget = Budget(), limiter: RateLimiter | None = None,
                   agency_id: int | None = None) -> tuple[Itinerary, Generation]:
    store = SqlUsageStore(session)
    generation = plan_trip(session, trip, providers, budget=budget, limiter=limiter,
                           agency_id=agency_id, store=store)
    itinerary = drafts.save_draft(session, generation.plan, trip, agency_id=agency_id)
    store.link_itinerary(itinerary.id)
    return itinerary, generation


def regenerate(session: Session, itinerary: Itinerary, providers: Sequence[Provider], *,
               day: int | None = None, budget: Budget = Budget(), limiter: RateLimiter | None = None,
               agency_id: int | None = None) -> Generation:
    """Rebuild the whole plan or day `day`; locked items stay exactly where they are."""
    if itinerary.status != "draft":
        raise drafts.ItineraryConflict(f"itinerary {itinerary.id} is {itinerary.status}; only drafts change")
    if day is not None and not 1 <= day <= itinerary.days_count:
        raise drafts.InvalidEdit(f"day {day} is outside 1..{itinerary.days_count}")
    trip = drafts.trip_of(session, itinerary)
    current = drafts.current_plan(session, itinerary, trip)
    days = {day} if day is not None else set(range(1, itinerary.days_count + 1))
    avoid = {i.site_id for d in current.days if d.day_number in days for i in d.items
             if i.site_id and not i.locked}
    catalogue = load_catalogue(session, itinerary.destination_id, as_of=trip.start_date or dt.date.today())
    request = PlanRequest(trip=trip, keep=drafts.locked_items(current), base=current,
                          only_days=frozenset(days), avoid_site_ids=frozenset(avoid))
    store = SqlUsageStore(session)
    generation = generate(catalogue, request, providers, store, budget=budget, limiter=limiter,
                          agency_id=agency_id, purpose="itinerary_day" if day else "itinerary",
                          itinerary_id=itinerary.id)
    drafts.replace_days(session, itinerary, generation.plan, trip, days)
    return generation
