"""The response cache in Redis: generational entries, one version counter per table.

Layout under the prefix:
- `<prefix>:versions`  a hash table-name -> version, plus `__epoch__`, raised to invalidate all;
- `<prefix>:resp:<sha256>`  one entry: JSON with the body, its content type, and the versions of
  the tables it was computed from (always including the epoch), expiring after its kind's TTL.

A hit costs one round trip (HGETALL of the versions pipelined with the GET of the entry), and an
entry is served only when every version it recorded is still current. Invalidation is therefore
an HINCRBY per written table after a commit, never a scan for keys.

Redis being down never fails a request: the cache is bypassed, the first failure of an outage is
logged once (and the recovery once), and Redis is retried after `RETRY_AFTER_SECONDS`, so a dead
server does not cost a connect timeout on every request. A bump that fails (the write committed
while Redis was unreachable) is remembered: on recovery the epoch is raised before anything is
served, so no entry older than the missed write can come back.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import redis

from api.cache.tracking import UNKNOWN

log = logging.getLogger("api.cache")
EPOCH = "__epoch__"
RETRY_AFTER_SECONDS = 5.0
IGNORED_READ_TABLES = frozenset({"api_keys"})  # auth is checked on every request, hit or miss


@dataclass(frozen=True)
class CachedResponse:
    body: bytes
    content_type: str
    status: int = 200


class ResponseCacheStore:
    def __init__(self, client: redis.Redis, prefix: str = "tourstack:api"):
        self.client = client
        self.prefix = prefix
        self._versions_key = f"{prefix}:versions"
        self._down_since: float | None = None
        self._missed_bump = False
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, prefix: str = "tourstack:api") -> ResponseCacheStore:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.25,
                                      health_check_interval=30)
        return cls(client, prefix)

    # -- availability -------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        with self._lock:
            return self._down_since is None or time.monotonic() - self._down_since >= RETRY_AFTER_SECONDS

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            first = self._down_since is None
            self._down_since = time.monotonic()
        if first:
            log.warning("response cache unavailable, bypassing it: %s", type(exc).__name__)

    def _succeeded(self) -> None:
        with self._lock:
            was_down, self._down_since = self._down_since is not None, None
            missed, self._missed_bump = self._missed_bump, False
        if missed:
            try:
                self.client.hincrby(self._versions_key, EPOCH, 1)
            except redis.RedisError as exc:
                with self._lock:
                    self._missed_bump = True
                self._failed(exc)
                raise
        if was_down:
            log.warning("response cache available again")

    # -- entries ------------------------------------------------------------------------------
    def entry_key(self, digest: str) -> str:
        return f"{self.prefix}:resp:{digest}"

    def lookup(self, digest: str) -> tuple[CachedResponse | None, dict[str, str]] | None:
        """(the entry if current, the version snapshot); None when Redis is unavailable."""
        if not self.available:
            return None
        try:
            if self._missed_bump:
                self._succeeded()
            pipe = self.client.pipeline(transaction=False)
            pipe.hgetall(self._versions_key)
            pipe.get(self.entry_key(digest))
            raw_versions, raw_entry = pipe.execute()
        except redis.RedisError as exc:
            self._failed(exc)
            return None
        self._succeeded()
        versions = {k.decode(): v.decode() for k, v in raw_versions.items()}
        if raw_entry is None:
            return None, versions
        try:
            entry = json.loads(raw_entry)
        except ValueError:
            return None, versions
        recorded: dict[str, str] = entry.get("v", {})
        if any(versions.get(table, "0") != version for table, version in recorded.items()):
            return None, versions
        return CachedResponse(base64.b64decode(entry["b"]), entry["t"], entry.get("s", 200)), versions

    def store(self, digest: str, response: CachedResponse, tables: Iterable[str],
              snapshot: dict[str, str], ttl: int) -> bool:
        """File `response` under the versions of `tables` as they were before it was computed."""
        deps = {t for t in tables if t not in IGNORED_READ_TABLES} | {EPOCH}
        entry = {"v": {t: snapshot.get(t, "0") for t in sorted(deps)},
                 "b": base64.b64encode(response.body).decode(), "t": response.content_type,
                 "s": response.status}
        try:
            self.client.set(self.entry_key(digest), json.dumps(entry, separators=(",", ":")), ex=ttl)
        except redis.RedisError as exc:
            self._failed(exc)
            return False
        return True

    # -- invalidation -------------------------------------------------------------------------
    def bump(self, tables: Iterable[str]) -> None:
        """Raise the version of each written table (all entries when a table is unknown)."""
        names = {EPOCH if t == UNKNOWN else t for t in tables}
        if not names:
            return
        if not self.available:  # do not wait on a server known to be down; catch up on recovery
            with self._lock:
                self._missed_bump = True
            return
        try:
            pipe = self.client.pipeline(transaction=True)
            for name in sorted(names):
                pipe.hincrby(self._versions_key, name, 1)
            pipe.execute()
        except redis.RedisError as exc:
            with self._lock:
                self._missed_bump = True
            self._failed(exc)

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False
