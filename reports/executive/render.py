"""HTML, plain text and PDF of the executive e-mail, from one Jinja2 template set.

The e-mail HTML references chart images as `cid:` parts; the PDF embeds the same PNGs as data
URIs (WeasyPrint cannot resolve `cid:`). Without images both show the data tables instead.
WeasyPrint is imported on first use: it loads pango and cairo, which importers should not pay.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from reports.executive.charts import data_uris
from reports.executive.view import View
from reports.render.pdf import html_to_pdf
from reports.render.templates import environment

TEMPLATES = Path(__file__).parent / "templates"


def cid_for(name: str, message_domain: str = "tourstack") -> str:
    return f"{name}@{message_domain}"


def render_html(view: View, *, cids: dict[str, str] | None = None) -> str:
    """The e-mail body; `cids` maps chart name -> Content-ID of its inline PNG."""
    charts = {name: f"cid:{cid}" for name, cid in (cids or {}).items()}
    return environment(TEMPLATES).get_template("report.html").render(v=dataclasses.replace(view, charts=charts), pdf=False)


def render_text(view: View) -> str:
    # autoescape is off for .txt: select_autoescape only covers html
    return environment(TEMPLATES).get_template("report.txt").render(v=view)


def render_pdf(view: View, pngs: dict[str, bytes]) -> bytes:
    html = environment(TEMPLATES).get_template("report.html").render(
        v=dataclasses.replace(view, charts=data_uris(pngs)), pdf=True
    )
    return html_to_pdf(html, TEMPLATES)
