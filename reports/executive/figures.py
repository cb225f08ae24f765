"""The executive figures of a period, read from the executive marts.

Why sums over `exec_kpi_daily` rather than one SQL per kind: the daily and the weekly e-mail
then read the same rows the dashboards show, so a figure in an e-mail always matches the mart.
Only what cannot be summed across days is read from `kpi_bookings` (distinct active agents, and
the per-destination and per-agent rankings of an arbitrary range of days).

Money stays `Decimal` (the marts' numeric(18,3)); ratios are recomputed from the summed parts
with the marts' rounding (average booking value 2 decimals, shares 8 decimals, half up).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reports.executive.periods import Period, ReportPeriods
from tourstack.warehouse import query

CENT = Decimal("0.01")
# Quote conversion in an e-mail is read over the requests of the last 30 days ending on the
# period's last day. Why not the period's own requests: most quotes convert a few days after the
# request, so yesterday's requests show ~0 % and the tile would only measure the calendar.
CONVERSION_WINDOW_DAYS = 30
RATIO = Decimal("0.00000001")
ZERO = Decimal("0")


def _dec(value: Any) -> Decimal:
    return ZERO if value is None else value if isinstance(value, Decimal) else Decimal(str(value))


def ratio(numerator: Decimal | int, denominator: Decimal | int, quantum: Decimal = RATIO) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Kpis:
    """The tile figures of one period."""

    revenue: Decimal
    bookings: int
    cash_received: Decimal
    quotes_requested: int
    quotes_converted: int
    active_agents: int
    days_in_data: int = 0  # days of the period present in the mart (0: nothing loaded yet)

    @property
    def avg_booking_value(self) -> Decimal | None:
        return ratio(self.revenue, self.bookings, CENT)

    @property
    def quote_conversion(self) -> Decimal | None:
        return ratio(self.quotes_converted, self.quotes_requested)

    @property
    def cash_share(self) -> Decimal | None:
        return ratio(self.cash_received, self.revenue) if self.revenue > 0 else None

    def metrics(self) -> dict[str, Decimal | int | None]:
        """Every figure shown, by metric name (the names used in snapshots and deltas)."""
        return {
            "revenue": self.revenue,
            "bookings": self.bookings,
            "avg_booking_value": self.avg_booking_value,
            "quote_conversion": self.quote_conversion,
            "active_agents": self.active_agents,
            "cash_received": self.cash_received,
            "cash_share": self.cash_share,
        }


@dataclass(frozen=True)
class Ranked:
    name: str
    bookings: int
    revenue: Decimal
    detail: str = ""  # the agent's agency, the destination's country


@dataclass(frozen=True)
class ToDate:
    """Month- and year-to-date totals through the period's last day."""

    revenue_mtd: Decimal
    revenue_ytd: Decimal
    bookings_mtd: int
    cash_received_mtd: Decimal


@dataclass(frozen=True)
class TrendPoint:
    start: dt.date
    revenue: Decimal
    bookings: int


@dataclass
class Figures:
    periods: ReportPeriods
    base_currency: str
    current: Kpis
    comparisons: dict[str, Kpis]  # "previous", "reference"
    to_date: ToDate
    top_destinations: list[Ranked]
    top_agents: list[Ranked]
    trend: list[TrendPoint]
    extra: dict[str, Any] = field(default_factory=dict)

    def by_period(self) -> dict[str, dict[str, Decimal | int | None]]:
        """Figures keyed by period key: what a later e-mail compares to detect restatements."""
        out = {self.periods.current.key: self.current.metrics()}
        for name, period in self.periods.comparisons().items():
            out.setdefault(period.key, self.comparisons[name].metrics())
        return out


def sum_days(rows: list[tuple], active_agents: int) -> Kpis:
    """Sum exec_kpi_daily rows (revenue, bookings, cash, quotes requested, quotes converted)."""
    return Kpis(
        revenue=sum((_dec(r[0]) for r in rows), ZERO),
        bookings=sum(int(r[1] or 0) for r in rows),
        cash_received=sum((_dec(r[2]) for r in rows), ZERO),
        quotes_requested=sum(int(r[3] or 0) for r in rows),
        quotes_converted=sum(int(r[4] or 0) for r in rows),
        active_agents=active_agents,
        days_in_data=len(rows),
    )


def weekly_trend(daily: list[TrendPoint], first_monday: dt.date) -> list[TrendPoint]:
    """Fold daily points into Monday-started weeks (weeks without rows show 0)."""
    weeks: dict[dt.date, TrendPoint] = {}
    last = max((p.start for p in daily), default=first_monday)
    monday = first_monday
    while monday <= last:
        weeks[monday] = TrendPoint(monday, ZERO, 0)
        monday += dt.timedelta(days=7)
    for p in daily:
        key = p.start - dt.timedelta(days=p.start.weekday())
        if key in weeks:
            w = weeks[key]
            weeks[key] = TrendPoint(key, w.revenue + p.revenue, w.bookings + p.bookings)
    return list(weeks.values())


_DAYS_SQL = (
    "select revenue_base, bookings_count, cash_received_base, quotes_requested, quotes_converted"
    " from marts.exec_kpi_daily where date_day between ? and ?"
)
_QUOTES_SQL = (
    "select sum(quotes_requested), sum(quotes_converted)"
    " from marts.exec_kpi_daily where date_day between ? and ?"
)
_AGENTS_SQL = (
    "select count(distinct agent_id) from marts.kpi_bookings"
    " where is_revenue and booked_date between ? and ?"
)
_TO_DATE_SQL = (
    "select revenue_mtd_base, revenue_ytd_base, bookings_mtd_count, cash_received_mtd_base"
    " from marts.exec_kpi_daily where date_day = ?"
)
_DESTINATIONS_SQL = (
    "select destination_name, destination_country_name, count(*), sum(revenue_base)"
    " from marts.kpi_bookings where is_revenue and booked_date between ? and ?"
    " group by destination_id, destination_name, destination_country_name"
    " order by sum(revenue_base) desc, destination_name limit ?"
)
_AGENTS_TOP_SQL = (
    "select coalesce(a.agent_name, 'Agent ' || cast(k.agent_id as varchar)), coalesce(a.agency_name, ''),"
    " count(*), sum(k.revenue_base)"
    " from marts.kpi_bookings k left join marts.dim_agents a on a.agent_id = k.agent_id"
    " where k.is_revenue and k.booked_date between ? and ?"
    " group by k.agent_id, a.agent_name, a.agency_name"
    " order by sum(k.revenue_base) desc, 1 limit ?"
)
_TREND_SQL = (
    "select date_day, revenue_base, bookings_count from marts.exec_kpi_daily"
    " where date_day between ? and ? order by date_day"
)


def conversion_window(period: Period) -> Period:
    """The requests a period's quote conversion is read over (at least the period itself)."""
    start = min(period.start, period.end - dt.timedelta(days=CONVERSION_WINDOW_DAYS - 1))
    return Period(start, period.end)


def load_kpis(conn: Any, period: Period) -> Kpis:
    rows = query(conn, _DAYS_SQL, (period.start, period.end))
    agents = query(conn, _AGENTS_SQL, (period.start, period.end))[0][0] or 0
    window = conversion_window(period)
    requested, converted = query(conn, _QUOTES_SQL, (window.start, window.end))[0]
    return replace(sum_days(rows, int(agents)), quotes_requested=int(requested or 0),
                   quotes_converted=int(converted or 0))


def load_to_date(conn: Any, day: dt.date) -> ToDate:
    rows = query(conn, _TO_DATE_SQL, (day,))
    if not rows:
        return ToDate(ZERO, ZERO, 0, ZERO)
    r = rows[0]
    return ToDate(_dec(r[0]), _dec(r[1]), int(r[2] or 0), _dec(r[3]))


def load_ranked(conn: Any, sql: str, period: Period, limit: int) -> list[Ranked]:
    return [
        Ranked(str(name), int(n), _dec(revenue), str(detail or ""))
        for name, detail, n, revenue in query(conn, sql, (period.start, period.end, limit))
    ]


def load_figures(conn: Any, periods: ReportPeriods, *, base_currency: str, top_n: int = 5) -> Figures:
    current = periods.current
    daily = [
        TrendPoint(d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)), _dec(rev), int(n or 0))
        for d, rev, n in query(conn, _TREND_SQL, (periods.trend_start, current.end))
    ]
    trend = weekly_trend(daily, periods.trend_start) if periods.kind == "weekly" else daily
    return Figures(
        periods=periods,
        base_currency=base_currency,
        current=load_kpis(conn, current),
        comparisons={name: load_kpis(conn, p) for name, p in periods.comparisons().items()},
        to_date=load_to_date(conn, current.end),
        top_destinations=load_ranked(conn, _DESTINATIONS_SQL, current, top_n),
        top_agents=load_ranked(conn, _AGENTS_TOP_SQL, current, top_n),
        trend=trend,
    )


def plain(value: Any) -> Any:
    """JSON-safe form of figures: Decimals as strings (exact), dates as ISO strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return plain(asdict(value))
    return value
