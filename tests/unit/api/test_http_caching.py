"""Compression, strong ETags, conditional GETs and Cache-Control over real HTTP (uvicorn on
127.0.0.1, httpx as the client), on the small two-agency world of conftest.py."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import brotli
import httpx
import pytest

from api.http_caching import cache_policy, if_none_match_hits, negotiated_coding, strong_etag
from tests.fakes.asgi_server import ThreadedServer
from tests.unit.api.conftest import auth


@pytest.fixture
def http(app, world) -> Iterator[httpx.Client]:
    with ThreadedServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def _raw(http: httpx.Client, path: str, headers: dict[str, str]) -> httpx.Response:
    """The response as sent: httpx would otherwise decode the content coding."""
    with http.stream("GET", path, headers=headers) as response:
        response.raw_body = b"".join(response.iter_raw())  # type: ignore[attr-defined]
    return response


def test_brotli_gzip_and_identity_each_have_their_own_strong_etag(http, world):
    key = auth(world.keys["agent_a"])
    br = _raw(http, "/api/v1/bookings", {**key, "Accept-Encoding": "br"})
    gz = _raw(http, "/api/v1/bookings", {**key, "Accept-Encoding": "gzip"})
    plain = _raw(http, "/api/v1/bookings", {**key, "Accept-Encoding": "identity"})
    assert br.headers["content-encoding"] == "br"
    assert gz.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    body = plain.raw_body
    assert brotli.decompress(br.raw_body) == body
    assert gzip.decompress(gz.raw_body) == body
    assert len(br.raw_body) < len(body) and len(gz.raw_body) < len(body)
    tags = {br.headers["etag"], gz.headers["etag"], plain.headers["etag"]}
    assert len(tags) == 3 and not any(t.startswith("W/") for t in tags)
    assert "accept-encoding" in br.headers["vary"].lower()


def test_if_none_match_answers_304_until_the_data_changes(http, world, session_factory):
    key = auth(world.keys["agent_a"])
    first = http.get("/api/v1/bookings", headers={**key, "Accept-Encoding": "gzip"})
    etag = first.headers["etag"]
    again = http.get("/api/v1/bookings", headers={**key, "Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "private, no-cache"
    # The same tag under another coding names another representation: a full answer.
    other = http.get("/api/v1/bookings", headers={**key, "Accept-Encoding": "br", "If-None-Match": etag})
    assert other.status_code == 200
    from tests import factories as f

    with session_factory() as s:
        f.make_booking(s, s.merge(world.agent_a))
        s.commit()
    changed = http.get("/api/v1/bookings", headers={**key, "Accept-Encoding": "gzip", "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_authenticated_reads_are_private_and_errors_are_not_stored(http, world):
    key = auth(world.keys["agent_a"])
    ok = http.get("/api/v1/bookings", headers=key)
    assert ok.headers["cache-control"] == "private, no-cache"
    assert {"authorization", "x-api-key"} <= {v.strip().lower() for v in ok.headers["vary"].split(",")}
    missing = http.get("/api/v1/bookings/NOPE", headers=key)
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"
    assert "etag" not in missing.headers
    anonymous = http.get("/api/v1/bookings")
    assert anonymous.status_code == 401 and anonymous.headers["cache-control"] == "no-store"
    assert http.get("/health").headers["cache-control"] == "no-store"
    assert http.get("/api/v1/openapi.json").headers["cache-control"] == "public, max-age=300"
    write = http.post("/api/v1/quotes", headers=key, json={})
    assert write.headers["cache-control"] == "no-store" and "etag" not in write.headers


def test_rules():
    assert negotiated_coding("gzip, br", 10_000) == "br"
    assert negotiated_coding("gzip", 10_000) == "gzip"
    assert negotiated_coding("br", 10) is None
    tag = strong_etag(b"x", "gzip")
    assert if_none_match_hits(f'"other", W/{tag}', tag)
    assert if_none_match_hits("*", tag)
    assert not if_none_match_hits('"other"', tag)
    assert not if_none_match_hits(None, tag)
    assert cache_policy("GET", "/api/v1/x", 200, has_credentials=True) == "private, no-cache"
    assert cache_policy("DELETE", "/api/v1/x", 204, has_credentials=True) == "no-store"
