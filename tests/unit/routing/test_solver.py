"""The route solver: exact against brute force on small random instances, output formats for
closed tours, open paths and fixed ends, infeasible windows, and the choice between the
heuristic searches."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tourstack.routing import RouteInputError, RouteProblem, evaluate, solve_route


def brute_force(problem: RouteProblem) -> tuple[float, float]:
    """(least lateness, least travel among those) over every order."""
    fixed_end = problem.end is not None and problem.end != problem.start
    middle = [v for v in range(problem.n) if v != problem.start and not (fixed_end and v == problem.end)]
    tail = [] if problem.end is None else [problem.end]
    best = (float("inf"), float("inf"))
    for perm in itertools.permutations(middle):
        e = evaluate(problem, [problem.start, *perm, *tail])
        best = min(best, (round(e.lateness, 6), e.total))
    return best


def random_instance(rng: np.random.Generator, n: int, windows: bool):
    d = rng.uniform(1, 30, (n, n))
    np.fill_diagonal(d, 0)
    tw = None
    if windows:
        opens = rng.uniform(0, 60, n)
        tw = [[float(a), float(a + rng.uniform(5, 60))] for a in opens]
    return d, tw, rng.uniform(0, 10, n).tolist()


@pytest.mark.parametrize("shape", ["open", "closed", "fixed_end"])
@pytest.mark.parametrize("windows", [False, True])
def test_exact_matches_brute_force(shape, windows):
    rng = np.random.default_rng(hash((shape, windows)) % 2**32)
    for _ in range(15):
        n = int(rng.integers(2, 9))
        d, tw, service = random_instance(rng, n, windows)
        start = int(rng.integers(n))
        end = {"open": None, "closed": start, "fixed_end": int((start + 1) % n)}[shape]
        problem = RouteProblem.build(d, start, end, tw, service)
        solution = solve_route(d, start=start, end=end, time_windows=tw, service=service)
        late, travel = brute_force(problem)
        assert solution.method == "exact" and solution.optimal
        check = evaluate(problem, solution.order)
        assert solution.feasible == (late == 0)
        if late == 0:
            assert solution.total == pytest.approx(travel, abs=1e-6)
        else:  # fewest minutes late first
            assert check.lateness == pytest.approx(late, abs=1e-5)
        assert sorted(set(solution.order)) == list(range(n))


def test_closed_tour_lists_start_at_both_ends():
    d = [[0, 5, 9, 4], [6, 0, 4, 8], [9, 3, 0, 7], [4, 8, 6, 0]]
    solution = solve_route(d, start=0, end=0)
    assert solution.order[0] == solution.order[-1] == 0
    assert len(solution.order) == 5
    assert solution.order == [0, 3, 2, 1, 0]  # asymmetric: 4 + 6 + 3 + 6 = 19
    assert solution.total == 19


def test_open_path_ends_anywhere_and_fixed_end_ends_there():
    d = [[0, 1, 10, 10], [1, 0, 1, 10], [10, 1, 0, 1], [10, 10, 1, 0]]
    open_path = solve_route(d, start=1, end=None)
    assert open_path.order[0] == 1 and len(open_path.order) == 4
    assert open_path.total == 12  # 1 -> 0 -> ... costs 1 + 10 + 1
    fixed = solve_route(d, start=0, end=3)
    assert fixed.order == [0, 1, 2, 3] and fixed.total == 3


def test_time_windows_change_the_order_and_waiting_is_free():
    d = [[0, 1, 2], [1, 0, 1], [2, 1, 0]]
    free = solve_route(d, start=0, end=None)
    assert free.order == [0, 1, 2]
    timed = solve_route(d, start=0, end=None, time_windows=[[0, 100], [10, 20], [0, 3]])
    assert timed.order == [0, 2, 1] and timed.feasible
    assert timed.begins == [0, 2, 10]


def test_infeasible_windows_are_flagged_with_the_stops_that_miss_them():
    d = [[0, 10, 10], [10, 0, 10], [10, 10, 0]]
    solution = solve_route(d, start=0, end=0, time_windows=[None, [0, 12], [0, 12]])
    assert not solution.feasible
    assert len(solution.violations) == 1  # one of the two can be reached in time
    assert solution.order[0] == solution.order[-1] == 0


def test_single_node_and_two_nodes():
    assert solve_route([[0]], start=0, end=0).order == [0, 0]
    assert solve_route([[0]], start=0, end=None).order == [0]
    assert solve_route([[0, 3], [4, 0]], start=1, end=0).order == [1, 0]


@pytest.mark.parametrize("method", ["vrp-search", "ortools"])
@pytest.mark.parametrize("end", [None, 0, 7])
def test_heuristic_paths_keep_the_format(end, method):
    rng = np.random.default_rng(7)
    pts = rng.uniform(0, 50, (11, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    solution = solve_route(d, start=0, end=end, time_limit_s=0.2, method=method)
    exact = solve_route(d, start=0, end=end)
    assert solution.method == method and not solution.optimal
    assert solution.order[0] == 0 and sorted(set(solution.order)) == list(range(11))
    assert len(solution.order) == 11 + (end == 0)
    if end is not None:
        assert solution.order[-1] == end
    assert solution.total <= exact.total * 1.02


def test_auto_picks_tour_search_for_closed_tours_and_vrp_search_otherwise():
    rng = np.random.default_rng(11)
    pts = rng.uniform(0, 50, (30, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    closed = solve_route(d, start=4, end=4, time_limit_s=0.1)
    assert closed.method == "tour-search" and closed.order[0] == closed.order[-1] == 4
    assert sorted(closed.order[:-1]) == list(range(30))
    assert solve_route(d, start=4, end=None, time_limit_s=0.1).method == "vrp-search"
    skewed = d + np.triu(np.ones_like(d))  # asymmetric: the way up costs one more
    np.fill_diagonal(skewed, 0)
    # asymmetric closed tours: the split-matrix search measures better (docs/benchmarks.md)
    assert solve_route(skewed, start=4, end=4, time_limit_s=0.1).method == "tour-search"
    assert solve_route(skewed, start=4, end=None, time_limit_s=0.1).method == "vrp-search"
    windows = [[0.0, 1e6]] * 30  # windows that bind nothing still go to the windows search
    assert solve_route(skewed, start=4, end=4, time_windows=windows, time_limit_s=0.1).method == "vrp-search"
    assert solve_route(d[:8, :8], start=0, end=0).method == "exact"


def test_tour_search_scales_fractional_or_large_matrices_and_reports_true_totals():
    rng = np.random.default_rng(5)
    pts = rng.uniform(0, 1e6, (25, 2))  # entries far beyond the engine's 16-bit range
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    solution = solve_route(d, start=0, end=0, time_limit_s=0.1)
    order = solution.order
    assert solution.method == "tour-search"
    assert solution.total == pytest.approx(sum(d[a, b] for a, b in zip(order, order[1:])))
    reference = solve_route(d, start=0, end=0, time_limit_s=1.0, method="ortools")
    assert solution.total <= reference.total * 1.01


def test_forcing_a_method_that_cannot_apply_is_a_clear_error():
    d = np.ones((25, 25)) - np.eye(25)
    with pytest.raises(RouteInputError, match="closed tours without time windows"):
        solve_route(d, start=0, end=None, method="tour-search")
    with pytest.raises(RouteInputError, match="at most 20 nodes"):
        solve_route(d, start=0, end=0, method="exact")
    with pytest.raises(RouteInputError, match="method must be one of"):
        solve_route(d, start=0, end=0, method="lkh")


@pytest.mark.parametrize("method", ["vrp-search", "ortools"])
def test_heuristic_with_windows_from_a_known_tour_is_feasible(method):
    rng = np.random.default_rng(3)
    n = 20
    pts = rng.uniform(0, 60, (n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    tour, t, windows = [0, *rng.permutation(np.arange(1, n))], 0.0, [None] * n
    for a, b in zip(tour, tour[1:]):
        t += d[a, b] + 10
        windows[b] = [max(0.0, t - 30), t + 30]
    solution = solve_route(d, start=0, end=0, time_windows=windows, service=[10] * n, time_limit_s=0.3,
                           method=method)
    assert solution.method == method and solution.feasible
    assert solve_route(d, start=0, end=0, time_windows=windows, service=[10] * n,
                       time_limit_s=0.3).method == "vrp-search"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"durations": [[0, 1, 2], [1, 0, 2]]}, "square"),
        ({"durations": [[0, -1], [1, 0]]}, "negative"),
        ({"durations": [[0, 1], [1, 0]], "start": 2}, "out of range"),
        ({"durations": [[0, 1], [1, 0]], "end": -1}, "out of range"),
        ({"durations": [[0, 1], [1, 0]], "time_windows": [[0, 1]]}, "expected one per node"),
        ({"durations": [[0, 1], [1, 0]], "time_windows": [[0, 1], [5, 2]]}, "closes"),
        ({"durations": [[0, 1], [1, 0]], "service": [1]}, "expected one per node"),
        ({"durations": [[0, "x"], [1, 0]]}, "matrix of numbers"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, message):
    durations = kwargs.pop("durations")
    with pytest.raises(RouteInputError, match=message):
        solve_route(durations, **kwargs)


def test_vrp_search_flags_windows_no_order_can_meet():
    rng = np.random.default_rng(9)
    pts = rng.uniform(0, 50, (16, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2) + 10  # every leg takes at least 10
    np.fill_diagonal(d, 0)
    windows = [None] * 16
    windows[3] = windows[9] = [0, 12]  # both must begin by 12: at most one can
    solution = solve_route(d, start=0, end=0, time_windows=windows, time_limit_s=0.2)
    assert solution.method == "vrp-search" and not solution.feasible
    assert solution.violations and set(solution.violations) <= {3, 9}  # nobody else is late
    assert sorted(solution.order[:-1]) == list(range(16))
