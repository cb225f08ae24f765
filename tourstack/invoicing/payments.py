"""Payment status derived from money actually received, and overdue as a query.

An invoice's balance: total, minus live credit notes, minus succeeded payments applied to it
(`payments.invoice_id`) net of their succeeded refunds. Only payments in the invoice currency
count; a payment in another currency must be converted (with a recorded rate) before it can be
applied. The stored status follows the balance (issued -> partially_paid -> paid and back when
a refund arrives) through `refresh_payment_status`, called whenever payments, refunds or credit
notes change. Overdue is never stored: it depends on the day you ask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tourstack.approvals import SYSTEM, Actor
from tourstack.db.models import Invoice, Payment, Refund
from tourstack.invoicing.events import INVOICE_TRAIL
from tourstack.invoicing.states import (
    CREDIT_NOTE,
    INVOICE,
    ISSUED,
    ISSUED_STATUSES,
    PAID,
    PARTIALLY_PAID,
    VOID,
)

SUCCEEDED = "succeeded"


@dataclass(frozen=True)
class Balance:
    currency: str
    total_minor: int
    credited_minor: int
    paid_minor: int
    refunded_minor: int

    @property
    def net_paid_minor(self) -> int:
        return self.paid_minor - self.refunded_minor

    @property
    def due_minor(self) -> int:
        """What the customer owes in all: the total less credit notes."""
        return self.total_minor - self.credited_minor

    @property
    def outstanding_minor(self) -> int:
        return self.due_minor - self.net_paid_minor


def invoice_balance(session: Session, invoice: Invoice) -> Balance:
    credited = session.scalar(
        select(func.coalesce(func.sum(Invoice.total_minor), 0)).where(
            Invoice.credited_invoice_id == invoice.id,
            Invoice.kind == CREDIT_NOTE,
            Invoice.status != VOID,
        )
    )
    paid = session.scalar(
        select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(
            Payment.invoice_id == invoice.id,
            Payment.status == SUCCEEDED,
            Payment.currency == invoice.currency,
        )
    )
    refunded = session.scalar(
        select(func.coalesce(func.sum(Refund.amount_minor), 0))
        .join(Payment, Payment.id == Refund.payment_id)
        .where(
            Payment.invoice_id == invoice.id,
            Payment.status == SUCCEEDED,
            Refund.status == SUCCEEDED,
            Refund.currency == invoice.currency,
        )
    )
    return Balance(invoice.currency, invoice.total_minor, int(credited), int(paid), int(refunded))


def derived_status(balance: Balance) -> str:
    """issued while nothing is paid, paid once the amount due is covered, else partially_paid."""
    if balance.net_paid_minor <= 0:
        return ISSUED
    if balance.net_paid_minor >= balance.due_minor:
        return PAID
    return PARTIALLY_PAID


def refresh_payment_status(
    session: Session, invoice: Invoice, *, actor: Actor = SYSTEM, now: dt.datetime | None = None
) -> Invoice:
    """Bring an issued invoice's status in line with its balance; records the change, if any."""
    if invoice.kind != INVOICE or invoice.status not in ISSUED_STATUSES:
        return invoice
    target = derived_status(invoice_balance(session, invoice))
    if target != invoice.status:
        previous, invoice.status = invoice.status, target
        INVOICE_TRAIL.record(session, invoice, "payment", previous, target, actor, now=now)
        session.flush()
    return invoice


def refresh_all_payment_statuses(session: Session, *, now: dt.datetime | None = None) -> int:
    """Re-derive the status of every issued invoice (for jobs after a payments sync).

    Returns how many changed. Payment writers should call `refresh_payment_status` for the
    invoice they touched; this sweep catches payments loaded in bulk (e.g. by ingestion).
    """
    changed = 0
    for invoice in session.scalars(
        select(Invoice).where(Invoice.kind == INVOICE, Invoice.status.in_(ISSUED_STATUSES))
    ):
        before = invoice.status
        if refresh_payment_status(session, invoice, now=now).status != before:
            changed += 1
    return changed


def is_overdue(invoice: Invoice, balance: Balance, today: dt.date) -> bool:
    return (
        invoice.kind == INVOICE
        and invoice.status in ISSUED_STATUSES
        and invoice.due_on is not None
        and invoice.due_on < today
        and balance.outstanding_minor > 0
    )


def overdue_query(today: dt.date, agency_id: int | None = None) -> Select:
    """Issued invoices past their due date and not fully paid (status kept by the refresh)."""
    stmt = select(Invoice).where(
        Invoice.kind == INVOICE,
        Invoice.status.in_((ISSUED, PARTIALLY_PAID)),
        Invoice.due_on < today,
    )
    if agency_id is not None:
        stmt = stmt.where(Invoice.agency_id == agency_id)
    return stmt.order_by(Invoice.due_on, Invoice.id)


def overdue_invoices(session: Session, today: dt.date, agency_id: int | None = None) -> list[Invoice]:
    return list(session.scalars(overdue_query(today, agency_id)))
