"""The route problem (travel matrix, start/end, time windows, service times), its validation,
and the one schedule evaluator both solvers report through.

Why one evaluator: the exact and the heuristic solver must agree on what "feasible" and "total"
mean, so neither computes them itself; they hand an order to `evaluate` and report its verdict.

Timing model (documented once here):
- the route leaves `start` at the opening of its window (0 without windows), after its service;
- arriving early at a stop means waiting for its window to open (waiting costs nothing);
- a window constrains the *start of service*: a stop is late when service begins after `close`;
- for a closed tour the return to `start` must arrive by the close of `start`'s window; a fixed
  `end` must be reached by the close of its window;
- the objective and `total` are travel time only (the sum of matrix entries along the order).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EPS = 1e-6


class RouteInputError(ValueError):
    """The problem is malformed (shape, indices, negative durations, window lengths)."""


@dataclass(frozen=True)
class RouteProblem:
    """A validated single-vehicle routing problem over `n` nodes (indices 0..n-1).

    `end is None` is an open path that may finish anywhere; `end == start` is a closed tour.
    `open_`/`close` hold one window per node (0 and +inf where none was given).
    """

    durations: np.ndarray
    start: int
    end: int | None
    open_: np.ndarray
    close: np.ndarray
    service: np.ndarray
    has_windows: bool

    @property
    def n(self) -> int:
        return int(self.durations.shape[0])

    @property
    def closed(self) -> bool:
        return self.end is not None and self.end == self.start

    @classmethod
    def build(
        cls,
        durations: Sequence[Sequence[float]] | np.ndarray,
        start: int = 0,
        end: int | None = None,
        time_windows: Sequence[Sequence[float | None] | None] | None = None,
        service: Sequence[float] | None = None,
    ) -> RouteProblem:
        """Validate raw input and build a problem; raises RouteInputError with a clear message."""
        try:
            matrix = np.asarray(durations, dtype=float)
        except (TypeError, ValueError):
            raise RouteInputError("durations must be an N x N matrix of numbers") from None
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
            raise RouteInputError(
                f"durations must be a non-empty square N x N matrix, got shape {matrix.shape}"
            )
        if not np.all(np.isfinite(matrix)):
            raise RouteInputError("durations must be finite numbers")
        if np.any(matrix < 0):
            i, j = np.argwhere(matrix < 0)[0]
            raise RouteInputError(f"durations must not be negative (row {i}, column {j})")
        n = matrix.shape[0]
        start = _index(start, n, "start")
        end = None if end is None else _index(end, n, "end")
        open_ = np.zeros(n)
        close = np.full(n, math.inf)
        if time_windows is not None:
            if not isinstance(time_windows, Sequence | np.ndarray) or isinstance(time_windows, str):
                raise RouteInputError("time_windows must be a list of [open, close] pairs")
            if len(time_windows) != n:
                raise RouteInputError(
                    f"time_windows has {len(time_windows)} entries, expected one per node ({n})"
                )
            for i, window in enumerate(time_windows):
                if window is None:
                    continue
                if not isinstance(window, Sequence | np.ndarray) or len(window) != 2:
                    raise RouteInputError(f"time_windows[{i}] must be [open, close]")
                lo = 0.0 if window[0] is None else _number(window[0], f"time_windows[{i}] open")
                hi = math.inf if window[1] is None else _number(window[1], f"time_windows[{i}] close")
                if hi < lo:
                    raise RouteInputError(f"time_windows[{i}] closes ({hi:g}) before it opens ({lo:g})")
                open_[i], close[i] = lo, hi
        svc = np.zeros(n)
        if service is not None:
            if not isinstance(service, Sequence | np.ndarray) or isinstance(service, str):
                raise RouteInputError("service must be a list of numbers, one per node")
            if len(service) != n:
                raise RouteInputError(f"service has {len(service)} entries, expected one per node ({n})")
            svc = np.array([_number(s, f"service[{i}]") for i, s in enumerate(service)])
            if np.any(svc < 0):
                raise RouteInputError("service durations must not be negative")
        has_windows = bool(np.any(open_ > 0) or np.any(np.isfinite(close)))
        return cls(matrix, start, end, open_, close, svc, has_windows)


def _index(value: object, n: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise RouteInputError(f"{name} must be an integer node index, got {value!r}")
    if not 0 <= value < n:
        raise RouteInputError(f"{name} index {value} is out of range for {n} nodes")
    return int(value)


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise RouteInputError(f"{name} must be a finite number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Evaluation:
    """What an order costs and when each node's service begins (aligned with the order)."""

    total: float
    begins: list[float]
    departures: list[float]
    violations: list[int]
    lateness: float

    @property
    def feasible(self) -> bool:
        return not self.violations


def evaluate(problem: RouteProblem, order: Sequence[int]) -> Evaluation:
    """Walk `order` (start first; start again last for a closed tour) under the timing model."""
    d, total, lateness = problem.durations, 0.0, 0.0
    begins: list[float] = []
    departures: list[float] = []
    violations: list[int] = []
    t = problem.open_[order[0]]
    for position, node in enumerate(order):
        if position:
            prev = order[position - 1]
            total += d[prev, node]
            t = departures[-1] + d[prev, node]
            t = max(t, problem.open_[node]) if position < len(order) - 1 or not problem.closed else t
        begins.append(float(t))
        late = t - problem.close[node]
        if late > EPS:
            lateness += late
            if node not in violations:
                violations.append(node)
        departures.append(float(t + problem.service[node]))
    return Evaluation(float(total), begins, departures, violations, float(lateness))
