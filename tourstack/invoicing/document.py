"""One read model of an invoice or credit note that every output format renders from.

Amounts are decimal strings in major units (never floats) beside the currency, so JSON, CSV,
PDF and the e-invoice agree to the minor unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tourstack.db.models import Agency, Booking, Invoice, InvoiceLine
from tourstack.invoicing.fiscal import fiscal_year_label
from tourstack.invoicing.payments import Balance, invoice_balance
from tourstack.invoicing.queries import invoice_lines
from tourstack.invoicing.states import CREDIT_NOTE
from tourstack.invoicing.tax import InvoicingConfig
from tourstack.invoicing.words import amount_in_words
from tourstack.money import from_minor

TAX_COMPONENTS = ("cgst", "sgst", "igst", "vat")


def rate_percent(bps: int) -> str:
    """500 -> '5', 250 -> '2.5', 1234 -> '12.34' (exact: basis points are integers)."""
    return format((Decimal(bps) / 100).normalize(), "f")


def money_str(minor: int, currency: str) -> str:
    return str(from_minor(minor, currency))


@dataclass
class InvoiceDocument:
    invoice: Invoice
    lines: list[InvoiceLine]
    agency: Agency
    booking: Booking
    balance: Balance
    config: InvoicingConfig
    credited_invoice: Invoice | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_credit_note(self) -> bool:
        return self.invoice.kind == CREDIT_NOTE

    @property
    def title(self) -> str:
        if self.is_credit_note:
            return "Credit Note"
        return "Tax Invoice" if self.invoice.tax_regime != "export" else "Invoice (Export of Services)"

    def amount(self, minor: int) -> str:
        return money_str(minor, self.invoice.currency)

    def tax_breakdown(self) -> list[dict[str, str]]:
        """Non-zero tax components with their rates (from the first line that carries them)."""
        rows = []
        for name in TAX_COMPONENTS:
            total = getattr(self.invoice, f"{name}_minor")
            if not total:
                continue
            line = next((ln for ln in self.lines if getattr(ln, f"{name}_minor")), None)
            rate_bps = line.tax_rate_bps if line else 0
            if name in ("cgst", "sgst"):
                rate_bps //= 2
            rows.append({"name": name.upper(), "rate": f"{rate_percent(rate_bps)}%",
                         "amount": self.amount(total)})
        return rows

    def as_dict(self) -> dict[str, Any]:
        inv, cur = self.invoice, self.invoice.currency
        seller = self.config.seller
        return {
            "id": inv.id,
            "kind": inv.kind,
            "invoice_number": inv.invoice_number,
            "status": inv.status,
            "series": inv.series,
            "fiscal_year": fiscal_year_label(inv.fiscal_year),
            "issued_on": inv.issued_on.isoformat() if inv.issued_on else None,
            "due_on": inv.due_on.isoformat() if inv.due_on else None,
            "currency": cur,
            "credited_invoice_number": (
                self.credited_invoice.invoice_number if self.credited_invoice else None
            ),
            "booking_ref": self.booking.booking_ref,
            "tax_regime": inv.tax_regime,
            "place_of_supply": inv.place_of_supply,
            "seller": {"name": seller.name, "address": list(seller.address_lines),
                       "gstin": seller.gstin, "state_code": seller.state_code},
            "buyer": {"name": self.agency.name, "code": self.agency.code, "city": self.agency.city,
                      "country_code": self.agency.country_code, "state_code": self.agency.state_code,
                      "tax_id": self.agency.tax_id, "email": self.agency.email},
            "lines": [
                {"line_number": ln.line_number, "description": ln.description,
                 "sac_code": ln.sac_code, "quantity": ln.quantity,
                 "unit_price": money_str(ln.unit_price_minor, cur),
                 "net_amount": money_str(ln.amount_minor, cur),
                 "tax_rate_percent": rate_percent(ln.tax_rate_bps),
                 **{name: money_str(getattr(ln, f"{name}_minor"), cur) for name in TAX_COMPONENTS},
                 "tax": money_str(ln.tax_minor, cur),
                 "total": money_str(ln.amount_minor + ln.tax_minor, cur)}
                for ln in self.lines
            ],
            "totals": {
                "subtotal": self.amount(inv.subtotal_minor),
                **{name: self.amount(getattr(inv, f"{name}_minor")) for name in TAX_COMPONENTS},
                "tax": self.amount(inv.tax_minor),
                "total": self.amount(inv.total_minor),
                "total_in_words": amount_in_words(inv.total_minor, cur),
            },
            "balance": {
                "credited": self.amount(self.balance.credited_minor),
                "paid": self.amount(self.balance.net_paid_minor),
                "outstanding": self.amount(self.balance.outstanding_minor),
            },
        }


def load_document(session: Session, invoice: Invoice, config: InvoicingConfig) -> InvoiceDocument:
    agency = session.get(Agency, invoice.agency_id)
    booking = session.get(Booking, invoice.booking_id)
    assert agency is not None and booking is not None  # foreign keys
    credited = session.get(Invoice, invoice.credited_invoice_id) if invoice.credited_invoice_id else None
    return InvoiceDocument(
        invoice=invoice, lines=invoice_lines(session, invoice.id), agency=agency, booking=booking,
        balance=invoice_balance(session, invoice), config=config, credited_invoice=credited,
    )
