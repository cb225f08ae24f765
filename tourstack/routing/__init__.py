"""Route optimisation for itineraries: travel times between sites, an exact/heuristic TSP with
time windows, and the day-planning helpers the itinerary generator builds on.

    from tourstack.routing import solve_route, plan_day, balance_days
    solve_route([[0, 5, 9], [5, 0, 4], [9, 4, 0]], start=0, end=0).order   # [0, 1, 2, 0]

No web or orchestration imports; OR-Tools is imported only when an instance is too large for the
exact method.
"""

from tourstack.routing.pacing import PACE_LIMITS, balance_days, budget_preference
from tourstack.routing.planning import Preference, plan_day
from tourstack.routing.problem import RouteInputError, RouteProblem, evaluate
from tourstack.routing.solver import EXACT_MAX_NODES, solve_problem, solve_route
from tourstack.routing.travel import (
    MODE_PROFILES,
    FallbackTravelTimes,
    ModeProfile,
    OfflineTravelTimes,
    OsrmTravelTimes,
    RoutingServiceError,
    TravelTimeProvider,
    haversine_km,
    road_km,
)
from tourstack.routing.types import (
    BalancedDays,
    BudgetLevel,
    Conflict,
    DayPlan,
    LatLon,
    Pace,
    PaceLimits,
    RouteSolution,
    ScheduledVisit,
    Stop,
    Suggestion,
    TravelLeg,
    TravelMode,
    clock,
)

__all__ = [
    "EXACT_MAX_NODES",
    "MODE_PROFILES",
    "PACE_LIMITS",
    "BalancedDays",
    "BudgetLevel",
    "Conflict",
    "DayPlan",
    "FallbackTravelTimes",
    "LatLon",
    "ModeProfile",
    "OfflineTravelTimes",
    "OsrmTravelTimes",
    "Pace",
    "PaceLimits",
    "Preference",
    "RouteInputError",
    "RouteProblem",
    "RouteSolution",
    "RoutingServiceError",
    "ScheduledVisit",
    "Stop",
    "Suggestion",
    "TravelLeg",
    "TravelMode",
    "TravelTimeProvider",
    "balance_days",
    "budget_preference",
    "clock",
    "evaluate",
    "haversine_km",
    "plan_day",
    "road_km",
    "solve_problem",
    "solve_route",
]
