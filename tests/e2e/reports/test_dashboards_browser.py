"""The dashboards in a real headless Chromium, opened from file:// with no network: every graph
draws (the world map from the bundled topojson), nothing is fetched from outside, and the
executive tiles show the mart's figures. No timing assertions: see bench/dashboard_load.py."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from reports.dashboards import DASHBOARDS, write_dashboards
from reports.dashboards.browser import load_pages

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


@pytest.fixture(scope="module")
def loads(tiny_warehouse, chromium, tmp_path_factory):
    out = tmp_path_factory.mktemp("dashboards_browser")
    with duckdb.connect(str(tiny_warehouse.duckdb_path), read_only=True) as con:
        write_dashboards(con, out)
        month = con.execute("select max(month_start) from marts.exec_kpi_monthly"
                            " where is_booking_period and month_start <= ?",
                            [tiny_warehouse.as_of]).fetchone()[0]
        mart = dict(zip(("revenue", "bookings", "quote_conversion"), con.execute(
            "select revenue_base, bookings_count, quote_conversion_rate"
            " from marts.exec_kpi_monthly where month_start = ?", [month]).fetchone()))
    urls = [(out / f"{name}.html").as_uri() for name in DASHBOARDS]
    results = load_pages(chromium, urls, timeout=90)
    return {name: result[0] for name, result in zip(DASHBOARDS, results)}, mart


@pytest.mark.parametrize("name", DASHBOARDS)
def test_every_graph_renders_offline(loads, name):
    load = loads[0][name]
    assert load.state == "true", (load.detail, load.errors)
    assert load.errors == [] and load.failed == []
    assert load.external_requests == []
    assert load.expected_graphs >= 4
    assert load.graphs == load.drawn == load.expected_graphs
    assert load.main_svgs >= load.graphs
    assert load.ready_ms is not None and load.ready_ms > 0


def test_executive_map_and_tiles(loads):
    results, mart = loads
    load = results["executive"]
    assert load.geo_paths > 50  # land, countries and coastlines drawn from the bundled topojson
    tiles = {t["key"]: t for t in load.tiles}
    for key, value in mart.items():
        assert Decimal(tiles[key]["value"]) == value, key
    assert tiles["revenue"]["shown"].startswith("INR ")
