"""A circuit breaker per gateway: stop calling a gateway that keeps failing, probe it later.

States: closed (calls flow; consecutive failures counted), open (after `threshold` consecutive
failures: calls are skipped until `cooldown` has passed), half-open (after the cool-down one
call is let through; success closes the breaker, failure opens it again for another cool-down).

Why a pluggable store: with several API workers the state must be shared, otherwise each
process keeps hammering a dead gateway until it learns on its own. `MemoryStore` serves one
process (tests, the embedded default); `RedisStore` shares it when TOURSTACK_REDIS_URL is set.
Only availability failures count (timeouts, refused connections, 5xx); a declined card is the
gateway working correctly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


@dataclass
class BreakerState:
    failures: int = 0
    opened_at: float | None = None


class BreakerStore(Protocol):
    def load(self, name: str) -> BreakerState: ...
    def save(self, name: str, state: BreakerState) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._states: dict[str, BreakerState] = {}
        self._lock = threading.Lock()

    def load(self, name: str) -> BreakerState:
        with self._lock:
            s = self._states.get(name, BreakerState())
            return BreakerState(s.failures, s.opened_at)

    def save(self, name: str, state: BreakerState) -> None:
        with self._lock:
            self._states[name] = BreakerState(state.failures, state.opened_at)


def redis_client(url: str):
    """A Redis client that gives up within 2 s, shared by the payment stores kept in Redis."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


class RedisStore:
    """Breaker state as a Redis hash per gateway, expiring a day after the last change."""

    def __init__(self, client, prefix: str = "tourstack:breaker:") -> None:
        self._redis = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str = "tourstack:breaker:") -> RedisStore:
        return cls(redis_client(url), prefix)

    def load(self, name: str) -> BreakerState:
        raw = self._redis.hgetall(self._prefix + name)
        if not raw:
            return BreakerState()
        opened = raw.get(b"opened_at", b"")
        return BreakerState(int(raw.get(b"failures", b"0")), float(opened) if opened else None)

    def save(self, name: str, state: BreakerState) -> None:
        key = self._prefix + name
        pipe = self._redis.pipeline()
        pipe.hset(key, mapping={"failures": state.failures,
                                "opened_at": "" if state.opened_at is None else repr(state.opened_at)})
        pipe.expire(key, 86_400)
        pipe.execute()


class CircuitBreaker:
    def __init__(self, store: BreakerStore | None = None, *, threshold: int = 3,
                 cooldown_seconds: float = 30.0, clock: Callable[[], float] = time.time) -> None:
        self.store = store or MemoryStore()
        self.threshold = threshold
        self.cooldown = cooldown_seconds
        self._clock = clock

    def state(self, name: str) -> str:
        s = self.store.load(name)
        if s.opened_at is None:
            return CLOSED
        return HALF_OPEN if self._clock() - s.opened_at >= self.cooldown else OPEN

    def allow(self, name: str) -> bool:
        """Closed or half-open: let the call through. Open: skip this gateway."""
        return self.state(name) != OPEN

    def record_success(self, name: str) -> None:
        self.store.save(name, BreakerState())

    def record_failure(self, name: str) -> None:
        s = self.store.load(name)
        if s.opened_at is not None:  # the half-open probe failed: open again
            self.store.save(name, BreakerState(s.failures + 1, self._clock()))
            return
        failures = s.failures + 1
        opened = self._clock() if failures >= self.threshold else None
        self.store.save(name, BreakerState(failures, opened))
