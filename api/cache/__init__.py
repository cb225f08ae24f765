"""The Redis response cache of the API (docs/performance.md).

`build_cache(settings, metrics)` is None unless `TOURSTACK_API_CACHE` is on, so the embedded
default needs no Redis. Otherwise it holds the store and installs, on the app's sessionmaker,
the listeners that raise table versions after each commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from api.cache.store import ResponseCacheStore
from api.cache.tracking import track_writes


@dataclass
class ResponseCache:
    store: ResponseCacheStore
    metrics: object

    def bump(self, tables: Iterable[str]) -> None:
        names = sorted(set(tables))
        self.store.bump(names)
        for name in names:
            self.metrics.cache_invalidations.labels(name).inc()

    def install(self, factory: sessionmaker[Session]) -> None:
        track_writes(factory, self.bump)


def build_cache(settings, metrics) -> ResponseCache | None:
    if not settings.api_cache:
        return None
    return ResponseCache(ResponseCacheStore.from_url(settings.cache_redis_url, settings.api_cache_prefix), metrics)
