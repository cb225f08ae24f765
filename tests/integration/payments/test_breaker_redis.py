"""The circuit breaker's shared state in a real Redis on 127.0.0.1:6379 (skipped when absent)."""

from __future__ import annotations

import uuid

import pytest

from tourstack.payments import CircuitBreaker, RedisStore

pytestmark = pytest.mark.integration

redis = pytest.importorskip("redis")


@pytest.fixture
def redis_client():
    client = redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable: {exc}")
    prefix = f"test:breaker:{uuid.uuid4().hex}:"
    yield client, prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_breaker_state_is_shared_through_redis(redis_client):
    client, prefix = redis_client
    now = [1000.0]
    worker_a = CircuitBreaker(RedisStore(client, prefix), threshold=2, cooldown_seconds=30, clock=lambda: now[0])
    worker_b = CircuitBreaker(RedisStore(client, prefix), threshold=2, cooldown_seconds=30, clock=lambda: now[0])
    worker_a.record_failure("stripe")
    worker_b.record_failure("stripe")  # the second failure seen by another process opens it
    assert worker_a.state("stripe") == "open" and not worker_a.allow("stripe")
    assert client.ttl(f"{prefix}stripe") > 0
    now[0] += 31
    assert worker_b.state("stripe") == "half_open" and worker_b.allow("stripe")
    worker_b.record_failure("stripe")  # the probe failed: open for another cool-down
    assert worker_a.state("stripe") == "open"
    now[0] += 31
    worker_a.record_success("stripe")
    assert worker_b.state("stripe") == "closed"
    assert RedisStore.from_url("redis://127.0.0.1:6379/0", prefix).load("stripe").failures == 0


def test_webhook_rejections_are_counted_and_limited_through_redis(redis_client):
    from tourstack.payments.webhook_guard import RedisStore as RejectionStore
    from tourstack.payments.webhook_guard import WebhookGuard

    client, prefix = redis_client
    now = [1_800_000_000.0]
    workers = [WebhookGuard(RejectionStore(client, prefix), per_minute=3, clock=lambda: now[0]) for _ in range(2)]
    assert [w.reject("razorpay", "198.51.100.7", "unsigned") for w in (workers[0], workers[1], workers[0])] == [
        False, False, True]
    assert workers[1].retry_after("razorpay", "198.51.100.7") == 60
    assert workers[0].retry_after("stripe", "198.51.100.7") is None  # per gateway
    now[0] += 60  # the next minute
    assert workers[1].retry_after("razorpay", "198.51.100.7") is None
    [tally] = workers[0].tallies()
    assert (tally.gateway, tally.source, tally.rejected, tally.limited, tally.last_reason) == (
        "razorpay", "198.51.100.7", 3, 1, "unsigned")
