"""Headline KPIs recomputed independently from the OPERATIONAL tables (plain SQL on the SQLite
database plus Python Decimal arithmetic) and compared exactly with the analytics marts built from
the tiny demo on DuckDB.

Rules applied on both sides (documented in dbt_project/README.md, "Analytics marts"):
- revenue: live (not soft-deleted), not cancelled bookings, by the UTC date of booked_at;
- base amounts: amount x rate rounded half up to 2 decimals, the rate being the last ECB
  publication on or before the business date, rate(X -> INR) = rate(EUR -> INR) / rate(EUR -> X)
  rounded half up to 8 decimals (ECB over ECB-derived when both published);
- ratios (conversion, repeat rate, growth): the exact quotient rounded half up to 8 decimals,
  growth = that ratio - 1; averages: that quotient rounded half up again to 2 decimals;
- cash received: succeeded payments at their attempt-date rate minus succeeded refunds at the
  rate of the payment they reverse.
Counts are compared exactly and so are amounts: same rounding rule, so no tolerance is needed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import sqlite3
from collections import defaultdict
from pathlib import Path
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

from tests.pipeline_helpers import AS_OF, isolate_dbt_env, materialized_keys, run_pipeline, seed_tiny
from tourstack.money import from_minor

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]

BASE = "INR"
CENT = Decimal("0.01")
E8 = Decimal("0.00000001")
ANALYTICS = ["kpi_bookings", "exec_kpi_daily", "exec_kpi_monthly", "sales_funnel_monthly",
             "agent_leaderboard", "customer_lifetime", "supplier_scorecard", "ops_monthly"]


def q8(value: Decimal) -> Decimal:
    return value.quantize(E8, rounding=ROUND_HALF_UP)


def ratio(num, den) -> Decimal | None:
    return None if not den else q8(Decimal(num) / Decimal(den))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def prev_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from tourstack.db.migrate import upgrade

    tmp = tmp_path_factory.mktemp("kpi")
    db = tmp / "operational.db"
    url = f"sqlite:///{db}"
    upgrade(url)
    seed_tiny(url)
    path = tmp / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        isolate_dbt_env(mp)
        mp.setenv("DBT_TARGET", "duckdb")
        mp.setenv("TOURSTACK_DUCKDB_PATH", str(path))
        result = run_pipeline(url, duckdb_path=str(path), full_refresh=True)
    assert set(ANALYTICS) <= materialized_keys(result)
    return db, path


@pytest.fixture(scope="module")
def marts(built):
    con = duckdb.connect(str(built[1]), read_only=True)
    yield con
    con.close()


class Rates:
    """rate(X -> INR) on a date, from the raw ECB rows, independently of int_fx_rates_daily."""

    def __init__(self, op: sqlite3.Connection):
        best: dict[tuple[str, str], tuple[int, Decimal]] = {}
        for day, cur, rate, source in op.execute(
            "select rate_date, quote_currency, rate, source from fx_rates where base_currency = 'EUR'"
        ):
            pref = {"ecb": 0, "ecb_derived": 1}.get(source, 2)
            key = (str(day)[:10], cur)
            if key not in best or pref < best[key][0]:
                best[key] = (pref, Decimal(rate))
        eur = defaultdict(dict)
        for (day, cur), (_, rate) in best.items():
            eur[day][cur] = rate
        self.series: dict[str, tuple[list[dt.date], list[Decimal]]] = defaultdict(lambda: ([], []))
        for day in sorted(eur):
            legs = eur[day]
            if BASE not in legs:
                continue
            legs = {**legs, "EUR": Decimal(1)}
            for cur, rate in legs.items():
                to_base = Decimal(1) if cur == BASE else q8(legs[BASE] / rate)
                dates, values = self.series[cur]
                dates.append(dt.date.fromisoformat(day))
                values.append(to_base)

    def rate(self, currency: str, day: dt.date) -> Decimal | None:
        dates, values = self.series[currency]
        i = bisect.bisect_right(dates, day) - 1
        return values[i] if i >= 0 else None


def to_base(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def operational(built):
    """Revenue bookings, quotes and cash from the operational tables, in plain SQL."""
    op = sqlite3.connect(str(built[0]))
    rates = Rates(op)
    bookings = []
    for bid, agent, customer, booked_at, cur, minor, status in op.execute(
        "select id, agent_id, customer_id, booked_at, currency, total_sell_minor, status "
        "from bookings where deleted_at is null"
    ):
        day = dt.date.fromisoformat(str(booked_at)[:10])
        rate = rates.rate(cur, day)
        bookings.append({
            "id": bid, "agent": agent, "customer": customer, "booked_at": str(booked_at), "day": day,
            "cancelled": status == "cancelled",
            "base": to_base(from_minor(minor, cur), rate) if rate is not None else None,
        })
    live_ids = {b["id"] for b in bookings}
    quotes = [
        {"day": dt.date.fromisoformat(str(requested_at)[:10]), "converted": qid in booked_quotes}
        for booked_quotes in [{
            row[0] for row in op.execute(
                "select quote_id from bookings where deleted_at is null and quote_id is not null")
        }]
        for qid, requested_at in op.execute("select id, requested_at from quotes where deleted_at is null")
    ]
    cash: dict[int, Decimal] = defaultdict(Decimal)
    payment_rate = {}
    for pid, bid, attempted_at, cur, minor in op.execute(
        "select id, booking_id, attempted_at, currency, amount_minor from payments where status = 'succeeded'"
    ):
        rate = rates.rate(cur, dt.date.fromisoformat(str(attempted_at)[:10]))
        payment_rate[pid] = (bid, rate)
        if bid in live_ids and rate is not None:
            cash[bid] += to_base(from_minor(minor, cur), rate)
    for pid, cur, minor in op.execute(
        "select payment_id, currency, amount_minor from refunds where status = 'succeeded'"
    ):
        if pid in payment_rate and payment_rate[pid][0] in live_ids and payment_rate[pid][1] is not None:
            cash[payment_rate[pid][0]] -= to_base(from_minor(minor, cur), payment_rate[pid][1])
    deleted_customers = {r[0] for r in op.execute("select id from customers where deleted_at is not null")}
    deleted_agents = {r[0] for r in op.execute("select id from agents where deleted_at is not null")}
    op.close()
    revenue = [b for b in bookings if not b["cancelled"]]
    assert revenue and all(b["base"] is not None for b in revenue)
    return {"revenue": revenue, "quotes": quotes, "cash": cash,
            "deleted_customers": deleted_customers, "deleted_agents": deleted_agents}


def month_kpis(ops, month: dt.date) -> dict:
    rev = [b for b in ops["revenue"] if month_start(b["day"]) == month]
    revenue = sum((b["base"] for b in rev), Decimal(0))
    quotes = [q for q in ops["quotes"] if month_start(q["day"]) == month]
    first_month = {}
    for b in sorted(ops["revenue"], key=lambda b: (b["booked_at"], b["id"])):
        first_month.setdefault(b["customer"], month_start(b["day"]))
    customers = {b["customer"] for b in rev}
    returning = {c for c in customers if first_month[c] < month}
    avg = ratio(revenue, len(rev))
    return {
        "bookings_count": len(rev),
        "revenue_base": revenue,
        "avg_booking_value_base": None if avg is None else avg.quantize(CENT, rounding=ROUND_HALF_UP),
        "quotes_requested": len(quotes),
        "quotes_converted": sum(q["converted"] for q in quotes),
        "quote_conversion_rate": ratio(sum(q["converted"] for q in quotes), len(quotes)),
        "active_agents": len({b["agent"] for b in rev}),
        "booking_customers": len(customers),
        "returning_customers": len(returning),
        "repeat_customer_rate": ratio(len(returning), len(customers)),
        "cash_received_base": sum((ops["cash"][b["id"]] for b in rev), Decimal(0)),
    }


def revenue_between(ops, start: dt.date, end: dt.date) -> Decimal:
    return sum((b["base"] for b in ops["revenue"] if start <= b["day"] <= end), Decimal(0))


def growth(current: Decimal, previous: Decimal) -> Decimal | None:
    return None if previous <= 0 else q8(current / previous) - 1


def mart_month(marts, month: dt.date) -> dict:
    cur = marts.execute("select * from marts.exec_kpi_monthly where month_start = ?", [month])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None, month
    return dict(zip(names, row))


def booked_months(ops) -> list[dt.date]:
    return sorted({month_start(b["day"]) for b in ops["revenue"]})


def test_the_tiny_demo_has_history_to_compare(operational):
    months = booked_months(operational)
    assert len(months) >= 13  # at least one year-over-year comparison
    assert months[-1] <= month_start(AS_OF)


def test_monthly_headline_kpis_match_the_operational_tables(operational, marts):
    for month in booked_months(operational):
        expected = month_kpis(operational, month)
        row = mart_month(marts, month)
        assert {k: row[k] for k in expected} == expected, month


def test_revenue_mtd_and_ytd_match_for_every_day_of_the_latest_month(operational, marts):
    month = booked_months(operational)[-1]
    rows = marts.execute(
        "select date_day, revenue_mtd_base, revenue_ytd_base, bookings_mtd_count "
        "from marts.exec_kpi_daily where month_start = ? order by date_day", [month]
    ).fetchall()
    assert rows
    for day, mtd, ytd, count in rows:
        assert mtd == revenue_between(operational, month, day), day
        assert ytd == revenue_between(operational, month.replace(month=1), day), day
        assert count == sum(1 for b in operational["revenue"] if month <= b["day"] <= day)
    ytd_month = mart_month(marts, month)["revenue_ytd_base"]
    month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    assert ytd_month == revenue_between(operational, month.replace(month=1), month_end)


def test_growth_month_over_month_and_year_over_year(operational, marts):
    months = booked_months(operational)
    checked_yoy = 0
    for month in months[1:]:
        row = mart_month(marts, month)
        current = month_kpis(operational, month)["revenue_base"]
        previous = month_kpis(operational, prev_month(month))["revenue_base"]
        assert row["revenue_growth_mom"] == growth(current, previous), month
        last_year = month.replace(year=month.year - 1)
        if last_year >= months[0]:
            previous_year = month_kpis(operational, last_year)["revenue_base"]
            assert row["revenue_growth_yoy"] == growth(current, previous_year), month
            checked_yoy += 1
    assert checked_yoy >= 1


def test_overall_repeat_booking_rate(operational, marts):
    # customer_lifetime lists live customers only
    per_customer = defaultdict(int)
    for b in operational["revenue"]:
        if b["customer"] not in operational["deleted_customers"]:
            per_customer[b["customer"]] += 1
    expected = ratio(sum(1 for n in per_customer.values() if n >= 2), len(per_customer))
    got = marts.execute(
        "select sum(case when is_repeat_customer then 1 else 0 end), "
        "sum(case when bookings_count > 0 then 1 else 0 end) from marts.customer_lifetime"
    ).fetchone()
    assert ratio(got[0], got[1]) == expected


def test_agent_leaderboard_totals_tie_to_revenue(operational, marts):
    # agent_leaderboard lists live agents only
    per_agent = defaultdict(Decimal)
    for b in operational["revenue"]:
        if b["agent"] not in operational["deleted_agents"]:
            per_agent[b["agent"]] += b["base"]
    got = dict(marts.execute(
        "select agent_id, revenue_base from marts.agent_leaderboard where bookings_count > 0").fetchall())
    assert got == dict(per_agent)


# --- the semantic layer (MetricFlow through tourstack.metrics) agrees with the marts ----------


@pytest.fixture(scope="module")
def layer(built, tmp_path_factory):
    from dbt.cli.main import dbtRunner

    from tourstack.metrics import SemanticLayer

    project = Path(__file__).resolve().parents[2] / "dbt_project"
    tmp = tmp_path_factory.mktemp("semantic")
    with pytest.MonkeyPatch.context() as mp:
        isolate_dbt_env(mp)
        mp.setenv("DBT_TARGET", "duckdb")
        mp.setenv("TOURSTACK_DUCKDB_PATH", str(built[1]))
        result = dbtRunner().invoke([
            "parse", "--project-dir", str(project), "--profiles-dir", str(project),
            "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "--quiet",
        ])
    assert result.success, result.exception
    return SemanticLayer((tmp / "target" / "semantic_manifest.json").read_text(), engine="duckdb")


def _metric_rows(layer, path, **query):
    from tourstack.metrics import MetricQuery

    result = layer.run_duckdb(MetricQuery(**query), path)
    return [dict(zip(result.columns, row)) for row in result.rows]


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def test_metrics_by_month_match_the_monthly_mart(built, layer, marts, operational):
    months = booked_months(operational)
    rows = _metric_rows(
        layer, built[1], metrics=["revenue", "bookings", "revenue_ytd", "active_agents",
                                  "revenue_growth_mom", "quote_conversion_rate", "avg_booking_value"],
        group_by=["metric_time"], grain="month", start=months[0], end=AS_OF,
    )
    by_month = {_day(r["metric_time__month"]): r for r in rows}
    for month in months:
        mart = mart_month(marts, month)
        got = by_month[month]
        assert got["revenue"] == mart["revenue_base"], month
        assert got["bookings"] == mart["bookings_count"], month
        assert got["revenue_ytd"] == mart["revenue_ytd_base"], month
        assert got["active_agents"] == mart["active_agents"], month
        # MetricFlow divides in floating point; the marts round the exact quotient to 8 decimals
        for metric, column, tol in [("revenue_growth_mom", "revenue_growth_mom", 1e-8),
                                    ("quote_conversion_rate", "quote_conversion_rate", 1e-8),
                                    ("avg_booking_value", "avg_booking_value_base", 0.0051)]:
            if mart[column] is None:
                assert got[metric] is None or month == months[0], (month, metric)
            else:
                assert got[metric] == pytest.approx(float(mart[column]), abs=tol), (month, metric)


def test_revenue_mtd_by_day_matches_the_daily_mart(built, layer, marts, operational):
    month = booked_months(operational)[-1]
    rows = _metric_rows(layer, built[1], metrics=["revenue_mtd"], group_by=["metric_time"], grain="day",
                        start=month, end=AS_OF)
    got = {_day(r["metric_time__day"]): r["revenue_mtd"] for r in rows}
    expected = dict(marts.execute(
        "select date_day, revenue_mtd_base from marts.exec_kpi_daily where month_start = ? and date_day <= ?",
        [month, AS_OF]).fetchall())
    # MetricFlow starts the series at the month's first booking; the mart shows 0 before it
    assert got == {day: value for day, value in expected.items() if day in got}
    assert all(value == 0 for day, value in expected.items() if day not in got)
    assert max(got) == max(expected)


def test_revenue_by_country_with_a_filter_matches_the_destination_mart(built, layer, marts):
    from tourstack.metrics import Filter

    expected = dict(marts.execute(
        "select country_code, sum(revenue_base) from marts.exec_destination_monthly "
        "where month_start >= date '2026-01-01' and month_start <= date '2026-06-01' group by 1").fetchall())
    top = sorted(expected, key=lambda c: -expected[c])[:2]
    rows = _metric_rows(layer, built[1], metrics=["revenue"], group_by=["booking__country"],
                        where=[Filter("booking__country", "in", top)],
                        start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30), order_by=["-revenue"])
    assert [(r["booking__country"], r["revenue"]) for r in rows] == [(c, expected[c]) for c in top]


def test_quote_to_booking_conversion_is_a_rate_within_the_overall_conversion(built, layer, marts):
    rows = _metric_rows(layer, built[1], metrics=["quote_to_booking_conversion", "quote_conversion_rate"],
                        group_by=["metric_time"], grain="year", end=AS_OF)
    assert rows
    for r in rows:
        assert 0 <= r["quote_to_booking_conversion"] <= r["quote_conversion_rate"] + 1e-9
