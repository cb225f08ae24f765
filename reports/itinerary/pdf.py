"""The itinerary PDF: a Jinja2 HTML template printed by the toolkit's one PDF writer.

Maps are embedded as SVG data URIs, so WeasyPrint draws them as vectors and each day's map
keeps its own ids. Nothing is fetched while rendering: no fonts, tiles or images from the
network (the template references none, and `base_url` is the template folder).
"""

from __future__ import annotations

import base64
from pathlib import Path

from reports.render.pdf import html_to_pdf
from reports.render.templates import environment
from tourstack.itinerary.tripdoc import TripDocument

TEMPLATES = Path(__file__).parent / "templates"
MEASURE_NAMES = {"tmax_c": "daily high", "tmin_c": "daily low", "precip_mm": "rainfall",
                 "rain_days": "rain days", "humidity_pct": "humidity"}


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii") if svg else ""


def render_html(doc: TripDocument) -> str:
    return environment(TEMPLATES).get_template("itinerary.html").render(
        doc=doc, maps=[_svg_uri(d.map_svg) for d in doc.days], measure_names=MEASURE_NAMES,
        css=(TEMPLATES / "itinerary.css").read_text(encoding="utf-8"),
    )


def render_pdf(doc: TripDocument) -> bytes:
    return html_to_pdf(render_html(doc), TEMPLATES)
