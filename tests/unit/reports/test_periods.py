"""Relative date ranges, comparison periods and the bucket positions rows are joined on."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.builder.periods import Period, add_months, bucket_index, comparison_period, resolve
from reports.builder.spec import DateRange

D = dt.date


@pytest.mark.parametrize("relative, as_of, start, end", [
    ("last_7_days", D(2026, 3, 3), D(2026, 2, 25), D(2026, 3, 3)),
    ("last_30_days", D(2026, 3, 1), D(2026, 1, 31), D(2026, 3, 1)),
    ("month_to_date", D(2026, 6, 30), D(2026, 6, 1), D(2026, 6, 30)),
    ("month_to_date", D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 1)),
    ("year_to_date", D(2026, 2, 14), D(2026, 1, 1), D(2026, 2, 14)),
    ("last_month", D(2026, 3, 31), D(2026, 2, 1), D(2026, 2, 28)),
    ("last_month", D(2026, 1, 15), D(2025, 12, 1), D(2025, 12, 31)),
    ("last_month", D(2024, 3, 1), D(2024, 2, 1), D(2024, 2, 29)),
    ("last_12_months", D(2026, 6, 30), D(2025, 7, 1), D(2026, 6, 30)),
    ("last_12_months", D(2026, 1, 10), D(2025, 2, 1), D(2026, 1, 10)),
])
def test_relative_ranges(relative, as_of, start, end):
    assert resolve(DateRange(relative=relative), as_of=as_of) == Period(start, end)


def test_as_of_precedence_spec_then_caller_then_today():
    fixed = DateRange(relative="month_to_date", as_of=D(2025, 5, 20))
    assert resolve(fixed, as_of=D(2026, 1, 1)) == Period(D(2025, 5, 1), D(2025, 5, 20))
    floating = DateRange(relative="month_to_date")
    assert resolve(floating, as_of=D(2026, 1, 9)).end == D(2026, 1, 9)
    assert resolve(floating).end == dt.date.today()
    explicit = DateRange(start=D(2026, 1, 1), end=D(2026, 1, 31))
    assert resolve(explicit, as_of=D(2020, 1, 1)) == Period(D(2026, 1, 1), D(2026, 1, 31))


def test_add_months_clamps_to_month_end():
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert add_months(D(2024, 2, 29), -12) == D(2023, 2, 28)
    assert add_months(D(2026, 1, 15), 13) == D(2027, 2, 15)


@pytest.mark.parametrize("period, comparison, expected", [
    (Period(D(2026, 3, 1), D(2026, 3, 31)), "previous_period", Period(D(2026, 2, 1), D(2026, 2, 28))),
    (Period(D(2026, 6, 1), D(2026, 6, 17)), "previous_period", Period(D(2026, 5, 1), D(2026, 5, 17))),
    (Period(D(2026, 3, 1), D(2026, 3, 30)), "previous_period", Period(D(2026, 2, 1), D(2026, 2, 28))),
    (Period(D(2026, 4, 1), D(2026, 6, 30)), "previous_period", Period(D(2026, 1, 1), D(2026, 3, 31))),
    (Period(D(2026, 2, 25), D(2026, 3, 3)), "previous_period", Period(D(2026, 2, 18), D(2026, 2, 24))),
    (Period(D(2026, 1, 1), D(2026, 6, 30)), "previous_year", Period(D(2025, 1, 1), D(2025, 6, 30))),
    (Period(D(2024, 2, 1), D(2024, 2, 29)), "previous_year", Period(D(2023, 2, 1), D(2023, 2, 28))),
    (Period(D(2025, 2, 1), D(2025, 2, 28)), "previous_year", Period(D(2024, 2, 1), D(2024, 2, 29))),
    (Period(D(2026, 1, 1), D(2026, 1, 31)), "none", None),
])
def test_comparison_periods(period, comparison, expected):
    assert comparison_period(period, comparison) == expected


@pytest.mark.parametrize("day, start, grain, index", [
    (D(2026, 1, 5), D(2026, 1, 1), "day", 4),
    (D(2026, 1, 5), D(2026, 1, 1), "week", 1),  # 1 Jan 2026 is a Thursday, 5 Jan a Monday
    (D(2026, 1, 4), D(2026, 1, 1), "week", 0),
    (D(2026, 3, 1), D(2025, 12, 15), "month", 3),
    (D(2026, 4, 1), D(2025, 12, 1), "quarter", 2),
    (D(2027, 1, 1), D(2026, 6, 1), "year", 1),
])
def test_bucket_index(day, start, grain, index):
    assert bucket_index(day, start, grain) == index
