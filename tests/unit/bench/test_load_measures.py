"""The load test's own arithmetic: the DB p95 read from the API's histogram the way Prometheus'
histogram_quantile reads it, the cache hit rate from the cache counters, both over the
difference of two scrapes."""

from __future__ import annotations

import pytest

from bench.load import _delta, cache_hit_rate, histogram_quantile

NAME = "tourstack_db_query_duration_seconds"


def _buckets(counts: dict[str, float]) -> dict[str, float]:
    return {f'{NAME}_bucket{{le="{le}"}}': n for le, n in counts.items()}


def test_the_quantile_interpolates_inside_its_bucket():
    # 100 statements: 50 under 5 ms, 40 more under 10 ms, 10 more under 50 ms
    delta = _buckets({"0.005": 50, "0.01": 90, "0.05": 100, "+Inf": 100})
    assert histogram_quantile(0.5, delta, NAME) == pytest.approx(0.005)
    assert histogram_quantile(0.95, delta, NAME) == pytest.approx(0.01 + 0.04 * 0.5)


def test_a_quantile_beyond_the_last_bound_is_that_bound_and_no_data_is_none():
    assert histogram_quantile(0.99, _buckets({"0.1": 90, "+Inf": 100}), NAME) == pytest.approx(0.1)
    assert histogram_quantile(0.95, _buckets({"0.1": 0, "+Inf": 0}), NAME) is None


def test_only_what_happened_between_the_scrapes_counts():
    before = {'tourstack_api_cache_requests_total{kind="get",result="hit"}': 100.0,
              'tourstack_api_cache_requests_total{kind="get",result="miss"}': 100.0}
    after = {'tourstack_api_cache_requests_total{kind="get",result="hit"}': 190.0,
             'tourstack_api_cache_requests_total{kind="get",result="miss"}': 110.0,
             'tourstack_api_cache_requests_total{kind="get",result="bypass"}': 50.0}
    assert cache_hit_rate(_delta(after, before)) == 0.9  # bypasses are neither
    assert cache_hit_rate({}) is None
