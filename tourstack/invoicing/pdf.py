"""PDF rendering: a Jinja2 HTML template turned into PDF by WeasyPrint.

WeasyPrint is imported on first use: it loads pango and cairo, which costs time that importing
the invoicing package (e.g. by the API or Dagster at start-up) should not pay.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

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
    from weasyprint import HTML

    return HTML(string=render_html(doc), base_url=str(TEMPLATES)).write_pdf()
