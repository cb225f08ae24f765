"""Spreading stops over the days of a trip, and the budget preference hook.

Why this split from `plan_day`: deciding *which day* a site goes to is a balancing problem over
whole-day totals (activity minutes, number of stops), cheap enough to do greedily; ordering
within a day is the routing problem. The itinerary generator calls `balance_days` first, then
`plan_day` for each day.

Balancing: stops are admitted most valuable first while the trip has room for the pace; then
placed most constrained first (fewest open days, longest visit) on the open day with the least
load, nearer days' centres breaking near-ties so a day stays in one part of town; then single
moves and swaps between days run while they narrow the spread of daily activity minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tourstack.routing.planning import Preference, score
from tourstack.routing.travel import haversine_km
from tourstack.routing.types import BalancedDays, BudgetLevel, LatLon, Pace, PaceLimits, Stop

PACE_LIMITS: dict[Pace, PaceLimits] = {
    Pace.RELAXED: PaceLimits(activity_minutes=240, max_stops=3),
    Pace.MODERATE: PaceLimits(activity_minutes=360, max_stops=5),
    Pace.FAST: PaceLimits(activity_minutes=480, max_stops=7),
}

# Priority points taken off per price level (0 free .. 4 very expensive).
BUDGET_WEIGHT: dict[BudgetLevel, float] = {
    BudgetLevel.BUDGET: 0.5,
    BudgetLevel.STANDARD: 0.0,
    BudgetLevel.LUXURY: 0.0,
}


def budget_preference(level: BudgetLevel | str | None) -> Preference | None:
    """A preference hook for `plan_day`/`balance_days`: on a budget trip, each price level costs
    half a priority point, so when something has to go the expensive stop goes first."""
    if level is None:
        return None
    weight = BUDGET_WEIGHT[BudgetLevel(level)]
    if weight == 0:
        return None
    return lambda stop: -weight * stop.price_level


def balance_days(
    stops: Sequence[Stop],
    days: Sequence[dt.date] | int,
    pace: Pace | str = Pace.MODERATE,
    *,
    preference: Preference | None = None,
    limits: PaceLimits | None = None,
) -> BalancedDays:
    """Assign stops to days (dates, or a number of days when weekdays do not matter) so daily
    activity minutes are even and within the pace's limits."""
    dates: list[object] = list(range(days)) if isinstance(days, int) else list(days)
    cap = limits or PACE_LIMITS[Pace(pace)]
    n_days = len(dates)
    open_on = {s.site_id: _open_days(s, dates) for s in stops}
    result = BalancedDays(dates, [[] for _ in dates])
    if not n_days:
        result.unassigned = {s.site_id: "no days to plan" for s in stops}
        return result

    admitted: list[Stop] = []
    room = cap.activity_minutes * n_days
    for stop in sorted(stops, key=lambda s: (-score(s, preference), s.visit_minutes)):
        if not open_on[stop.site_id]:
            result.unassigned[stop.site_id] = "closed on every day of the trip"
        elif stop.visit_minutes > cap.activity_minutes:
            result.unassigned[stop.site_id] = f"a visit longer than a {Pace(pace).value} day allows"
        elif stop.visit_minutes > room:
            result.unassigned[stop.site_id] = "no room left at this pace (lower priority)"
        else:
            admitted.append(stop)
            room -= stop.visit_minutes

    loads = [0.0] * n_days
    order = sorted(admitted, key=lambda s: (len(open_on[s.site_id]), -s.visit_minutes))
    for stop in order:
        fits = [d for d in open_on[stop.site_id]
                if loads[d] + stop.visit_minutes <= cap.activity_minutes
                and len(result.days[d]) < cap.max_stops]
        if not fits:
            result.unassigned[stop.site_id] = "every day it is open is full at this pace"
            continue
        best = min(fits, key=lambda d: (round(loads[d] / 30), _distance(stop, result.days[d]), loads[d]))
        result.days[best].append(stop)
        loads[best] += stop.visit_minutes

    _improve(result.days, loads, open_on, cap)
    return result


def _open_days(stop: Stop, dates: list[object]) -> list[int]:
    return [k for k, day in enumerate(dates)
            if not isinstance(day, dt.date) or stop.hours_on(day.weekday()) is not None]


def _distance(stop: Stop, day: list[Stop]) -> float:
    if not day:
        return 0.0
    centre = LatLon(sum(s.location.lat for s in day) / len(day), sum(s.location.lon for s in day) / len(day))
    return haversine_km(stop.location, centre)


def _spread(loads: list[float]) -> float:
    mean = sum(loads) / len(loads)
    return sum((x - mean) ** 2 for x in loads)


def _improve(days: list[list[Stop]], loads: list[float], open_on: dict[str, list[int]],
             cap: PaceLimits, rounds: int = 50) -> None:
    """Moves and swaps between days while the sum of squared deviations of the loads falls."""

    def ok(load: float, count: int) -> bool:
        return load <= cap.activity_minutes + 1e-9 and count <= cap.max_stops

    for _ in range(rounds):
        improved = False
        base = _spread(loads)
        for a in range(len(days)):
            for b in range(len(days)):
                if a == b:
                    continue
                for i, s in enumerate(days[a]):
                    if b in open_on[s.site_id] and ok(loads[b] + s.visit_minutes, len(days[b]) + 1):
                        trial = loads.copy()
                        trial[a] -= s.visit_minutes
                        trial[b] += s.visit_minutes
                        if _spread(trial) < base - 1e-9:
                            days[b].append(days[a].pop(i))
                            loads[:] = trial
                            improved = True
                            break
                    for j, t in enumerate(days[b]):
                        if b not in open_on[s.site_id] or a not in open_on[t.site_id]:
                            continue
                        delta = t.visit_minutes - s.visit_minutes
                        trial = loads.copy()
                        trial[a] += delta
                        trial[b] -= delta
                        fits = ok(trial[a], len(days[a])) and ok(trial[b], len(days[b]))
                        if fits and _spread(trial) < base - 1e-9:
                            days[a][i], days[b][j] = t, s
                            loads[:] = trial
                            improved = True
                            break
                    if improved:
                        break
                if improved:
                    break
            if improved:
                break
        if not improved:
            return

