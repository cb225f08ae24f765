"""Building taxed invoice lines and the totals that tie out to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tourstack.db.models import Invoice, InvoiceLine
from tourstack.invoicing.errors import InvalidInvoice
from tourstack.invoicing.tax import LineTax, TaxTreatment, line_tax
from tourstack.money import exponent, to_minor

# Amounts at or above this many major units are typing errors (and near BIGINT range).
MAX_MAJOR_UNITS = Decimal(10) ** 12
MAX_QUANTITY = 10_000
DESCRIPTION_MAX = 200


@dataclass(frozen=True)
class LineInput:
    """An explicit line: `unit_price_minor` is net of tax, in the invoice currency."""

    description: str
    quantity: int
    unit_price_minor: int
    booking_item_id: int | None = None


def parse_amount(label: str, value: Decimal | str | int, currency: str, *, allow_zero: bool = False) -> int:
    """A decimal amount in major units -> minor units, refusing floats and excess places."""
    if isinstance(value, float) or isinstance(value, bool):
        raise InvalidInvoice(f"{label} must be a decimal string, not a {type(value).__name__}")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInvoice(f"{label} is not a decimal amount") from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidInvoice(f"{label} must be {'zero or ' if allow_zero else ''}positive")
    if amount >= MAX_MAJOR_UNITS:
        raise InvalidInvoice(f"{label} is too large")
    places = exponent(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise InvalidInvoice(f"{label} has more than {places} decimal places for {currency}")
    return to_minor(amount, currency)


def validate_line(line: LineInput) -> None:
    if not line.description or not line.description.strip():
        raise InvalidInvoice("every line needs a description")
    if len(line.description) > DESCRIPTION_MAX:
        raise InvalidInvoice(f"a line description has at most {DESCRIPTION_MAX} characters")
    if not 1 <= line.quantity <= MAX_QUANTITY:
        raise InvalidInvoice(f"quantity must be between 1 and {MAX_QUANTITY}")
    if line.unit_price_minor < 0:
        raise InvalidInvoice("a unit price cannot be negative")


def taxed_line(
    number: int,
    description: str,
    quantity: int,
    unit_price_minor: int,
    net_minor: int,
    tax: LineTax,
    rate_bps: int,
    *,
    sac_code: str | None,
    booking_item_id: int | None = None,
    credited_line_id: int | None = None,
) -> InvoiceLine:
    return InvoiceLine(
        line_number=number,
        description=description.strip()[:DESCRIPTION_MAX],
        quantity=quantity,
        unit_price_minor=unit_price_minor,
        amount_minor=net_minor,
        tax_rate_bps=rate_bps,
        cgst_minor=tax.cgst_minor,
        sgst_minor=tax.sgst_minor,
        igst_minor=tax.igst_minor,
        vat_minor=tax.vat_minor,
        tax_minor=tax.total_minor,
        sac_code=sac_code,
        booking_item_id=booking_item_id,
        credited_line_id=credited_line_id,
    )


def build_lines(inputs: Sequence[LineInput], treatment: TaxTreatment, sac_code: str) -> list[InvoiceLine]:
    """Validated, taxed lines numbered from 1."""
    if not inputs:
        raise InvalidInvoice("an invoice needs at least one line")
    lines = []
    for number, item in enumerate(inputs, start=1):
        validate_line(item)
        net = item.quantity * item.unit_price_minor
        lines.append(
            taxed_line(
                number, item.description, item.quantity, item.unit_price_minor, net,
                line_tax(net, treatment), treatment.rate_bps, sac_code=sac_code,
                booking_item_id=item.booking_item_id,
            )
        )
    return lines


def apply_totals(invoice: Invoice, lines: Sequence[InvoiceLine]) -> None:
    """Header totals as exact sums of the lines (never recomputed from a header rate)."""
    invoice.subtotal_minor = sum(line.amount_minor for line in lines)
    invoice.cgst_minor = sum(line.cgst_minor for line in lines)
    invoice.sgst_minor = sum(line.sgst_minor for line in lines)
    invoice.igst_minor = sum(line.igst_minor for line in lines)
    invoice.vat_minor = sum(line.vat_minor for line in lines)
    invoice.tax_minor = sum(line.tax_minor for line in lines)
    invoice.total_minor = invoice.subtotal_minor + invoice.tax_minor
