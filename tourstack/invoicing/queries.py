"""Read queries for invoices, scoped by agency and paginated by keyset like bookings.

Agents see only their own agency's numbered documents (issued invoices, including ones later
paid or voided, and credit notes); drafts and documents awaiting approval are internal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tourstack.db.models import Invoice, InvoiceLine
from tourstack.sales.pagination import Page, check_limit, keyset_page


@dataclass(frozen=True)
class InvoiceFilters:
    status: str | None = None
    kind: str | None = None
    booking_id: int | None = None
    agency_id: int | None = None


def _invoices(agency_id: int | None, *, issued_only: bool) -> Select:
    stmt = select(Invoice)
    if agency_id is not None:
        stmt = stmt.where(Invoice.agency_id == agency_id)
    if issued_only:
        stmt = stmt.where(Invoice.invoice_number.is_not(None))
    return stmt


def list_invoices(
    session: Session,
    *,
    agency_id: int | None,
    issued_only: bool = False,
    filters: InvoiceFilters | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[Invoice]:
    """Invoices newest first. Raises InvalidCursor for a malformed cursor."""
    check_limit(limit)
    filters = filters or InvoiceFilters()
    stmt = _invoices(agency_id, issued_only=issued_only)
    if filters.status is not None:
        stmt = stmt.where(Invoice.status == filters.status)
    if filters.kind is not None:
        stmt = stmt.where(Invoice.kind == filters.kind)
    if filters.booking_id is not None:
        stmt = stmt.where(Invoice.booking_id == filters.booking_id)
    if filters.agency_id is not None:
        stmt = stmt.where(Invoice.agency_id == filters.agency_id)
    return keyset_page(session, stmt, Invoice, limit, cursor)


def get_invoice(
    session: Session, invoice_id: int, *, agency_id: int | None, issued_only: bool = False
) -> Invoice | None:
    """The invoice, or None when missing or outside the caller's scope."""
    return session.scalar(_invoices(agency_id, issued_only=issued_only).where(Invoice.id == invoice_id))


def invoice_lines(session: Session, invoice_id: int) -> list[InvoiceLine]:
    return list(
        session.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id).order_by(InvoiceLine.line_number)
        )
    )


def credit_notes_of(session: Session, invoice_id: int) -> list[Invoice]:
    return list(
        session.scalars(
            select(Invoice).where(Invoice.credited_invoice_id == invoice_id).order_by(Invoice.id)
        )
    )
