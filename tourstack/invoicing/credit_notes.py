"""Credit notes against issued invoices: in full, by an amount, or by lines.

Storage: a credit note is an `invoices` row with kind='credit_note', its own series (CN) and
gapless numbering, `credited_invoice_id` pointing at the invoice, and positive amounts (the
kind gives the sign). Each of its lines points at the invoice line it credits
(`credited_line_id`). That makes "what remains creditable" exact and per line: the line's net
and each tax component minus what live (non-void) credit notes already took.

Tax on a credit line follows the invoice line's rate and regime; when a credit takes all that
remains of a line it takes the remaining tax components as they are, so a full credit reverses
the invoice to the minor unit whatever the rounding of earlier partial credits. A credit note is
issued (numbered) at creation: it needs no separate approval because it can only reduce what
an already approved invoice charged, and it is recorded in the invoice's trail.

An amount is the taxable value (net of tax) to credit; tax is added at the invoice's rates and
the amount is spread over the lines in proportion to what remains of each, by largest
remainder so no minor unit is lost.

Concurrent credit notes on one invoice are decided one after the other: the invoice is locked
before what remains is read (tourstack.invoicing.workflow.lock_invoice). The database refuses
live credit notes adding up to more than the invoice's total (migration 0014); that refusal is
a 409 like any credit beyond what remains.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.approvals import Actor
from tourstack.db.models import Invoice, InvoiceLine
from tourstack.db.rules import refused_as
from tourstack.invoicing.errors import CreditLimitExceeded, IllegalTransition, InvalidInvoice
from tourstack.invoicing.events import INVOICE_TRAIL
from tourstack.invoicing.lines import apply_totals, taxed_line
from tourstack.invoicing.payments import refresh_payment_status
from tourstack.invoicing.states import CREDIT_NOTE, INVOICE, ISSUED, ISSUED_STATUSES, VOID
from tourstack.invoicing.tax import InvoicingConfig, LineTax, line_tax, treatment_of_invoice
from tourstack.invoicing.workflow import _number, lock_invoice


@dataclass(frozen=True)
class CreditLineInput:
    """Credit `amount_minor` (net) of invoice line `line_id`; None credits all that remains."""

    line_id: int
    amount_minor: int | None = None


@dataclass(frozen=True)
class Remaining:
    """What is still creditable on one invoice line."""

    line: InvoiceLine
    net_minor: int
    tax: LineTax

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.tax.total_minor


def remaining_by_line(session: Session, invoice: Invoice) -> list[Remaining]:
    lines = session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.line_number)
    ).all()
    credited = session.scalars(
        select(InvoiceLine)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            Invoice.credited_invoice_id == invoice.id,
            Invoice.kind == CREDIT_NOTE,
            Invoice.status != VOID,
        )
    ).all()
    result = []
    for line in lines:
        taken = [c for c in credited if c.credited_line_id == line.id]
        result.append(
            Remaining(
                line=line,
                net_minor=line.amount_minor - sum(c.amount_minor for c in taken),
                tax=LineTax(
                    cgst_minor=line.cgst_minor - sum(c.cgst_minor for c in taken),
                    sgst_minor=line.sgst_minor - sum(c.sgst_minor for c in taken),
                    igst_minor=line.igst_minor - sum(c.igst_minor for c in taken),
                    vat_minor=line.vat_minor - sum(c.vat_minor for c in taken),
                ),
            )
        )
    return result


def creditable_minor(session: Session, invoice: Invoice) -> int:
    """Gross amount (net + tax) that credit notes may still take from `invoice`."""
    return sum(r.gross_minor for r in remaining_by_line(session, invoice))


def _spread(amount_minor: int, remaining: Sequence[Remaining]) -> dict[int, int]:
    """Split a net amount over lines in proportion to their remaining net (largest remainder)."""
    open_lines = [r for r in remaining if r.net_minor > 0]
    total = sum(r.net_minor for r in open_lines)
    if amount_minor > total:
        raise CreditLimitExceeded(f"only {total} minor units of taxable value remain creditable")
    shares = [Fraction(amount_minor * r.net_minor, total) for r in open_lines]
    parts = [int(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[: amount_minor - sum(parts)]:
        parts[i] += 1
    return {r.line.id: p for r, p in zip(open_lines, parts, strict=True) if p > 0}


def _credit_tax(invoice: Invoice, rem: Remaining, net_minor: int) -> LineTax:
    if net_minor == rem.net_minor:
        return rem.tax  # all that remains: reverse exactly
    computed = line_tax(
        net_minor, treatment_of_invoice(invoice.tax_regime, invoice.place_of_supply, rem.line.tax_rate_bps)
    )
    return LineTax(
        cgst_minor=min(computed.cgst_minor, rem.tax.cgst_minor),
        sgst_minor=min(computed.sgst_minor, rem.tax.sgst_minor),
        igst_minor=min(computed.igst_minor, rem.tax.igst_minor),
        vat_minor=min(computed.vat_minor, rem.tax.vat_minor),
    )


def _requested(
    remaining: list[Remaining], amount_minor: int | None, lines: Sequence[CreditLineInput] | None
) -> dict[int, int]:
    if amount_minor is not None and lines:
        raise InvalidInvoice("credit either an amount or lines, not both")
    if amount_minor is not None:
        if amount_minor <= 0:
            raise InvalidInvoice("the amount to credit must be positive")
        return _spread(amount_minor, remaining)
    by_id = {r.line.id: r for r in remaining}
    if not lines:
        return {r.line.id: r.net_minor for r in remaining if r.net_minor > 0}
    wanted: dict[int, int] = {}
    for item in lines:
        rem = by_id.get(item.line_id)
        if rem is None:
            raise InvalidInvoice(f"line {item.line_id} is not a line of this invoice")
        if item.line_id in wanted:
            raise InvalidInvoice(f"line {item.line_id} is listed twice")
        amount = rem.net_minor if item.amount_minor is None else item.amount_minor
        if amount <= 0 and item.amount_minor is not None:
            raise InvalidInvoice("the amount to credit must be positive")
        if amount > rem.net_minor:
            raise CreditLimitExceeded(
                f"line {rem.line.line_number} has only {rem.net_minor} minor units left to credit"
            )
        if amount > 0:
            wanted[item.line_id] = amount
    return wanted


def create_credit_note(
    session: Session,
    invoice_id: int,
    *,
    actor: Actor,
    config: InvoicingConfig,
    amount_minor: int | None = None,
    lines: Sequence[CreditLineInput] | None = None,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> Invoice:
    """Issue a credit note against an issued invoice; nothing given credits all that remains.

    Raises InvoiceNotFound, IllegalTransition (invoice not issued), InvalidInvoice or
    CreditLimitExceeded. Flushed, not committed.
    """
    now = now or dt.datetime.now(dt.UTC)
    invoice = lock_invoice(session, invoice_id)  # serialises credits on one invoice
    if invoice.kind != INVOICE or invoice.status not in ISSUED_STATUSES:
        raise IllegalTransition(
            f"credit notes need an issued invoice; invoice {invoice.id} is {invoice.status}"
        )
    remaining = remaining_by_line(session, invoice)
    wanted = _requested(remaining, amount_minor, lines)
    if not wanted:
        raise CreditLimitExceeded(f"invoice {invoice.id} has nothing left to credit")
    by_id = {r.line.id: r for r in remaining}
    built = []
    ordered = sorted(wanted.items(), key=lambda kv: by_id[kv[0]].line.line_number)
    for number, (line_id, net) in enumerate(ordered, start=1):
        rem = by_id[line_id]
        whole = net == rem.line.amount_minor
        quantity, unit = (rem.line.quantity, rem.line.unit_price_minor) if whole else (1, net)
        built.append(
            taxed_line(
                number, f"Credit: {rem.line.description}", quantity, unit, net,
                _credit_tax(invoice, rem, net), rem.line.tax_rate_bps,
                sac_code=rem.line.sac_code, credited_line_id=rem.line.id,
            )
        )
    note = Invoice(
        kind=CREDIT_NOTE,
        credited_invoice_id=invoice.id,
        series=config.credit_note_series,
        fiscal_year=invoice.fiscal_year,
        booking_id=invoice.booking_id,
        agency_id=invoice.agency_id,
        currency=invoice.currency,
        status=ISSUED,
        tax_regime=invoice.tax_regime,
        place_of_supply=invoice.place_of_supply,
    )
    apply_totals(note, built)
    session.add(note)
    with refused_as(CreditLimitExceeded):
        session.flush()
    for line in built:
        line.invoice_id = note.id
    session.add_all(built)
    INVOICE_TRAIL.record(session, note, "create", None, ISSUED, actor, now=now, note=reason)
    INVOICE_TRAIL.record(session, invoice, "credit", invoice.status, invoice.status, actor, now=now,
                         note=reason)
    _number(session, note, config.credit_note_series, now.date())  # last: holds the counter lock
    INVOICE_TRAIL.record(session, note, "issue", ISSUED, ISSUED, actor, now=now, note=note.invoice_number)
    session.flush()
    refresh_payment_status(session, invoice, now=now)
    return note
