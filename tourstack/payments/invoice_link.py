"""Applying a booking's payments to its invoices, so invoice statuses follow the money.

An invoice's balance (tourstack.invoicing.invoice_balance) counts the payments applied to it
(`payments.invoice_id`). Payments often exist before their invoice does (deposits are taken at
booking, bank transfers arrive unannounced and are matched by booking reference), so every
succeeded payment of a booking that is applied to no invoice (or to one since voided) is applied
here to the booking's issued invoice in its currency that still has something outstanding,
oldest first; whatever is left over lands on the newest one. Then the invoices re-derive their
status (issued -> partially_paid -> paid). This runs whenever the booking's money changes
(`refresh_booking`), when an invoice is issued through the API, and in the maintenance run for
invoices issued any other way.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from tourstack.db.models import Invoice, Payment
from tourstack.invoicing import invoice_balance, refresh_payment_status
from tourstack.invoicing.states import INVOICE, ISSUED_STATUSES, VOID


def _unapplied():
    void = select(Invoice.id).where(Invoice.status == VOID)
    return (Payment.status == "succeeded", or_(Payment.invoice_id.is_(None), Payment.invoice_id.in_(void)))


def apply_payments_to_invoices(session: Session, booking_id: int) -> int:
    """Apply the booking's unapplied succeeded payments; returns how many were applied."""
    invoices = list(session.scalars(select(Invoice).where(
        Invoice.booking_id == booking_id, Invoice.kind == INVOICE, Invoice.status.in_(ISSUED_STATUSES))
        .order_by(Invoice.id)))
    if not invoices:
        return 0
    applied = 0
    for payment in session.scalars(select(Payment).where(Payment.booking_id == booking_id, *_unapplied())
                                   .order_by(Payment.id)).all():
        same = [i for i in invoices if i.currency == payment.currency]
        if not same:
            continue  # another currency: applied once converted with a recorded rate, not here
        target = next((i for i in same if invoice_balance(session, i).outstanding_minor > 0), same[-1])
        payment.invoice_id = target.id
        session.flush()
        applied += 1
    return applied


def refresh_booking_invoices(session: Session, booking_id: int, *, now: dt.datetime | None = None) -> None:
    """Apply unapplied payments and re-derive the status of the booking's issued invoices."""
    apply_payments_to_invoices(session, booking_id)
    for invoice in session.scalars(select(Invoice).where(Invoice.booking_id == booking_id,
                                                         Invoice.kind == INVOICE)).all():
        refresh_payment_status(session, invoice, now=now)
    session.flush()


def apply_unapplied_payments(session: Session, *, now: dt.datetime | None = None) -> int:
    """For the maintenance run: every booking with an issued invoice and unapplied payments."""
    issued = exists().where(Invoice.booking_id == Payment.booking_id, Invoice.kind == INVOICE,
                            Invoice.status.in_(ISSUED_STATUSES))
    booking_ids = list(session.scalars(select(Payment.booking_id).where(*_unapplied(), issued).distinct()))
    for booking_id in booking_ids:
        refresh_booking_invoices(session, booking_id, now=now)
    return len(booking_ids)
