"""The dashboards' look: one small stylesheet and one plotly template, shared by every page.

Why Python constants rather than files: they are written next to the pages (assets/) by
`write_dashboards`, and as code they travel with the package however it is installed.
"""

from __future__ import annotations

import plotly.graph_objects as go

from reports.render.palette import SEQUENTIAL, SERIES

PALETTE = SERIES
FONT = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=12, color="#1f2937"),
        colorway=PALETTE,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin=dict(l=48, r=16, t=24, b=40),
        hoverlabel=dict(font=dict(family=FONT)),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        xaxis=dict(gridcolor="#eef2f7", linecolor="#cbd5e1", zeroline=False),
        yaxis=dict(gridcolor="#eef2f7", linecolor="#cbd5e1", zeroline=False),
        colorscale=dict(sequential=SEQUENTIAL),
    )
)

CSS = """
:root { --bg:#f5f7fb; --card:#fff; --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb;
  --accent:#2563eb; --up:#059669; --down:#dc2626; --flat:#6b7280; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:14px/1.45 Inter, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
nav.top { display:flex; align-items:center; gap:4px; padding:0 24px; background:#0f172a;
  position:sticky; top:0; z-index:10; flex-wrap:wrap; }
nav.top .brand { color:#fff; font-weight:700; margin-right:20px; padding:14px 0; }
nav.top a { color:#cbd5e1; text-decoration:none; padding:14px 12px; border-bottom:3px solid transparent; }
nav.top a:hover { color:#fff; }
nav.top a.active { color:#fff; border-bottom-color:var(--accent); }
header.page { padding:20px 24px 4px; display:flex; justify-content:space-between;
  align-items:flex-end; flex-wrap:wrap; gap:8px; }
header.page h1 { margin:0; font-size:22px; }
header.page p { margin:4px 0 0; color:var(--muted); }
.stamp { color:var(--muted); font-size:12px; text-align:right; }
.stamp .stale { color:var(--down); font-weight:600; }
main { padding:12px 24px 32px; }
.tiles { display:grid; grid-template-columns:repeat(auto-fill, minmax(210px, 1fr)); gap:12px;
  margin-bottom:16px; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.tile-label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.tile-value { font-size:22px; font-weight:700; margin:4px 0 6px; }
.tile-value .ccy { font-size:14px; font-weight:600; color:var(--muted); }
.tile-value .amount { white-space:nowrap; font-variant-numeric:tabular-nums; }
.tile-deltas { display:flex; flex-direction:column; gap:2px; font-size:12px; }
.delta.up { color:var(--up); } .delta.down { color:var(--down); } .delta.flat { color:var(--flat); }
.delta .vs { color:var(--muted); }
.grid { display:grid; grid-template-columns:repeat(2, minmax(0, 1fr)); gap:16px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 16px;
  min-width:0; }
.card.wide { grid-column:1 / -1; }
.card h2 { font-size:15px; margin:0 0 2px; }
.card .note { color:var(--muted); font-size:12px; margin:0 0 6px; }
.chart { width:100%; height:340px; }
.card.wide .chart { height:380px; }
table.board { width:100%; border-collapse:collapse; font-size:13px; }
table.board th { text-align:left; color:var(--muted); font-weight:600; border-bottom:1px solid var(--line);
  padding:6px 8px; position:sticky; top:0; background:var(--card); }
table.board td { padding:6px 8px; border-bottom:1px solid #f1f5f9; }
table.board td.num, table.board th.num { text-align:right; font-variant-numeric:tabular-nums; }
table.board tr:hover td { background:#f8fafc; }
.scroll { max-height:380px; overflow:auto; }
.index-cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(280px, 1fr)); gap:16px; }
.index-cards a { display:block; text-decoration:none; color:inherit; }
.index-cards a:hover .card { border-color:var(--accent); }
footer { color:var(--muted); font-size:12px; padding:0 24px 24px; }
@media (max-width: 900px) { .grid { grid-template-columns:1fr; } }
"""
