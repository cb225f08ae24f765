"""HTTP caching for every route: strong ETags, conditional GETs (304) and `Cache-Control`.

A pure ASGI middleware, so routers added later get it without doing anything. It sits inside the
compression middleware (api.app) and sees the identity body: the tag is a hash of that body plus
the content coding the compression layer will apply, because a strong ETag names one exact
representation (RFC 9110 §8.8.3) and a gzip body is not the Brotli or the identity one. The
coding is predicted with the compression layer's own rule (`negotiated_coding`), which is why
its minimum size lives here.

Cache-Control, where a route did not set its own (dashboards pages set `no-store`):
- a request with credentials (`Authorization`, `X-API-Key`): `private, no-cache`, with
  `Vary: Authorization, X-API-Key` — a browser may keep it and revalidate with the ETag, a shared
  cache may never store it, so one agency's response never reaches another's client;
- errors and every method but GET/HEAD: `no-store`;
- public reads: per path in PUBLIC_POLICIES (the health probe is never cached).
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Compression threshold shared with brotli-asgi's BrotliMiddleware in api.app: smaller bodies go
# out uncompressed, and the ETag must know that.
COMPRESS_MINIMUM_SIZE = 500
# Bodies above this are passed through untagged instead of being held in memory.
MAX_TAGGED_BODY = 8 * 1024 * 1024

AUTHENTICATED_POLICY = "private, no-cache"
ERROR_POLICY = "no-store"
PUBLIC_POLICIES: tuple[tuple[str, str], ...] = (  # path prefix -> policy, first match wins
    ("/health", "no-store"),
    ("/api/v1/openapi.json", "public, max-age=300"),
    ("/api/v1/docs", "public, max-age=300"),
)
PUBLIC_DEFAULT_POLICY = "no-cache"
CREDENTIAL_HEADERS = ("authorization", "x-api-key")


def negotiated_coding(accept_encoding: str, body_size: int) -> str | None:
    """The coding brotli-asgi applies: br if accepted, else gzip if accepted; none when small."""
    if body_size < COMPRESS_MINIMUM_SIZE:
        return None
    if "br" in accept_encoding:
        return "br"
    if "gzip" in accept_encoding:
        return "gzip"
    return None


def strong_etag(body: bytes, coding: str | None) -> str:
    digest = hashlib.sha256(body).hexdigest()[:32]
    return f'"{digest}-{coding}"' if coding else f'"{digest}"'


def if_none_match_hits(header: str | None, etag: str) -> bool:
    """Weak comparison, as RFC 9110 §13.1.2 prescribes for If-None-Match."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def cache_policy(method: str, path: str, status: int, has_credentials: bool) -> str:
    if method not in ("GET", "HEAD") or status >= 400:
        return ERROR_POLICY
    if has_credentials:
        return AUTHENTICATED_POLICY
    for prefix, policy in PUBLIC_POLICIES:
        if path.startswith(prefix):
            return policy
    return PUBLIC_DEFAULT_POLICY


def _add_vary(headers: MutableHeaders, *names: str) -> None:
    present = {v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()}
    for name in names:
        if name.lower() not in present:
            headers.add_vary_header(name)
            present.add(name.lower())


class ConditionalGetMiddleware:
    """ETag + 304 on GET/HEAD 200s, and the Cache-Control policy above on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        method = scope["method"]
        has_credentials = any(request_headers.get(h) for h in CREDENTIAL_HEADERS)
        tagging = method in ("GET", "HEAD")
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing_through = False

        def decorate(message: Message) -> MutableHeaders:
            headers = MutableHeaders(scope=message)
            if "cache-control" not in headers:
                headers["Cache-Control"] = cache_policy(method, scope["path"], message["status"],
                                                        has_credentials)
            if has_credentials:
                _add_vary(headers, "Authorization", "X-API-Key")
            return headers

        async def send_not_modified(headers: MutableHeaders) -> None:
            kept = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
                    if k in ("etag", "cache-control", "vary", "x-request-id", "content-location")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})

        async def wrapped(message: Message) -> None:
            nonlocal start, size, passing_through
            if message["type"] == "http.response.start":
                headers = decorate(message)
                if not tagging or message["status"] != 200 or "content-encoding" in headers:
                    passing_through = True
                elif "etag" in headers:  # the route tagged it (files): only answer the condition
                    passing_through = True
                    if if_none_match_hits(request_headers.get("if-none-match"), headers["etag"]):
                        passing_through = False
                        start = None
                        await send_not_modified(headers)
                        return
                else:
                    start = message
                    return
                await send(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            if passing_through:
                await send(message)
                return
            if start is None:  # already answered 304; drop the body
                return
            body = message.get("body", b"")
            chunks.append(body)
            size += len(body)
            if size > MAX_TAGGED_BODY and message.get("more_body", False):
                passing_through = True
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                return
            if message.get("more_body", False):
                return
            await finish(b"".join(chunks))

        async def finish(body: bytes) -> None:
            assert start is not None
            headers = MutableHeaders(scope=start)
            # A HEAD response has no body to hash here; it gets no tag rather than a wrong one.
            if method == "GET":
                coding = negotiated_coding(request_headers.get("accept-encoding", ""), len(body))
                etag = strong_etag(body, coding)
                headers["ETag"] = etag
                _add_vary(headers, "Accept-Encoding")
                if if_none_match_hits(request_headers.get("if-none-match"), etag):
                    await send_not_modified(headers)
                    return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, wrapped)
