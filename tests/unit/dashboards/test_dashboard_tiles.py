"""KPI tile deltas and formatting, and the signed dashboard links."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.dashboards import links
from reports.dashboards.tiles import Tile, delta, format_delta, format_value, tile_html


def test_relative_change_for_money_and_counts():
    d = delta(Decimal("150.00"), Decimal("100.00"), "money", "vs prev. month")
    assert d.change == Decimal(50) and d.direction == 1
    assert format_delta(d, "money") == "+50.0 %"
    down = delta(8, 10, "count", "x")
    assert down.change == Decimal(-20) and down.direction == -1
    assert format_delta(down, "count") == "−20.0 %"


def test_growth_from_a_negative_base_keeps_its_sign():
    assert delta(Decimal("-50"), Decimal("-100"), "money", "x").change == Decimal(50)


@pytest.mark.parametrize(
    ("current", "previous", "reason"),
    [(Decimal("10"), Decimal("0"), "new"), (0, 0, "n/a"), (Decimal("5"), None, "n/a"),
     (None, Decimal("5"), "n/a"), (None, None, "n/a")],
)
def test_zero_or_missing_previous_has_no_percentage(current, previous, reason):
    d = delta(current, previous, "money", "vs prev. month")
    assert d.change is None and d.direction == 0 and d.reason == reason
    assert format_delta(d, "money") == reason


def test_rates_change_in_percentage_points_even_from_zero():
    d = delta(Decimal("0.25"), Decimal("0.20"), "rate", "x")
    assert d.change == Decimal("5.00") and format_delta(d, "rate") == "+5.0 pp"
    assert delta(Decimal("0.10"), Decimal("0"), "rate", "x").change == Decimal("10.00")
    assert format_delta(delta(Decimal("0.2"), Decimal("0.2"), "rate", "x"), "rate") == "±0.0 pp"


def test_values_are_formatted_from_the_exact_decimal():
    assert format_value(Decimal("4135317.235"), "money", "INR") == "INR 4,135,317.24"
    assert format_value(Decimal("0.40425532"), "rate") == "40.4 %"
    assert format_value(1234, "count") == "1,234"
    assert format_value(Decimal("12.25"), "hours") == "12.3 h"
    assert format_value(None, "money", "INR") == "–"


def test_tile_html_shows_arrow_colour_and_raw_value():
    tile = Tile("Revenue", Decimal("120.50"), "money", Decimal("100"), Decimal("150"),
                currency="INR", key="revenue")
    out = tile_html(tile)
    assert 'data-kpi="revenue"' in out and 'data-value="120.50"' in out
    assert "INR</span> <span class=\"amount\">120.50</span>" in out
    assert 'class="delta up"' in out and "▲" in out  # +20.5 % vs previous month
    assert 'class="delta down"' in out and "▼" in out  # −19.7 % vs last year


def test_lower_is_better_turns_a_rise_red():
    out = tile_html(Tile("Pending", 12, "count", 10, None, higher_is_better=False, key="p"))
    assert 'class="delta down"' in out and "▲" in out
    assert 'class="delta flat"' in out and "n/a" in out


def test_tile_html_escapes_labels():
    assert "<script>" not in tile_html(Tile("<script>", 1, key="<b>"))


HASH = "ab" * 32


def test_link_round_trip_and_expiry():
    token, expires = links.issue(7, HASH, ttl_seconds=600, now=1_000_000)
    assert expires == 1_000_600
    claims = links.verify(token, lambda key_id: HASH if key_id == 7 else None, now=1_000_001)
    assert claims == links.LinkToken(7, 1_000_600)
    assert links.verify(token, lambda _: HASH, now=1_000_600) is None  # expired
    assert links.verify(token, lambda _: None, now=1_000_001) is None  # key revoked / unknown
    assert links.verify(token, lambda _: "cd" * 32, now=1_000_001) is None  # other key


def test_links_refuse_tampering_and_long_lives():
    token, _ = links.issue(7, HASH, ttl_seconds=600, now=1_000_000)
    key_id, expires, sig = token.split(".")
    lookup = lambda _: HASH  # noqa: E731
    assert links.verify(f"8.{expires}.{sig}", lookup, now=1_000_001) is None
    assert links.verify(f"{key_id}.{int(expires) + 60}.{sig}", lookup, now=1_000_001) is None
    assert links.verify(token[:-2], lookup, now=1_000_001) is None
    for junk in ("", "1", "a.b.c", "1.2", "../../etc/passwd"):
        assert links.verify(junk, lookup) is None
    far, _ = links.issue(7, HASH, ttl_seconds=links.MAX_TTL_SECONDS, now=2_000_000)
    assert links.verify(far, lookup, now=1_000_000) is None  # expires too far ahead of now
    with pytest.raises(ValueError):
        links.issue(7, HASH, ttl_seconds=links.MAX_TTL_SECONDS + 1)


def test_the_pages_describe_the_newest_complete_month():
    import datetime as dt

    import duckdb

    from reports.dashboards.data import last_complete_month, reference_month

    assert last_complete_month(dt.date(2026, 12, 1)) == dt.date(2026, 11, 1)
    assert last_complete_month(dt.date(2026, 11, 30)) == dt.date(2026, 11, 1)
    assert last_complete_month(dt.date(2024, 2, 29)) == dt.date(2024, 2, 1)
    assert last_complete_month(dt.date(2024, 2, 28)) == dt.date(2024, 1, 1)
    con = duckdb.connect()
    con.execute("create schema marts; create table marts.exec_kpi_monthly"
                " (month_start date, is_booking_period boolean)")
    con.execute("insert into marts.exec_kpi_monthly values ('2026-10-01', true), ('2026-11-01', true),"
                " ('2026-12-01', true), ('2027-01-01', false)")
    # On 1 December, December has one day of bookings: the tiles describe November.
    assert reference_month(con, dt.date(2026, 12, 1)) == dt.date(2026, 11, 1)
    assert reference_month(con, dt.date(2026, 12, 31)) == dt.date(2026, 12, 1)
    # A warehouse whose bookings stop earlier describes its own last booking month.
    con.execute("update marts.exec_kpi_monthly set is_booking_period = false where month_start = '2026-11-01'")
    assert reference_month(con, dt.date(2026, 12, 15)) == dt.date(2026, 10, 1)


def test_a_money_tile_sets_its_currency_apart_but_reads_as_one_figure():
    import re

    html = tile_html(Tile("Revenue", Decimal("176871021.455"), "money", currency="INR", key="revenue"))
    assert '<span class="ccy">INR</span> <span class="amount">176,871,021.46</span>' in html
    text = re.sub(r"<[^>]+>", "", html.split('class="tile-value">', 1)[1].split("</div>", 1)[0])
    assert text == format_value(Decimal("176871021.455"), "money", "INR") == "INR 176,871,021.46"
    count = tile_html(Tile("Bookings", 864, "count", key="bookings"))
    assert '<div class="tile-value">864</div>' in count
