"""Sales and agents: the funnel (request -> quoted -> sent -> accepted -> booked -> paid), quote
conversion by agent and destination, and the agent leaderboard (bookings, revenue and cash,
acceptance and conversion, satisfaction, 90-day revenue, ranks), recomputed from the operational
tables and compared exactly with the marts. The leaderboard counts back 90 days from the analytics
reference date, so it is read from a copy rebuilt at var analytics_as_of = the demo's as-of date."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from tests.e2e.analytics import kpi_expected as expected
from tests.e2e.analytics.kpi_expected_entities import agent_leaderboard
from tests.e2e.analytics.kpi_as_of import build_as_of
from tests.e2e.analytics.kpi_operational import load, mart_rows, mismatches, ratio
from tests.pipeline_helpers import AS_OF

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


def test_sales_funnel_stages_rates_revenue_and_cash(ops, marts):
    want = expected.sales_funnel_monthly(ops)
    got = mart_rows(marts, "sales_funnel_monthly", "month_start")
    assert not mismatches(want, got)
    total = {stage: sum(m[stage] for m in want.values()) for stage in
             ("requests_count", "quoted_count", "sent_count", "accepted_count", "booked_count", "paid_count")}
    # every stage is populated and narrower than the one before: the test compares a real funnel
    values = list(total.values())
    assert all(v > 0 for v in values) and values == sorted(values, reverse=True) and values[0] > values[-1]


def test_sales_conversion_per_month_agent_agency_and_destination(ops, marts):
    want = expected.sales_conversion_monthly(ops)
    got = mart_rows(marts, "sales_conversion_monthly", "month_start", "agent_id", "agency_id", "destination_id")
    assert not mismatches(want, got)


@pytest.mark.parametrize("attribute, column", [("agent", "agent_id"), ("destination", "destination_id")])
def test_conversion_by_agent_and_by_destination(ops, marts, attribute, column):
    """The mart's additive counts give each agent's (destination's) conversion exactly."""
    rows = marts.execute(f"select {column}, sum(converted_count), sum(quotes_count) "
                         f"from marts.sales_conversion_monthly group by 1").fetchall()
    got = {key: (converted, quotes, ratio(converted, quotes)) for key, converted, quotes in rows}
    want = expected.conversion_by(ops, attribute)
    assert got == want
    assert len({rate for _, _, rate in want.values()}) > 1


# --- the agent leaderboard, at a fixed reference date ------------------------------------------------


@pytest.fixture(scope="module")
def as_of_warehouse(tiny_warehouse, tmp_path_factory):
    return build_as_of(tiny_warehouse, tmp_path_factory.mktemp("kpi_as_of"), AS_OF)


@pytest.fixture(scope="module")
def as_of_ops(as_of_warehouse):
    return load(str(as_of_warehouse.operational_db))


@pytest.fixture(scope="module")
def leaderboard(as_of_warehouse):
    return as_of_warehouse.rows("agent_leaderboard", "agent_id")


def test_agent_leaderboard_figures(as_of_ops, leaderboard):
    want = agent_leaderboard(as_of_ops, AS_OF)
    assert not mismatches(want, leaderboard)
    # the 90-day window and the ratings are populated, so those columns are really compared
    assert any(r["revenue_90d_base"] and r["revenue_90d_base"] != r["revenue_base"] for r in want.values())
    assert any(r["avg_rating"] is not None for r in want.values())


def test_top_agents_are_the_highest_revenues(as_of_ops, leaderboard):
    ops = as_of_ops
    revenue = defaultdict(Decimal)
    for b in ops.revenue_bookings:
        if not ops.agents[b["agent"]]["deleted"]:
            revenue[b["agent"]] += b["revenue"]
    top = sorted(revenue, key=lambda a: (-revenue[a], a))[:5]
    got = sorted((r for r in leaderboard.values() if r["revenue_rank"] <= 5),
                 key=lambda r: (r["revenue_rank"], r["agent_id"]))
    assert [r["agent_id"] for r in got][:5] == top
