"""One plotly figure per chart type, built from a ReportResult.

Why here and not in the exporters: the PDF (as a PNG), the e-mail and any web view draw the same
figure. plotly takes floats for plotting only; the numbers in tables and files stay Decimal.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any

from reports.render.formats import format_value, period_label
from reports.render.palette import BRAND, SERIES
from reports.builder.runner import ReportResult

PALETTE = SERIES


def _plot_number(value: Any) -> float | None:
    return None if value is None else float(value)  # drawing only; never written back


def _x_label(value: Any, grain: str | None = None) -> Any:
    return period_label(value, grain) if isinstance(value, dt.date) else value


def _series(result: ReportResult, x: str, y: str, series: str | None) -> "OrderedDict[str, tuple[list, list]]":
    xs, ys = result.values(x), result.values(y)
    keys = result.values(series) if series else [None] * len(xs)
    groups: OrderedDict[str, tuple[list, list]] = OrderedDict()
    for xv, yv, key in zip(xs, ys, keys):
        name = str(key) if series else result.column(y).label
        groups.setdefault(name, ([], []))
        groups[name][0].append(_x_label(xv, result.grain))
        groups[name][1].append(_plot_number(yv))
    return groups


def build_figure(result: ReportResult):
    """The plotly Figure for the spec's chart type (a table figure for `table`)."""
    import plotly.graph_objects as go

    spec = result.spec
    kind = spec.chart.type
    layout = dict(title=dict(text=spec.title, x=0.02), template="plotly_white", colorway=PALETTE,
                  margin=dict(l=60, r=20, t=60, b=50), legend=dict(orientation="h", y=-0.2))
    fig = go.Figure()
    if kind == "big_number":
        metric = spec.chart_y[0]
        value = result.values(metric)[0] if result.rows else None
        indicator = dict(mode="number", value=_plot_number(value) or 0,
                         title=dict(text=result.column(metric).label))
        prev = f"{metric}_previous"
        if result.previous is not None and any(c.name == prev for c in result.columns) and result.rows:
            reference = result.values(prev)[0]
            if reference is not None:
                indicator = dict(mode="number+delta", value=_plot_number(value) or 0,
                                 delta=dict(reference=_plot_number(reference), relative=True,
                                            valueformat=".1%"),
                                 title=dict(text=result.column(metric).label))
        fig.add_trace(go.Indicator(**indicator))
    elif kind == "table":
        header = [c.label for c in result.columns]
        cells = [[format_value(v, c.kind, grain=result.grain) for v in result.values(c.name)] for c in result.columns]
        fig.add_trace(go.Table(header=dict(values=header, fill_color=BRAND, font=dict(color="white")),
                               cells=dict(values=cells, align="left")))
    elif kind == "pie":
        metric = spec.chart_y[0]
        x = spec.chart_x
        fig.add_trace(go.Pie(labels=[str(_x_label(v, result.grain)) for v in result.values(x)],
                             values=[_plot_number(v) for v in result.values(metric)], sort=False, hole=0.35))
    else:
        x, series = spec.chart_x, spec.chart.series
        for y in spec.chart_y:
            for name, (xs, ys) in _series(result, x, y, series).items():
                label = f"{name} – {result.column(y).label}" if series and len(spec.chart_y) > 1 else name
                if kind == "bar":
                    fig.add_trace(go.Bar(x=xs, y=ys, name=label))
                elif kind == "line":
                    fig.add_trace(go.Scatter(x=xs, y=ys, name=label, mode="lines+markers"))
                else:  # area
                    fig.add_trace(go.Scatter(x=xs, y=ys, name=label, mode="lines", stackgroup="one"))
        layout.update(xaxis=dict(title=result.column(x).label, type="category"),
                      yaxis=dict(title=", ".join(result.column(y).label for y in spec.chart_y)))
        if kind == "bar" and series:
            layout["barmode"] = "stack"
    fig.update_layout(**layout)
    return fig
