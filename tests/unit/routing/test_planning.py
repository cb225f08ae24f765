"""Day planning: schedules, conflicts with their suggestions, pacing across days and the
budget preference. Sites are in Agra and Jaipur with their real coordinates."""

from __future__ import annotations

import datetime as dt

import pytest

from tourstack.routing import (
    LatLon,
    Pace,
    Stop,
    TravelMode,
    balance_days,
    budget_preference,
    clock,
    plan_day,
)

THURSDAY, FRIDAY = dt.date(2026, 11, 26), dt.date(2026, 11, 27)
HOTEL_AGRA = LatLon(27.1600, 78.0500)
DAWN_TO_DUSK = {w: [(360, 1110)] for w in range(7)}


def hours(*, closed_on: int | None = None, intervals=((360, 1080),)):
    return {w: (None if w == closed_on else list(intervals)) for w in range(7)}


TAJ = Stop("taj", LatLon(27.1751, 78.0421), 180, hours(closed_on=4, intervals=((360, 1110),)),
           name="Taj Mahal", priority=5, price_level=3)
AGRA_FORT = Stop("agra_fort", LatLon(27.1795, 78.0211), 120, hours(), name="Agra Fort", priority=4, price_level=2)
BABY_TAJ = Stop("baby_taj", LatLon(27.1925, 78.0312), 60, hours(), name="Itimad-ud-Daulah", priority=2, price_level=1)
KINARI = Stop("kinari", LatLon(27.1975, 78.0155), 60, None, name="Kinari Bazaar", priority=1)


def test_schedule_has_times_legs_and_returns_to_the_hotel():
    plan = plan_day([TAJ, AGRA_FORT, BABY_TAJ], HOTEL_AGRA, THURSDAY, 480, 1140, TravelMode.TUK_TUK)
    assert plan.feasible and not plan.unscheduled
    assert {v.stop.site_id for v in plan.visits} == {"taj", "agra_fort", "baby_taj"}
    assert len(plan.legs) == 4 and plan.legs[0].from_id == "start" and plan.legs[-1].to_id == "start"
    for visit, leg in zip(plan.visits, plan.legs):
        assert visit.start >= visit.arrival and visit.departure == visit.start + visit.stop.visit_minutes
        assert leg.to_id == visit.stop.site_id
    assert plan.visits[0].arrival == pytest.approx(480 + plan.legs[0].minutes)
    assert plan.end_time <= 1140 and clock(plan.end_time) < "19:00"


def test_taj_mahal_is_closed_on_friday():
    plan = plan_day([TAJ, AGRA_FORT], HOTEL_AGRA, FRIDAY, 480, 1140, TravelMode.CAR)
    assert [c.kind for c in plan.conflicts] == ["closed"]
    assert "closed on Fridays" in plan.conflicts[0].message
    assert plan.unscheduled == [TAJ] and [v.stop for v in plan.visits] == [AGRA_FORT]
    move = [s for s in plan.suggestions if s.kind == "move_day"]
    assert move and "Thursday" in move[0].message and "Friday" not in move[0].message


def test_too_long_a_day_suggests_dropping_the_lowest_priority_stop():
    plan = plan_day([TAJ, AGRA_FORT, BABY_TAJ, KINARI], HOTEL_AGRA, THURSDAY, 540, 1020, TravelMode.CAR)
    assert "too_long_day" in {c.kind for c in plan.conflicts}
    drop = [s for s in plan.suggestions if s.kind == "drop"]
    assert drop and drop[0].site_ids == ("kinari",)


def test_budget_preference_drops_the_expensive_stop_first():
    cheap = Stop("cheap", LatLon(27.19, 78.02), 120, None, priority=2, price_level=0)
    dear = Stop("dear", LatLon(27.18, 78.03), 120, None, priority=2, price_level=4)
    kwargs = dict(start_location=HOTEL_AGRA, date=THURSDAY, day_start=540, day_end=800, mode=TravelMode.CAR)
    plan = plan_day([cheap, dear], preference=budget_preference("budget"), **kwargs)
    assert [s.site_ids for s in plan.suggestions if s.kind == "drop"] == [("dear",)]
    assert budget_preference("luxury") is None


def test_overlapping_fixed_time_items():
    show = Stop("show", LatLon(27.1700, 78.0450), 90, None, fixed_start=1080, name="Mohabbat the Taj show", priority=3)
    dinner = Stop("dinner", LatLon(27.1650, 78.0300), 90, None, fixed_start=1140, name="Dinner cruise", priority=1)
    plan = plan_day([show, dinner, BABY_TAJ], HOTEL_AGRA, THURSDAY, 540, 1320, TravelMode.CAR)
    overlap = [c for c in plan.conflicts if c.kind == "fixed_overlap"]
    assert overlap and set(overlap[0].site_ids) == {"show", "dinner"}
    assert plan.unscheduled == [dinner]
    show_visit = next(v for v in plan.visits if v.stop is show)
    assert show_visit.start == 1080
    assert any(s.kind == "move_day" and s.site_ids == ("dinner",) for s in plan.suggestions)


def test_arrives_after_closing():
    late_open = Stop("mehtab", LatLon(27.1795, 78.0427), 60, hours(intervals=((360, 600),)), name="Mehtab Bagh")
    plan = plan_day([late_open], HOTEL_AGRA, THURSDAY, 570, 1140, TravelMode.WALK)
    assert [c.kind for c in plan.conflicts] == ["after_closing"]
    assert any(s.kind == "move_day" for s in plan.suggestions)


def test_lunch_break_waits_for_the_afternoon_interval():
    museum = Stop("museum", LatLon(27.17, 78.05), 90, hours(intervals=((540, 720), (840, 1020))))
    plan = plan_day([museum], HOTEL_AGRA, THURSDAY, 660, 1140, TravelMode.CAR)
    assert plan.feasible and plan.visits[0].start == 840


def test_listed_order_that_misses_hours_gets_a_reorder_hint():
    morning = Stop("morning", LatLon(27.19, 78.02), 60, hours(intervals=((480, 600),)), name="Morning market")
    evening = Stop("evening", LatLon(27.17, 78.04), 60, hours(intervals=((960, 1140),)), name="Sunset point")
    plan = plan_day([evening, morning], HOTEL_AGRA, THURSDAY, 480, 1200, TravelMode.CAR)
    assert plan.feasible and [v.stop.site_id for v in plan.visits] == ["morning", "evening"]
    assert [s.kind for s in plan.suggestions] == ["reorder"]


@pytest.mark.parametrize(("pace", "cap"), [(Pace.RELAXED, 240), (Pace.MODERATE, 360), (Pace.FAST, 480)])
def test_balance_days_respects_the_pace(pace, cap):
    stops = [Stop(f"s{i}", LatLon(27.1 + i / 100, 78.0), m, None, priority=10 - i)
             for i, m in enumerate([180, 120, 120, 90, 90, 60, 60, 60, 45, 45])]
    result = balance_days(stops, 3, pace)
    assert all(load <= cap for load in result.loads)
    placed = sum(len(day) for day in result.days)
    assert placed + len(result.unassigned) == len(stops)
    if pace is Pace.FAST:
        assert not result.unassigned and max(result.loads) - min(result.loads) <= 60
    if pace is Pace.RELAXED:  # 870 min of sights do not fit in 3 relaxed days: lowest priority out
        assert "s0" not in result.unassigned and result.unassigned


def test_balance_days_puts_stops_on_days_they_are_open():
    fort = Stop("fort", LatLon(27.18, 78.02), 120, hours())
    result = balance_days([TAJ, fort, BABY_TAJ], [THURSDAY, FRIDAY], Pace.MODERATE)
    assert TAJ in result.days[0]
    only_friday = Stop("fri", LatLon(27.18, 78.02), 60, {4: [(600, 900)]})
    never = Stop("never", LatLon(27.18, 78.02), 60, {6: [(600, 900)]})
    result = balance_days([only_friday, never], [THURSDAY, FRIDAY], Pace.RELAXED)
    assert result.days[1] == [only_friday] and "closed on every day" in result.unassigned["never"]
