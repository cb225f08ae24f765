"""JSON and CSV files of an invoice document."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from reports.render.csvfile import to_csv
from tourstack.invoicing.document import TAX_COMPONENTS, InvoiceDocument
from tourstack.tables import Column, Table

CSV_COLUMNS = (
    "invoice_number", "kind", "issued_on", "currency", "line_number", "description", "sac_code",
    "quantity", "unit_price", "net_amount", "tax_rate_percent", *TAX_COMPONENTS, "tax", "total",
)
_KINDS = {"invoice_number": "text", "kind": "text", "issued_on": "text", "currency": "text", "line_number": "integer",
          "description": "text", "sac_code": "text", "quantity": "integer", "tax_rate_percent": "text"}


def render_json(doc: InvoiceDocument) -> bytes:
    return json.dumps(doc.as_dict(), indent=2, ensure_ascii=False).encode("utf-8")


def render_csv(doc: InvoiceDocument) -> bytes:
    """One row per line, then a TOTAL row whose amounts equal the sums of the lines; written by
    the one CSV writer, so a description that looks like a formula is defused and a negative
    amount of a credit note stays a number."""
    data = doc.as_dict()
    head = {key: data[key] for key in ("invoice_number", "kind", "issued_on", "currency")}
    records = [head | {key: line[key] for key in CSV_COLUMNS if key in line} for line in data["lines"]]
    totals = data["totals"]
    records.append(head | {"description": "TOTAL", "net_amount": totals["subtotal"], "tax": totals["tax"],
                           "total": totals["total"], **{name: totals[name] for name in TAX_COMPONENTS}})
    columns = [Column(name, name, _KINDS.get(name, "amount")) for name in CSV_COLUMNS]
    for record in records:
        for col in columns:
            if col.kind == "amount" and record.get(col.name) is not None:
                record[col.name] = Decimal(str(record[col.name]))
    return to_csv(Table.from_records("invoice", "Invoice", doc.invoice.issued_on or dt.date.today(), columns, records)).encode("utf-8")
