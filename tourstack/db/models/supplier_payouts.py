"""Supplier settlement bookkeeping: which booking items a payout settles, and its audit trail.

Why a link table: a payout is a sum of supplier costs, and "nothing is paid twice" is a
statement about booking items, not about sums. Every payout proposed by tourstack.supplier_payouts
lists the items it settles with the amount it covers for each. Payouts without links (entered
by hand or imported before links existed) are read as covering the supplier's items of their
currency whose service date falls inside their period.

Why `live_booking_item_id`: it repeats `booking_item_id` while the payout is alive (pending
approval, approved or paid) and is cleared when the payout is rejected. A UNIQUE constraint on
it (NULLs never collide, on SQLite and PostgreSQL alike) lets the database itself refuse a
second live payout for one item, whatever the application does, while rejected proposals keep
their links for the record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, MinorUnits, Timestamps, UTCDateTime


class SupplierPayoutItem(Timestamps, Base):
    """One booking item settled by a payout: `amount_minor` (positive) in the payout's currency.

    Live links of one item never cover more than its cost: a database trigger refuses the link
    that would (migration 0014)."""

    __tablename__ = "supplier_payout_items"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_payout_id: Mapped[int] = mapped_column(ForeignKey("supplier_payouts.id"), index=True)
    booking_item_id: Mapped[int] = mapped_column(ForeignKey("booking_items.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    live_booking_item_id: Mapped[int | None] = mapped_column(Integer, unique=True)


class SupplierPayoutEvent(Timestamps, Base):
    """One workflow step of a payout: who moved it from which status to which, and when.

    `action`: propose, approve, reject, mark_paid. The actor is kept like invoice events: the
    API key as a plain id (revoked keys never break the trail) and the staff user when the key
    belongs to a person.
    """

    __tablename__ = "supplier_payout_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_payout_id: Mapped[int] = mapped_column(ForeignKey("supplier_payouts.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    actor_key_id: Mapped[int | None] = mapped_column(Integer)
    actor_staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    note: Mapped[str | None] = mapped_column(String(200))
