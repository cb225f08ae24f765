"""Resolve a spec's date range to concrete dates, and find the comparison period.

Why calendar-aware rules instead of "shift by N days": a month compared with "the previous
period" should be the previous calendar month (30 vs 31 days), month-to-date the same days of
the previous month, and a year the previous year, otherwise monthly charts line up wrongly.
All ranges are inclusive of both ends.
"""

from __future__ import annotations

import calendar
import datetime as dt

from reports.builder.spec import DateRange
from tourstack.periods import Period


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later (or earlier), clamped to the month's last day (31 Mar - 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def resolve(date_range: DateRange, *, as_of: dt.date | None = None) -> Period:
    """The concrete period. For relative ranges the reference day is, in order: the spec's
    `as_of`, the caller's `as_of` (CLI flag, schedule run date), today."""
    if date_range.relative is None:
        assert date_range.start is not None and date_range.end is not None
        return Period(date_range.start, date_range.end)
    ref = date_range.as_of or as_of or dt.date.today()
    kind = date_range.relative
    if kind == "last_7_days":
        return Period(ref - dt.timedelta(days=6), ref)
    if kind == "last_30_days":
        return Period(ref - dt.timedelta(days=29), ref)
    if kind == "month_to_date":
        return Period(ref.replace(day=1), ref)
    if kind == "year_to_date":
        return Period(ref.replace(month=1, day=1), ref)
    if kind == "last_month":
        first = add_months(ref.replace(day=1), -1)
        return Period(first, _month_end(first))
    if kind == "last_12_months":  # the current month to date and the 11 before it
        return Period(add_months(ref.replace(day=1), -11), ref)
    raise ValueError(f"unknown relative range {kind!r}")  # pragma: no cover - Literal-checked


def _shift(period: Period, months: int) -> Period:
    start = add_months(period.start, months)
    end = _month_end(add_months(period.end, months)) if period.end == _month_end(period.end) \
        else add_months(period.end, months)
    return Period(start, end)


def comparison_period(period: Period, comparison: str) -> Period | None:
    """The period to compare with, or None for `comparison: none`.

    previous_year: the same dates one year earlier (month ends stay month ends).
    previous_period: when the period starts on the 1st of a month it is shifted back by the
    number of calendar months it touches (a month by one month, a quarter by three,
    month-to-date to the same days of the previous month); otherwise by its length in days.
    """
    if comparison == "none":
        return None
    if comparison == "previous_year":
        return _shift(period, -12)
    if comparison != "previous_period":
        raise ValueError(f"unknown comparison {comparison!r}")
    if period.start.day == 1:
        months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
        return _shift(period, -months)
    return Period(period.start - dt.timedelta(days=period.days), period.start - dt.timedelta(days=1))


def bucket_index(day: dt.date, start: dt.date, grain: str) -> int:
    """Position of `day`'s time bucket counted from the bucket holding `start`.

    Why: the current and the comparison rows are joined bucket by bucket (first week with first
    week, January with January), which works for every grain and both comparison kinds."""
    if grain == "day":
        return (day - start).days
    if grain == "week":
        monday = lambda d: d - dt.timedelta(days=d.weekday())  # noqa: E731
        return (monday(day) - monday(start)).days // 7
    months = (day.year - start.year) * 12 + day.month - start.month
    if grain == "month":
        return months
    if grain == "quarter":
        return (day.year * 4 + (day.month - 1) // 3) - (start.year * 4 + (start.month - 1) // 3)
    if grain == "year":
        return day.year - start.year
    raise ValueError(f"unknown grain {grain!r}")
