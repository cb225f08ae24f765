"""Invoices: drafting from bookings, the approval workflow, credit notes and downloads.

Finance (and admin) manage invoices; agents may only read their own agency's issued documents,
and anything else answers 404 exactly like a missing invoice. Domain errors become problems
in api.problems (404 / 409 / 422). Each write commits once, at the end, so a failure rolls back
everything including an invoice number taken for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from api.deps import CanManageInvoices, CanReadInvoices, InvoicingConfigDep, SessionDep
from api.problems import ApiProblem
from api.routes import API_PREFIX
from api.schemas.common import DbId, Page, problem_responses
from api.schemas.invoicing import (
    CreditNoteCreate,
    InvoiceCreate,
    InvoiceDetail,
    InvoiceOut,
    TransitionIn,
)
from tourstack.auth import Principal
from tourstack.db.models import Invoice
from tourstack.invoicing import (
    Actor,
    CreditLineInput,
    InvalidInvoice,
    InvoiceFilters,
    LineInput,
    approve,
    create_credit_note,
    create_draft,
    credit_notes_of,
    get_invoice,
    invoice_balance,
    invoice_lines,
    is_overdue,
    issue,
    list_events,
    list_invoices,
    load_document,
    parse_amount,
    reject,
    submit,
    void,
)
from reports.invoices import render
from tourstack.payments import refresh_booking_invoices
from tourstack.sales import get_booking_by_ref

router = APIRouter(prefix="/invoices", tags=["invoices"])
log = logging.getLogger("api.invoices")

InvoiceStatus = Literal[
    "draft", "pending_approval", "approved", "issued", "partially_paid", "paid", "void"
]
DownloadFormat = Literal["pdf", "json", "csv", "einvoice"]
WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _visible(session: Session, principal: Principal, invoice_id: int) -> Invoice:
    """The invoice if the caller may see it; agents only their agency's issued documents."""
    invoice = get_invoice(
        session, invoice_id, agency_id=principal.scope_agency_id, issued_only=principal.is_agent
    )
    if invoice is None:
        raise ApiProblem(404, f"invoice {invoice_id} not found", slug="not-found")
    return invoice


def _detail(session: Session, invoice: Invoice, principal: Principal) -> InvoiceDetail:
    balance = invoice_balance(session, invoice)
    return InvoiceDetail.build_detail(
        invoice,
        lines=invoice_lines(session, invoice.id),
        balance=balance,
        credit_note_ids=[n.id for n in credit_notes_of(session, invoice.id)],
        events=[] if principal.is_agent else list_events(session, invoice.id),
        overdue=is_overdue(invoice, balance, _today()),
    )


@router.get("", response_model=Page[InvoiceOut], responses=problem_responses(400, 401, 403, 422))
def get_invoices(
    session: SessionDep,
    principal: CanReadInvoices,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    status: InvoiceStatus | None = None,
    kind: Literal["invoice", "credit_note"] | None = None,
    booking_id: Annotated[DbId | None, Query()] = None,
    agency_id: Annotated[DbId | None, Query(description="staff only")] = None,
) -> Page[InvoiceOut]:
    """Invoices and credit notes, newest first. Agents see their agency's issued ones."""
    page = list_invoices(
        session,
        agency_id=principal.scope_agency_id,
        issued_only=principal.is_agent,
        filters=InvoiceFilters(status=status, kind=kind, booking_id=booking_id,
                               agency_id=None if principal.is_agent else agency_id),
        limit=limit,
        cursor=cursor,
    )
    today = _today()
    return Page[InvoiceOut](
        items=[InvoiceOut.build(i, today=today) for i in page.items], next_cursor=page.next_cursor
    )


@router.get("/{invoice_id}", response_model=InvoiceDetail, responses=problem_responses(401, 403, 404))
def get_one_invoice(session: SessionDep, principal: CanReadInvoices, invoice_id: DbId) -> InvoiceDetail:
    """One invoice or credit note with lines, balance and (for staff) its audit trail."""
    return _detail(session, _visible(session, principal, invoice_id), principal)


@router.get(
    "/{invoice_id}/download",
    responses={200: {"content": {"application/pdf": {}, "text/csv": {}, "application/json": {}}},
               **problem_responses(401, 403, 404, 422)},
)
def download_invoice(
    session: SessionDep,
    principal: CanReadInvoices,
    config: InvoicingConfigDep,
    invoice_id: DbId,
    format: DownloadFormat = "pdf",  # noqa: A002 (the public query parameter name)
) -> Response:
    """The document as PDF, JSON, CSV (one row per line) or GST e-invoice (IRP schema) JSON."""
    invoice = _visible(session, principal, invoice_id)
    if format == "einvoice" and invoice.invoice_number is None:
        raise ApiProblem(409, "an e-invoice needs an issued, numbered document",
                         slug="not-issued", title="Invoice conflict")
    body, media_type, extension = render(load_document(session, invoice, config), format)
    name = (invoice.invoice_number or f"draft-{invoice.id}").replace("/", "-")
    return Response(
        content=body, media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'},
    )


@router.post("", response_model=InvoiceDetail, status_code=201, responses=WRITE_PROBLEMS)
def post_invoice(
    session: SessionDep, principal: CanManageInvoices, config: InvoicingConfigDep,
    body: InvoiceCreate, response: Response,
) -> InvoiceDetail:
    """Create a draft invoice for a booking (its items, or the explicit lines)."""
    booking = get_booking_by_ref(session, body.booking_ref, agency_id=None)
    if booking is None:
        raise ApiProblem(404, f"booking {body.booking_ref} not found", slug="not-found")
    lines = None
    if body.lines is not None:
        lines = [
            LineInput(ln.description, ln.quantity,
                      parse_amount("unit_price", ln.unit_price, booking.currency, allow_zero=True),
                      ln.booking_item_id)
            for ln in body.lines
        ]
    invoice = create_draft(session, booking.id, actor=Actor.of(principal), config=config, lines=lines)
    session.commit()
    log.info("invoice drafted", extra={"invoice_id": invoice.id, "key_id": principal.key_id})
    response.headers["Location"] = f"{API_PREFIX}{router.prefix}/{invoice.id}"
    return _detail(session, invoice, principal)


def _step(session: Session, principal: Principal, invoice: Invoice, action: str) -> InvoiceDetail:
    session.commit()
    log.info(f"invoice {action}", extra={"invoice_id": invoice.id, "status": invoice.status,
                                         "invoice_number": invoice.invoice_number,
                                         "key_id": principal.key_id})
    return _detail(session, invoice, principal)


@router.post("/{invoice_id}/submit", response_model=InvoiceDetail, responses=WRITE_PROBLEMS)
def post_submit(session: SessionDep, principal: CanManageInvoices, invoice_id: DbId) -> InvoiceDetail:
    """draft -> pending_approval."""
    return _step(session, principal, submit(session, invoice_id, actor=Actor.of(principal)), "submitted")


@router.post("/{invoice_id}/reject", response_model=InvoiceDetail, responses=WRITE_PROBLEMS)
def post_reject(
    session: SessionDep, principal: CanManageInvoices, invoice_id: DbId, body: TransitionIn | None = None
) -> InvoiceDetail:
    """pending_approval -> draft, with a reason."""
    invoice = reject(session, invoice_id, actor=Actor.of(principal), reason=body.reason if body else None)
    return _step(session, principal, invoice, "rejected")


@router.post("/{invoice_id}/approve", response_model=InvoiceDetail, responses=WRITE_PROBLEMS)
def post_approve(session: SessionDep, principal: CanManageInvoices, invoice_id: DbId) -> InvoiceDetail:
    """pending_approval -> approved; the submitter cannot approve (409 separation-of-duties)."""
    return _step(session, principal, approve(session, invoice_id, actor=Actor.of(principal)), "approved")


@router.post("/{invoice_id}/issue", response_model=InvoiceDetail, responses=WRITE_PROBLEMS)
def post_issue(
    session: SessionDep, principal: CanManageInvoices, config: InvoicingConfigDep, invoice_id: DbId
) -> InvoiceDetail:
    """approved -> issued: assigns the next gapless number (INV/2025-26/000123)."""
    invoice = issue(session, invoice_id, actor=Actor.of(principal), config=config)
    # payments taken before the invoice existed count towards it from the moment it is issued
    refresh_booking_invoices(session, invoice.booking_id)
    return _step(session, principal, invoice, "issued")


@router.post("/{invoice_id}/void", response_model=InvoiceDetail, responses=WRITE_PROBLEMS)
def post_void(
    session: SessionDep, principal: CanManageInvoices, invoice_id: DbId, body: TransitionIn | None = None
) -> InvoiceDetail:
    """Void before any payment; an issued invoice keeps its number."""
    invoice = void(session, invoice_id, actor=Actor.of(principal), reason=body.reason if body else None)
    return _step(session, principal, invoice, "voided")


@router.post(
    "/{invoice_id}/credit-notes", response_model=InvoiceDetail, status_code=201,
    responses=WRITE_PROBLEMS,
)
def post_credit_note(
    session: SessionDep, principal: CanManageInvoices, config: InvoicingConfigDep,
    invoice_id: DbId, body: CreditNoteCreate, response: Response,
) -> InvoiceDetail:
    """Issue a credit note (series CN) for an amount, for lines, or (neither) in full."""
    invoice = _visible(session, principal, invoice_id)
    amount_minor = None
    if body.amount is not None:
        if body.amount.currency != invoice.currency:
            raise InvalidInvoice(f"the invoice is in {invoice.currency}, not {body.amount.currency}")
        amount_minor = parse_amount("amount", body.amount.amount, invoice.currency)
    lines = None
    if body.lines is not None:
        lines = [
            CreditLineInput(ln.line_id, None if ln.amount is None
                            else parse_amount("amount", ln.amount, invoice.currency))
            for ln in body.lines
        ]
    note = create_credit_note(
        session, invoice.id, actor=Actor.of(principal), config=config,
        amount_minor=amount_minor, lines=lines, reason=body.reason,
    )
    response.headers["Location"] = f"{API_PREFIX}{router.prefix}/{note.id}"
    return _step(session, principal, note, "credited")
