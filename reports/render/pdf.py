"""The one PDF writer: HTML (with its CSS and `@page` rules) printed by WeasyPrint.

Why HTML first: every PDF here (report builder exports, executive e-mail attachments, invoices)
is also shown as a page, and one template serves both. WeasyPrint is imported on first use: it
loads pango and cairo, which importers should not pay for.
"""

from __future__ import annotations

from pathlib import Path


def html_to_pdf(html: str, base_url: str | Path | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=None if base_url is None else str(base_url)).write_pdf()
