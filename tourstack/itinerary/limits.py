"""Cost and throughput guards: model price table, monthly budget, in-process rate limiting.

Why in-process token buckets: the embedded deployment has no Redis; one bucket for the whole
process and one per agency stop a single agency (or a runaway job) from exhausting the
provider's quota. Production can swap in a Redis-backed limiter with the same `acquire`.
Budgets are checked against the generation records before a paid call, so an exceeded budget
is a clear refusal or a downgrade to the offline planner, never a surprise invoice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# USD micros per 1M tokens (input, output): list prices; unknown models cost the dearest row.
PRICES_USD_MICROS_PER_MTOK: dict[str, tuple[int, int]] = {
    "gpt-4o": (2_500_000, 10_000_000),
    "gpt-4o-mini": (150_000, 600_000),
    "gpt-4.1": (2_000_000, 8_000_000),
    "gpt-4.1-mini": (400_000, 1_600_000),
    "gpt-4.1-nano": (100_000, 400_000),
    "gpt-5": (1_250_000, 10_000_000),
    "gpt-5-mini": (250_000, 2_000_000),
    "gpt-5-nano": (50_000, 400_000),
}


def price_of(model: str | None) -> tuple[int, int]:
    if not model:
        return (0, 0)
    best = max((k for k in PRICES_USD_MICROS_PER_MTOK if model.startswith(k)), key=len, default=None)
    if best is None:
        return max(PRICES_USD_MICROS_PER_MTOK.values(), key=lambda p: p[1])
    return PRICES_USD_MICROS_PER_MTOK[best]


def cost_usd_micros(model: str | None, prompt_tokens: int, completion_tokens: int) -> int:
    """List price of a call in millionths of a USD, rounded up (never under-count spend)."""
    p_in, p_out = price_of(model)
    total = prompt_tokens * p_in + completion_tokens * p_out
    return -(-total // 1_000_000)


def estimate_cost_usd_micros(model: str, prompt_tokens: int = 4_000, completion_tokens: int = 3_000) -> int:
    """A conservative cost of one itinerary call, used to check a budget before calling."""
    return cost_usd_micros(model, prompt_tokens, completion_tokens)


class TokenBucket:
    """`rate` tokens per second up to `capacity`; thread-safe; `acquire` never blocks."""

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float] = time.monotonic):
        self.rate, self.capacity, self.clock = rate, capacity, clock
        self.tokens = capacity
        self.updated = clock()
        self.lock = threading.Lock()

    def acquire(self, n: float = 1.0) -> float:
        """0.0 when granted, else the seconds to wait before retrying."""
        with self.lock:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens >= n:
                self.tokens -= n
                return 0.0
            return (n - self.tokens) / self.rate if self.rate > 0 else float("inf")


@dataclass
class RateLimited(Exception):
    retry_after_s: float
    scope: str  # global or agency

    def __str__(self) -> str:
        return f"too many generation requests ({self.scope}); retry in {self.retry_after_s:.0f} s"


class RateLimiter:
    """A global bucket plus one bucket per agency, both per minute."""

    def __init__(self, global_per_minute: int, agency_per_minute: int,
                 clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.agency_per_minute = agency_per_minute
        self.global_bucket = TokenBucket(global_per_minute / 60, global_per_minute, clock)
        self.agencies: dict[int | None, TokenBucket] = {}
        self.lock = threading.Lock()

    def check(self, agency_id: int | None) -> None:
        with self.lock:
            bucket = self.agencies.get(agency_id)
            if bucket is None:
                bucket = self.agencies[agency_id] = TokenBucket(
                    self.agency_per_minute / 60, self.agency_per_minute, self.clock)
        wait = bucket.acquire()
        if wait:
            raise RateLimited(wait, "agency")
        wait = self.global_bucket.acquire()
        if wait:
            raise RateLimited(wait, "global")


@dataclass(frozen=True, slots=True)
class Budget:
    """Monthly spend limits in USD micros; None = unlimited. `on_exceeded`: refuse or downgrade."""

    monthly_usd_micros: int | None = None
    agency_monthly_usd_micros: int | None = None
    on_exceeded: str = "downgrade"  # downgrade (to the offline planner) | refuse


class BudgetExhausted(Exception):
    def __init__(self, scope: str, spent: int, limit: int):
        super().__init__(
            f"the monthly AI budget ({scope}) is used up: {spent / 1e6:.2f} of {limit / 1e6:.2f} USD"
        )
        self.scope, self.spent, self.limit = scope, spent, limit
