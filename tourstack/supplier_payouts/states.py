"""Payout statuses and the workflow's legal transitions, in one table.

A proposal creates payouts in pending_approval -> approved -> paid; a payout can be rejected until it is paid.
A rejected payout releases its booking items, which the next proposal picks up again.
"""

from __future__ import annotations

PENDING_APPROVAL = "pending_approval"
APPROVED = "approved"
PAID = "paid"
REJECTED = "rejected"
STATUSES = (PENDING_APPROVAL, APPROVED, PAID, REJECTED)
# Payouts that cover their items: money paid or on its way.
LIVE_STATUSES = frozenset({PENDING_APPROVAL, APPROVED, PAID})
IN_PAYMENT_STATUSES = frozenset({PENDING_APPROVAL, APPROVED})

# Booking items that create a debt to the supplier: the supplier confirmed (or delivered) the
# service and the booking was not cancelled.
DUE_ITEM_STATUSES = ("confirmed", "completed")
CANCELLED_BOOKING = "cancelled"

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({PENDING_APPROVAL}), APPROVED),
    "reject": (frozenset({PENDING_APPROVAL, APPROVED}), REJECTED),
    "mark_paid": (frozenset({APPROVED}), PAID),
}
