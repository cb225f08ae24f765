"""Routes with time windows, asymmetric matrices, open paths or a fixed end: PyVRP's iterated
local search (PyPI `pyvrp`, MIT).

Why PyVRP: it is a maintained, state-of-the-art solver for routing with time windows, and it
models exactly what an itinerary day is: one vehicle leaving a start depot at the opening of its
window, stops with windows on the start of service and service durations, free waiting, and a
return (or a different end) by a deadline. It optimises travel only (distance cost 1, duration
cost 0); lateness is "time warp", penalised until a feasible route is found, so when no order
meets every window the best route it returns is the least late one, which `evaluate` reports.

An open path (`end is None`) ends at a dummy depot that every node reaches at no cost.
Matrices are scaled to integers (thousandths of a minute unless the numbers are huge).
"""

from __future__ import annotations

import warnings

import numpy as np

from tourstack.routing.problem import RouteProblem

UNBOUNDED = np.iinfo(np.int64).max // 4


def integer_scale(problem: RouteProblem) -> float:
    """Thousandths of a unit unless the route's numbers would overflow 64-bit sums."""
    finite = problem.close[np.isfinite(problem.close)]
    biggest = float(problem.durations.max(initial=0) * problem.n + problem.service.sum())
    biggest = max(biggest, float(finite.max(initial=0)), float(problem.open_.max(initial=0)), 1.0)
    return min(1000.0, 1e12 / biggest)


def _bound(value: float, scale: float) -> int:
    return UNBOUNDED if not np.isfinite(value) else int(round(value * scale))


def solve_vrp(problem: RouteProblem, time_limit_s: float, seed: int = 1) -> list[int]:
    """The order (start first; end or start last) found within `time_limit_s` seconds."""
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
    from pyvrp.exceptions import PenaltyBoundWarning
    from pyvrp.stop import MaxRuntime

    n, scale = problem.n, integer_scale(problem)
    d = np.rint(problem.durations * scale).astype(np.int64)
    open_path = problem.end is None
    end_node = problem.start if problem.closed else problem.end
    if open_path:  # a dummy last location reached from everywhere at no cost
        d = np.pad(d, ((0, 1), (0, 1)))
        d[n, :] = UNBOUNDED // 1024
        d[n, n] = 0
    locations = [Location(0, 0) for _ in range(d.shape[0])]
    start = problem.start
    depots = [Depot(location=start, tw_early=_bound(problem.open_[start], scale),
                    tw_late=_bound(problem.close[start], scale),
                    service_duration=_bound(problem.service[start], scale))]
    end_depot = 0
    if open_path or end_node != start:
        where = n if open_path else end_node
        depots.append(Depot(location=where, tw_late=UNBOUNDED if open_path
                            else _bound(problem.close[end_node], scale)))
        end_depot = 1
    stops = [v for v in range(n) if v != start and v != end_node]
    clients = [Client(location=v, service_duration=_bound(problem.service[v], scale),
                      tw_early=_bound(problem.open_[v], scale), tw_late=_bound(problem.close[v], scale))
               for v in stops]
    vehicle = VehicleType(1, start_depot=0, end_depot=end_depot, tw_early=_bound(problem.open_[start], scale))
    data = ProblemData(locations=locations, clients=clients, depots=depots, vehicle_types=[vehicle],
                       distance_matrices=[d], duration_matrices=[d])
    with warnings.catch_warnings():
        # Raised when no route meets every window: expected here, and reported by `evaluate`.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = solve(data, stop=MaxRuntime(max(0.01, time_limit_s)), seed=seed, display=False,
                       collect_stats=False)
    routes = result.best.routes()
    visits = [] if not routes else [stops[a.idx] for a in routes[0].schedule() if a.is_client()]
    if len(visits) != len(stops):  # an empty solution when every client was dropped: keep the input order
        visits = stops
    tail = [] if open_path else [end_node]
    return [start, *visits, *tail]
