"""Proposing payouts: one pending_approval payout per supplier and currency for what falls due
in a period and is in no live payout yet.

Idempotent by construction: each proposed payout links the items it settles, and an item with a
live link has nothing left to propose, so running the same proposal twice creates nothing the
second time. Concurrent proposals are serialised per supplier: the supplier rows are locked
(SELECT ... FOR UPDATE, in id order so two proposers cannot deadlock) before the dues are read,
so the second proposer waits and then sees the first one's links (on SQLite the proposal takes the
database write lock before reading, tourstack.db.locking). The unique `live_booking_item_id` is
the backstop should anything bypass the lock, and the database refuses a live link covering
more than the booking item costs (migration 0014).
Functions flush and leave the commit to the caller.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.approvals import Actor
from tourstack.db.locking import lock_ids
from tourstack.db.models import Booking, BookingItem, Supplier, SupplierPayout, SupplierPayoutItem
from tourstack.supplier_payouts.dues import ItemDue, item_dues
from tourstack.supplier_payouts.errors import InvalidSettlement
from tourstack.supplier_payouts.events import PAYOUT_TRAIL
from tourstack.supplier_payouts.states import CANCELLED_BOOKING, DUE_ITEM_STATUSES, PENDING_APPROVAL

MAX_PERIOD_DAYS = 366


def _candidate_suppliers(session: Session, period_end: dt.date, supplier_id: int | None) -> list[int]:
    stmt = (
        select(BookingItem.supplier_id).distinct()
        .join(Booking, Booking.id == BookingItem.booking_id)
        .where(BookingItem.status.in_(DUE_ITEM_STATUSES), Booking.status != CANCELLED_BOOKING,
               Booking.deleted_at.is_(None), BookingItem.service_date <= period_end)
    )
    if supplier_id is not None:
        stmt = stmt.where(BookingItem.supplier_id == supplier_id)
    return sorted(session.scalars(stmt))


def lock_suppliers(session: Session, supplier_ids: list[int]) -> None:
    """Row-lock the suppliers in id order (SQLite: take the database write lock)."""
    lock_ids(session, Supplier, supplier_ids)


def propose_payouts(
    session: Session,
    period_start: dt.date,
    period_end: dt.date,
    proposer: Actor,
    *,
    supplier_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[SupplierPayout]:
    """Create pending_approval payouts for the unproposed dues falling due in the period.

    Returns the new payouts (none when everything due is already proposed or paid).
    """
    if period_end < period_start:
        raise InvalidSettlement("period_end is before period_start")
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise InvalidSettlement(f"a proposal period may span at most {MAX_PERIOD_DAYS} days")
    now = now or dt.datetime.now(dt.UTC)
    suppliers = _candidate_suppliers(session, period_end, supplier_id)
    if not suppliers:
        return []
    lock_suppliers(session, suppliers)
    groups: dict[tuple[int, str], list[ItemDue]] = defaultdict(list)
    for due in item_dues(session, supplier_ids=suppliers, service_until=period_end):
        if period_start <= due.due_on <= period_end and due.unproposed_minor > 0:
            groups[(due.supplier_id, due.currency)].append(due)
    payouts = []
    for (sid, currency), dues in sorted(groups.items()):
        payout = SupplierPayout(
            supplier_id=sid, currency=currency, amount_minor=sum(d.unproposed_minor for d in dues),
            period_start=period_start, period_end=period_end, status=PENDING_APPROVAL,
        )
        session.add(payout)
        session.flush()
        session.add_all(
            SupplierPayoutItem(supplier_payout_id=payout.id, booking_item_id=d.booking_item_id,
                               amount_minor=d.unproposed_minor, live_booking_item_id=d.booking_item_id)
            for d in dues
        )
        PAYOUT_TRAIL.record(session, payout, "propose", None, PENDING_APPROVAL, proposer, now=now,
                            note=f"{len(dues)} booking items due {period_start}..{period_end}")
        payouts.append(payout)
    session.flush()
    return payouts
