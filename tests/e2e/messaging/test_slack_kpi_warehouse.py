"""`/tourstack kpi` and the daily digest read the semantic layer on a real warehouse (the
session's tiny DuckDB book) and show the dashboards' own daily numbers (marts.exec_kpi_daily)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from reports.builder.source import ReportSource
from tourstack.messaging.slash import KPI_METRICS, day_metrics, kpi_answer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


def test_a_days_kpis_are_the_dashboards_daily_numbers(tiny_warehouse):
    with duckdb.connect(str(tiny_warehouse.duckdb_path), read_only=True) as con:
        day, bookings, cancelled, revenue, cash = con.execute(
            "select date_day, bookings_count, cancelled_bookings_count, revenue_base, cash_received_base "
            "from marts.exec_kpi_daily where bookings_count > 0 order by bookings_count desc, date_day limit 1"
        ).fetchone()
    source = ReportSource("duckdb", tiny_warehouse.semantic_manifest, duckdb_path=tiny_warehouse.duckdb_path)
    got = day_metrics(source.run, day)
    assert set(KPI_METRICS) <= set(got)
    assert (got["bookings"], got["cancelled_bookings"] or 0) == (bookings, cancelled)
    assert Decimal(str(got["revenue"])) == Decimal(str(revenue))
    assert Decimal(str(got["cash_received"] or 0)) == Decimal(str(cash or 0))
    answer = kpi_answer(day, got)
    fields = [fld["text"] for block in answer["blocks"] for fld in block.get("fields", [])]
    assert f"*Bookings*\n{bookings:,}" in fields
    assert day_metrics(source.run, dt.date(1990, 1, 1)) == {}  # a day without bookings: no numbers, zeros shown
