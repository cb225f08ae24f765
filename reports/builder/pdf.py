"""PDF export: title, period and filters in words, the chart as a PNG, and the data table.

Why PNG through `reports.render.png`: WeasyPrint cannot run plotly's JavaScript, and the same
renderer serves the e-mails. When this machine cannot draw PNGs (no Chromium), or the drawing
fails, the PDF carries the table only and says so, instead of failing the whole export.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging

from jinja2 import Environment, select_autoescape

from reports.render.formats import format_value, is_numeric
from reports.render.pdf import html_to_pdf
from reports.builder.runner import ReportResult

log = logging.getLogger(__name__)

TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
 @page { size: A4 landscape; margin: 14mm; @bottom-right { content: counter(page) " / " counter(pages);
         font-size: 8pt; color: #777; } }
 body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #222; }
 h1 { font-size: 16pt; color: #1f4e79; margin: 0 0 4pt 0; }
 p.meta { margin: 0 0 2pt 0; color: #444; }
 p.note { color: #8a4b00; font-style: italic; }
 img.chart { width: 100%; max-height: 110mm; object-fit: contain; margin: 8pt 0; }
 table { border-collapse: collapse; width: 100%; margin-top: 8pt; }
 th { background: #1f4e79; color: #fff; text-align: left; padding: 3pt 5pt; font-weight: bold; }
 td { padding: 2pt 5pt; border-bottom: 0.5pt solid #ddd; }
 td.num { text-align: right; font-variant-numeric: tabular-nums; }
 tr:nth-child(even) td { background: #f4f7fb; }
</style></head>
<body>
<h1>{{ title }}</h1>
{% if description %}<p class="meta">{{ description }}</p>{% endif %}
<p class="meta"><b>Period:</b> {{ period }}</p>
<p class="meta"><b>Filters:</b> {{ filters }}</p>
<p class="meta"><b>Generated:</b> {{ generated }} (as of {{ as_of }})</p>
{% if chart %}<img class="chart" src="data:image/png;base64,{{ chart }}" alt="chart">
{% elif note %}<p class="note">{{ note }}</p>{% endif %}
<table>
<thead><tr>{% for c in columns %}<th>{{ c.label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for cell, num in row %}<td{% if num %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>
{% if not rows %}<p class="note">No data for this period and these filters.</p>{% endif %}
</body></html>
"""

def chart_png(result: ReportResult) -> tuple[bytes | None, str | None]:
    """(PNG bytes, None) or (None, the reason the PDF shows the table only)."""
    from reports.render.png import ChartRenderError, png_available, render_png
    from reports.builder.figures import build_figure

    if result.spec.chart.type == "table":
        return None, None
    if not result.rows:
        return None, "No chart: the report has no rows."
    if not png_available():
        return None, "Chart not shown: this server cannot render chart images (no Chromium); table only."
    try:
        return render_png(build_figure(result), width=1000, height=460, scale=2), None
    except ChartRenderError as exc:
        log.warning("report chart rendering failed: %s", exc)
        return None, "Chart not shown: rendering failed on this server; table only."


def to_html(result: ReportResult, png: bytes | None = None, note: str | None = None) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    rows = [[(format_value(v, c.kind, grain=result.grain), is_numeric(c.kind)) for v, c in zip(row, result.columns)]
            for row in result.rows]
    return env.from_string(TEMPLATE).render(
        title=result.title, description=result.spec.description, period=result.describe_period(),
        filters=result.describe_filters(), as_of=result.as_of.isoformat(),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        chart=base64.b64encode(png).decode() if png else None, note=note,
        columns=result.columns, rows=rows,
    )


def to_pdf(result: ReportResult, *, with_chart: bool = True) -> bytes:
    png, note = chart_png(result) if with_chart else (None, None)
    return html_to_pdf(to_html(result, png, note))
