"""An invoice or credit note as a file: PDF, JSON, CSV and the GST e-invoice JSON.

One entry point for every download format: (bytes, media type, file extension). What the
document says is the domain's (`tourstack.invoicing.document`, `tourstack.invoicing.einvoice`);
how it is written is decided here, with the toolkit every other export uses.
"""

from __future__ import annotations

from collections.abc import Callable

from tourstack.invoicing.document import InvoiceDocument
from tourstack.invoicing.einvoice import render_einvoice
from reports.invoices.files import render_csv, render_json
from reports.invoices.pdf import render_pdf

FORMATS: dict[str, tuple[Callable[[InvoiceDocument], bytes], str, str]] = {
    "pdf": (render_pdf, "application/pdf", "pdf"),
    "json": (render_json, "application/json", "json"),
    "csv": (render_csv, "text/csv; charset=utf-8", "csv"),
    "einvoice": (render_einvoice, "application/json", "einvoice.json"),
}


def render(doc: InvoiceDocument, fmt: str) -> tuple[bytes, str, str]:
    """Raises KeyError for an unknown format."""
    renderer, media_type, extension = FORMATS[fmt]
    return renderer(doc), media_type, extension
