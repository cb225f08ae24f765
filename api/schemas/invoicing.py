"""Invoices and credit notes as the API shows and accepts them.

Amounts are decimal strings with their currency (never JSON numbers). The audit trail is
operator-internal: agents get an empty `events` list.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import AuditEventFields, DbId, DecimalString, IsoDate, Money, MoneyIn
from tourstack.db.models import Invoice, InvoiceEvent, InvoiceLine
from tourstack.invoicing import Balance, fiscal_year_label
from tourstack.invoicing.document import rate_percent


class InvoiceLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=200)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: DecimalString = Field(description="net of tax, in the booking's currency")
    booking_item_id: DbId | None = Field(default=None)


class InvoiceCreate(BaseModel):
    """A draft for a booking: its confirmed items at sell price, or the explicit `lines`."""

    model_config = ConfigDict(extra="forbid")

    booking_ref: str = Field(min_length=1, max_length=16)
    lines: list[InvoiceLineIn] | None = Field(default=None, min_length=1, max_length=200)


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=200)


class CreditLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_id: DbId
    amount: DecimalString | None = Field(
        default=None, description="taxable value to credit; omitted = all that remains of the line"
    )


class CreditNoteCreate(BaseModel):
    """Give `amount` (taxable value, tax added at the invoice's rates) or `lines`, or neither
    for a full credit of everything that remains."""

    model_config = ConfigDict(extra="forbid")

    amount: MoneyIn | None = None
    lines: list[CreditLineIn] | None = Field(default=None, min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=200)


class InvoiceLineOut(BaseModel):
    id: int
    line_number: int
    description: str
    sac_code: str | None
    quantity: int
    unit_price: Money
    net_amount: Money
    tax_rate_percent: str
    cgst: Money
    sgst: Money
    igst: Money
    vat: Money
    tax: Money
    total: Money
    credited_line_id: int | None

    @classmethod
    def build(cls, line: InvoiceLine, currency: str) -> InvoiceLineOut:
        def m(minor: int) -> Money:
            return Money.of(minor, currency)

        return cls(
            id=line.id, line_number=line.line_number, description=line.description,
            sac_code=line.sac_code, quantity=line.quantity, unit_price=m(line.unit_price_minor),
            net_amount=m(line.amount_minor), tax_rate_percent=rate_percent(line.tax_rate_bps),
            cgst=m(line.cgst_minor), sgst=m(line.sgst_minor), igst=m(line.igst_minor),
            vat=m(line.vat_minor), tax=m(line.tax_minor), total=m(line.amount_minor + line.tax_minor),
            credited_line_id=line.credited_line_id,
        )


class InvoiceEventOut(AuditEventFields):
    pass


class InvoiceOut(BaseModel):
    id: int
    kind: str
    invoice_number: str | None
    status: str
    overdue: bool = Field(description="issued, past due_on and not fully paid (computed)")
    series: str
    fiscal_year: str
    booking_id: int
    agency_id: int
    credited_invoice_id: int | None
    issued_on: IsoDate | None
    due_on: IsoDate | None
    tax_regime: str | None
    place_of_supply: str | None
    subtotal: Money
    cgst: Money
    sgst: Money
    igst: Money
    vat: Money
    tax: Money
    total: Money

    @classmethod
    def build(cls, inv: Invoice, *, today: IsoDate) -> InvoiceOut:
        return cls(**_invoice_fields(inv, today))


class BalanceOut(BaseModel):
    credited: Money
    paid: Money
    outstanding: Money

    @classmethod
    def build(cls, balance: Balance) -> BalanceOut:
        cur = balance.currency
        return cls(credited=Money.of(balance.credited_minor, cur),
                   paid=Money.of(balance.net_paid_minor, cur),
                   outstanding=Money.of(balance.outstanding_minor, cur))


class InvoiceDetail(InvoiceOut):
    lines: list[InvoiceLineOut]
    balance: BalanceOut
    credit_note_ids: list[int]
    events: list[InvoiceEventOut]

    @classmethod
    def build_detail(
        cls, inv: Invoice, *, lines: list[InvoiceLine], balance: Balance, credit_note_ids: list[int],
        events: list[InvoiceEvent], overdue: bool,
    ) -> InvoiceDetail:
        fields = _invoice_fields(inv, None) | {"overdue": overdue}
        return cls(
            **fields,
            lines=[InvoiceLineOut.build(ln, inv.currency) for ln in lines],
            balance=BalanceOut.build(balance),
            credit_note_ids=credit_note_ids,
            events=[InvoiceEventOut.model_validate(e, from_attributes=True) for e in events],
        )


def _invoice_fields(inv: Invoice, today: IsoDate | None) -> dict:
    cur = inv.currency
    overdue = bool(
        today and inv.kind == "invoice" and inv.status in ("issued", "partially_paid")
        and inv.due_on and inv.due_on < today
    )
    return {
        "id": inv.id, "kind": inv.kind, "invoice_number": inv.invoice_number, "status": inv.status,
        "overdue": overdue, "series": inv.series, "fiscal_year": fiscal_year_label(inv.fiscal_year),
        "booking_id": inv.booking_id, "agency_id": inv.agency_id,
        "credited_invoice_id": inv.credited_invoice_id, "issued_on": inv.issued_on,
        "due_on": inv.due_on, "tax_regime": inv.tax_regime, "place_of_supply": inv.place_of_supply,
        "subtotal": Money.of(inv.subtotal_minor, cur), "cgst": Money.of(inv.cgst_minor, cur),
        "sgst": Money.of(inv.sgst_minor, cur), "igst": Money.of(inv.igst_minor, cur),
        "vat": Money.of(inv.vat_minor, cur), "tax": Money.of(inv.tax_minor, cur),
        "total": Money.of(inv.total_minor, cur),
    }
