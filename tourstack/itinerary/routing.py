"""Travel times and stop ordering for one day.

Why a seam here: `tourstack.routing` (exact TSP with time windows / OR-Tools) is the proper
optimiser. When it is importable, `order_stops` hands the day to its `plan_day`; otherwise a
nearest-neighbour tour from the hotel is used. Both return the same stops reordered, so the
planner does not care which one ran. Travel time is straight-line distance at a city speed
plus a fixed overhead (parking, walking in): crude, but conservative for the city-scale hops
a day plan makes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

CITY_SPEED_KMH = 20.0
HOP_OVERHEAD_MIN = 10
EARTH_RADIUS_KM = 6371.0088


class Located(Protocol):
    latitude: float
    longitude: float


T = TypeVar("T", bound=Located)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def travel_minutes(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Door-to-door minutes between two points, rounded up to 5."""
    km = haversine_km(a[0], a[1], b[0], b[1])
    if km < 0.05:
        return 0
    minutes = HOP_OVERHEAD_MIN + km / CITY_SPEED_KMH * 60
    return int(math.ceil(minutes / 5) * 5)


def nearest_neighbour(start: tuple[float, float], stops: Sequence[T]) -> list[T]:
    """Greedy tour: always go to the closest unvisited stop."""
    remaining, here, tour = list(stops), start, []
    while remaining:
        nxt = min(remaining, key=lambda s: haversine_km(here[0], here[1], s.latitude, s.longitude))
        remaining.remove(nxt)
        tour.append(nxt)
        here = (nxt.latitude, nxt.longitude)
    return tour


def _shared_planner() -> Callable | None:
    try:
        module = importlib.import_module("tourstack.routing")
    except ImportError:
        return None
    return getattr(module, "plan_day", None)


def _reference_date(weekday: int | None) -> dt.date:
    """A date with the wanted ISO weekday (any weekday when unknown), for the shared planner."""
    monday = dt.date(2026, 1, 5)
    return monday + dt.timedelta(days=(weekday or 3) - 1)


def _via_shared_planner(plan_day: Callable, start: tuple[float, float], stops: Sequence[T],
                        weekday: int | None, day_start: int, day_end: int) -> list[T]:
    from tourstack.routing import LatLon, Stop

    by_key = {str(i): s for i, s in enumerate(stops)}
    routed = []
    for key, site in by_key.items():
        hours = getattr(site, "hours", None)
        opening = None if hours is None else {
            wd - 1: [(o.hour * 60 + o.minute, c.hour * 60 + c.minute) for o, c in windows]
            for wd, windows in hours.items()
        }
        routed.append(Stop(site_id=key, location=LatLon(site.latitude, site.longitude),
                           visit_minutes=float(getattr(site, "duration_minutes", 60)),
                           opening_hours=opening, name=getattr(site, "name", None)))
    day = plan_day(routed, LatLon(*start), _reference_date(weekday), float(day_start), float(day_end))
    order = [v.stop.site_id for v in day.visits] + [s.site_id for s in day.unscheduled]
    order += [k for k in by_key if k not in order]
    return [by_key[k] for k in order]


def order_stops(start: tuple[float, float], stops: Sequence[T], *, weekday: int | None = None,
                day_start: int = 9 * 60, day_end: int = 21 * 60) -> list[T]:
    """Visit order for a day's stops: `tourstack.routing.plan_day` (time windows, exact or
    OR-Tools) when available, else nearest-neighbour. Any failure of the shared planner falls
    back to the greedy tour; the caller schedules and checks the times either way.
    """
    if len(stops) > 1:
        plan_day = _shared_planner()
        if plan_day is not None:
            try:
                ordered = _via_shared_planner(plan_day, start, stops, weekday, day_start, day_end)
                if len(ordered) == len(stops):
                    return ordered
            except Exception:  # noqa: BLE001 - the greedy tour is always a valid answer
                pass
    return nearest_neighbour(start, stops)
