"""Periods, figures, deltas, restatements and the hold-back policy, on small hand-made inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reports.executive.checks import DataState, decide
from reports.executive.deltas import Delta, deltas, restatements
from reports.executive.figures import Kpis, TrendPoint, sum_days, weekly_trend
from reports.executive.periods import Period, daily_periods, last_complete_week, report_periods, weekly_periods

D = Decimal


def test_daily_periods():
    p = daily_periods(dt.date(2026, 6, 30))  # a Tuesday
    assert (p.current.start, p.current.end) == (dt.date(2026, 6, 30),) * 2
    assert p.previous == Period(dt.date(2026, 6, 29), dt.date(2026, 6, 29))
    assert p.reference == Period(dt.date(2026, 6, 23), dt.date(2026, 6, 23))
    assert p.current.key == "2026-06-30" and p.current.label() == "Tue 30 Jun 2026"


@pytest.mark.parametrize(
    ("as_of", "monday"),
    [
        (dt.date(2026, 6, 28), dt.date(2026, 6, 22)),  # Sunday: its own week is complete
        (dt.date(2026, 6, 29), dt.date(2026, 6, 22)),  # Monday: the week before
        (dt.date(2026, 6, 30), dt.date(2026, 6, 22)),
        (dt.date(2026, 7, 4), dt.date(2026, 6, 22)),  # Saturday: still the week before
    ],
)
def test_last_complete_iso_week(as_of, monday):
    week = last_complete_week(as_of)
    assert week.start == monday and week.end == monday + dt.timedelta(days=6) and week.days == 7


def test_weekly_periods_compare_previous_week_and_same_iso_week_last_year():
    p = weekly_periods(dt.date(2026, 6, 29))
    assert p.current.key == "2026-06-22/2026-06-28"
    assert p.previous == Period(dt.date(2026, 6, 15), dt.date(2026, 6, 21))
    assert p.reference.start.isocalendar()[:2] == (2025, 26) and p.reference.start.weekday() == 0
    assert p.current.label() == "W26 2026 (22 Jun - 28 Jun)"
    # ISO week 53 of 2026 has no twin in 2025 (52 weeks): week 52 stands in
    p53 = weekly_periods(dt.date(2027, 1, 3))
    assert p53.current.start.isocalendar()[:2] == (2026, 53)
    assert p53.reference.start.isocalendar()[:2] == (2025, 52)
    with pytest.raises(ValueError):
        report_periods("monthly", dt.date(2026, 6, 30))


def test_kpis_ratios_use_mart_rounding_and_stay_decimal():
    k = Kpis(D("1000.005"), 3, D("333.333"), 7, 2, 2)
    assert k.avg_booking_value == D("333.34")  # 333.335 half up
    assert k.quote_conversion == D("0.28571429")
    assert k.cash_share == D("0.33333133")
    assert all(not isinstance(v, float) for v in k.metrics().values())
    empty = Kpis(D("0"), 0, D("0"), 0, 0, 0)
    assert (empty.avg_booking_value, empty.quote_conversion, empty.cash_share) == (None, None, None)


def test_sum_days_and_weekly_trend():
    k = sum_days([(D("10.500"), 1, D("5.000"), 2, 1), (D("4.250"), 2, None, 3, 0)], active_agents=2)
    assert (k.revenue, k.bookings, k.cash_received, k.quotes_requested, k.quotes_converted) == (
        D("14.750"), 3, D("5.000"), 5, 1)
    assert k.days_in_data == 2
    daily = [TrendPoint(dt.date(2026, 6, 1) + dt.timedelta(days=i), D(i), 1) for i in range(15)]
    weeks = weekly_trend(daily, dt.date(2026, 6, 1))
    assert [w.start for w in weeks] == [dt.date(2026, 6, 1), dt.date(2026, 6, 8), dt.date(2026, 6, 15)]
    assert [w.revenue for w in weeks] == [D(21), D(70), D(14)] and [w.bookings for w in weeks] == [7, 7, 1]


def test_deltas():
    d = deltas({"revenue": D("150.00"), "bookings": 3, "cash_share": D("0.5"), "active_agents": 2},
               {"revenue": D("100.00"), "bookings": 3, "cash_share": D("0.25")})
    assert d["revenue"].change == D("50.00") and d["revenue"].pct == D("50.0") and d["revenue"].direction == "up"
    assert d["bookings"].change == 0 and d["bookings"].direction == "flat"
    assert d["cash_share"].change == D("25.0") and d["cash_share"].pct is None  # percentage points
    assert d["active_agents"].change is None  # nothing to compare with
    assert Delta("revenue", D("5"), D("0")).pct is None  # no division by zero
    assert Delta("revenue", D("80"), D("100")).direction == "down"


def test_restatements_only_for_periods_in_both_snapshots():
    sent = {"2026-06-29": {"revenue": "2000.000", "bookings": 1}, "2026-06-22": {"revenue": "5.000"}}
    now = {
        "2026-06-30": {"revenue": D("4500.750"), "bookings": 2},
        "2026-06-29": {"revenue": D("2500.000"), "bookings": 1},
        "2026-06-23": {"revenue": D("1")},
    }
    [r] = restatements(sent, now)
    assert (r.period_key, r.metric, r.old, r.new) == ("2026-06-29", "revenue", D("2000.000"), D("2500.000"))
    assert restatements(None, now) == []
    assert restatements({"2026-06-29": {"revenue": "2500"}}, {"2026-06-29": {"revenue": D("2500.000")}}) == []


def _state(*, newest=None, loaded=None, failed=(), hours=36.0):
    return DataState(dt.date(2026, 6, 30), newest, loaded, hours, tuple(failed))


UTC = dt.UTC


def test_staleness_against_the_end_of_the_as_of_day():
    fresh = _state(newest=dt.datetime(2026, 6, 30, 10, tzinfo=UTC))
    assert fresh.age_hours == 14.0 and not fresh.stale
    old = _state(newest=dt.datetime(2026, 6, 28, 10, tzinfo=UTC))
    assert old.age_hours == 62.0 and old.stale
    # a recent load keeps a quiet warehouse fresh; nothing at all is stale
    assert not _state(newest=dt.datetime(2026, 6, 20, tzinfo=UTC), loaded=dt.datetime(2026, 7, 1, 5, tzinfo=UTC)).stale
    assert _state().stale


def test_policy_defaults_and_overrides():
    fresh = dt.datetime(2026, 6, 30, 12, tzinfo=UTC)
    stale = dt.datetime(2026, 6, 25, tzinfo=UTC)
    assert decide(_state(newest=fresh)).status == "sent"
    held = decide(_state(newest=fresh, failed=["exec_kpi_daily:not_null_x"]))
    assert held.status == "held" and "exec_kpi_daily:not_null_x" in held.reasons[0]
    warned = decide(_state(newest=stale))
    assert warned.status == "warned" and warned.subject_tags == ["[DATA STALE]"] and "stale" in warned.warnings[0]
    both = decide(_state(newest=stale, failed=["c"]))
    assert both.status == "held" and len(both.reasons) == 2
    assert decide(_state(newest=stale), {"stale": "hold"}).status == "held"
    relaxed = decide(_state(newest=fresh, failed=["c"]), {"failed_checks": "warn"})
    assert relaxed.status == "warned" and relaxed.subject_tags == ["[CHECKS FAILED]"]
    assert decide(_state(newest=stale), {"stale": "send"}).status == "sent"


def test_the_workbook_never_writes_a_name_as_a_formula():
    import io

    from openpyxl import load_workbook

    from reports.executive.figures import Figures, Ranked, ToDate
    from reports.executive.workbook import build_xlsx

    kpis = Kpis(revenue=D("100.00"), bookings=2, cash_received=D("50.00"), quotes_requested=4,
                quotes_converted=1, active_agents=1)
    figures = Figures(
        periods=daily_periods(dt.date(2026, 6, 30)), base_currency="INR", current=kpis,
        comparisons={"previous": kpis, "reference": kpis},
        to_date=ToDate(D("100.00"), D("900.00"), 2, D("50.00")),
        top_destinations=[Ranked("=1+1", 1, D("60.00"), "India")],
        top_agents=[Ranked("=HYPERLINK(\"http://x\")", 2, D("100.00"), "@Agency")], trend=[])
    wb = load_workbook(io.BytesIO(build_xlsx(figures)))
    agents = wb["Top agents"]
    assert (agents["A2"].value, agents["B2"].value) == ("=HYPERLINK(\"http://x\")", "@Agency")
    assert wb["Top destinations"]["A2"].value == "=1+1"
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
