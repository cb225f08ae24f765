"""Figure builders shared by the pages: trends, comparisons, drill-down, map, heatmap, funnel.

Why builders and not plotly express: express needs pandas frames and guesses layouts; these take
the marts' rows directly, convert Decimals to floats only here (the plotting boundary), and give
every page the same interactions (range selector on time axes, total-valued drill-downs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

from reports.dashboards.data import to_float
from reports.dashboards.style import PALETTE, SEQUENTIAL, TEMPLATE

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

RANGE_BUTTONS = [
    dict(count=3, label="3m", step="month", stepmode="backward"),
    dict(count=6, label="6m", step="month", stepmode="backward"),
    dict(count=1, label="YTD", step="year", stepmode="todate"),
    dict(count=1, label="1y", step="year", stepmode="backward"),
    dict(count=2, label="2y", step="year", stepmode="backward"),
    dict(step="all", label="All"),
]


def _fig(**layout: Any) -> go.Figure:
    return go.Figure(layout=go.Layout(template=TEMPLATE, **layout))


def _floats(values: Sequence[Any]) -> list[float | None]:
    return [to_float(v) for v in values]


def trend(
    x: Sequence[dt.date],
    series: dict[str, Sequence[Any]],
    *,
    y_title: str = "",
    percent: bool = False,
    secondary: dict[str, Sequence[Any]] | None = None,
    secondary_title: str = "",
    secondary_percent: bool = False,
    kinds: dict[str, str] | None = None,
) -> go.Figure:
    """Lines over time with a range selector (3m ... All) and a range slider.

    `secondary` series go on a right-hand axis (e.g. a count next to an amount); `kinds` may
    turn a series into bars ("bar")."""
    fig = _fig(hovermode="x unified")
    kinds = kinds or {}
    for name, values in series.items():
        trace = go.Bar if kinds.get(name) == "bar" else go.Scatter
        extra = {} if trace is go.Bar else {"mode": "lines", "line": {"width": 2}}
        fig.add_trace(trace(x=list(x), y=_floats(values), name=name, **extra))
    for name, values in (secondary or {}).items():
        fig.add_trace(go.Scatter(x=list(x), y=_floats(values), name=name, yaxis="y2",
                                 mode="lines", line={"width": 1.5, "dash": "dot"}))
    fig.update_layout(
        xaxis=dict(type="date", rangeselector=dict(buttons=RANGE_BUTTONS, x=0, y=1.12),
                   rangeslider=dict(visible=True, thickness=0.08)),
        yaxis=dict(title=y_title, tickformat=".0%" if percent else "~s", rangemode="tozero",
                   automargin=True),
        legend=dict(y=-0.45, yanchor="top"),
        margin=dict(t=44, b=8),
    )
    if secondary:
        fig.update_layout(yaxis2=dict(title=secondary_title, overlaying="y", side="right",
                                      showgrid=False, rangemode="tozero", automargin=True,
                                      tickformat=".0%" if secondary_percent else "~s"))
    return fig


def year_over_year(rows: Sequence[dict[str, Any]], column: str, *, years: int = 3,
                   percent: bool = False) -> go.Figure:
    """One bar per calendar month and year: the same month side by side across years."""
    by_year: dict[int, dict[int, Any]] = {}
    for r in rows:
        by_year.setdefault(r["month_start"].year, {})[r["month_start"].month] = r[column]
    fig = _fig(barmode="group", hovermode="x unified")
    for i, year in enumerate(sorted(by_year)[-years:]):
        months = by_year[year]
        fig.add_trace(go.Bar(x=MONTHS, y=[to_float(months.get(m)) for m in range(1, 13)],
                             name=str(year), marker_color=PALETTE[i % len(PALETTE)]))
    fig.update_layout(yaxis=dict(tickformat=".0%" if percent else "~s", automargin=True))
    return fig


def growth_bars(x: Sequence[dt.date], growth: Sequence[Any], name: str) -> go.Figure:
    """Month-over-month (or year-over-year) growth as bars coloured by sign."""
    values = _floats(growth)
    colours = ["#059669" if (v or 0) >= 0 else "#dc2626" for v in values]
    fig = _fig()
    fig.add_trace(go.Bar(x=list(x), y=values, name=name, marker_color=colours,
                         hovertemplate="%{x|%b %Y}: %{y:+.1%}<extra></extra>"))
    fig.update_layout(xaxis=dict(type="date", rangeselector=dict(buttons=RANGE_BUTTONS)),
                      yaxis=dict(tickformat="+.0%"), margin=dict(t=40))
    return fig


def drilldown(paths: Sequence[tuple[str, ...]], values: Sequence[Any], *, root: str = "All",
              kind: str = "sunburst", value_label: str = "Revenue") -> go.Figure:
    """A hierarchy (e.g. country > destination > site) with parents valued as the sum of their
    children (branchvalues='total'), so every ring or box adds up; click to drill in. Totals are
    summed as Decimal and converted to float once per node, at the plotting boundary."""
    totals: dict[tuple[str, ...], Decimal] = {}
    for path, value in zip(paths, values):
        for depth in range(len(path) + 1):
            key = path[:depth]
            totals[key] = totals.get(key, Decimal(0)) + Decimal(value or 0)
    keys = sorted(totals, key=lambda k: (len(k), k))
    ids = ["/".join((root, *k)) for k in keys]
    parents = ["/".join((root, *k[:-1])) if k else "" for k in keys]
    labels = [k[-1] if k else root for k in keys]
    trace = go.Sunburst if kind == "sunburst" else go.Treemap
    fig = _fig(margin=dict(l=4, r=4, t=4, b=4))
    fig.add_trace(trace(
        ids=ids, parents=parents, labels=labels, values=[float(totals[k]) for k in keys],
        # Three rings at a time (root and two levels) stay legible; clicking shifts them down.
        branchvalues="total", maxdepth=3,
        hovertemplate=f"<b>%{{label}}</b><br>{value_label}: %{{value:,.0f}}<br>"
                      "%{percentParent:.1%} of parent, %{percentRoot:.1%} of total<extra></extra>",
    ))
    return fig


def geo_map(points: Sequence[dict[str, Any]], *, size_key: str = "size", label: str = "Revenue",
            extra: Sequence[dict[str, Any]] = (), extra_name: str = "") -> go.Figure:
    """Bubbles on a world map (natural earth projection, no tiles, no token). `points` carry
    lat, lon, name, size; `extra` are small markers (e.g. sites) without a size."""
    fig = _fig(margin=dict(l=0, r=0, t=0, b=0), showlegend=bool(extra))
    if extra:
        fig.add_trace(go.Scattergeo(
            lat=_floats([p["lat"] for p in extra]), lon=_floats([p["lon"] for p in extra]),
            text=[p["name"] for p in extra], name=extra_name, mode="markers",
            marker=dict(size=4, color="#64748b", opacity=0.6),
            hovertemplate="%{text}<extra></extra>",
        ))
    sizes = _floats([p[size_key] for p in points])
    peak = max([s for s in sizes if s] or [1.0])
    fig.add_trace(go.Scattergeo(
        lat=_floats([p["lat"] for p in points]), lon=_floats([p["lon"] for p in points]),
        text=[p["name"] for p in points], customdata=sizes, name=label, mode="markers",
        marker=dict(size=[8 + 30 * ((s or 0) / peak) ** 0.5 for s in sizes], color=PALETTE[0],
                    opacity=0.75, line=dict(width=1, color="#fff")),
        hovertemplate=f"<b>%{{text}}</b><br>{label}: %{{customdata:,.0f}}<extra></extra>",
    ))
    fig.update_geos(
        projection_type="natural earth", showcountries=True, countrycolor="#cbd5e1",
        showland=True, landcolor="#f1f5f9", showocean=True, oceancolor="#e0f2fe",
        showcoastlines=True, coastlinecolor="#94a3b8", showframe=False, resolution=110,
    )
    return fig


def heatmap(z: Sequence[Sequence[Any]], x: Sequence[Any], y: Sequence[Any], *,
            percent: bool = False, value_label: str = "") -> go.Figure:
    fmt = ".0%" if percent else ",.0f"
    fig = _fig(margin=dict(l=64, r=16, t=8, b=40))
    fig.add_trace(go.Heatmap(
        z=[_floats(row) for row in z], x=list(x), y=list(y), colorscale=SEQUENTIAL,
        hoverongaps=False, colorbar=dict(tickformat=fmt, thickness=12),
        hovertemplate=f"%{{y}} · %{{x}}<br>{value_label}: %{{z:{fmt}}}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    return fig


def funnel(stages: Sequence[str], values: Sequence[Any]) -> go.Figure:
    fig = _fig(margin=dict(l=120, r=16, t=8, b=8))
    fig.add_trace(go.Funnel(y=list(stages), x=_floats(values), textinfo="value+percent initial",
                            marker=dict(color=PALETTE[: len(stages)])))
    return fig


def bars(labels: Sequence[str], values: Sequence[Any], *, horizontal: bool = True,
         percent: bool = False, name: str = "") -> go.Figure:
    fmt = ".0%" if percent else ",.0f"
    fig = _fig(margin=dict(l=140 if horizontal else 48, r=16, t=8, b=40))
    xs, ys = (_floats(values), list(labels)) if horizontal else (list(labels), _floats(values))
    fig.add_trace(go.Bar(x=xs, y=ys, orientation="h" if horizontal else "v", name=name,
                         marker_color=PALETTE[0],
                         hovertemplate=f"%{{{'y' if horizontal else 'x'}}}: "
                                       f"%{{{'x' if horizontal else 'y'}:{fmt}}}<extra></extra>"))
    axis = dict(tickformat=fmt)
    fig.update_layout(xaxis=axis if horizontal else {}, yaxis={} if horizontal else axis)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return fig


def scatter(points: Sequence[dict[str, Any]], x: str, y: str, *, x_title: str, y_title: str,
            size: str | None = None, x_percent: bool = False, y_percent: bool = False) -> go.Figure:
    fig = _fig(margin=dict(l=56, r=16, t=8, b=48))
    sizes = _floats([p[size] for p in points]) if size else None
    peak = max([s for s in (sizes or []) if s] or [1.0])
    fig.add_trace(go.Scatter(
        x=_floats([p[x] for p in points]), y=_floats([p[y] for p in points]), mode="markers",
        text=[p["name"] for p in points],
        marker=dict(size=[6 + 18 * ((s or 0) / peak) ** 0.5 for s in sizes] if sizes else 9,
                    color=PALETTE[0], opacity=0.65, line=dict(width=1, color="#fff")),
        hovertemplate="<b>%{text}</b><br>%{x}<br>%{y}<extra></extra>",
    ))
    fig.update_layout(xaxis=dict(title=x_title, tickformat=".0%" if x_percent else ""),
                      yaxis=dict(title=y_title, tickformat=".0%" if y_percent else ""))
    return fig
