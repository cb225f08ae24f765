"""The payout workflow: approve, reject and mark paid, each recorded with its actor.

The steps run on the shared maker-checker mechanism (tourstack.approvals), as for invoices:
every step locks the payout row (SELECT ... FOR UPDATE on PostgreSQL, the database write lock
on SQLite: tourstack.db.locking) so two concurrent steps on one payout cannot both pass the
status check; the second is refused (409). Approval needs a second person: whoever
proposed the payout cannot approve it.
Functions flush and leave the commit to the caller.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session

from tourstack.approvals import Actor, Workflow
from tourstack.db.models import SupplierPayout, SupplierPayoutItem
from tourstack.supplier_payouts.errors import (
    IllegalTransition,
    InvalidSettlement,
    PayoutNotFound,
    SeparationOfDuties,
)
from tourstack.supplier_payouts.events import PAYOUT_TRAIL
from tourstack.supplier_payouts.states import TRANSITIONS

MAX_REFERENCE_LENGTH = 64
PAYOUTS: Workflow[SupplierPayout] = Workflow(
    noun="supplier payout", model=SupplierPayout, transitions=TRANSITIONS, trail=PAYOUT_TRAIL,
    not_found=PayoutNotFound, illegal=IllegalTransition, same_person=SeparationOfDuties,
    maker_action="propose", maker_done="proposed",
)


def approve(
    session: Session, payout_id: int, *, actor: Actor, now: dt.datetime | None = None
) -> SupplierPayout:
    """pending_approval -> approved, by someone other than whoever proposed it."""
    now = now or dt.datetime.now(dt.UTC)
    payout = PAYOUTS.lock(session, payout_id)
    PAYOUTS.check_not_maker(session, payout, actor)
    PAYOUTS.move(session, payout, "approve", actor, now=now)
    payout.approved_by_staff_id = actor.staff_user_id
    payout.approved_at = now
    session.flush()
    return payout


def reject(
    session: Session, payout_id: int, *, actor: Actor, reason: str | None = None,
    now: dt.datetime | None = None,
) -> SupplierPayout:
    """pending_approval or approved -> rejected; its booking items become proposable again."""
    now = now or dt.datetime.now(dt.UTC)
    payout = PAYOUTS.lock(session, payout_id)
    PAYOUTS.move(session, payout, "reject", actor, now=now, note=reason)
    session.execute(
        update(SupplierPayoutItem)
        .where(SupplierPayoutItem.supplier_payout_id == payout.id)
        .values(live_booking_item_id=None, updated_at=now)
    )
    session.flush()
    return payout


def mark_paid(
    session: Session, payout_id: int, *, actor: Actor, reference: str, paid_on: dt.date,
    now: dt.datetime | None = None,
) -> SupplierPayout:
    """approved -> paid, with the bank reference and the date the money left."""
    now = now or dt.datetime.now(dt.UTC)
    reference = (reference or "").strip()
    if not reference:
        raise InvalidSettlement("a bank reference is required to mark a payout paid")
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise InvalidSettlement(f"the bank reference is longer than {MAX_REFERENCE_LENGTH} characters")
    if paid_on > now.date():
        raise InvalidSettlement(f"paid_on {paid_on} is in the future")
    payout = PAYOUTS.lock(session, payout_id)
    if payout.approved_at is not None and paid_on < payout.approved_at.date():
        raise InvalidSettlement(f"paid_on {paid_on} is before the approval on {payout.approved_at.date()}")
    PAYOUTS.move(session, payout, "mark_paid", actor, now=now, note=f"reference {reference}")
    payout.reference = reference
    payout.paid_on = paid_on
    session.flush()
    return payout
