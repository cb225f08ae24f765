"""GST e-invoice JSON in the shape the Invoice Registration Portal (IRP) accepts (schema 1.1).

Only the document is built here; uploading it to the IRP (and storing the IRN and signed QR it
returns) needs GSP credentials and is a separate integration. Amounts are emitted as JSON numbers
written from Decimal text, never through float.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from tourstack.invoicing.document import InvoiceDocument
from tourstack.invoicing.tax import EXPORT
from tourstack.money import from_minor

# GST state codes (the first two digits of a GSTIN) by the two-letter codes agencies carry.
GST_STATE_NUMBERS = {
    "JK": "01", "HP": "02", "PB": "03", "CH": "04", "UK": "05", "UT": "05", "HR": "06",
    "DL": "07", "RJ": "08", "UP": "09", "BR": "10", "SK": "11", "AR": "12", "NL": "13",
    "MN": "14", "MZ": "15", "TR": "16", "ML": "17", "AS": "18", "WB": "19", "JH": "20",
    "OR": "21", "OD": "21", "CG": "22", "CT": "22", "MP": "23", "GJ": "24", "DD": "26",
    "DN": "26", "MH": "27", "KA": "29", "GA": "30", "LD": "31", "KL": "32", "TN": "33",
    "PY": "34", "AN": "35", "TG": "36", "TS": "36", "AP": "37", "LA": "38",
}
OTHER_COUNTRY = "96"  # IRP state code for a buyer or place of supply outside India


def _dump(value: Any) -> str:
    """JSON text with Decimals as exact numbers (json.dumps would need floats for that)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def einvoice_payload(doc: InvoiceDocument) -> dict[str, Any]:
    inv, seller, agency = doc.invoice, doc.config.seller, doc.agency
    cur = inv.currency

    def amt(minor: int) -> Decimal:
        return from_minor(minor, cur)

    export = inv.tax_regime == EXPORT or agency.country_code != "IN"
    buyer_state = OTHER_COUNTRY if export else GST_STATE_NUMBERS.get((agency.state_code or "").upper(), "")
    payload: dict[str, Any] = {
        "Version": "1.1",
        "TranDtls": {"TaxSch": "GST", "SupTyp": "EXPWOP" if export else "B2B", "RegRev": "N",
                     "IgstOnIntra": "N"},
        "DocDtls": {"Typ": "CRN" if doc.is_credit_note else "INV", "No": inv.invoice_number,
                    "Dt": inv.issued_on.strftime("%d/%m/%Y") if inv.issued_on else None},
        "SellerDtls": {"Gstin": seller.gstin, "LglNm": seller.name, "Addr1": seller.address_lines[0],
                       "Loc": seller.city, "Pin": int(seller.pincode), "Stcd": seller.gst_state_number,
                       "Ph": "".join(c for c in seller.phone if c.isdigit())[-12:], "Em": seller.email},
        "BuyerDtls": {"Gstin": agency.tax_id if (agency.tax_id and not export) else "URP",
                      "LglNm": agency.name, "Pos": buyer_state, "Addr1": agency.city,
                      "Loc": agency.city, "Pin": 999999 if export else None, "Stcd": buyer_state,
                      "Em": agency.email},
        "ItemList": [
            {"SlNo": str(ln.line_number), "PrdDesc": ln.description, "IsServc": "Y",
             "HsnCd": ln.sac_code or doc.config.sac_code, "Qty": Decimal(ln.quantity), "Unit": "OTH",
             "UnitPrice": amt(ln.unit_price_minor), "TotAmt": amt(ln.amount_minor),
             "Discount": Decimal(0), "AssAmt": amt(ln.amount_minor),
             "GstRt": (Decimal(ln.tax_rate_bps) / 100).normalize() if not ln.vat_minor else Decimal(0),
             "IgstAmt": amt(ln.igst_minor), "CgstAmt": amt(ln.cgst_minor), "SgstAmt": amt(ln.sgst_minor),
             "TotItemVal": amt(ln.amount_minor + ln.tax_minor)}
            for ln in doc.lines
        ],
        "ValDtls": {"AssVal": amt(inv.subtotal_minor), "CgstVal": amt(inv.cgst_minor),
                    "SgstVal": amt(inv.sgst_minor), "IgstVal": amt(inv.igst_minor),
                    "OthChrg": amt(inv.vat_minor), "TotInvVal": amt(inv.total_minor)},
    }
    payload["BuyerDtls"] = {k: v for k, v in payload["BuyerDtls"].items() if v is not None}
    credited = doc.credited_invoice
    if credited is not None:
        payload["RefDtls"] = {"PrecDocDtls": [{
            "InvNo": credited.invoice_number,
            "InvDt": credited.issued_on.strftime("%d/%m/%Y") if credited.issued_on else None,
        }]}
    if export:
        payload["ExpDtls"] = {"CntCode": agency.country_code, "ForCur": cur}
    return payload


def render_einvoice(doc: InvoiceDocument) -> bytes:
    return _dump(einvoice_payload(doc)).encode("utf-8")
