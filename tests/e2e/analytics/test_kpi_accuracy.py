"""Executive KPIs recomputed independently from the OPERATIONAL tables (plain SQL on the tiny demo's
SQLite database, exact rational arithmetic: tests/e2e/analytics/kpi_operational.py) and compared exactly with
the marts and the semantic layer built from it on DuckDB (the session's `tiny_warehouse`).

The rules both sides apply are those of docs/analytics.md; amounts and 8-decimal ratios compare
exactly. The semantic layer's ratio metrics are exact Decimal quotients of their numerator and
denominator (tourstack.metrics); rounded once to the marts' scale they compare exactly too. Its
derived metrics (growth) are MetricFlow's floating point. The other marts are checked in the
test_kpi_accuracy_*.py modules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from tests.e2e.analytics import kpi_expected as expected
from tests.e2e.analytics.kpi_operational import average, mart_rows, mismatches, month_start, ratio, round_half_up
from tests.pipeline_helpers import AS_OF

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


@pytest.fixture(scope="module")
def monthly(ops):
    return expected.exec_monthly(ops)


def booked_months(ops) -> list[dt.date]:
    return sorted({b["month"] for b in ops.revenue_bookings})


def test_the_tiny_demo_has_what_the_comparisons_need(ops):
    months = booked_months(ops)
    assert len(months) >= 13  # at least one year-over-year comparison
    assert months[-1] <= month_start(AS_OF)
    assert all(b["base"] is not None for b in ops.bookings.values())
    assert any(b["cancelled"] for b in ops.bookings.values())
    assert len({b["currency"] for b in ops.revenue_bookings}) >= 3
    # travel months differ from booking months, so recognised revenue is its own figure
    assert any(month_start(b["travel_start"]) != b["month"] for b in ops.revenue_bookings)


def test_kpi_bookings_revenue_and_cash_per_booking(ops, marts):
    """The KPI base: revenue in base and original currency, recognition date, and cash received
    net of refunds and lost disputes, booking by booking."""
    want = {bid: {"revenue_base": b["revenue"], "revenue_amount": b["revenue_amount"], "is_revenue": b["is_revenue"],
                  "recognition_date": b["travel_start"], "booked_date": b["day"],
                  "cash_received_base": b["cash"], "is_paid": b["is_paid"], "is_fully_paid": b["is_fully_paid"],
                  "customer_booking_number": b["number"], "is_repeat_booking": (b["number"] or 0) > 1}
            for bid, b in ops.bookings.items()}
    assert not mismatches(want, mart_rows(marts, "kpi_bookings", "booking_id"))


def test_a_lost_dispute_reduces_the_cash_received(tiny_warehouse, ops, marts):
    import sqlite3

    op = sqlite3.connect(str(tiny_warehouse.operational_db))
    lost = op.execute("select p.booking_id from disputes d join payments p on p.id = d.payment_id "
                      "where d.status = 'lost' and p.status = 'succeeded'").fetchall()
    op.close()
    assert lost, "the tiny demo has a lost dispute"
    for (booking_id,) in lost:
        paid, refunded, disputed, cash = marts.execute(
            "select paid_base, refunded_base, disputed_lost_base, cash_received_base from marts.kpi_bookings "
            "where booking_id = ?", [booking_id]).fetchone()
        assert disputed > 0 and cash == paid - refunded - disputed == ops.bookings[booking_id]["cash"]


def test_monthly_executive_kpis_match_the_operational_tables(monthly, marts):
    """Revenue (booked and recognised) beside its cash and share, YTD, growth, conversion, agents,
    new and returning customers: every column of exec_kpi_monthly, every month."""
    got = mart_rows(marts, "exec_kpi_monthly", "month_start")
    assert not mismatches(monthly, got)
    assert sum(1 for m in monthly.values() if m["revenue_growth_yoy"] is not None) >= 1


def test_daily_executive_kpis_match_for_every_day(ops, marts):
    """MTD / YTD revenue and cash with their shares, recognised revenue by travel date, quotes."""
    got = mart_rows(marts, "exec_kpi_daily", "date_day")
    assert not mismatches(expected.exec_daily(ops), got)


def test_recognised_revenue_and_its_cash_by_travel_month(ops, monthly):
    by_travel = expected.recognised_by_month(ops)
    for month, (revenue, cash) in by_travel.items():
        assert monthly[month]["recognised_revenue_base"] == revenue, month
        assert monthly[month]["recognised_cash_received_base"] == cash, month
    # the recognised figures are not the booked ones in disguise
    assert any(monthly[m]["recognised_revenue_base"] != monthly[m]["revenue_base"] for m in by_travel)


# --- the semantic layer (MetricFlow through tourstack.metrics) -------------------------------------


@pytest.fixture(scope="module")
def layer(tiny_warehouse):
    from tourstack.metrics import SemanticLayer

    return SemanticLayer(tiny_warehouse.semantic_manifest.read_text(), engine="duckdb")


def _metric_rows(layer, path, **query) -> list[dict]:
    from tourstack.metrics import MetricQuery

    result = layer.run_duckdb(MetricQuery(**query), path)
    return [dict(zip(result.columns, row)) for row in result.rows]


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _float(value) -> float | None:
    return None if value is None else float(value)


def test_metrics_by_month_match_the_operational_tables(tiny_warehouse, layer, ops, monthly):
    months = booked_months(ops)
    rows = _metric_rows(
        layer, tiny_warehouse.duckdb_path,
        metrics=["revenue", "bookings", "revenue_ytd", "active_agents", "cash_received", "recognised_revenue",
                 "recognised_cash_received", "cash_received_share", "recognised_cash_received_share",
                 "revenue_growth_mom", "quote_conversion_rate", "avg_booking_value"],
        group_by=["metric_time"], grain="month", start=months[0], end=AS_OF,
    )
    by_month = {_day(r["metric_time__month"]): r for r in rows}
    for month in months:
        want, got = monthly[month], by_month[month]
        assert (got["revenue"], got["bookings"], got["revenue_ytd"], got["active_agents"], got["cash_received"]) == (
            want["revenue_base"], want["bookings_count"], want["revenue_ytd_base"], want["active_agents"],
            want["cash_received_base"]), month
        assert (got["recognised_revenue"] or 0, got["recognised_cash_received"] or 0) == (
            want["recognised_revenue_base"], want["recognised_cash_received_base"]), month
        # Ratio metrics: tourstack.metrics divides the exact sums in Decimal (not MetricFlow's
        # DOUBLE); rounded once to the marts' scale they equal the recomputation exactly.
        exact = {
            "cash_received_share": (want["cash_received_base"], want["revenue_base"]),
            "recognised_cash_received_share": (want["recognised_cash_received_base"], want["recognised_revenue_base"]),
            "quote_conversion_rate": (want["quotes_converted"], want["quotes_requested"]),
            "avg_booking_value": (want["revenue_base"], want["bookings_count"]),
        }
        for metric, (num, den) in exact.items():
            if den:
                places, rule = (2, average) if metric == "avg_booking_value" else (8, ratio)
                assert round_half_up(got[metric], places) == rule(num, den), (month, metric)
        if want["revenue_growth_mom"] is not None:
            want_growth = float(want["revenue_growth_mom"])
            assert _float(got["revenue_growth_mom"]) == pytest.approx(want_growth, abs=1e-8), month


def test_cash_received_by_travel_date_sits_beside_recognised_revenue(tiny_warehouse, layer, ops):
    """recognised_cash_received is dated like recognised_revenue (travel start), not by booking."""
    by_travel = expected.recognised_by_month(ops)
    rows = _metric_rows(layer, tiny_warehouse.duckdb_path,
                        metrics=["recognised_revenue", "recognised_cash_received"],
                        group_by=["metric_time"], grain="month")
    got = {_day(r["metric_time__month"]): (r["recognised_revenue"], r["recognised_cash_received"]) for r in rows
           if r["recognised_revenue"] or r["recognised_cash_received"]}  # months of cancelled trips only: 0
    assert got == {m: v for m, v in by_travel.items() if any(v)}


@pytest.mark.parametrize("recognised", [False, True], ids=["booked", "recognised"])
def test_revenue_in_original_currency_by_currency_and_month(tiny_warehouse, layer, ops, recognised):
    metric = "recognised_revenue_original_currency" if recognised else "revenue_original_currency"
    rows = _metric_rows(layer, tiny_warehouse.duckdb_path, metrics=[metric],
                        group_by=["metric_time", "booking__currency"], grain="month")
    got = {(_day(r["metric_time__month"]), r["booking__currency"]): r[metric] for r in rows if r[metric]}
    want = {k: v for k, v in expected.revenue_original_by_month(ops, recognised=recognised).items() if v}
    assert got == want


def test_revenue_by_country_with_a_filter(tiny_warehouse, layer, ops):
    from tourstack.metrics import Filter

    start, end = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
    by_country = defaultdict(Decimal)
    for b in ops.revenue_bookings:
        if start <= b["day"] <= end:
            by_country[ops.destinations[b["destination"]]["country_code"]] += b["revenue"]
    top = sorted(by_country, key=lambda c: -by_country[c])[:2]
    rows = _metric_rows(layer, tiny_warehouse.duckdb_path, metrics=["revenue"], group_by=["booking__country"],
                        where=[Filter("booking__country", "in", top)], start=start, end=end, order_by=["-revenue"])
    assert [(r["booking__country"], r["revenue"]) for r in rows] == [(c, by_country[c]) for c in top]


def test_quote_to_booking_conversion_recomputed_per_year(tiny_warehouse, layer, ops):
    """Quotes followed within 90 days by a live booking made from them, over live quotes, by the
    year of the request: the counts are recomputed and the rate is their IEEE quotient."""
    want = expected.quote_to_booking_conversion_by_year(ops)
    rows = _metric_rows(layer, tiny_warehouse.duckdb_path, metrics=["quote_to_booking_conversion"],
                        group_by=["metric_time"], grain="year", end=AS_OF)
    got = {_day(r["metric_time__year"]).year: r["quote_to_booking_conversion"] for r in rows}
    assert got == {year: converted / quotes for year, (converted, quotes) in want.items()}
    assert any(0 < converted < quotes for converted, quotes in want.values())
