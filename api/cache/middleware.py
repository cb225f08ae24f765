"""Serves listed GET routes from Redis; on a miss, runs the route and files its answer.

Placement (api.app): inside the input guard, so refusals are never cached and never skipped,
and inside the ETag layer, so a cached body gets the same strong ETag and 304 as a fresh one.

Auth is checked on every request, hit or miss: the middleware verifies the key itself (the
principal is then handed to the route through the request state, so the key is looked up once),
and a request without a valid key goes to the route untouched, which answers 401. Only 200 JSON
answers are stored; anything with `Cache-Control: no-store` or `Set-Cookie` is not.

Every answer of a listed route carries `X-Cache: HIT`, `MISS` or `BYPASS` (Redis unavailable).
"""

from __future__ import annotations

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.cache.keys import cache_digest
from api.cache.policy import MAX_CACHED_BODY, CachePolicy, policy_for
from api.cache.store import CachedResponse, ResponseCacheStore
from api.cache.tracking import ReadSet, reads_var
from api.route_templates import app_templates
from tourstack.auth import Principal, verify_key

PRINCIPAL_STATE = "principal"  # scope["state"] key; set by trusted in-process callers only


def credentials(headers: Headers) -> str | None:
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return (headers.get("x-api-key") or "").strip() or None


def resolve_principal(app, plain: str) -> Principal | None:
    with app.state.database.sessionmaker() as session:
        principal = verify_key(session, plain)
        if principal is not None and session.dirty:  # last_used_at was refreshed
            session.commit()
        return principal


class ResponseCacheMiddleware:
    def __init__(self, app: ASGIApp, store: ResponseCacheStore, metrics) -> None:
        self.app = app
        self.store = store
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        policy = policy_for(app_templates(scope["app"]).match(scope["path"]))
        if policy is None:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        principal: Principal | None = state.get(PRINCIPAL_STATE)
        if principal is None:
            plain = credentials(Headers(scope=scope))
            if plain is not None:
                principal = await anyio.to_thread.run_sync(resolve_principal, scope["app"], plain)
        if principal is None:  # the route answers 401
            await self.app(scope, receive, send)
            return
        state[PRINCIPAL_STATE] = principal
        digest = cache_digest(policy.template, scope["path"], scope.get("query_string", b""), principal)
        found = await anyio.to_thread.run_sync(self.store.lookup, digest)
        if found is None:
            self.metrics.cache.labels(policy.kind, "bypass").inc()
            await self.app(scope, receive, _tagged(send, "BYPASS"))
            return
        entry, snapshot = found
        if entry is not None:
            self.metrics.cache.labels(policy.kind, "hit").inc()
            await _send_cached(send, entry)
            return
        await self._miss(scope, receive, send, policy, digest, snapshot)

    async def _miss(self, scope: Scope, receive: Receive, send: Send, policy: CachePolicy,
                    digest: str, snapshot: dict[str, str]) -> None:
        reads = ReadSet()
        token = reads_var.set(reads)
        start: dict[str, object] = {}
        chunks: list[bytes] = []
        too_big = False

        async def capture(message: Message) -> None:
            nonlocal too_big
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Cache"] = "MISS"
                start.update(message)
            elif message["type"] == "http.response.body" and not too_big:
                chunks.append(message.get("body", b""))
                too_big = sum(map(len, chunks)) > MAX_CACHED_BODY
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            reads_var.reset(token)
        headers = Headers(raw=start.get("headers", []))  # type: ignore[arg-type]
        storable = (start.get("status") == 200 and not too_big and reads.knowable
                    and headers.get("content-type", "").startswith("application/json")
                    and "no-store" not in headers.get("cache-control", "")
                    and "set-cookie" not in headers)
        if not storable:
            self.metrics.cache.labels(policy.kind, "uncacheable").inc()
            return
        self.metrics.cache.labels(policy.kind, "miss").inc()
        response = CachedResponse(b"".join(chunks), headers["content-type"])
        await anyio.to_thread.run_sync(self.store.store, digest, response, reads.tables, snapshot, policy.ttl)


def _tagged(send: Send, value: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)["X-Cache"] = value
        await send(message)
    return wrapped


async def _send_cached(send: Send, entry: CachedResponse) -> None:
    await send({"type": "http.response.start", "status": entry.status, "headers": [
        (b"content-type", entry.content_type.encode("latin-1")),
        (b"content-length", str(len(entry.body)).encode()),
        (b"x-cache", b"HIT"),
    ]})
    await send({"type": "http.response.body", "body": entry.body})
