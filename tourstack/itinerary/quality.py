"""Checks a plan against the rules a sound itinerary keeps; used by tests and the benchmark.

Why a function and not only tests: the same checks run over a hundred generated plans in
bench/itinerary_quality.py and can gate a model's output in production if needed.
"""

from __future__ import annotations

import datetime as dt

from tourstack.itinerary.catalogue import DestinationCatalogue
from tourstack.itinerary.models import ItineraryPlan, TripRequest
from tourstack.itinerary.pacing import BUDGETS, PACES


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def check_plan(plan: ItineraryPlan, cat: DestinationCatalogue, trip: TripRequest) -> list[str]:
    """Every violation found, as readable strings; an empty list means the plan is sound."""
    problems: list[str] = []
    sites = {s.id: s for s in cat.sites}
    suppliers = {s.id: s for s in cat.suppliers}
    pace, rule = PACES[trip.style], BUDGETS[trip.budget]
    hotel_stars = {s.star_rating for s in cat.of_kind("hotel") if s.rate_minor is not None}
    target_stars = min(hotel_stars, key=lambda s: (abs((s or 0) - rule.hotel_stars), -(s or 0)), default=None)
    seen_sites: set[int] = set()
    if len(plan.days) != trip.days:
        problems.append(f"{len(plan.days)} days for a {trip.days}-day request")
    for day in plan.days:
        weekday = day.date.isoweekday() if day.date else None
        timed = []
        site_items = [i for i in day.items if i.kind == "site"]
        for item in day.items:
            where = f"day {day.day_number} {item.name!r}"
            if item.verified and item.site_id is None and item.supplier_id is None:
                problems.append(f"{where}: verified without a catalogue id")
            if item.kind in ("site", "hotel", "transport") and not item.verified and item.bookable:
                problems.append(f"{where}: unverified but bookable")
            if item.site_id is not None:
                site = sites.get(item.site_id)
                if site is None:
                    problems.append(f"{where}: site {item.site_id} not in {cat.name}'s catalogue")
                    continue
                if item.site_id in seen_sites:
                    problems.append(f"{where}: site visited twice")
                seen_sites.add(item.site_id)
                if site.price_level > rule.max_price_level and not item.locked:
                    problems.append(f"{where}: price level {site.price_level} over {trip.budget}")
                if weekday is not None:
                    windows = site.hours.get(weekday, [])
                    if not windows:
                        problems.append(f"{where}: closed on weekday {weekday}")
                    elif item.starts_at and item.ends_at and not any(
                        o <= item.starts_at and item.ends_at <= c for o, c in windows
                    ):
                        problems.append(f"{where}: outside opening hours")
            if item.supplier_id is not None:
                sup = suppliers.get(item.supplier_id)
                if sup is None:
                    problems.append(f"{where}: supplier {item.supplier_id} not in {cat.name}'s catalogue")
                elif item.kind == "hotel" and target_stars is not None and sup.star_rating != target_stars \
                        and not item.locked:
                    problems.append(f"{where}: {sup.star_rating}-star hotel for a {trip.budget} budget")
            if item.currency != plan.currency:
                problems.append(f"{where}: currency {item.currency}")
            if item.starts_at and item.ends_at and item.kind != "hotel":
                timed.append((item.starts_at, item.ends_at, item.name))
        timed.sort()
        for a, b in zip(timed, timed[1:]):
            if b[0] < a[1]:
                problems.append(f"day {day.day_number}: {a[2]!r} overlaps {b[2]!r}")
        if len(site_items) > pace.max_activities:
            problems.append(f"day {day.day_number}: {len(site_items)} activities for a {trip.style} pace")
        busy = sum(_minutes(i.ends_at) - _minutes(i.starts_at) for i in site_items if i.starts_at and i.ends_at)
        if busy > pace.max_activity_minutes:
            problems.append(f"day {day.day_number}: {busy} min of activities for a {trip.style} pace")
        hotels = [i for i in day.items if i.kind == "hotel"]
        if day.day_number < trip.days and len(hotels) != 1 and cat.of_kind("hotel"):
            problems.append(f"day {day.day_number}: {len(hotels)} hotels for the night")
    return problems
