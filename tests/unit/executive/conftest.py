"""A hand-made DuckDB warehouse with just the marts the executive e-mail reads.

Small enough to reason about by hand: a few days in June 2026, two agents, two destinations.
`mini_warehouse.write(...)` replaces rows so a test can restate a day between two sends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

AS_OF = dt.date(2026, 6, 30)

# (booking_id, agent_id, destination, booked_date, revenue, cash, is_revenue)
BOOKINGS = [
    (1, 1, "Jaipur", dt.date(2026, 6, 23), Decimal("1000.000"), Decimal("500.000"), True),
    (2, 2, "Udaipur", dt.date(2026, 6, 29), Decimal("2000.000"), Decimal("0.000"), True),
    (3, 1, "Jaipur", dt.date(2026, 6, 30), Decimal("3000.500"), Decimal("1000.000"), True),
    (4, 2, "Jaipur", dt.date(2026, 6, 30), Decimal("1500.250"), Decimal("1500.250"), True),
    (5, 2, "Udaipur", dt.date(2026, 6, 30), Decimal("0.000"), Decimal("0.000"), False),  # cancelled
]
# date -> (quotes_requested, quotes_converted)
QUOTES = {dt.date(2026, 6, 23): (2, 1), dt.date(2026, 6, 29): (4, 1), dt.date(2026, 6, 30): (5, 2)}


@dataclass
class MiniWarehouse:
    path: Path

    def connect(self):
        from tourstack.warehouse import connect_duckdb

        return connect_duckdb(self.path)

    def write(self, bookings=BOOKINGS, quotes=QUOTES, *, newest_booking_at=None, loaded_at=None) -> None:
        import duckdb

        con = duckdb.connect(str(self.path))
        try:
            con.execute("create schema if not exists marts; create schema if not exists raw")
            con.execute("create or replace table marts.dim_agents (agent_id bigint, agent_name varchar, agency_name varchar)")
            con.execute("insert into marts.dim_agents values (1, 'Asha Rao', 'Rao Travels'), (2, 'Ben Ito', 'Ito Tours')")
            con.execute(
                "create or replace table marts.kpi_bookings (booking_id bigint, agent_id bigint, destination_id bigint,"
                " destination_name varchar, destination_country_name varchar, booked_date date, booked_at timestamp,"
                " revenue_base numeric(18,3), cash_received_base numeric(18,3), is_revenue boolean)"
            )
            for b in bookings:
                at = dt.datetime.combine(b[3], dt.time(10, 0))
                con.execute("insert into marts.kpi_bookings values (?,?,?,?,?,?,?,?,?,?)",
                            [b[0], b[1], 1 if b[2] == "Jaipur" else 2, b[2], "India", b[3], at, b[4], b[5], b[6]])
            if newest_booking_at is not None:
                con.execute("update marts.kpi_bookings set booked_at = ?", [newest_booking_at])
            con.execute(
                "create or replace table marts.exec_kpi_daily (date_day date, revenue_base numeric(18,3),"
                " bookings_count bigint, cash_received_base numeric(18,3), quotes_requested bigint,"
                " quotes_converted bigint, revenue_mtd_base numeric(18,3), revenue_ytd_base numeric(18,3),"
                " bookings_mtd_count bigint, cash_received_mtd_base numeric(18,3))"
            )
            day, mtd, cnt, cash_mtd = dt.date(2026, 6, 1), Decimal(0), 0, Decimal(0)
            while day <= AS_OF:
                rows = [b for b in bookings if b[3] == day]
                rev = sum((b[4] for b in rows), Decimal("0.000"))
                n = sum(1 for b in rows if b[6])
                cash = sum((b[5] for b in rows if b[6]), Decimal("0.000"))
                mtd, cnt, cash_mtd = mtd + rev, cnt + n, cash_mtd + cash
                q = QUOTES.get(day, (0, 0)) if quotes is QUOTES else quotes.get(day, (0, 0))
                con.execute("insert into marts.exec_kpi_daily values (?,?,?,?,?,?,?,?,?,?)",
                            [day, rev, n, cash, q[0], q[1], mtd, mtd + Decimal("100000"), cnt, cash_mtd])
                day += dt.timedelta(days=1)
            con.execute("create or replace table raw._ingest_state (table_name varchar, watermark timestamp, loaded_at timestamp)")
            if loaded_at is not None:
                con.execute("insert into raw._ingest_state values ('bookings', ?, ?)", [loaded_at, loaded_at])
        finally:
            con.close()


@pytest.fixture
def mini_warehouse(tmp_path) -> MiniWarehouse:
    wh = MiniWarehouse(tmp_path / "mini.duckdb")
    wh.write(loaded_at=dt.datetime(2026, 6, 30, 23, 0))
    return wh
