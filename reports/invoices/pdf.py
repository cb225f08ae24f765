"""PDF rendering: a Jinja2 HTML template turned into PDF by WeasyPrint.

The PDF is printed by the one PDF writer (`reports.render.pdf`), which imports WeasyPrint on
first use.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from reports.render.pdf import html_to_pdf
from tourstack.invoicing.document import InvoiceDocument
from tourstack.invoicing.fiscal import fiscal_year_label

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
        trim_blocks=True, lstrip_blocks=True,
    )


def render_html(doc: InvoiceDocument) -> str:
    return _environment().get_template("invoice.html").render(
        doc=doc, data=doc.as_dict(), breakdown=doc.tax_breakdown(),
        fiscal_year=fiscal_year_label(doc.invoice.fiscal_year),
        css=(TEMPLATES / "invoice.css").read_text(encoding="utf-8"),
    )


def render_pdf(doc: InvoiceDocument) -> bytes:
    return html_to_pdf(render_html(doc), TEMPLATES)
