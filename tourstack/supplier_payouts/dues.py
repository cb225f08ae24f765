"""What the operator owes its suppliers: per booking item, and per supplier, currency and due date.

A booking item creates a debt when the supplier confirmed the service and the booking was not
cancelled (see states.DUE_ITEM_STATUSES). The debt is `cost_minor` in the item's cost currency
(the supplier's currency) and falls due `payment_terms_days` after the service date.

Coverage by payouts, per item:
- a payout proposed here links the items it settles (supplier_payout_items) with an amount;
- a payout without links (entered by hand, or older than the links) covers the supplier's items
  of its currency whose service date lies in its period, allocated in service-date order
  (service_date, id) until its amount runs out. The same rule runs in dbt (fct_supplier_dues),
  so the API and the warehouse agree.
Paid payouts count as paid; pending and approved ones as in payment; rejected ones not at all.
Coverage is capped at the item's cost, paid first. Everything is integer minor units: no rounding.

`as_of` chooses which services count as incurred (service date on or before it) and which dues
are overdue (due before it); payout statuses are read as they stand now.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, BookingItem, Supplier, SupplierPayout, SupplierPayoutItem
from tourstack.supplier_payouts.states import (
    CANCELLED_BOOKING,
    DUE_ITEM_STATUSES,
    IN_PAYMENT_STATUSES,
    LIVE_STATUSES,
    PAID,
)


@dataclass(frozen=True)
class ItemDue:
    """One booking item's debt and how much of it payouts cover."""

    booking_item_id: int
    supplier_id: int
    currency: str
    service_date: dt.date
    due_on: dt.date
    cost_minor: int
    paid_minor: int
    in_payment_minor: int

    @property
    def outstanding_minor(self) -> int:
        """Still owed to the supplier (cost not yet paid)."""
        return self.cost_minor - self.paid_minor

    @property
    def unproposed_minor(self) -> int:
        """Owed and in no live payout yet: what the next proposal would include."""
        return self.cost_minor - self.paid_minor - self.in_payment_minor


@dataclass(frozen=True)
class SupplierDue:
    """Dues of one supplier in one currency falling due on one date."""

    supplier_id: int
    currency: str
    due_on: dt.date
    item_count: int
    cost_minor: int
    paid_minor: int
    in_payment_minor: int
    overdue: bool

    @property
    def outstanding_minor(self) -> int:
        return self.cost_minor - self.paid_minor

    @property
    def unproposed_minor(self) -> int:
        return self.cost_minor - self.paid_minor - self.in_payment_minor


@dataclass
class _Cover:
    paid: int = 0
    in_payment: int = 0

    def add(self, status: str, amount: int) -> None:
        if status == PAID:
            self.paid += amount
        elif status in IN_PAYMENT_STATUSES:
            self.in_payment += amount


def _due_items(session: Session, supplier_ids: Iterable[int] | None, service_until: dt.date | None):
    stmt = (
        select(BookingItem.id, BookingItem.supplier_id, BookingItem.cost_currency,
               BookingItem.service_date, BookingItem.cost_minor, Supplier.payment_terms_days)
        .join(Booking, Booking.id == BookingItem.booking_id)
        .join(Supplier, Supplier.id == BookingItem.supplier_id)
        .where(BookingItem.status.in_(DUE_ITEM_STATUSES), Booking.status != CANCELLED_BOOKING,
               Booking.deleted_at.is_(None))
    )
    if supplier_ids is not None:
        stmt = stmt.where(BookingItem.supplier_id.in_(list(supplier_ids)))
    if service_until is not None:
        stmt = stmt.where(BookingItem.service_date <= service_until)
    return session.execute(stmt.order_by(BookingItem.service_date, BookingItem.id)).all()


def _linked_cover(session: Session, supplier_ids: Iterable[int] | None) -> dict[int, _Cover]:
    stmt = (
        select(SupplierPayoutItem.booking_item_id, SupplierPayout.status, SupplierPayoutItem.amount_minor)
        .join(SupplierPayout, SupplierPayout.id == SupplierPayoutItem.supplier_payout_id)
        .where(SupplierPayout.status.in_(LIVE_STATUSES))
    )
    if supplier_ids is not None:
        stmt = stmt.where(SupplierPayout.supplier_id.in_(list(supplier_ids)))
    cover: dict[int, _Cover] = defaultdict(_Cover)
    for item_id, status, amount in session.execute(stmt):
        cover[item_id].add(status, amount)
    return cover


def _unlinked_payouts(session: Session, supplier_ids: Iterable[int] | None) -> list[SupplierPayout]:
    has_links = exists().where(SupplierPayoutItem.supplier_payout_id == SupplierPayout.id)
    stmt = select(SupplierPayout).where(SupplierPayout.status.in_(LIVE_STATUSES), ~has_links)
    if supplier_ids is not None:
        stmt = stmt.where(SupplierPayout.supplier_id.in_(list(supplier_ids)))
    return list(session.scalars(stmt.order_by(SupplierPayout.id)))


def item_dues(
    session: Session,
    *,
    supplier_ids: Iterable[int] | None = None,
    service_until: dt.date | None = None,
) -> list[ItemDue]:
    """Every due booking item (optionally of some suppliers, served on or before a date) with
    its coverage, in service-date order."""
    ids = None if supplier_ids is None else sorted(set(supplier_ids))
    rows = _due_items(session, ids, service_until)
    cover = _linked_cover(session, ids)
    by_key: dict[tuple[int, str], list] = defaultdict(list)
    for row in rows:  # already in (service_date, id) order
        by_key[(row.supplier_id, row.cost_currency)].append(row)
    for payout in _unlinked_payouts(session, ids):
        remaining = payout.amount_minor
        for row in by_key.get((payout.supplier_id, payout.currency), ()):
            if remaining <= 0:
                break
            if payout.period_start <= row.service_date <= payout.period_end:
                take = min(remaining, row.cost_minor)
                cover[row.id].add(payout.status, take)
                remaining -= take
    dues = []
    for row in rows:
        c = cover.get(row.id, _Cover())
        paid = min(row.cost_minor, c.paid)
        in_payment = min(row.cost_minor - paid, c.in_payment)
        dues.append(ItemDue(
            booking_item_id=row.id, supplier_id=row.supplier_id, currency=row.cost_currency,
            service_date=row.service_date,
            due_on=row.service_date + dt.timedelta(days=row.payment_terms_days),
            cost_minor=row.cost_minor, paid_minor=paid, in_payment_minor=in_payment,
        ))
    return dues


def supplier_dues(
    session: Session, as_of: dt.date, supplier_id: int | None = None, *, include_settled: bool = False
) -> list[SupplierDue]:
    """Dues per supplier, currency and due date for services delivered on or before `as_of`.

    Only dues with something still owed are returned unless `include_settled`.
    """
    groups: dict[tuple[int, str, dt.date], list[ItemDue]] = defaultdict(list)
    suppliers = None if supplier_id is None else [supplier_id]
    for due in item_dues(session, supplier_ids=suppliers, service_until=as_of):
        groups[(due.supplier_id, due.currency, due.due_on)].append(due)
    result = []
    for (sid, currency, due_on), items in sorted(groups.items()):
        cost = sum(i.cost_minor for i in items)
        paid = sum(i.paid_minor for i in items)
        if cost == paid and not include_settled:
            continue
        result.append(SupplierDue(
            supplier_id=sid, currency=currency, due_on=due_on, item_count=len(items),
            cost_minor=cost, paid_minor=paid,
            in_payment_minor=sum(i.in_payment_minor for i in items),
            overdue=due_on < as_of and cost > paid,
        ))
    return result


def get_supplier(session: Session, supplier_id: int) -> Supplier | None:
    """The supplier; a soft-deleted one too, since what it is owed does not go away."""
    return session.get(Supplier, supplier_id)
