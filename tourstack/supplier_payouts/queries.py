"""Read queries for supplier payouts, paginated by keyset (newest first) like invoices."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import BookingItem, SupplierPayout, SupplierPayoutItem
from tourstack.sales.pagination import Page, check_limit, keyset_page


@dataclass(frozen=True)
class PayoutFilters:
    status: str | None = None
    supplier_id: int | None = None


def list_payouts(
    session: Session, *, filters: PayoutFilters | None = None, limit: int = 50,
    cursor: str | None = None,
) -> Page[SupplierPayout]:
    """Payouts newest first. Raises InvalidCursor for a malformed cursor."""
    check_limit(limit)
    filters = filters or PayoutFilters()
    stmt = select(SupplierPayout)
    if filters.status is not None:
        stmt = stmt.where(SupplierPayout.status == filters.status)
    if filters.supplier_id is not None:
        stmt = stmt.where(SupplierPayout.supplier_id == filters.supplier_id)
    return keyset_page(session, stmt, SupplierPayout, limit, cursor)


def get_payout(session: Session, payout_id: int) -> SupplierPayout | None:
    return session.get(SupplierPayout, payout_id)


def payout_items(session: Session, payout_id: int) -> list[tuple[SupplierPayoutItem, BookingItem]]:
    """The booking items a payout settles, with the items themselves, in service-date order."""
    return [
        (link, item)
        for link, item in session.execute(
            select(SupplierPayoutItem, BookingItem)
            .join(BookingItem, BookingItem.id == SupplierPayoutItem.booking_item_id)
            .where(SupplierPayoutItem.supplier_payout_id == payout_id)
            .order_by(BookingItem.service_date, BookingItem.id)
        ).tuples()
    ]
