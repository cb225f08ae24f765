"""Exact solver for small instances: Held–Karp dynamic programming with time windows,
vectorised with numpy one layer (number of visited stops) at a time.

Why labels and not one value per state: with time windows the cheapest partial path to a
state (visited set S, last node j) is not always the best one to extend, because a costlier
path may arrive earlier and keep later windows reachable. Each state therefore keeps its
Pareto front of (cost, departure time) labels; without windows time = cost + fixed service, so
the front collapses to a single label and this is plain Held–Karp. The result is optimal.

Soft mode (used when no order meets every window) orders labels by (total lateness, travel)
lexicographically; lateness only grows with departure time, so the same dominance holds and the
DP stays exact for "fewest minutes late first, then least travel".

The work grows as 2^n · n², so this is meant for n ≲ 13 nodes (tens of milliseconds).
"""

from __future__ import annotations

import numpy as np

from tourstack.routing.problem import EPS, RouteProblem


def solve_exact(problem: RouteProblem, soft: bool = False) -> list[int] | None:
    """Return an optimal order (start first; start repeated last for a closed tour), or None if
    no order meets all windows (hard mode only)."""
    n, start, end = problem.n, problem.start, problem.end
    fixed_end = end is not None and end != start
    middle = [v for v in range(n) if v != start and not (fixed_end and v == end)]
    m = len(middle)
    d = problem.durations
    nodes = np.array(middle, dtype=np.int64)
    open_, close, service = problem.open_[nodes], problem.close[nodes], problem.service[nodes]

    # Layer 0: the start alone, expressed as one label with no "last" stop.
    depart0 = problem.open_[start] + problem.service[start]
    layers: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (last, parent) per layer
    mask = np.zeros(1, dtype=np.int64)
    last = np.full(1, -1, dtype=np.int64)
    cost = np.zeros(1)
    lateness = np.zeros(1)
    time = np.full(1, depart0)
    from_start = d[start, nodes] if m else np.zeros(0)
    bits = (np.int64(1) << np.arange(m, dtype=np.int64)) if m else np.zeros(0, dtype=np.int64)
    sub = d[np.ix_(nodes, nodes)] if m else np.zeros((0, 0))

    for _ in range(m):
        travel = from_start[None, :] if last[0] < 0 else sub[last]  # (L, m)
        arrive = time[:, None] + travel
        begin = np.maximum(arrive, open_[None, :])
        late = np.maximum(begin - close[None, :], 0.0)
        new_cost = cost[:, None] + travel
        new_late = np.round(lateness[:, None] + late, 9)
        ok = (mask[:, None] & bits[None, :]) == 0
        if not soft:
            ok &= late <= EPS
        parent, nxt = np.nonzero(ok)
        if parent.size == 0:
            return None
        new_mask = mask[parent] | bits[nxt]
        c = new_cost[parent, nxt]
        t = begin[parent, nxt] + service[nxt]
        lt = new_late[parent, nxt]
        keep = _pareto(new_mask * m + nxt, lt, c, t)
        mask, last, cost, time, lateness = new_mask[keep], nxt[keep], c[keep], t[keep], lt[keep]
        layers.append((last, parent[keep]))

    # Close the path: to the fixed end, back to the start, or nowhere (open path).
    target = end if end is not None else None
    if target is not None:
        back = d[nodes[last], target] if m else np.array([d[start, target]])
        arrive = time + back
        late = np.maximum(arrive - problem.close[target], 0.0)
        if not soft and not np.any(late <= EPS):
            return None
        final_cost = cost + back
        final_late = np.round(lateness + late, 9)
        if not soft:
            final_cost = np.where(late <= EPS, final_cost, np.inf)
    else:
        final_cost, final_late = cost, lateness
    best = int(np.lexsort((final_cost, final_late))[0])

    order: list[int] = []
    index = best
    for last_layer, parent_layer in reversed(layers):
        order.append(middle[int(last_layer[index])])
        index = int(parent_layer[index])
    order.append(start)
    order.reverse()
    if target is not None:
        order.append(target)
    return order


def _pareto(key: np.ndarray, late: np.ndarray, cost: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Indices of labels not dominated within their key: sort by (key, late, cost, time) and keep
    a label only if it departs strictly earlier than every better-or-equal label before it."""
    order = np.lexsort((time, cost, late, key))
    k = key[order]
    _, rank = np.unique(time[order], return_inverse=True)
    rank = rank.astype(np.int64)
    group = np.concatenate(([0], np.cumsum(k[1:] != k[:-1]))).astype(np.int64)
    # Shift each group below all earlier ones (integer ranks, so exact) so that a running
    # minimum restarts at every group.
    shifted = rank - group * (int(rank.max()) + 1)
    previous_min = np.concatenate(([np.iinfo(np.int64).max], np.minimum.accumulate(shifted)[:-1]))
    return order[shifted < previous_min]
