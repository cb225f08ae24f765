"""Revenue by destination, country and site, the destination rank (top destinations) and revenue in
the original currency, each beside the cash received for it: recomputed from the operational
tables (tests/e2e/analytics/kpi_operational.py, kpi_expected.py) and compared exactly with the marts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from tests.e2e.analytics import kpi_expected as expected
from tests.e2e.analytics.kpi_operational import mart_rows, mismatches

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]

TOP = 3


@pytest.fixture(scope="module")
def destinations(ops):
    return expected.destination_monthly(ops)


def test_revenue_by_destination_with_cash_rank_and_country(destinations, marts):
    got = mart_rows(marts, "exec_destination_monthly", "month_start", "destination_id")
    assert not mismatches(destinations, got)
    assert any(r["revenue_rank"] > 1 for r in destinations.values())


def test_top_destinations_of_each_month(destinations, marts):
    """Top N by revenue_rank is the N highest revenues of the month (ties share a rank)."""
    revenue = defaultdict(dict)
    for (month, dest), row in destinations.items():
        revenue[month][dest] = row["revenue_base"]
    for month, by_dest in revenue.items():
        cutoff = sorted(by_dest.values(), reverse=True)[:TOP][-1]
        want = {d for d, v in by_dest.items() if v >= cutoff}
        got = {d for (d,) in marts.execute(
            "select destination_id from marts.exec_destination_monthly where month_start = ? and revenue_rank <= ?",
            [month, TOP]).fetchall()}
        assert got == want, month


def test_revenue_by_country_per_month_and_overall(ops, destinations, marts):
    country = {(m, row["country_code"]): row["country_revenue_base"] for (m, _), row in destinations.items()}
    overall = defaultdict(Decimal)
    for b in ops.revenue_bookings:
        overall[ops.destinations[b["destination"]]["country_code"]] += b["revenue"]
    for (month, code), value in country.items():
        got = marts.execute("select distinct country_revenue_base from marts.exec_destination_monthly "
                            "where month_start = ? and country_code = ?", [month, code]).fetchall()
        assert got == [(value,)], (month, code)
    got_overall = dict(marts.execute(
        "select country_code, sum(revenue_base) from marts.exec_destination_monthly group by 1").fetchall())
    assert got_overall == dict(overall)
    assert len(overall) >= 2


def test_site_revenue_and_its_cash_add_up_to_the_destination(ops, destinations, marts):
    want = expected.site_revenue_monthly(ops)
    got = mart_rows(marts, "exec_site_revenue_monthly", "month_start", "destination_id", "site_id")
    assert not mismatches(want, got)
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for (month, dest, _), row in got.items():
        totals[(month, dest)][0] += row["revenue_base"]
        totals[(month, dest)][1] += row["cash_received_base"]
    assert {k: tuple(v) for k, v in totals.items()} == {
        k: (row["revenue_base"], row["cash_received_base"]) for k, row in destinations.items()}
    assert any(site is not None and row["cash_received_base"] for (_, _, site), row in want.items())


def test_revenue_in_original_currency_beside_base_and_cash(ops, marts):
    want = expected.revenue_by_currency_monthly(ops)
    got = mart_rows(marts, "exec_revenue_by_currency_monthly", "month_start", "currency")
    assert not mismatches(want, got)
    assert any(row["revenue_amount"] != row["revenue_base"] for row in want.values())
