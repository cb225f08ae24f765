"""The executive e-mails on the tiny demo warehouse: every figure equals a direct SQL over the
marts, the e-mail reaches the outbox with its attachments, and the archive holds it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from reports.executive import ExecutiveEmailConfig, send_executive_email
from reports.executive.periods import weekly_periods
from reports.executive.view import money
from tourstack.mail import OutboxTransport
from tourstack.warehouse import connect_duckdb, query

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


@pytest.fixture
def setup(tiny_warehouse, db_url, tmp_path):
    config = ExecutiveEmailConfig(
        recipients=("ceo@tourstack.example",), sender="Tourstack <reports@tourstack.example>",
        archive_dir=tmp_path / "email_archive", charts=False,
    )
    conn = connect_duckdb(tiny_warehouse.duckdb_path)
    yield conn, config, OutboxTransport(tmp_path / "outbox")
    conn.close()


def _read(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_daily_email_figures_equal_the_marts(tiny_warehouse, db_url, setup):
    conn, config, outbox = setup
    as_of = tiny_warehouse.as_of
    archived = send_executive_email(
        "daily", warehouse=conn, operational_url=db_url, as_of=as_of, transport=outbox, config=config,
    )
    revenue, bookings, avg, conversion, agents, cash, share, mtd, ytd = query(
        conn,
        "select revenue_base, bookings_count, avg_booking_value_base, quote_conversion_rate, active_agents,"
        " cash_received_base, cash_received_share, revenue_mtd_base, revenue_ytd_base"
        " from marts.exec_kpi_daily where date_day = ?",
        (as_of,),
    )[0]
    k = archived.figures.current
    assert bookings > 0, "the tiny demo books on its as-of day"
    assert (k.revenue, k.bookings, k.active_agents, k.cash_received) == (revenue, bookings, agents, cash)
    assert k.avg_booking_value == avg and k.cash_share == share
    # Conversion is read over the requests of the 30 days ending on the as-of day, from the same mart.
    [(requested, converted)] = query(
        conn,
        "select sum(quotes_requested), sum(quotes_converted) from marts.exec_kpi_daily"
        " where date_day between ? and ?",
        (as_of - dt.timedelta(days=29), as_of),
    )
    assert (k.quotes_requested, k.quotes_converted) == (requested, converted) and requested > 0
    assert k.quote_conversion == (Decimal(converted) / Decimal(requested)).quantize(
        Decimal("0.00000001"), rounding=ROUND_HALF_UP)
    del conversion  # the mart's one-day rate is not what the e-mail shows
    assert (archived.figures.to_date.revenue_mtd, archived.figures.to_date.revenue_ytd) == (mtd, ytd)
    prev = query(conn, "select revenue_base, bookings_count from marts.exec_kpi_daily where date_day = ?",
                 (archived.figures.periods.previous.start,))[0]
    assert (archived.figures.comparisons["previous"].revenue, archived.figures.comparisons["previous"].bookings) == prev
    [(top_name, top_revenue)] = query(
        conn,
        "select destination_name, sum(revenue_base) from marts.kpi_bookings where is_revenue and booked_date = ?"
        " group by destination_id, destination_name order by 2 desc, 1 limit 1",
        (as_of,),
    )
    assert (archived.figures.top_destinations[0].name, archived.figures.top_destinations[0].revenue) == (
        top_name, top_revenue)

    msg = _read(archived.delivery.path)
    assert money(revenue, "INR") in msg["Subject"]
    html = msg.get_body(("html",)).get_content()
    assert money(revenue, "INR") in html and f">{bookings:,}<" in html
    from pypdf import PdfReader

    pdf = next(p for p in msg.walk() if p.get_content_type() == "application/pdf")
    assert money(revenue, "INR") in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert archived.status == "sent", archived.reason
    snap = archived.snapshot
    assert snap["figures"]["current"]["revenue"] == str(revenue)
    assert json.loads(json.dumps(snap)) == snap


def test_weekly_email_figures_equal_the_marts(tiny_warehouse, db_url, setup):
    conn, config, outbox = setup
    as_of = tiny_warehouse.as_of
    archived = send_executive_email(
        "weekly", warehouse=conn, operational_url=db_url, as_of=as_of, transport=outbox, config=config,
    )
    week = weekly_periods(as_of).current
    revenue, bookings, agents, cash = query(
        conn,
        "select sum(revenue_base), count(*), count(distinct agent_id), sum(cash_received_base)"
        " from marts.kpi_bookings where is_revenue and booked_date between ? and ?",
        (week.start, week.end),
    )[0]
    k = archived.figures.current
    assert (archived.period_start, archived.period_end) == (week.start, week.end)
    assert (k.revenue, k.bookings, k.active_agents, k.cash_received) == (revenue, bookings, agents, cash)
    daily_sum = query(conn, "select sum(revenue_base), sum(bookings_count) from marts.exec_kpi_daily"
                            " where date_day between ? and ?", (week.start, week.end))[0]
    assert (k.revenue, k.bookings) == daily_sum
    assert money(revenue, "INR") in _read(archived.delivery.path)["Subject"]


def test_send_from_settings(tiny_warehouse, db_url, tmp_path):
    from tourstack.settings import Settings

    settings = Settings(home=tmp_path, warehouse="duckdb", duckdb_path=tiny_warehouse.duckdb_path)
    archived = send_executive_email(
        "daily", warehouse=settings, operational_url=db_url, as_of=tiny_warehouse.as_of,
        transport=OutboxTransport(settings.outbox_dir),
        config=ExecutiveEmailConfig.from_settings(settings, charts=False),
    )
    assert archived.delivered and archived.delivery.path.parent == tmp_path / "outbox"
    assert archived.eml_path.parent == tmp_path / "email_archive" / "daily"
