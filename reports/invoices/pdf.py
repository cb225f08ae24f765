"""PDF rendering: a Jinja2 HTML template turned into PDF by WeasyPrint.

The PDF is printed by the one PDF writer (`reports.render.pdf`), which imports WeasyPrint on
first use.
"""

from __future__ import annotations

from pathlib import Path

from reports.render.pdf import html_to_pdf
from reports.render.templates import environment
from tourstack.invoicing.document import InvoiceDocument
from tourstack.invoicing.fiscal import fiscal_year_label

TEMPLATES = Path(__file__).parent / "templates"


def render_html(doc: InvoiceDocument) -> str:
    return environment(TEMPLATES).get_template("invoice.html").render(
        doc=doc, data=doc.as_dict(), breakdown=doc.tax_breakdown(),
        fiscal_year=fiscal_year_label(doc.invoice.fiscal_year),
        css=(TEMPLATES / "invoice.css").read_text(encoding="utf-8"),
    )


def render_pdf(doc: InvoiceDocument) -> bytes:
    return html_to_pdf(render_html(doc), TEMPLATES)
