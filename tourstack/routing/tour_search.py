"""Closed tours without windows: Or-opt / Lin-Kernighan-style local search (PyPI `fast-tsp`),
on asymmetric matrices through the Jonker–Volgenant transformation.

Why a dedicated search for this case: a day that starts and ends at the hotel on a symmetric
travel matrix is the classic TSP, where 2-opt/Or-opt local search with perturbation reaches the
published optimum of every TSPLIB instance up to 100 nodes in a tenth of a second (see
docs/benchmarks.md), while a general routing model needs seconds to get within a percent.
`fast-tsp` is MIT-licensed; LKH itself (and its wrapper `elkai`) is licensed for non-commercial
use only, so it is not an option for this product.

The engine takes non-negative integers that fit in 16 bits: matrices with larger entries (or
fractional minutes) are scaled into that range and rounded. The rounding can only make the
search see ties that are not there; the tour it returns is evaluated on the true matrix.

Asymmetric matrices (one-way streets, uphill legs) go through the Jonker–Volgenant
transformation, the field's standard way to hand an ATSP to a symmetric solver: node i becomes an
in-copy i and an out-copy n+i joined by a forced zero-cost edge; the arc i->j becomes the edge
out(i)–in(j) at d[i,j] + M; two in-copies or two out-copies are never joined (the largest
weight). With M above every arc, a tour that drops a forced edge pays at least one M more than
one that keeps them all, so the symmetric optimum of 2n nodes is the asymmetric optimum of n.
The search is a heuristic, so its tour is decoded and checked (every forced edge used, no
forbidden edge); a tour that fails the check is reported as None and the caller falls back.
"""

from __future__ import annotations

import numpy as np

UINT16_MAX = 2**16 - 1
# Split-matrix weights (see `split_matrix`): arcs d*scale + ARC_OFFSET with d*scale <= ARC_SPAN,
# so every arc lies in [ARC_OFFSET, ARC_OFFSET + ARC_SPAN] and stays below FORBIDDEN.
ARC_SPAN = 16_000
ARC_OFFSET = 2 * ARC_SPAN
FORBIDDEN = UINT16_MAX


def is_symmetric(durations: np.ndarray) -> bool:
    return bool(np.allclose(durations, durations.T, rtol=0.0, atol=1e-9))


def engine_matrix(durations: np.ndarray) -> np.ndarray:
    """The matrix as the engine's integers: unchanged when it already fits, else scaled."""
    biggest = float(durations.max(initial=0.0))
    integral = bool(np.all(durations == np.rint(durations)))
    if integral and biggest <= UINT16_MAX:
        return np.ascontiguousarray(durations, dtype=np.int64)
    factor = UINT16_MAX / biggest if biggest > 0 else 1.0
    scaled = np.rint(durations * factor).astype(np.int64)
    np.fill_diagonal(scaled, 0)
    return np.ascontiguousarray(scaled)


def solve_closed_tour(durations: np.ndarray, start: int, time_limit_s: float) -> list[int]:
    """A closed tour through every node from `start` back to it (start listed at both ends)."""
    import fast_tsp

    n = durations.shape[0]
    tour = fast_tsp.find_tour(engine_matrix(durations), duration_seconds=max(0.01, time_limit_s))
    at = tour.index(start)
    rotated = tour[at:] + tour[:at]
    assert len(rotated) == n
    return [*rotated, start]


def split_matrix(durations: np.ndarray) -> np.ndarray:
    """The 2n-node symmetric matrix of the Jonker–Volgenant transformation: index i is node i's
    in-copy, n+i its out-copy. Integral matrices up to ARC_SPAN keep their weights exactly;
    others are scaled so the largest arc is ARC_SPAN (the tour is re-evaluated on the true matrix)."""
    n = durations.shape[0]
    biggest = float(durations.max(initial=0.0))
    integral = bool(np.all(durations == np.rint(durations)))
    scale = 1.0 if integral and biggest <= ARC_SPAN else ARC_SPAN / max(biggest, 1e-12)
    arcs = np.rint(durations * scale).astype(np.int64) + ARC_OFFSET
    split = np.full((2 * n, 2 * n), FORBIDDEN, dtype=np.int64)
    split[n:, :n] = arcs  # out(i) -> in(j): the arc i -> j
    split[:n, n:] = arcs.T  # the same edge seen from in(j)
    split[np.arange(n), np.arange(n) + n] = 0  # forced in(i)–out(i)
    split[np.arange(n) + n, np.arange(n)] = 0
    np.fill_diagonal(split, 0)
    return np.ascontiguousarray(split)


def decode_split_tour(tour: list[int], n: int, start: int) -> list[int] | None:
    """The directed closed tour (start at both ends) that a 2n-node tour of `split_matrix`
    stands for, or None unless it alternates in/out copies with every forced edge in place."""
    if sorted(tour) != list(range(2 * n)):
        return None
    at = tour.index(start)
    cycle = tour[at:] + tour[:at]  # begins at in(start)
    if cycle[1] != start + n:  # walked against the arcs: read it the other way round
        cycle = [cycle[0], *reversed(cycle[1:])]
    ins, outs = cycle[0::2], cycle[1::2]
    if any(v >= n for v in ins) or any(o != v + n for v, o in zip(ins, outs, strict=True)):
        return None
    return [*ins, start]


def solve_asymmetric_closed_tour(durations: np.ndarray, start: int, time_limit_s: float) -> list[int] | None:
    """A closed tour from `start` on an asymmetric matrix, by the symmetric search on the split
    matrix; None when the search's tour does not decode to a valid directed tour."""
    import fast_tsp

    n = durations.shape[0]
    tour = fast_tsp.find_tour(split_matrix(durations), duration_seconds=max(0.01, time_limit_s))
    return decode_split_tour([int(v) for v in tour], n, start)
