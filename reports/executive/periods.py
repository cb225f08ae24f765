"""Which days an executive e-mail covers, and what each figure is compared with.

Daily: the as-of day itself, compared with the day before and with the same weekday a week
earlier (weekly seasonality is strong in B2B travel: agents book on weekdays). Weekly: the last
complete ISO week (Monday-Sunday) on or before as_of, compared with the week before and with
the same ISO week a year earlier (travel demand is seasonal by week of year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from tourstack.periods import Period

Kind = Literal["daily", "weekly"]


@dataclass(frozen=True)
class ReportPeriods:
    kind: Kind
    as_of: dt.date
    current: Period
    previous: Period  # the day / week before
    reference: Period  # same weekday last week / same ISO week last year
    reference_name: str
    trend_start: dt.date  # first day shown in the revenue trend chart

    def comparisons(self) -> dict[str, Period]:
        return {"previous": self.previous, "reference": self.reference}


def iso_week(year: int, week: int) -> Period:
    start = dt.date.fromisocalendar(year, week, 1)
    return Period(start, start + dt.timedelta(days=6))


def daily_periods(as_of: dt.date) -> ReportPeriods:
    day = Period(as_of, as_of)
    prev = as_of - dt.timedelta(days=1)
    week_ago = as_of - dt.timedelta(days=7)
    return ReportPeriods(
        "daily", as_of, day, Period(prev, prev), Period(week_ago, week_ago),
        "same weekday last week", as_of - dt.timedelta(days=29),
    )


def last_complete_week(as_of: dt.date) -> Period:
    """The ISO week ending on the last Sunday on or before as_of."""
    sunday = as_of - dt.timedelta(days=as_of.isoweekday() % 7)
    return Period(sunday - dt.timedelta(days=6), sunday)


def weekly_periods(as_of: dt.date) -> ReportPeriods:
    week = last_complete_week(as_of)
    prev = Period(week.start - dt.timedelta(days=7), week.start - dt.timedelta(days=1))
    iso = week.start.isocalendar()
    try:
        last_year = iso_week(iso.year - 1, iso.week)
    except ValueError:  # week 53 with no week 53 the year before: compare with week 52
        last_year = iso_week(iso.year - 1, 52)
    return ReportPeriods(
        "weekly", as_of, week, prev, last_year, "same week last year", week.start - dt.timedelta(weeks=11),
    )


def report_periods(kind: Kind, as_of: dt.date) -> ReportPeriods:
    if kind == "daily":
        return daily_periods(as_of)
    if kind == "weekly":
        return weekly_periods(as_of)
    raise ValueError(f"kind must be 'daily' or 'weekly', not {kind!r}")
