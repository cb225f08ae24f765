"""Creating a draft invoice for a booking, from its items or from explicit lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.approvals import Actor
from tourstack.db.models import Agency, Booking, BookingItem, Invoice
from tourstack.invoicing.errors import BookingNotFound, InvalidInvoice
from tourstack.invoicing.events import INVOICE_TRAIL
from tourstack.invoicing.fiscal import fiscal_year
from tourstack.invoicing.lines import LineInput, apply_totals, build_lines
from tourstack.invoicing.tax import InvoicingConfig, treatment_for
from tourstack.invoicing.states import DRAFT, INVOICE


def lines_from_booking(session: Session, booking: Booking) -> list[LineInput]:
    """One line per confirmed booking item, at its sell amount (net of tax).

    An item's `sell_minor` is its whole amount: it becomes quantity x unit price when it divides
    evenly by the quantity, otherwise one line of quantity 1 so no minor unit is lost.
    """
    items = session.scalars(
        select(BookingItem)
        .where(BookingItem.booking_id == booking.id, BookingItem.status != "cancelled")
        .order_by(BookingItem.service_date, BookingItem.id)
    ).all()
    lines = []
    for item in items:
        if item.sell_currency != booking.currency:
            raise InvalidInvoice(
                f"booking item {item.id} is sold in {item.sell_currency}, "
                f"the booking in {booking.currency}"
            )
        quantity = item.quantity if item.quantity > 0 and item.sell_minor % item.quantity == 0 else 1
        lines.append(
            LineInput(
                description=f"{item.description} ({item.service_type}, {item.service_date:%d %b %Y})",
                quantity=quantity,
                unit_price_minor=item.sell_minor // quantity,
                booking_item_id=item.id,
            )
        )
    if not lines:
        raise InvalidInvoice(f"booking {booking.booking_ref} has no billable items")
    return lines


def create_draft(
    session: Session,
    booking_id: int,
    *,
    actor: Actor,
    config: InvoicingConfig,
    lines: Sequence[LineInput] | None = None,
    now: dt.datetime | None = None,
) -> Invoice:
    """A draft invoice for the booking, taxed for the booking's agency. Flushed, not committed.

    Without `lines`, the booking's confirmed items are billed at their sell amounts. The draft
    has no number yet; its `fiscal_year` is provisional and set again at issue.
    Raises BookingNotFound or InvalidInvoice.
    """
    now = now or dt.datetime.now(dt.UTC)
    booking = session.scalar(
        select(Booking).where(Booking.id == booking_id, Booking.deleted_at.is_(None))
    )
    if booking is None:
        raise BookingNotFound(f"booking {booking_id} not found")
    if booking.status == "cancelled":
        raise InvalidInvoice(f"booking {booking.booking_ref} is cancelled")
    agency = session.get(Agency, booking.agency_id)
    assert agency is not None  # enforced by the foreign key
    treatment = treatment_for(config, agency.country_code, agency.state_code)
    built = build_lines(
        list(lines) if lines is not None else lines_from_booking(session, booking),
        treatment, config.sac_code,
    )
    invoice = Invoice(
        kind=INVOICE,
        series=config.invoice_series,
        fiscal_year=fiscal_year(now.date()),
        booking_id=booking.id,
        agency_id=booking.agency_id,
        currency=booking.currency,
        status=DRAFT,
        tax_regime=treatment.regime,
        place_of_supply=treatment.place_of_supply,
    )
    apply_totals(invoice, built)
    session.add(invoice)
    session.flush()
    for line in built:
        line.invoice_id = invoice.id
    session.add_all(built)
    INVOICE_TRAIL.record(session, invoice, "create", None, DRAFT, actor, now=now)
    session.flush()
    return invoice
