"""The two charts of the e-mail: revenue trend and revenue by destination.

Plotly figures are built here and drawn to PNG by reports.render.png (one browser start for both).
Floats appear only here, at the plotting boundary; every figure shown as text stays Decimal.
Without a Chromium the caller gets no images and the template shows the data tables instead.
"""

from __future__ import annotations

import base64
import logging

from reports.executive.figures import Figures
from reports.render.palette import BRAND, POSITIVE

log = logging.getLogger(__name__)
CHARTS = ("revenue_trend", "destinations")


def build_figures(figures: Figures) -> dict[str, object]:
    import plotly.graph_objects as go

    cur = figures.base_currency
    step = "Week" if figures.periods.kind == "weekly" else "Day"
    trend = go.Figure(
        go.Scatter(
            x=[t.start for t in figures.trend],
            y=[float(t.revenue) for t in figures.trend],
            mode="lines+markers",
            line={"color": BRAND, "width": 3},
        )
    )
    trend.update_layout(
        title=f"Revenue by {step.lower()} ({cur})", template="plotly_white",
        margin={"l": 60, "r": 20, "t": 50, "b": 40}, yaxis={"tickformat": ",.0f"},
    )
    # Ranked by revenue (the table's order), largest on top; the bar labels give the bookings.
    top = list(reversed(figures.top_destinations))
    dest = go.Figure(
        go.Bar(
            x=[float(r.revenue) for r in top], y=[r.name for r in top], orientation="h",
            marker={"color": POSITIVE}, text=[f"{r.bookings} booking{'s' if r.bookings != 1 else ''}" for r in top],
            textposition="auto",
        )
    )
    dest.update_layout(
        title=f"Revenue by destination ({cur})", template="plotly_white",
        margin={"l": 140, "r": 20, "t": 50, "b": 40}, xaxis={"tickformat": ",.0f"},
    )
    return {"revenue_trend": trend, "destinations": dest}


def render_chart_pngs(figures: Figures, *, enabled: bool | None = None) -> dict[str, bytes]:
    """PNG bytes per chart name; {} when charts are off or no Chromium can draw them."""
    from reports.render.png import ChartRenderError, png_available, render_pngs

    if enabled is False or not png_available():
        return {}
    if not figures.trend and not figures.top_destinations:
        return {}
    built = build_figures(figures)
    try:
        pngs = render_pngs([built[name] for name in CHARTS], width=640, height=300, scale=2.0)
    except ChartRenderError as exc:
        log.warning("executive e-mail charts fall back to tables: %s", exc)
        return {}
    return dict(zip(CHARTS, pngs, strict=True))


def data_uris(pngs: dict[str, bytes]) -> dict[str, str]:
    return {name: "data:image/png;base64," + base64.b64encode(png).decode("ascii") for name, png in pngs.items()}
