"""One entry point for every download format: (bytes, media type, file extension)."""

from __future__ import annotations

from collections.abc import Callable

from tourstack.invoicing.document import InvoiceDocument
from tourstack.invoicing.einvoice import render_einvoice
from tourstack.invoicing.formats import render_csv, render_json
from tourstack.invoicing.pdf import render_pdf

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
