"""The six dashboards built from the tiny demo warehouse: files, page structure, figures from the
marts, and the Dagster asset."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from reports.dashboards import DASHBOARDS, build_pages, write_dashboards
from reports.dashboards.tiles import format_value
from reports.dashboards.writer import PLOTLY_JS

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


class _Page(HTMLParser):
    """The parts of a dashboard page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.nav, self.active, self.tiles, self.charts, self.scripts = [], None, [], [], []
        self.tables, self.stamp, self._tile, self._capture = 0, {}, None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if self._capture:
            self._depth += 1
        if tag == "a" and a.get("href", "").endswith(".html"):
            self.nav.append(a["href"])
            if "active" in cls:
                self.active = a["href"]
        if tag == "script" and "src" in a:
            self.scripts.append(a["src"])
        if "tile" in cls:
            self._tile = {"key": a["data-kpi"], "value": a["data-value"], "deltas": 0}
            self.tiles.append(self._tile)
        if "tile-value" in cls:  # its whole text, spans included ("INR" + amount)
            self._capture, self._depth = "shown", 0
            self._tile["shown"] = ""
        if "delta" in cls and self._tile is not None:
            self._tile["deltas"] += 1
        if "chart" in cls:
            self.charts.append(a["id"])
        if tag == "table" and "board" in cls:
            self.tables += 1
        if "stamp" in cls:
            self.stamp = a

    def handle_endtag(self, tag):
        if self._capture:
            if self._depth == 0:
                self._capture = None
            else:
                self._depth -= 1

    def handle_data(self, data):
        if self._capture and self._tile is not None:
            self._tile[self._capture] += data


def specs_of(text: str) -> list[dict]:
    start = text.index("var specs = ") + len("var specs = ")
    return json.JSONDecoder().raw_decode(text[start:])[0]


@pytest.fixture(scope="module")
def conn(tiny_warehouse):
    con = duckdb.connect(str(tiny_warehouse.duckdb_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def out(conn, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dashboards")
    paths = write_dashboards(conn, folder)
    assert [p.name for p in paths] == [f"{n}.html" for n in DASHBOARDS] + ["index.html"]
    return folder


def _month(conn, tiny_warehouse):
    return conn.execute("select max(month_start) from marts.exec_kpi_monthly where is_booking_period"
                        " and month_start <= ?", [tiny_warehouse.as_of]).fetchone()[0]


def test_pages_share_one_plotly_bundle_and_fetch_nothing_remote(out):
    assets = out / "assets"
    assert (assets / "plotly.min.js").read_bytes() == PLOTLY_JS.read_bytes()
    assert (assets / "world_110m.js").stat().st_size > 100_000 and (assets / "dashboard.css").exists()
    for name in (*DASHBOARDS, "index"):
        text = (out / f"{name}.html").read_text(encoding="utf-8")
        assert len(text) < 300_000, name  # the plotly.js bundle is referenced, never inlined
        assert not re.search(r"""(src|href)=["']https?:""", text), name
        assert "cdn.plot.ly" not in text and "mapbox" not in text.lower()


@pytest.mark.parametrize("name", DASHBOARDS)
def test_page_structure(out, tiny_warehouse, name):
    text = (out / f"{name}.html").read_text(encoding="utf-8")
    page = _Page(text)
    assert set(page.nav) == {f"{n}.html" for n in DASHBOARDS} | {"index.html"}
    assert page.active == f"{name}.html"
    assert page.stamp["data-as-of"] == tiny_warehouse.as_of.isoformat()
    assert "Warehouse loaded:" in text and "Newest booking:" in text
    assert page.scripts[0] == "assets/plotly.min.js"
    assert len(page.tiles) >= 4 and all(t["deltas"] == 2 and t.get("shown") for t in page.tiles)
    specs = specs_of(text)
    assert [s["id"] for s in specs] == page.charts and len(specs) >= 4
    types = {t["type"] for s in specs for t in s["figure"]["data"]}
    assert "heatmap" in types
    assert all(s["figure"]["data"] for s in specs)
    assert any("rangeselector" in s["figure"]["layout"].get("xaxis", {}) for s in specs)
    expected = {"executive": {"sunburst", "scattergeo", "bar", "scatter"}, "sales": {"funnel"},
                "agents": {"bar", "scatter"}, "suppliers": {"bar", "scatter"},
                "customers": {"bar"}, "operations": {"bar", "scatter"}}[name]
    assert expected <= types
    assert ("assets/world_110m.js" in page.scripts) == (name == "executive")
    if name in {"agents", "suppliers", "customers", "sales", "operations"}:
        assert page.tables >= 1


def test_executive_tiles_equal_the_mart(out, conn, tiny_warehouse):
    month = _month(conn, tiny_warehouse)
    columns = {"revenue": "revenue_base", "bookings": "bookings_count",
               "avg_booking_value": "avg_booking_value_base",
               "cash_received_share": "cash_received_share",
               "quote_conversion": "quote_conversion_rate", "new_customers": "new_customers",
               "active_agents": "active_agents", "cancelled": "cancelled_bookings_count"}
    row = dict(zip(columns, conn.execute(
        f"select {', '.join(columns.values())} from marts.exec_kpi_monthly where month_start = ?",
        [month]).fetchone()))
    page = _Page((out / "executive.html").read_text(encoding="utf-8"))
    tiles = {t["key"]: t for t in page.tiles}
    assert set(tiles) == set(columns)
    for key, value in row.items():
        assert Decimal(tiles[key]["value"]) == value, key
    assert tiles["revenue"]["shown"] == format_value(row["revenue"], "money", "INR")
    assert tiles["cash_received_share"]["shown"] == format_value(row["cash_received_share"], "rate")


def test_drilldown_adds_up_to_the_destination_mart(out, conn, tiny_warehouse):
    month = _month(conn, tiny_warehouse)
    total = conn.execute(
        "select sum(revenue_base) from marts.exec_destination_monthly where month_start between"
        " ? - interval 11 month and ?", [month, month]).fetchone()[0]
    sunburst = next(s for s in specs_of((out / "executive.html").read_text(encoding="utf-8"))
                    if s["id"] == "exec-drilldown")["figure"]["data"][0]
    assert sunburst["branchvalues"] == "total"
    root = sunburst["ids"].index("All countries")
    assert sunburst["values"][root] == pytest.approx(float(total), rel=1e-9)
    countries = [v for v, p in zip(sunburst["values"], sunburst["parents"]) if p == "All countries"]
    assert sum(countries) == pytest.approx(float(total), rel=1e-9)


def test_drilldown_site_level_adds_up_to_each_destination(out, conn, tiny_warehouse):
    month = _month(conn, tiny_warehouse)
    expected = dict(conn.execute(
        "select country_name || '/' || destination_name, sum(revenue_base)"
        " from marts.exec_destination_monthly where month_start between ? - interval 11 month and ?"
        " group by 1", [month, month]).fetchall())
    sites = {r[0] for r in conn.execute("select site_name from marts.dim_sites").fetchall()}
    sunburst = next(s for s in specs_of((out / "executive.html").read_text(encoding="utf-8"))
                    if s["id"] == "exec-drilldown")["figure"]["data"][0]
    value = dict(zip(sunburst["ids"], sunburst["values"]))
    children: dict[str, list[tuple[str, float]]] = {}
    for node, parent, label in zip(sunburst["ids"], sunburst["parents"], sunburst["labels"]):
        children.setdefault(parent, []).append((label, value[node]))
    destinations = {n for n in sunburst["ids"] if n.count("/") == 2}
    assert {n.removeprefix("All countries/") for n in destinations} == set(expected)
    site_leaves = 0
    for node in destinations:
        # The destination equals the mart, and its sites plus "Other services" add up to it.
        assert value[node] == pytest.approx(float(expected[node.removeprefix("All countries/")]), rel=1e-9)
        leaves = children[node]
        assert [label for label, _ in leaves].count("Other services") == 1, node
        assert sum(v for _, v in leaves) == pytest.approx(value[node], rel=1e-9), node
        assert {label for label, _ in leaves} - {"Other services"} <= sites, node
        site_leaves += len(leaves) - 1
        assert all(not children.get(f"{node}/{label}") for label, _ in leaves)  # sites are leaves
    assert site_leaves > len(destinations)


def test_tiles_keep_decimals_and_a_warehouse_object_is_accepted(conn):
    pages, fresh = build_pages(SimpleNamespace(con=conn), names=("executive", "customers"))
    revenue = next(t for t in pages[0].tiles if t.key == "revenue")
    assert isinstance(revenue.value, Decimal) and fresh.last_loaded_at is not None
    assert [p.name for p in pages] == ["executive", "customers"]


def test_the_dagster_asset_writes_the_pages(tiny_warehouse, tmp_path):
    from dagster import materialize

    from orchestration.defs.dashboards import dashboards
    from orchestration.defs.resources import WarehouseResource
    from orchestration.defs.services import settings_backed_resources

    result = materialize(
        [dashboards],
        resources={"warehouse": WarehouseResource(kind="duckdb",
                                                  duckdb_path=str(tiny_warehouse.duckdb_path)),
                   **settings_backed_resources()},
        run_config={"ops": {"dashboards": {"config": {"out_dir": str(tmp_path)}}}},
    )
    assert result.success
    metadata = result.asset_materializations_for_node("dashboards")[0].metadata
    assert metadata["pages"].data == [*DASHBOARDS, "index"]
    assert all(Path(p).is_file() for p in metadata["paths"].data.values())
    assert (tmp_path / "assets" / "plotly.min.js").is_file()
