"""JSON and CSV renderings of an invoice document (the PDF and the e-invoice live beside)."""

from __future__ import annotations

import csv
import io
import json

from tourstack.invoicing.document import TAX_COMPONENTS, InvoiceDocument

CSV_COLUMNS = (
    "invoice_number", "kind", "issued_on", "currency", "line_number", "description", "sac_code",
    "quantity", "unit_price", "net_amount", "tax_rate_percent", *TAX_COMPONENTS, "tax", "total",
)


def render_json(doc: InvoiceDocument) -> bytes:
    return json.dumps(doc.as_dict(), indent=2, ensure_ascii=False).encode("utf-8")


def render_csv(doc: InvoiceDocument) -> bytes:
    """One row per line, then a TOTAL row whose amounts equal the sums of the lines."""
    data = doc.as_dict()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    head = {key: data[key] for key in ("invoice_number", "kind", "issued_on", "currency")}
    for line in data["lines"]:
        writer.writerow(head | {key: line[key] for key in CSV_COLUMNS if key in line})
    totals = data["totals"]
    writer.writerow(
        head | {"description": "TOTAL", "net_amount": totals["subtotal"], "tax": totals["tax"],
                "total": totals["total"], **{name: totals[name] for name in TAX_COMPONENTS}}
    )
    return out.getvalue().encode("utf-8")
