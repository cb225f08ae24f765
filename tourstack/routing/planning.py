"""`plan_day`: turn a day's stops into a timed schedule with travel legs, and explain what does
not fit (closed that weekday, a day too long, fixed-time items that overlap, arriving after
closing) with actionable suggestions (reorder, drop the lowest-priority stop, move a stop to a
day it is open).

Why it plans around the problems instead of refusing: the itinerary generator proposes days in
bulk and needs both a usable schedule and a reason to revise; so stops that cannot be on the day
at all (closed, clashing fixed slot) are set aside in `unscheduled`, and the rest are still
ordered optimally (soft windows when nothing meets them all).

Opening hours with several intervals (closed for lunch) are given to the solver as one window
spanning them; the schedule then waits for the interval the visit fits in, and flags the stop
if there is none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np

from tourstack.routing.problem import RouteProblem, evaluate
from tourstack.routing.solver import solve_problem
from tourstack.routing.travel import OfflineTravelTimes, TravelTimeProvider
from tourstack.routing.types import (
    Conflict,
    DayPlan,
    Interval,
    LatLon,
    ScheduledVisit,
    Stop,
    Suggestion,
    TravelLeg,
    TravelMode,
    clock,
)

Preference = Callable[[Stop], float]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
START_ID, END_ID = "start", "end"


def score(stop: Stop, preference: Preference | None = None) -> float:
    """How much a stop is worth keeping: its priority plus any preference adjustment."""
    return stop.priority + (preference(stop) if preference else 0.0)


def open_weekdays(stop: Stop) -> list[str]:
    return [WEEKDAYS[w] for w in range(7) if stop.hours_on(w)]


def plan_day(
    stops: Sequence[Stop],
    start_location: LatLon,
    date: dt.date,
    day_start: float,
    day_end: float,
    mode: TravelMode = TravelMode.CAR,
    travel_times: TravelTimeProvider | None = None,
    *,
    end_location: LatLon | None = None,
    preference: Preference | None = None,
) -> DayPlan:
    """Schedule `stops` on `date` between `day_start` and `day_end` (minutes after midnight),
    leaving from `start_location` and returning there (or ending at `end_location`)."""
    provider = travel_times or OfflineTravelTimes()
    weekday = date.weekday()
    conflicts: list[Conflict] = []
    suggestions: list[Suggestion] = []
    unscheduled: list[Stop] = []
    candidates: list[Stop] = []
    for stop in stops:
        hours = stop.hours_on(weekday)
        if hours is None:
            days = ", ".join(open_weekdays(stop)) or "no day"
            conflicts.append(Conflict(
                "closed", (stop.site_id,), f"{stop.label} is closed on {WEEKDAYS[weekday]}s"))
            suggestions.append(Suggestion(
                "move_day", (stop.site_id,), f"move {stop.label} to a day it is open ({days})"))
            unscheduled.append(stop)
        elif max(b - a for a, b in hours) < stop.visit_minutes:
            conflicts.append(Conflict(
                "visit_too_long", (stop.site_id,),
                f"{stop.label}: a {stop.visit_minutes:g}-minute visit fits in no opening interval"))
            suggestions.append(Suggestion(
                "drop", (stop.site_id,), f"shorten or drop the visit to {stop.label}"))
            unscheduled.append(stop)
        else:
            candidates.append(stop)

    points = [start_location, *(s.location for s in candidates)]
    if end_location is not None:
        points.append(end_location)
    matrix = np.asarray(provider.matrix(points, mode), dtype=float)

    # Fixed-time items that cannot both happen: keep the more valuable one.
    fixed = sorted((i for i, s in enumerate(candidates) if s.fixed_start is not None),
                   key=lambda i: candidates[i].fixed_start)
    dropped: set[int] = set()
    for a, b in zip(fixed, fixed[1:]):
        if a in dropped:
            continue
        first, second = candidates[a], candidates[b]
        ready = first.fixed_start + first.visit_minutes + matrix[a + 1, b + 1]
        if ready > second.fixed_start + 1e-6:
            loser = b if score(second, preference) <= score(first, preference) else a
            conflicts.append(Conflict(
                "fixed_overlap", (first.site_id, second.site_id),
                f"{first.label} at {clock(first.fixed_start)} ({first.visit_minutes:g} min) plus "
                f"{matrix[a + 1, b + 1]:.0f} min travel runs into {second.label} at "
                f"{clock(second.fixed_start)}"))
            lost = candidates[loser]
            suggestions.append(Suggestion("move_day", (lost.site_id,), f"move {lost.label} to another day"))
            dropped.add(loser)
    if dropped:
        unscheduled += [candidates[i] for i in sorted(dropped)]
        keep = [i for i in range(len(candidates)) if i not in dropped]
        rows = [0, *(i + 1 for i in keep)] + ([len(points) - 1] if end_location is not None else [])
        matrix = matrix[np.ix_(rows, rows)]
        candidates = [candidates[i] for i in keep]

    if not candidates:
        return DayPlan(date, [], [], day_start, conflicts, suggestions, unscheduled)
    hours_today = [s.hours_on(weekday) or [] for s in candidates]
    problem = _problem(candidates, hours_today, matrix, day_start, day_end, end_location is not None)
    solution = solve_problem(problem)
    visits, legs, end_time, late = _schedule(
        solution.order, candidates, hours_today, matrix, day_start, mode, problem.end)

    for stop in late:
        conflicts.append(Conflict("after_closing", (stop.site_id,),
                                  f"{stop.label} cannot start its visit before it closes on this schedule"))
    need = sum(s.visit_minutes for s in candidates) + solution.total
    if end_time > day_end + 1e-6:
        conflicts.append(Conflict(
            "too_long_day", tuple(s.site_id for s in candidates),
            f"the day needs {need:.0f} min of visits and travel and ends at {clock(end_time)}, "
            f"after {clock(day_end)}"))

    if late or end_time > day_end + 1e-6:
        suggestions += _repairs(candidates, hours_today, matrix, day_start, day_end,
                                end_location is not None, late, preference)
    suggestions += _reorder_hint(problem, solution.order, candidates)
    return DayPlan(date, visits, legs, end_time, conflicts, suggestions, unscheduled)


def _problem(stops: list[Stop], hours: list[list[Interval]], matrix: np.ndarray,
             day_start: float, day_end: float, has_end: bool) -> RouteProblem:
    windows: list[list[float]] = [[day_start, day_end]]
    for stop, intervals in zip(stops, hours):
        if stop.fixed_start is not None:
            windows.append([stop.fixed_start, stop.fixed_start])
            continue
        lo = max(day_start, min(a for a, _ in intervals))
        hi = max(b for _, b in intervals) - stop.visit_minutes
        windows.append([lo, max(lo, hi)] if hi >= lo else [lo, lo])
    if has_end:
        windows.append([day_start, day_end])
    service = [0.0, *(s.visit_minutes for s in stops)] + ([0.0] if has_end else [])
    n = len(windows)
    return RouteProblem.build(matrix, 0, n - 1 if has_end else 0, windows, service)


def _schedule(order, stops, hours, matrix, day_start, mode, end_node):
    """Replay the order against the exact opening intervals."""
    ids = [START_ID, *(s.site_id for s in stops), END_ID]
    visits: list[ScheduledVisit] = []
    legs: list[TravelLeg] = []
    late: list[Stop] = []
    t = day_start
    for prev, node in zip(order, order[1:]):
        minutes = float(matrix[prev, node])
        legs.append(TravelLeg(ids[prev], ids[node], minutes, mode))
        t += minutes
        if 1 <= node <= len(stops):
            stop, arrival = stops[node - 1], t
            begin = _fit(stop, hours[node - 1], arrival)
            if begin is None:
                late.append(stop)
                begin = arrival
            visits.append(ScheduledVisit(stop, arrival, begin, begin + stop.visit_minutes))
            t = begin + stop.visit_minutes
    return visits, legs, t, late


def _fit(stop: Stop, intervals: list[Interval], arrival: float) -> float | None:
    if stop.fixed_start is not None:
        return stop.fixed_start if arrival <= stop.fixed_start + 1e-6 else None
    for a, b in sorted(intervals):
        begin = max(arrival, a)
        if begin + stop.visit_minutes <= b + 1e-6:
            return begin
    return None


def _repairs(stops, hours, matrix, day_start, day_end, has_end, late, preference) -> list[Suggestion]:
    """Find the least valuable stop whose removal makes the day work, and point late stops to
    days they are open."""
    out: list[Suggestion] = []
    ranked = sorted(range(len(stops)), key=lambda i: (score(stops[i], preference), -stops[i].visit_minutes))
    for i in ranked:
        keep = [k for k in range(len(stops)) if k != i]
        rows = [0, *(k + 1 for k in keep)] + ([matrix.shape[0] - 1] if has_end else [])
        sub = matrix[np.ix_(rows, rows)]
        kept = [stops[k] for k in keep]
        kept_hours = [hours[k] for k in keep]
        trial = solve_problem(_problem(kept, kept_hours, sub, day_start, day_end, has_end))
        _, _, end_time, still_late = _schedule(trial.order, kept, kept_hours, sub, day_start,
                                               TravelMode.CAR, len(rows) - 1 if has_end else 0)
        if not still_late and end_time <= day_end + 1e-6:
            out.append(Suggestion("drop", (stops[i].site_id,),
                                  f"drop {stops[i].label} (lowest priority that makes the day fit)"))
            break
    for stop in late:
        days = ", ".join(open_weekdays(stop)) or "no day"
        out.append(Suggestion("move_day", (stop.site_id,), f"move {stop.label} to another day ({days})"))
    return out


def _reorder_hint(problem: RouteProblem, order: list[int], stops: list[Stop]) -> list[Suggestion]:
    """Tell the caller when the order it listed the stops in is worse than the planned one."""
    given = [0, *range(1, len(stops) + 1)]
    given.append(problem.end)
    if given == order or len(stops) < 2:
        return []
    as_given, planned = evaluate(problem, given), evaluate(problem, order)
    if as_given.feasible and as_given.total - planned.total < 5:
        return []
    why = ("misses opening hours" if not as_given.feasible
           else f"takes {as_given.total - planned.total:.0f} min more travel")
    sequence = " -> ".join(stops[k - 1].label for k in order if 1 <= k <= len(stops))
    return [Suggestion("reorder", tuple(stops[k - 1].site_id for k in order if 1 <= k <= len(stops)),
                       f"the listed order {why}; visit {sequence}")]
