"""The Redis response cache against real PostgreSQL and Redis: scope isolation, invalidation at
commit through the API, auth on every hit, bypass when Redis is down, and the hit/miss metrics."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests import factories as f
from tourstack.auth import revoke_key
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import ApiKey, Booking
from tourstack.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
redis = pytest.importorskip("redis")
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    client = redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable: {exc}")
    prefix = f"test:apicache:{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def pg(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    yield pg_url, make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def world(pg):
    _, factory = pg
    with factory() as s:
        dest = f.make_destination(s)
        agency_a, agency_b, agency_c = f.make_agency(s), f.make_agency(s), f.make_agency(s)
        agent_a, agent_b = f.make_agent(s, agency_a), f.make_agent(s, agency_b)
        agent_c = f.make_agent(s, agency_c)
        refs_a = [f.make_booking(s, agent_a, destination=dest).booking_ref for _ in range(3)]
        refs_b = [f.make_booking(s, agent_b, destination=dest).booking_ref for _ in range(2)]
        request_a = f.make_quote_request(s, agent_a, destination=dest).id
        keys = {
            "agent_a": f.make_api_key(s, "agent", agency=agency_a)[0],
            "agent_a2": f.make_api_key(s, "agent", agency=agency_a)[0],
            "agent_b": f.make_api_key(s, "agent", agency=agency_b)[0],
            "agent_c": f.make_api_key(s, "agent", agency=agency_c)[0],
            "ops": f.make_api_key(s, "ops", staff_user=f.make_staff_user(s))[0],
        }
        s.commit()
    return {"refs_a": refs_a, "refs_b": refs_b, "request_a": request_a, "keys": keys}


def _client(pg, prefix: str, **settings) -> TestClient:
    url, factory = pg
    app = create_app(settings=Settings(database_url=url, api_cache=True, api_cache_prefix=prefix, **settings),
                     sessionmaker=factory)
    return TestClient(app)


def h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def refs(response) -> list[str]:
    return sorted(b["booking_ref"] for b in response.json()["items"])


def test_one_agency_never_gets_another_agencys_cached_body(pg, world, redis_prefix):
    with _client(pg, redis_prefix) as client:
        first = client.get("/api/v1/bookings", headers=h(world["keys"]["agent_a"]))
        assert first.headers["x-cache"] == "MISS" and refs(first) == sorted(world["refs_a"])
        assert client.get("/api/v1/bookings", headers=h(world["keys"]["agent_a"])).headers["x-cache"] == "HIT"
        other = client.get("/api/v1/bookings", headers=h(world["keys"]["agent_b"]))
        assert other.headers["x-cache"] == "MISS" and refs(other) == sorted(world["refs_b"])
        empty = client.get("/api/v1/bookings", headers=h(world["keys"]["agent_c"]))
        assert empty.headers["x-cache"] == "MISS" and empty.json()["items"] == []
        staff = client.get("/api/v1/bookings", headers=h(world["keys"]["ops"]))
        assert staff.headers["x-cache"] == "MISS" and refs(staff) == sorted(world["refs_a"] + world["refs_b"])
        # Another key of the same agency shares the entry; the body is the same bytes.
        same = client.get("/api/v1/bookings", headers=h(world["keys"]["agent_a2"]))
        assert same.headers["x-cache"] == "HIT" and same.content == first.content
        # Another agency's detail stays a 404, whatever is cached for the owner.
        ref_b = world["refs_b"][0]
        assert client.get(f"/api/v1/bookings/{ref_b}", headers=h(world["keys"]["agent_b"])).status_code == 200
        assert client.get(f"/api/v1/bookings/{ref_b}", headers=h(world["keys"]["agent_a"])).status_code == 404


def test_query_string_is_normalised_into_the_key(pg, world, redis_prefix):
    with _client(pg, redis_prefix) as client:
        key = h(world["keys"]["ops"])
        assert client.get("/api/v1/bookings?limit=2&status=pending", headers=key).headers["x-cache"] == "MISS"
        assert client.get("/api/v1/bookings?status=pending&limit=2", headers=key).headers["x-cache"] == "HIT"
        assert client.get("/api/v1/bookings?limit=3&status=pending", headers=key).headers["x-cache"] == "MISS"


def test_a_write_through_the_api_is_visible_on_the_next_read(pg, world, redis_prefix):
    with _client(pg, redis_prefix) as client:
        key = h(world["keys"]["agent_a"])
        assert client.get("/api/v1/quotes", headers=key).json()["items"] == []
        assert client.get("/api/v1/quotes", headers=key).headers["x-cache"] == "HIT"
        created = client.post("/api/v1/quotes", headers=key, json={
            "quote_request_id": world["request_a"], "total": {"amount": "5000.00", "currency": "INR"},
            "cost": {"amount": "4000.00", "currency": "INR"}, "valid_until": FUTURE})
        assert created.status_code == 201, created.text
        after = client.get("/api/v1/quotes", headers=key)
        assert after.headers["x-cache"] == "MISS"
        assert [q["id"] for q in after.json()["items"]] == [created.json()["id"]]
        assert client.get("/api/v1/quotes", headers=key).headers["x-cache"] == "HIT"


def test_a_write_outside_a_request_invalidates_at_commit_not_before(pg, world, redis_prefix):
    url, factory = pg
    with _client(pg, redis_prefix) as client:
        key = h(world["keys"]["ops"])
        ref = world["refs_a"][0]
        assert client.get(f"/api/v1/bookings/{ref}", headers=key).json()["status"] != "cancelled"
        sessions = client.app.state.database.sessionmaker
        with sessions() as s:
            booking = s.query(Booking).filter_by(booking_ref=ref).one()
            booking.status = "cancelled"
            s.flush()
            # Flushed, not committed: the cache still answers, and what it answers is committed data.
            assert client.get(f"/api/v1/bookings/{ref}", headers=key).headers["x-cache"] == "HIT"
            s.rollback()
        assert client.get(f"/api/v1/bookings/{ref}", headers=key).headers["x-cache"] == "HIT"
        with sessions() as s:
            s.query(Booking).filter_by(booking_ref=ref).one().status = "cancelled"
            s.commit()
        fresh = client.get(f"/api/v1/bookings/{ref}", headers=key)
        assert fresh.headers["x-cache"] == "MISS" and fresh.json()["status"] == "cancelled"


def test_a_revoked_key_gets_401_even_when_its_answer_is_cached(pg, world, redis_prefix):
    url, factory = pg
    with _client(pg, redis_prefix) as client:
        key = world["keys"]["agent_a2"]
        assert client.get("/api/v1/bookings", headers=h(key)).status_code == 200
        with factory() as s:
            row = s.query(ApiKey).filter_by(prefix=key.split("_")[1]).one()
            revoke_key(s, row.id)
            s.commit()
        assert client.get("/api/v1/bookings", headers=h(key)).status_code == 401
        assert client.get("/api/v1/bookings").status_code == 401


def test_redis_down_bypasses_the_cache_and_logs_once(pg, world, caplog):
    url, factory = pg
    app = create_app(settings=Settings(database_url=url, api_cache=True, api_cache_url="redis://127.0.0.1:1/0"),
                     sessionmaker=factory)
    with TestClient(app) as client, caplog.at_level(logging.WARNING, logger="api.cache"):
        for _ in range(3):
            response = client.get("/api/v1/bookings", headers=h(world["keys"]["agent_a"]))
            assert response.status_code == 200 and response.headers["x-cache"] == "BYPASS"
            assert refs(response) == sorted(world["refs_a"])
        # Writes still commit; the missed version bump is remembered, not raised.
        created = client.post("/api/v1/quotes", headers=h(world["keys"]["agent_a"]), json={
            "quote_request_id": world["request_a"], "total": {"amount": "10.00", "currency": "INR"},
            "cost": {"amount": "5.00", "currency": "INR"}, "valid_until": FUTURE})
        assert created.status_code == 201
        warnings = [r for r in caplog.records if r.name == "api.cache"]
        assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()
        metrics = client.get("/metrics").text
        assert 'tourstack_api_cache_requests_total{kind="list",result="bypass"} 3.0' in metrics


def test_hits_and_misses_are_metrics(pg, world, redis_prefix):
    with _client(pg, redis_prefix) as client:
        key = h(world["keys"]["agent_a"])
        for _ in range(4):
            client.get("/api/v1/bookings", headers=key)
        client.get(f"/api/v1/bookings/{world['refs_a'][0]}", headers=key)
        text = client.get("/metrics").text
        assert 'tourstack_api_cache_requests_total{kind="list",result="hit"} 3.0' in text
        assert 'tourstack_api_cache_requests_total{kind="list",result="miss"} 1.0' in text
        assert 'tourstack_api_cache_requests_total{kind="detail",result="miss"} 1.0' in text
        assert 'route="/api/v1/bookings/{booking_ref}"' in text


def test_warming_fills_the_entries_real_callers_look_up(pg, world, redis_prefix):
    import anyio

    from api.cache.warm import principals, warm

    with _client(pg, redis_prefix) as client:
        with client.app.state.database.sessionmaker() as s:
            who = principals(s, agencies=5)
        assert {p.role for p in who} == {"ops", "finance", "admin", "agent"}
        report = anyio.run(warm, client.app, who)
        # /reports/metrics answers 503 without a semantic manifest, as it does here.
        assert set(report.statuses) <= {200, 503} and report.statuses[200] >= report.requests - 2
        assert report.cache["MISS"] == report.requests
        assert client.get("/api/v1/bookings", headers=h(world["keys"]["agent_a"])).headers["x-cache"] == "HIT"
        assert client.get("/api/v1/invoices", headers=h(world["keys"]["ops"])).headers["x-cache"] == "HIT"
        # Warming as an agent filed only that agency's rows.
        assert refs(client.get("/api/v1/bookings", headers=h(world["keys"]["agent_b"]))) == sorted(world["refs_b"])


def test_a_bump_missed_while_redis_was_down_invalidates_everything_on_recovery(pg, world, redis_prefix,
                                                                                monkeypatch):
    from api.cache import store as store_module

    monkeypatch.setattr(store_module, "RETRY_AFTER_SECONDS", 0.0)
    with _client(pg, redis_prefix) as client:
        key = h(world["keys"]["ops"])
        ref = world["refs_a"][0]
        client.get(f"/api/v1/bookings/{ref}", headers=key)
        assert client.get(f"/api/v1/bookings/{ref}", headers=key).headers["x-cache"] == "HIT"
        store = client.app.state.response_cache.store
        healthy = store.client
        store.client = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
        with client.app.state.database.sessionmaker() as s:
            s.query(Booking).filter_by(booking_ref=ref).one().status = "cancelled"
            s.commit()  # the version bump cannot reach Redis
        store.client = healthy
        fresh = client.get(f"/api/v1/bookings/{ref}", headers=key)
        assert fresh.headers["x-cache"] == "MISS" and fresh.json()["status"] == "cancelled"


def test_fieldsets_are_cut_from_one_cached_body(pg, world, redis_prefix):
    with _client(pg, redis_prefix) as client:
        key = h(world["keys"]["agent_a"])
        assert client.get("/api/v1/bookings?fields=booking_ref", headers=key).headers["x-cache"] == "MISS"
        second = client.get("/api/v1/bookings?fields=status,booking_ref", headers=key)
        assert second.headers["x-cache"] == "HIT"
        assert all(set(item) == {"status", "booking_ref"} for item in second.json()["items"])
        full = client.get("/api/v1/bookings", headers=key)
        assert full.headers["x-cache"] == "HIT" and len(full.json()["items"][0]) > 2
