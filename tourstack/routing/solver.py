"""TSP with time windows: the entry point `solve_route` and the OR-Tools routing model.

Why two methods: itineraries have a handful of stops a day, where an exact answer is cheap
(`exact.solve_exact`, Held–Karp with windows, tens of ms for 12 stops); multi-day or city-wide
problems (25–50+ stops) go to the OR-Tools routing solver with guided local search under a time
limit, which gets within a fraction of a percent of the best known in well under a second.

When no order meets every window, both methods fall back to soft windows (lateness heavily
penalised, so the fewest minutes late first, then the shortest travel) and the solution says
`feasible=False` and lists the stops served after their window closed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from tourstack.routing.exact import solve_exact
from tourstack.routing.problem import RouteProblem, evaluate
from tourstack.routing.types import RouteSolution

EXACT_MAX_NODES = 13  # 12 stops plus the start
LATENESS_PENALTY = 1000  # per scaled unit late, in OR-Tools' integer objective


def default_time_limit(n: int) -> float:
    """Seconds of guided local search for an n-node instance (total stays under 1 s at 50)."""
    return min(0.85, 0.1 + 0.015 * n)


def solve_route(
    durations: Sequence[Sequence[float]] | np.ndarray,
    *,
    start: int = 0,
    end: int | None = None,
    time_windows: Sequence[Sequence[float | None] | None] | None = None,
    service: Sequence[float] | None = None,
    time_limit_s: float | None = None,
    exact_max_nodes: int = EXACT_MAX_NODES,
) -> RouteSolution:
    """Best visiting order from `start` through every node to `end` (None = open path,
    `end == start` = closed tour). Raises RouteInputError on malformed input."""
    problem = RouteProblem.build(durations, start, end, time_windows, service)
    return solve_problem(problem, time_limit_s=time_limit_s, exact_max_nodes=exact_max_nodes)


def solve_problem(
    problem: RouteProblem, *, time_limit_s: float | None = None, exact_max_nodes: int = EXACT_MAX_NODES
) -> RouteSolution:
    if problem.n <= exact_max_nodes:
        order = solve_exact(problem)
        if order is None:
            order = solve_exact(problem, soft=True)
        method = "exact"
    else:
        limit = default_time_limit(problem.n) if time_limit_s is None else time_limit_s
        order = solve_ortools(problem, limit)
        method = "ortools"
    assert order is not None
    result = evaluate(problem, order)
    return RouteSolution(
        order=order,
        total=result.total,
        feasible=result.feasible,
        violations=sorted(result.violations),
        begins=result.begins,
        method=method,
        optimal=method == "exact",
    )


def _scale(problem: RouteProblem) -> float:
    """Integer scale for OR-Tools: millis of a minute unless the numbers are huge."""
    finite = problem.close[np.isfinite(problem.close)]
    biggest = float(problem.durations.max(initial=0) * problem.n + problem.service.sum())
    biggest = max(biggest, float(finite.max(initial=0)), float(problem.open_.max(initial=0)), 1.0)
    return min(1000.0, 1e12 / biggest)


def solve_ortools(problem: RouteProblem, time_limit_s: float) -> list[int]:
    """Guided local search on OR-Tools' routing model; soft upper windows keep it always
    solvable. An open path ends at a dummy node reachable at zero cost from everywhere."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n, scale = problem.n, _scale(problem)
    d = np.rint(problem.durations * scale).astype(np.int64)
    svc = np.rint(problem.service * scale).astype(np.int64)
    open_path = problem.end is None
    size = n + 1 if open_path else n
    if open_path:
        d = np.pad(d, ((0, 1), (0, 1)))
        svc = np.append(svc, 0)
    end = n if open_path else problem.end
    manager = pywrapcp.RoutingIndexManager(size, 1, [problem.start], [end])
    routing = pywrapcp.RoutingModel(manager)
    # Matrices registered natively: no Python call per arc evaluation, so guided local search
    # gets several times more iterations in the same time than with Python callbacks.
    cost_index = routing.RegisterTransitMatrix(d.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_index)

    if problem.has_windows:
        time_index = routing.RegisterTransitMatrix((d + svc[:, None]).tolist())
        opens = np.rint(problem.open_ * scale)
        finite_close = problem.close[np.isfinite(problem.close)]
        horizon = int(
            max(opens.max(initial=0), finite_close.max(initial=0) * scale)
            + d.max(initial=0) * size + svc.sum() + 1
        )
        routing.AddDimension(time_index, horizon, horizon, False, "time")
        dim = routing.GetDimensionOrDie("time")
        for node in range(n):
            indices = []
            if node == problem.start:
                indices.append(routing.Start(0))
            if node == end and problem.end is not None:
                indices.append(routing.End(0))
            if not indices:
                indices.append(manager.NodeToIndex(node))
            for index in indices:
                if index == routing.Start(0):
                    dim.CumulVar(index).SetValue(int(opens[node]))
                    continue
                if index != routing.End(0):
                    dim.CumulVar(index).SetMin(int(opens[node]))
                if math.isfinite(problem.close[node]):
                    upper = int(round(problem.close[node] * scale))
                    dim.SetCumulVarSoftUpperBound(index, upper, LATENESS_PENALTY)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    solution = None
    if problem.has_windows:
        # Start from the stops sorted by deadline: on tight windows that is usually (nearly)
        # feasible, where cheapest-arc construction lands deep in lateness.
        routing.CloseModelWithParameters(params)
        middle = [v for v in range(n) if v not in (problem.start, problem.end)]
        middle.sort(key=lambda v: (problem.close[v], problem.open_[v]))
        initial = routing.ReadAssignmentFromRoutes([[manager.NodeToIndex(v) for v in middle]], True)
        if initial is not None:
            solution = routing.SolveFromAssignmentWithParameters(initial, params)
    if solution is None:
        solution = routing.SolveWithParameters(params)
    if solution is None:  # cannot happen with soft windows; kept as a clear failure
        raise RuntimeError("OR-Tools found no route")
    order, index = [], routing.Start(0)
    while True:
        node = manager.IndexToNode(index)
        if node < n:
            order.append(node)
        if routing.IsEnd(index):
            break
        index = solution.Value(routing.NextVar(index))
    return order

