"""Closed tours on symmetric matrices: Or-opt / Lin-Kernighan-style local search (PyPI `fast-tsp`).

Why a dedicated search for this case: a day that starts and ends at the hotel on a symmetric
travel matrix is the classic TSP, where 2-opt/Or-opt local search with perturbation reaches the
published optimum of every TSPLIB instance up to 100 nodes in a tenth of a second (see
docs/benchmarks.md), while a general routing model needs seconds to get within a percent.
`fast-tsp` is MIT-licensed; LKH itself (and its wrapper `elkai`) is licensed for non-commercial
use only, so it is not an option for this product.

The engine takes non-negative integers that fit in 16 bits: matrices with larger entries (or
fractional minutes) are scaled into that range and rounded. The rounding can only make the
search see ties that are not there; the tour it returns is evaluated on the true matrix.
"""

from __future__ import annotations

import numpy as np

UINT16_MAX = 2**16 - 1


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
