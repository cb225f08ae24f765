"""Reading the marts for the dashboards, on DuckDB or PostgreSQL alike.

Why a thin layer over `tourstack.warehouse.query`: every page reads a handful of marts as lists
of dicts, and the same SQL (schema-qualified `marts.<table>`, `?` placeholders, no dialect
functions) must run on both engines. Values come back as the drivers return them: `Decimal` for
numeric columns, `date` for dates. Nothing is converted to float here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Sequence

from tourstack.warehouse import query

SCHEMA = "marts"


def connection_of(conn_or_warehouse: Any) -> Any:
    """A DB-API connection from a duckdb/psycopg connection or a tourstack.ingest.load
    warehouse object (which keeps its connection in `.con` / `.conn`)."""
    for attr in ("con", "conn"):
        inner = getattr(conn_or_warehouse, attr, None)
        if inner is not None and hasattr(inner, "execute"):
            return inner
    return conn_or_warehouse


def select(
    conn: Any,
    table: str,
    columns: Sequence[str],
    *,
    where: str = "",
    order: str = "",
    params: Sequence[Any] = (),
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """`columns` of `marts.<table>` as dicts. Table, column and clause text come from this
    package's code only; values always travel as bound parameters."""
    sql = f"select {', '.join(columns)} from {SCHEMA}.{table}"
    if where:
        sql += f" where {where}"
    if order:
        sql += f" order by {order}"
    if limit is not None:
        sql += f" limit {int(limit)}"
    return [dict(zip(columns, row)) for row in query(conn, sql, params)]


def scalar(conn: Any, sql: str, params: Sequence[Any] = ()) -> Any:
    rows = query(conn, sql, params)
    return rows[0][0] if rows else None


def to_float(value: Any) -> float | None:
    """The plotting boundary: plotly serialises floats. Displayed figures never come from here."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else value


def floats(rows: list[dict[str, Any]], column: str) -> list[float | None]:
    return [to_float(r[column]) for r in rows]


def sum_by(rows: list[dict[str, Any]], keys: Sequence[str], column: str) -> dict[tuple, Decimal]:
    """Exact totals of `column` per distinct tuple of `keys`, in first-seen order; nulls add 0.

    Why here and not in SQL: pages read a period of monthly rows once and fold them to the
    level a chart needs; Decimal keeps the folded totals equal to the marts' own sums."""
    totals: dict[tuple, Decimal] = {}
    for r in rows:
        key = tuple(r[k] for k in keys)
        totals[key] = totals.get(key, Decimal(0)) + (r[column] or Decimal(0))
    return totals


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Freshness:
    """How current the warehouse is: the newest booking in the marts and the last ingest."""

    as_of: dt.date
    newest_booking_at: dt.datetime | None
    last_loaded_at: dt.datetime | None

    @property
    def lag_days(self) -> int | None:
        if self.newest_booking_at is None:
            return None
        return (self.as_of - self.newest_booking_at.date()).days


def _has_table(conn: Any, schema: str, table: str) -> bool:
    return bool(scalar(
        conn,
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        (schema, table),
    ))


def freshness(conn: Any, as_of: dt.date | None = None) -> Freshness:
    """`as_of` defaults to the newest booking date (the data's own "today"; exec_kpi_daily runs on
    into the future with travel dates)."""
    newest = scalar(conn, f"select max(booked_at) from {SCHEMA}.kpi_bookings")
    loaded = None
    if _has_table(conn, "raw", "_ingest_state"):
        loaded = scalar(conn, "select max(loaded_at) from raw._ingest_state")
    if as_of is None:
        as_of = scalar(conn, f"select max(booked_date) from {SCHEMA}.kpi_bookings")
        as_of = as_of or dt.datetime.now(dt.UTC).date()
    return Freshness(as_of=as_of, newest_booking_at=newest, last_loaded_at=loaded)


def last_complete_month(as_of: dt.date) -> dt.date:
    """First day of the newest calendar month that ends on or before `as_of`."""
    this = month_start(as_of)
    return this if (as_of + dt.timedelta(days=1)).day == 1 else add_months(this, -1)


def reference_month(conn: Any, as_of: dt.date) -> dt.date:
    """The month the tiles describe: the newest complete booking month of exec_kpi_monthly up to
    `as_of` (later rows only carry revenue recognised on future travel dates).

    Why complete: the tiles compare a month with the month before and the same month last year.
    A month in progress against whole months reads as a collapse on the 1st (one day against
    thirty) and understates every figure until its last day. The pages (tiles and charts, which
    end at this month) therefore describe whole months; the days of the month in progress are in
    the daily executive e-mail and the month-to-date columns of exec_kpi_daily."""
    month = scalar(
        conn,
        f"select max(month_start) from {SCHEMA}.exec_kpi_monthly"
        " where is_booking_period and month_start <= ?",
        (last_complete_month(as_of),),
    )
    return month or month_start(as_of)


def by_month(rows: list[dict[str, Any]], key: str = "month_start") -> dict[dt.date, dict[str, Any]]:
    return {r[key]: r for r in rows}


def comparisons(
    rows: list[dict[str, Any]], month: dt.date, column: str
) -> tuple[Any, Any, Any]:
    """(this month, previous month, same month last year) of `column`; None where absent."""
    index = by_month(rows)

    def get(m: dt.date) -> Any:
        row = index.get(m)
        return None if row is None else row[column]

    return get(month), get(add_months(month, -1)), get(add_months(month, -12))
