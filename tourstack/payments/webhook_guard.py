"""Webhook deliveries that fail their signature: counted per source, limited per source.

Why: the webhook endpoints need no API key, so anyone can post to them. A delivery whose
signature is missing or wrong is never stored (tourstack.payments.webhooks verifies before it
writes anything); what is kept is a tally per (gateway, source) - attempts, refusals, the last
reason and when - for finance to read (`GET /api/v1/webhook-events/rejections`) and for the log.
Past `per_minute` rejections in the current minute, a source's further deliveries are refused
(429) before verification: PayPal's verification is a call to PayPal, and none of it is work a
forger should be able to make us do at will. A genuine gateway never fails its signature, so it
is only limited if it shares a source address with a forger; it then retries the 429 later, as
every gateway does for any non-2xx answer.

The store is pluggable like the circuit breaker's (tourstack.payments.breaker): `MemoryStore`
for one process, `RedisStore` shared by every API worker when TOURSTACK_REDIS_URL is set.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from tourstack.payments.breaker import redis_client

WINDOW_SECONDS = 60
MAX_SOURCES = 10_000  # beyond this many distinct sources, new ones are tallied as "other"
UNSIGNED, BAD_SIGNATURE = "unsigned", "bad_signature"


@dataclass(frozen=True)
class Tally:
    gateway: str
    source: str
    rejected: int  # deliveries verified and refused (400)
    limited: int  # deliveries refused unverified because the source was over its limit (429)
    last_reason: str
    last_at: dt.datetime


class RejectionStore(Protocol):
    def add(self, gateway: str, source: str, reason: str, now: float) -> None: ...
    def in_window(self, gateway: str, source: str, window: int) -> int: ...
    def add_limited(self, gateway: str, source: str, now: float) -> None: ...
    def tallies(self) -> list[Tally]: ...


def _window(now: float) -> int:
    return int(now // WINDOW_SECONDS)


def _at(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str, int], int] = {}
        self._totals: dict[tuple[str, str], list] = {}  # [rejected, limited, last_reason, last_at]

    def _entry(self, gateway: str, source: str, now: float) -> list:
        key = (gateway, source)
        if key not in self._totals and len(self._totals) >= MAX_SOURCES:
            key = (gateway, "other")
        return self._totals.setdefault(key, [0, 0, "", now])

    def add(self, gateway: str, source: str, reason: str, now: float) -> None:
        window = _window(now)
        with self._lock:
            for stale in [k for k in self._windows if k[2] < window - 1]:
                del self._windows[stale]
            self._windows[(gateway, source, window)] = self._windows.get((gateway, source, window), 0) + 1
            entry = self._entry(gateway, source, now)
            entry[0] += 1
            entry[2], entry[3] = reason, now

    def in_window(self, gateway: str, source: str, window: int) -> int:
        with self._lock:
            return self._windows.get((gateway, source, window), 0)

    def add_limited(self, gateway: str, source: str, now: float) -> None:
        with self._lock:
            entry = self._entry(gateway, source, now)
            entry[1] += 1
            entry[3] = now

    def tallies(self) -> list[Tally]:
        with self._lock:
            return [Tally(g, s, e[0], e[1], e[2], _at(e[3])) for (g, s), e in self._totals.items()]


class RedisStore:
    """A counter per source and minute (expiring after two), and one hash of running tallies."""

    def __init__(self, client, prefix: str = "tourstack:webhook-rejections:") -> None:
        self._redis = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str = "tourstack:webhook-rejections:") -> RedisStore:
        return cls(redis_client(url), prefix)

    def _window_key(self, gateway: str, source: str, window: int) -> str:
        return f"{self._prefix}window:{gateway}:{source}:{window}"

    def _field(self, gateway: str, source: str) -> str:
        field = f"{gateway}|{source}"
        totals = self._prefix + "totals"
        if not self._redis.hexists(totals, field) and self._redis.hlen(totals) >= MAX_SOURCES:
            field = f"{gateway}|other"
        return field

    def add(self, gateway: str, source: str, reason: str, now: float) -> None:
        field = self._field(gateway, source)
        key = self._window_key(gateway, source, _window(now))
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, 2 * WINDOW_SECONDS)
        pipe.hincrby(self._prefix + "totals", field, 1)
        pipe.hset(self._prefix + "last", field, json.dumps({"reason": reason, "at": now}))
        pipe.expire(self._prefix + "totals", 7 * 86_400)
        pipe.expire(self._prefix + "last", 7 * 86_400)
        pipe.execute()

    def in_window(self, gateway: str, source: str, window: int) -> int:
        return int(self._redis.get(self._window_key(gateway, source, window)) or 0)

    def add_limited(self, gateway: str, source: str, now: float) -> None:
        field = self._field(gateway, source)
        pipe = self._redis.pipeline()
        pipe.hincrby(self._prefix + "limited", field, 1)
        pipe.expire(self._prefix + "limited", 7 * 86_400)
        pipe.execute()

    def tallies(self) -> list[Tally]:
        totals = self._redis.hgetall(self._prefix + "totals")
        limited = self._redis.hgetall(self._prefix + "limited")
        last = self._redis.hgetall(self._prefix + "last")
        out = []
        for field in set(totals) | set(limited):
            gateway, _, source = field.decode().partition("|")
            seen = json.loads(last[field]) if field in last else {"reason": "", "at": 0}
            out.append(Tally(gateway, source, int(totals.get(field, 0)), int(limited.get(field, 0)),
                             seen["reason"], _at(seen["at"])))
        return out


class WebhookGuard:
    def __init__(self, store: RejectionStore | None = None, *, per_minute: int = 20,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store or MemoryStore()
        self.per_minute = per_minute
        self._clock = clock

    def retry_after(self, gateway: str, source: str) -> int | None:
        """Seconds until `source` may send to `gateway` again, or None when it may now.
        A refusal is tallied as `limited`."""
        now = self._clock()
        if self.store.in_window(gateway, source, _window(now)) < self.per_minute:
            return None
        self.store.add_limited(gateway, source, now)
        return max(1, int(WINDOW_SECONDS - now % WINDOW_SECONDS))

    def reject(self, gateway: str, source: str, reason: str) -> bool:
        """Tally a delivery that failed verification; True when this one reached the limit (so
        the caller logs the limit once rather than every refusal after it)."""
        now = self._clock()
        self.store.add(gateway, source, reason, now)
        return self.store.in_window(gateway, source, _window(now)) == self.per_minute

    def tallies(self) -> list[Tally]:
        """Newest first."""
        return sorted(self.store.tallies(), key=lambda t: (t.last_at, t.gateway, t.source), reverse=True)


def guard_from_settings(redis_url: str | None, per_minute: int) -> WebhookGuard:
    return WebhookGuard(RedisStore.from_url(redis_url) if redis_url else MemoryStore(), per_minute=per_minute)
