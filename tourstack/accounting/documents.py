"""What the outbound sync sends, read from our books in a provider-neutral shape.

Each `Outbound` is one document as both providers need it: the agency as a customer, an issued
invoice or credit note with its lines, tax keys, ledger account codes, its currency and the
exchange rate we booked (1 unit = rate INR, the last ECB rate on or before the issue date, the
same rate the ledger carries the receivable at), and a succeeded payment with the invoices it
settles. `digest` is the SHA-256 of the canonical JSON of that payload: a document whose digest
equals the mapping's `last_pushed_hash` has nothing new to send.

A document the mapping files cannot express (a tax key or account without a provider id) or
without a booked rate carries `problems` instead of being sent: the sync queues them as errors.
Order matters to the providers (an invoice names its customer, a payment its invoices), so
`ENTITY_ORDER` is customers, invoices, credit notes, payments, then the payable side
(tourstack.accounting.payables): vendors, bills (a bill names its vendor), bill payments (a
payment names its bill).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.accounting.mappings import ProviderMapping, tax_key
from tourstack.db.models import Agency, Invoice, InvoiceLine, Payment
from tourstack.fx.convert import convert
from tourstack.fx.db import DbRateSource
from tourstack.fx.errors import FxError
from tourstack.money import Money

HOME_CURRENCY = "INR"
_RATE_QUANTUM = Decimal("0.000001")
ENTITY_ORDER = ("customer", "invoice", "credit_note", "payment", "vendor", "bill", "bill_payment")
SENT_INVOICE_STATUSES = ("issued", "partially_paid", "paid", "void")
REVENUE_ACCOUNT = "4000"
RECEIVABLE_ACCOUNT = "1200"
# where a payment's money lands, per gateway (tourstack ledger: clearing, or the bank for transfers)
DEPOSIT_ACCOUNTS = {"stripe": "1100", "razorpay": "1101", "paypal": "1102"}
BANK_ACCOUNTS = {"INR": "1000", "USD": "1001", "GBP": "1002", "EUR": "1003", "SGD": "1004", "AED": "1005",
                 "THB": "1006"}


@dataclass
class Outbound:
    entity: str
    local_id: int
    label: str  # a person's name for it: the invoice number, the agency code
    payload: dict
    problems: list[tuple[str, str]] = field(default_factory=list)  # (code, message)

    @property
    def digest(self) -> str:
        return payload_digest(self.payload)


def payload_digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def idempotency_key(provider: str, entity: str, local_id: int, attempt: int = 0) -> str:
    """Deterministic: the same document always creates with the same key, so a rerun after a
    crash repeats it and the provider answers the first create again. `attempt` moves past a key
    the provider permanently refused (a validation fault), once the cause is fixed."""
    base = f"tourstack:{provider}:{entity}:{local_id}" + (f":{attempt}" if attempt else "")
    return hashlib.sha256(base.encode()).hexdigest()[:40]


def booked_rate(session: Session, currency: str, on: dt.date) -> tuple[str, str, str] | None:
    """(rate, rate_date, source): 1 `currency` = rate INR on `on`, as the ledger booked it."""
    if currency == HOME_CURRENCY:
        return "1", on.isoformat(), "identity"
    try:
        conversion = convert(Money(1, currency), HOME_CURRENCY, on, DbRateSource(session))
    except FxError:
        return None
    return str(conversion.rate.quantize(_RATE_QUANTUM)), conversion.rate_date.isoformat(), conversion.source



def _map(mapping: ProviderMapping, kind: str, key: str, problems: list, what: str) -> str | None:
    table = {"account": mapping.accounts, "item": mapping.items, "tax_code": mapping.tax_codes}[kind]
    value = table.get(key)
    if value is None:
        problems.append((f"unmapped-{kind.replace('_', '-')}",
                         f"{what}: {kind.replace('_', ' ')} {key} has no {mapping.provider} id in {mapping.source}"))
    return value


def customers(session: Session, mapping: ProviderMapping) -> list[Outbound]:
    """Agencies with at least one document to send (an agency with no invoice stays ours)."""
    with_documents = select(Invoice.agency_id).where(Invoice.status.in_(SENT_INVOICE_STATUSES),
                                                     Invoice.invoice_number.is_not(None))
    rows = session.scalars(select(Agency).where(Agency.id.in_(with_documents)).order_by(Agency.id))
    return [Outbound("customer", a.id, a.code, {
        "name": f"{a.name} ({a.code})", "code": a.code, "email": a.email, "phone": a.phone,
        "country": a.country_code, "state": a.state_code, "city": a.city, "currency": a.currency,
        "tax_id": a.tax_id}) for a in rows]


def invoices(session: Session, mapping: ProviderMapping, kind: str = "invoice") -> list[Outbound]:
    """Issued invoices (kind invoice) or credit notes (kind credit_note), with their lines."""
    query = (select(Invoice).where(Invoice.kind == kind, Invoice.status.in_(SENT_INVOICE_STATUSES),
                                   Invoice.invoice_number.is_not(None)).order_by(Invoice.id))
    docs = list(session.scalars(query))
    lines: dict[int, list[InvoiceLine]] = {}
    if docs:
        for line in session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id.in_([d.id for d in docs]))
                                    .order_by(InvoiceLine.invoice_id, InvoiceLine.line_number)):
            lines.setdefault(line.invoice_id, []).append(line)
    credited = [d.credited_invoice_id for d in docs if d.credited_invoice_id]
    numbers = {i: n for i, n in session.execute(select(Invoice.id, Invoice.invoice_number)
                                                .where(Invoice.id.in_(credited)))} if credited else {}
    out = []
    for doc in docs:
        problems: list[tuple[str, str]] = []
        issued_on = doc.issued_on or dt.date.today()
        rate = booked_rate(session, doc.currency, issued_on)
        if rate is None:
            problems.append(("no-booked-rate", f"{doc.invoice_number}: no {doc.currency}/INR rate on or before "
                                               f"{issued_on}"))
        account = _map(mapping, "account", REVENUE_ACCOUNT, problems, doc.invoice_number)
        item = _map(mapping, "item", REVENUE_ACCOUNT, problems, doc.invoice_number) \
            if mapping.provider == "quickbooks" else None
        payload_lines = []
        for line in lines.get(doc.id, []):
            key = tax_key(doc.tax_regime or "export", doc.place_of_supply, line.tax_rate_bps)
            payload_lines.append({
                "number": line.line_number, "description": line.description, "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor, "amount_minor": line.amount_minor,
                "tax_minor": line.tax_minor, "tax_key": key,
                "tax_code": _map(mapping, "tax_code", key, problems, doc.invoice_number),
                "account": account, "item": item})
        out.append(Outbound(kind, doc.id, doc.invoice_number, {
            "number": doc.invoice_number, "customer_id": doc.agency_id, "issued_on": issued_on.isoformat(),
            "due_on": (doc.due_on or issued_on).isoformat(), "currency": doc.currency,
            "fx_rate": rate[0] if rate else None, "fx_rate_date": rate[1] if rate else None,
            "fx_source": rate[2] if rate else None, "subtotal_minor": doc.subtotal_minor,
            "tax_minor": doc.tax_minor, "total_minor": doc.total_minor, "voided": doc.status == "void",
            "credited_invoice_id": doc.credited_invoice_id,
            "credited_number": numbers.get(doc.credited_invoice_id), "lines": payload_lines,
        }, problems))
    return out


def payments(session: Session, mapping: ProviderMapping) -> list[Outbound]:
    """Succeeded payments linked to an invoice we send, with the invoices they settle.

    Our payments settle one invoice each; the payload is a list of allocations so that a
    payment split across invoices (the providers allow several per payment) needs no new shape.
    A payment of an invoice voided later (a deposit, then a cancellation) is the customer's
    credit in our ledger: the allocation says so (`invoice_voided`), and QuickBooks gets it as an
    unapplied payment."""
    sent = select(Invoice.id).where(Invoice.status.in_(SENT_INVOICE_STATUSES), Invoice.invoice_number.is_not(None))
    query = (select(Payment, Invoice.agency_id, Invoice.status).join(Invoice, Invoice.id == Payment.invoice_id)
             .where(Payment.status == "succeeded", Payment.invoice_id.in_(sent)).order_by(Payment.id))
    out = []
    for payment, agency_id, invoice_status in session.execute(query):
        problems: list[tuple[str, str]] = []
        paid_on = payment.attempted_at.date()
        rate = booked_rate(session, payment.currency, paid_on)
        label = f"payment {payment.gateway_reference}"
        if rate is None:
            problems.append(("no-booked-rate", f"{label}: no {payment.currency}/INR rate on or before {paid_on}"))
        deposit_code = DEPOSIT_ACCOUNTS.get(payment.gateway) or BANK_ACCOUNTS.get(payment.currency, "1000")
        out.append(Outbound("payment", payment.id, label, {
            "reference": payment.gateway_reference, "customer_id": agency_id, "paid_on": paid_on.isoformat(),
            "currency": payment.currency, "amount_minor": payment.amount_minor,
            "fx_rate": rate[0] if rate else None, "fx_rate_date": rate[1] if rate else None,
            "deposit_account": _map(mapping, "account", deposit_code, problems, label),
            "allocations": [{"invoice_id": payment.invoice_id, "amount_minor": payment.amount_minor,
                             "invoice_voided": invoice_status == "void"}],
        }, problems))
    return out


def outbound(session: Session, mapping: ProviderMapping, entity: str) -> list[Outbound]:
    if entity == "customer":
        return customers(session, mapping)
    if entity in ("invoice", "credit_note"):
        return invoices(session, mapping, entity)
    if entity == "payment":
        return payments(session, mapping)
    if entity in ("vendor", "bill", "bill_payment"):
        from tourstack.accounting import payables

        return {"vendor": payables.vendors, "bill": payables.bills,
                "bill_payment": payables.bill_payments}[entity](session, mapping)
    raise ValueError(f"unknown entity {entity!r}; known: {', '.join(ENTITY_ORDER)}")
