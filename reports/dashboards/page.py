"""Assembling a dashboard page: nav bar, stamp, KPI tiles, chart cards and tables, as one HTML file.

Why hand-written HTML around `Plotly.newPlot` instead of `fig.write_html`: write_html inlines
(or links) one plotly bundle per figure and cannot share a stylesheet, a nav bar or the tiles.
Here every page references the one `assets/plotly.min.js`, embeds only its figures' JSON, and
sets a `dashboard-ready` performance mark once every graph has drawn, which the browser test
and the load benchmark wait for.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from reports.dashboards.data import Freshness
from reports.dashboards.tiles import Tile, tiles_html

# (name, title) of every dashboard, in nav order; pages link to each other as `<name>.html`.
NAV = [
    ("executive", "Executive"), ("sales", "Sales"), ("operations", "Operations"),
    ("agents", "Agents"), ("suppliers", "Suppliers"), ("customers", "Customers"),
]
PLOTLY_CONFIG = {
    "responsive": True, "displaylogo": False, "topojsonURL": "assets/",
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
}
STALE_AFTER_DAYS = 2


@dataclass
class Chart:
    id: str
    title: str
    figure: go.Figure
    note: str = ""
    wide: bool = False


@dataclass
class Table:
    id: str
    title: str
    columns: Sequence[tuple[str, str]]  # (label, "num" or "")
    rows: Sequence[Sequence[str]]  # already formatted text
    note: str = ""
    wide: bool = False


@dataclass
class Page:
    name: str
    title: str
    subtitle: str
    tiles: list[Tile] = field(default_factory=list)
    blocks: list[Chart | Table] = field(default_factory=list)

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]

    @property
    def has_map(self) -> bool:
        return any(any(t.type == "scattergeo" for t in c.figure.data) for c in self.charts)


def _nav(active: str) -> str:
    active_attr = ' class="active"'
    links = "".join(
        f'<a href="{name}.html"{active_attr if name == active else ""}>{title}</a>'
        for name, title in NAV
    )
    return f'<nav class="top"><a class="brand" href="index.html">Tourstack</a>{links}</nav>'


def _moment(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "unknown"


def stamp_html(fresh: Freshness) -> str:
    lag = fresh.lag_days
    stale = lag is not None and lag > STALE_AFTER_DAYS
    lag_text = "" if lag is None else f" ({lag} day{'s' if lag != 1 else ''} before as-of)"
    newest = html.escape(_moment(fresh.newest_booking_at) + lag_text)
    stale_attr = ' class="stale"' if stale else ""
    return (
        f'<div class="stamp" data-as-of="{fresh.as_of.isoformat()}">'
        f"<div>Data as of <b>{fresh.as_of:%d %b %Y}</b></div>"
        f'<div{stale_attr}>Newest booking: {newest}</div>'
        f"<div>Warehouse loaded: {html.escape(_moment(fresh.last_loaded_at))}</div></div>"
    )


def _card(block: Chart | Table) -> str:
    cls = "card wide" if block.wide else "card"
    note = f'<p class="note">{html.escape(block.note)}</p>' if block.note else ""
    head = f"<h2>{html.escape(block.title)}</h2>{note}"
    if isinstance(block, Chart):
        return f'<section class="{cls}">{head}<div class="chart" id="{block.id}"></div></section>'
    ths = "".join(f'<th class="{k}">{html.escape(label)}</th>' for label, k in block.columns)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="{k}">{html.escape(cell)}</td>' for (_, k), cell in zip(block.columns, row)
        ) + "</tr>"
        for row in block.rows
    )
    return (f'<section class="{cls}">{head}<div class="scroll"><table class="board" id="{block.id}">'
            f"<thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></div></section>")


def _script_json(value: Any) -> str:
    """JSON safe inside <script>: no `</script>` or `<!--` can come from data (names, labels)."""
    text = json.dumps(value, cls=PlotlyJSONEncoder, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_BOOT = """
(function () {
  var specs = %s, config = %s;
  function done(state, detail) {
    document.documentElement.setAttribute("data-ready", state);
    if (state === "true") { performance.mark("dashboard-ready"); }
    window.dashboardState = {state: state, detail: detail || "", graphs: specs.length};
  }
  if (!window.Plotly) { done("error", "plotly.min.js did not load"); return; }
  Promise.all(specs.map(function (s) {
    return Plotly.newPlot(s.id, s.figure.data, s.figure.layout, config);
  })).then(function () { done("true"); }, function (err) { done("error", String(err)); });
})();
"""


def render(page: Page, fresh: Freshness) -> str:
    specs = [{"id": c.id, "figure": c.figure.to_plotly_json()} for c in page.charts]
    geo = '<script src="assets/world_110m.js"></script>' if page.has_map else ""
    cards = "".join(_card(b) for b in page.blocks)
    return f"""<!doctype html>
<html lang="en" data-ready="false"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(page.title)} · Tourstack</title>
<link rel="stylesheet" href="assets/dashboard.css"></head>
<body data-dashboard="{page.name}">
{_nav(page.name)}
<header class="page"><div><h1>{html.escape(page.title)}</h1><p>{html.escape(page.subtitle)}</p></div>
{stamp_html(fresh)}</header>
<main>{tiles_html(page.tiles) if page.tiles else ""}<div class="grid">{cards}</div></main>
<footer>Figures from the warehouse marts; amounts in base currency unless stated.</footer>
<script src="assets/plotly.min.js"></script>{geo}
<script>{_BOOT % (_script_json(specs), _script_json(PLOTLY_CONFIG))}</script>
</body></html>
"""


def render_index(pages: Sequence[Page], fresh: Freshness) -> str:
    cards = "".join(
        f'<a href="{p.name}.html"><div class="card"><h2>{html.escape(p.title)}</h2>'
        f'<p class="note">{html.escape(p.subtitle)}</p></div></a>'
        for p in pages
    )
    return f"""<!doctype html>
<html lang="en" data-ready="true"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboards · Tourstack</title><link rel="stylesheet" href="assets/dashboard.css"></head>
<body data-dashboard="index">{_nav("")}
<header class="page"><div><h1>Dashboards</h1><p>Company-wide analytics from the warehouse marts.</p>
</div>{stamp_html(fresh)}</header>
<main><div class="index-cards">{cards}</div></main></body></html>
"""
