"""TSP with time windows: the entry point `solve_route` and the choice of method.

Why several methods, chosen by the shape of the problem (figures in docs/benchmarks.md):
- up to 12 stops (13 nodes), an exact answer is cheap: `exact.solve_exact`, Held–Karp with
  windows, tens of milliseconds;
- a closed tour without windows (a day from the hotel and back, a city circuit) goes to
  `tour_search` (Or-opt / Lin-Kernighan-style local search), which reaches the published optimum
  of every TSPLIB instance up to 100 nodes in a fraction of a second; an asymmetric matrix goes
  there through the Jonker–Volgenant transformation, which on the TSPLIB ATSP instances and the
  random asymmetric family beats PyVRP's search on the same budget (and falls back to it when
  the transformed tour does not decode);
- anything else (time windows, open paths, a different end) goes to `vrp_search` (PyVRP's
  iterated local search for routing with time windows), which stays available by name for
  asymmetric closed tours too.
OR-Tools guided local search (`ortools_search`) stays available as `method="ortools"`: it is the
peer the benchmark measures the others against.

When no order meets every window, every method falls back to the least late order, and the
solution says `feasible=False` and lists the stops served after their window closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from tourstack.routing.exact import solve_exact
from tourstack.routing.problem import RouteInputError, RouteProblem, evaluate
from tourstack.routing.tour_search import is_symmetric
from tourstack.routing.types import RouteSolution

EXACT_MAX_NODES = 13  # 12 stops plus the start
Method = Literal["auto", "exact", "tour-search", "vrp-search", "ortools"]
METHODS: tuple[str, ...] = ("auto", "exact", "tour-search", "vrp-search", "ortools")


def default_time_limit(n: int, method: str = "tour-search", symmetric: bool = True) -> float:
    """Seconds of search for an n-node instance. Closed tours converge fastest: 0.15 s at 50
    nodes, 0.25 s at 100, and an asymmetric matrix gets the budget of its 2n-node split matrix
    (0.25 s at 50, 0.45 s at 100); windows and open paths get more (0.35 s at 50, 0.6 s at 100),
    so a 50-node `tourstack route solve` stays under a second with start-up."""
    if method == "tour-search":
        return min(0.6, 0.05 + 0.002 * (n if symmetric else 2 * n))
    return min(0.8, 0.1 + 0.005 * n)


def solve_route(
    durations: Sequence[Sequence[float]] | np.ndarray,
    *,
    start: int = 0,
    end: int | None = None,
    time_windows: Sequence[Sequence[float | None] | None] | None = None,
    service: Sequence[float] | None = None,
    time_limit_s: float | None = None,
    exact_max_nodes: int = EXACT_MAX_NODES,
    method: Method = "auto",
) -> RouteSolution:
    """Best visiting order from `start` through every node to `end` (None = open path,
    `end == start` = closed tour). Raises RouteInputError on malformed input."""
    problem = RouteProblem.build(durations, start, end, time_windows, service)
    return solve_problem(problem, time_limit_s=time_limit_s, exact_max_nodes=exact_max_nodes, method=method)


def choose_method(problem: RouteProblem, exact_max_nodes: int = EXACT_MAX_NODES) -> str:
    if problem.n <= exact_max_nodes:
        return "exact"
    if problem.closed and not problem.has_windows:
        return "tour-search"  # symmetric directly, asymmetric through the split matrix
    return "vrp-search"


def solve_problem(
    problem: RouteProblem,
    *,
    time_limit_s: float | None = None,
    exact_max_nodes: int = EXACT_MAX_NODES,
    method: Method = "auto",
) -> RouteSolution:
    if method not in METHODS:
        raise RouteInputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    chosen = choose_method(problem, exact_max_nodes) if method == "auto" else method
    symmetric = is_symmetric(problem.durations)
    limit = default_time_limit(problem.n, chosen, symmetric) if time_limit_s is None else time_limit_s
    if chosen == "exact":
        if problem.n > 20:  # 2^n states: beyond 20 nodes it would run for hours
            raise RouteInputError(f"the exact method takes at most 20 nodes, got {problem.n}")
        order = solve_exact(problem) or solve_exact(problem, soft=True)
    elif chosen == "tour-search":
        if not problem.closed or problem.has_windows:
            raise RouteInputError("tour-search solves closed tours without time windows only")
        from tourstack.routing.tour_search import solve_asymmetric_closed_tour, solve_closed_tour

        if symmetric:
            order = solve_closed_tour(problem.durations, problem.start, limit)
        else:
            order = solve_asymmetric_closed_tour(problem.durations, problem.start, limit)
            if order is None:  # the transformed tour broke a forced edge: PyVRP instead
                from tourstack.routing.vrp_search import solve_vrp

                chosen, order = "vrp-search", solve_vrp(problem, limit)
    elif chosen == "vrp-search":
        from tourstack.routing.vrp_search import solve_vrp

        order = solve_vrp(problem, limit)
    else:
        from tourstack.routing.ortools_search import solve_ortools

        order = solve_ortools(problem, limit)
    assert order is not None
    result = evaluate(problem, order)
    return RouteSolution(
        order=order,
        total=result.total,
        feasible=result.feasible,
        violations=sorted(result.violations),
        begins=result.begins,
        method=chosen,
        optimal=chosen == "exact",
    )
