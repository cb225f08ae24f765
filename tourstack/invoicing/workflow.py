"""The approval workflow: submit, reject, approve, issue and void, each recorded with its actor.

The steps run on the shared maker-checker mechanism (tourstack.approvals): every step locks the
invoice row (SELECT ... FOR UPDATE on PostgreSQL, the database write lock on SQLite:
tourstack.db.locking) so two concurrent steps on one invoice cannot both pass the status check;
the second is refused (409); whoever submitted an invoice cannot approve it. Issuing locks the booking first (the order every
money step follows: issuing applies the booking's payments to the invoice) and takes the gapless
number last, after every check, inside the caller's transaction: see
tourstack.invoicing.numbering. The database refuses to change an issued number (migration 0014),
so an invoice is never issued twice.
Functions flush and leave the commit to the caller.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.approvals import Actor, Workflow
from tourstack.db.locking import lock_row
from tourstack.db.models import Booking, Invoice
from tourstack.db.rules import refused_as
from tourstack.invoicing.errors import (
    IllegalTransition,
    InvoiceConflict,
    InvoiceNotFound,
    SeparationOfDuties,
)
from tourstack.invoicing.events import INVOICE_TRAIL
from tourstack.invoicing.fiscal import fiscal_year, format_number
from tourstack.invoicing.numbering import next_number
from tourstack.invoicing.payments import refresh_payment_status
from tourstack.invoicing.states import CREDIT_NOTE, INVOICE, ISSUED_STATUSES, TRANSITIONS
from tourstack.invoicing.tax import InvoicingConfig


INVOICES: Workflow[Invoice] = Workflow(
    noun="invoice", model=Invoice, transitions=TRANSITIONS, trail=INVOICE_TRAIL,
    not_found=InvoiceNotFound, illegal=IllegalTransition, same_person=SeparationOfDuties,
    maker_action="submit", maker_done="submitted",
)


def lock_invoice(session: Session, invoice_id: int) -> Invoice:
    return INVOICES.lock(session, invoice_id)


def _transition(
    session: Session, invoice: Invoice, action: str, actor: Actor, now: dt.datetime | None,
    note: str | None = None,
) -> Invoice:
    """Check the move is legal for a locked invoice and apply it. Credit notes are issued at
    creation and can only be voided."""
    if invoice.kind != INVOICE and action != "void":
        raise IllegalTransition(f"cannot {action} a {invoice.kind.replace('_', ' ')}")
    INVOICES.move(session, invoice, action, actor, now=now, note=note)
    return invoice


def submit(session: Session, invoice_id: int, *, actor: Actor, now: dt.datetime | None = None) -> Invoice:
    """draft -> pending_approval."""
    invoice = _transition(session, lock_invoice(session, invoice_id), "submit", actor, now)
    session.flush()
    return invoice


def reject(
    session: Session, invoice_id: int, *, actor: Actor, reason: str | None = None,
    now: dt.datetime | None = None,
) -> Invoice:
    """pending_approval -> draft, with the approver's reason in the trail."""
    invoice = _transition(session, lock_invoice(session, invoice_id), "reject", actor, now, note=reason)
    session.flush()
    return invoice


def approve(session: Session, invoice_id: int, *, actor: Actor, now: dt.datetime | None = None) -> Invoice:
    """pending_approval -> approved, by someone other than whoever submitted it."""
    invoice = lock_invoice(session, invoice_id)
    INVOICES.check_not_maker(session, invoice, actor)
    _transition(session, invoice, "approve", actor, now)
    session.flush()
    return invoice


def issue(
    session: Session,
    invoice_id: int,
    *,
    actor: Actor,
    config: InvoicingConfig,
    now: dt.datetime | None = None,
) -> Invoice:
    """approved -> issued: assigns the next gapless number of the fiscal year of issue."""
    now = now or dt.datetime.now(dt.UTC)
    booking_id = session.scalar(select(Invoice.booking_id).where(Invoice.id == invoice_id))
    lock_row(session, Booking, booking_id)
    invoice = _transition(session, lock_invoice(session, invoice_id), "issue", actor, now)
    _number(session, invoice, invoice.series or config.invoice_series, now.date())
    invoice.due_on = invoice.issued_on + dt.timedelta(days=config.payment_terms_days)
    with refused_as(InvoiceConflict):
        session.flush()
    return invoice


def _number(session: Session, invoice: Invoice, series: str, issued_on: dt.date) -> None:
    year = fiscal_year(issued_on)
    sequence = next_number(session, series, year)
    invoice.series = series
    invoice.fiscal_year = year
    invoice.sequence_number = sequence
    invoice.invoice_number = format_number(series, year, sequence)
    invoice.issued_on = issued_on


def void(
    session: Session, invoice_id: int, *, actor: Actor, reason: str | None = None,
    now: dt.datetime | None = None,
) -> Invoice:
    """Any state before money arrives -> void. An issued invoice keeps its number (no gap).

    An issued invoice that has live credit notes must have them voided first, so credited
    amounts never point at a void document.
    """
    invoice = lock_invoice(session, invoice_id)
    if invoice.kind == INVOICE and invoice.status in ISSUED_STATUSES:
        live_credit = session.scalar(
            select(Invoice.id).where(
                Invoice.credited_invoice_id == invoice.id,
                Invoice.kind == CREDIT_NOTE,
                Invoice.status != "void",
            ).limit(1)
        )
        if live_credit is not None:
            raise InvoiceConflict(
                f"invoice {invoice.id} has credit notes; void them before voiding the invoice"
            )
    _transition(session, invoice, "void", actor, now, note=reason)
    session.flush()
    if invoice.kind == CREDIT_NOTE and invoice.credited_invoice_id is not None:
        # The credited amount is owed again: the invoice may drop back from paid.
        refresh_payment_status(session, lock_invoice(session, invoice.credited_invoice_id), now=now)
    return invoice
