"""Customers: lifetime value with its cash, repeat booking rate, RFM scores and segment, churn,
acquisition cost per channel, and cohort retention of customers and agents, recomputed from the
operational tables and compared exactly with the marts. Recency, RFM and churn count back from
the analytics reference date, so customer_lifetime is read from a copy rebuilt at
var analytics_as_of = the demo's as-of date."""

from __future__ import annotations

import pytest

from tests.e2e.analytics.kpi_expected_entities import cohort_retention, customer_acquisition_monthly, customer_lifetime
from tests.e2e.analytics.kpi_as_of import build_as_of
from tests.e2e.analytics.kpi_operational import load, mart_rows, mismatches, ratio
from tests.pipeline_helpers import AS_OF

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


@pytest.fixture(scope="module")
def lifetime(tiny_warehouse, tmp_path_factory):
    warehouse = build_as_of(tiny_warehouse, tmp_path_factory.mktemp("kpi_as_of"), AS_OF)
    want = customer_lifetime(load(str(warehouse.operational_db)), AS_OF)
    return want, warehouse.rows("customer_lifetime", "customer_id")


def test_customer_lifetime_value_rfm_and_churn(lifetime):
    want, got = lifetime
    assert not mismatches(want, got)
    segments = {r["rfm_segment"] for r in want.values()}
    assert len(segments) >= 4 and "prospect" in segments
    assert any(r["is_churned"] for r in want.values()) and not all(r["is_churned"] for r in want.values())


def test_repeat_booking_rate(lifetime):
    want, got = lifetime
    booked = [r for r in want.values() if r["bookings_count"]]
    expected = ratio(sum(1 for r in booked if r["bookings_count"] >= 2), len(booked))
    repeat = sum(1 for r in got.values() if r["is_repeat_customer"])
    assert ratio(repeat, sum(1 for r in got.values() if r["bookings_count"] > 0)) == expected
    assert 0 < expected < 1


def test_acquisition_cost_per_channel_and_month(ops, marts):
    want = customer_acquisition_monthly(ops)
    assert not mismatches(want, mart_rows(marts, "customer_acquisition_monthly", "channel", "month_start"))
    assert any(r["acquisition_cost_base"] is not None for r in want.values())


def test_cohort_retention_of_customers_and_agents(ops, marts):
    want = cohort_retention(ops)
    got = mart_rows(marts, "cohort_retention", "entity_kind", "cohort_month", "month_start")
    assert not mismatches(want, got)
    for kind in ("customer", "agent"):
        later = [r for (k, _, _), r in want.items() if k == kind and r["months_since_first"] > 0]
        assert any(r["active_count"] for r in later), kind
