"""GET requests served in-process through the whole app, as a given principal.

Used by the batch endpoint (each sub-request authorised as the caller, never more) and by cache
warming (as each role and agency in turn). The principal travels in the ASGI scope state, which
no HTTP client can set, and every route still checks its permission against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from tourstack.auth import Principal


@dataclass(frozen=True)
class SubResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body) if self.body else None


async def get(app, url: str, principal: Principal, *, request_id: str | None = None) -> SubResponse:
    parts = urlsplit(url)
    headers = [(b"accept", b"application/json"), (b"host", b"internal")]
    if request_id:
        headers.append((b"x-request-id", request_id.encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": parts.path, "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(), "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 0), "server": ("internal", 80),
        "state": {"principal": principal},
    }
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    status, out_headers, chunks = 500, {}, []

    async def send(message):
        nonlocal status, out_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            out_headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return SubResponse(status, out_headers, b"".join(chunks))
