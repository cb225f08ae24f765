"""Small value types shared by the route solver and the day planner.

Times of day are integer-ish minutes after local midnight (540 = 09:00) because opening hours,
visit lengths and travel legs are all naturally minutes; `clock()` renders them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class TravelMode(StrEnum):
    WALK = "walk"
    BICYCLE = "bicycle"
    TUK_TUK = "tuk_tuk"
    TAXI = "taxi"
    CAR = "car"
    COACH = "coach"


class Pace(StrEnum):
    RELAXED = "relaxed"
    MODERATE = "moderate"
    FAST = "fast"


class BudgetLevel(StrEnum):
    BUDGET = "budget"
    STANDARD = "standard"
    LUXURY = "luxury"


@dataclass(frozen=True)
class LatLon:
    lat: float
    lon: float


Interval = tuple[float, float]
# weekday (0 = Monday) -> open intervals in minutes after midnight, or None = closed that day.
WeeklyHours = Mapping[int, Sequence[Interval] | None]


@dataclass(frozen=True)
class RouteSolution:
    """`order` runs from start to end (start repeated last for a closed tour); `total` is the
    travel cost of that order; `begins[k]` is when service starts at `order[k]`."""

    order: list[int]
    total: float
    feasible: bool
    violations: list[int]
    begins: list[float]
    method: str  # "exact" | "ortools"
    optimal: bool  # proven optimal (exact method); False means best found in the time limit


@dataclass(frozen=True)
class Stop:
    """A site to visit on a day.

    `opening_hours`: None = always open (a street, a viewpoint); otherwise weekday -> intervals,
    where a weekday that is missing or maps to None means closed. `fixed_start`: the visit must
    begin exactly then (a booked show, a guided slot). `priority`: higher is more important.
    `price_level`: 0 (free) .. 4 (very expensive), used by the budget preference.
    """

    site_id: str
    location: LatLon
    visit_minutes: float
    opening_hours: WeeklyHours | None = None
    fixed_start: float | None = None
    priority: int = 1
    price_level: int = 0
    name: str | None = None

    def hours_on(self, weekday: int) -> list[Interval] | None:
        """Open intervals that weekday (a full day when always open); None when closed."""
        if self.opening_hours is None:
            return [(0.0, 24 * 60.0)]
        hours = self.opening_hours.get(weekday)
        return None if not hours else [(float(a), float(b)) for a, b in hours]

    @property
    def label(self) -> str:
        return self.name or self.site_id


@dataclass(frozen=True)
class TravelLeg:
    from_id: str
    to_id: str
    minutes: float
    mode: TravelMode


@dataclass(frozen=True)
class ScheduledVisit:
    stop: Stop
    arrival: float
    start: float
    departure: float

    @property
    def wait(self) -> float:
        return self.start - self.arrival


@dataclass(frozen=True)
class Conflict:
    """kind: closed | too_long_day | fixed_overlap | after_closing | visit_too_long"""

    kind: str
    site_ids: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Suggestion:
    """kind: reorder | drop | move_day"""

    kind: str
    site_ids: tuple[str, ...]
    message: str


@dataclass
class DayPlan:
    date: object  # datetime.date
    visits: list[ScheduledVisit]
    legs: list[TravelLeg]
    end_time: float
    conflicts: list[Conflict] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    unscheduled: list[Stop] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.conflicts

    @property
    def activity_minutes(self) -> float:
        return sum(v.stop.visit_minutes for v in self.visits)

    @property
    def travel_minutes(self) -> float:
        return sum(leg.minutes for leg in self.legs)


def clock(minutes: float) -> str:
    """540 -> '09:00'."""
    total = int(round(minutes))
    return f"{total // 60:02d}:{total % 60:02d}"


@dataclass(frozen=True)
class PaceLimits:
    """How much a day may hold for a travel style."""

    activity_minutes: float
    max_stops: int


@dataclass
class BalancedDays:
    """`days[k]` are the stops given to `dates[k]` (or day k); `unassigned` maps a site id to why
    it could not be placed (every day it is open is full, or it is open on none of them)."""

    dates: list[object]
    days: list[list[Stop]]
    unassigned: dict[str, str] = field(default_factory=dict)

    @property
    def loads(self) -> list[float]:
        return [sum(s.visit_minutes for s in day) for day in self.days]
