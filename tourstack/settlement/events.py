"""The audit trail (`supplier_payout_events`) of payouts: who did what, from which status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import SupplierPayout, SupplierPayoutEvent
from tourstack.invoicing.events import Actor


def record_event(
    session: Session,
    payout: SupplierPayout,
    action: str,
    from_status: str | None,
    to_status: str,
    actor: Actor,
    *,
    now: dt.datetime,
    note: str | None = None,
) -> SupplierPayoutEvent:
    event = SupplierPayoutEvent(
        supplier_payout_id=payout.id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_role=actor.role,
        actor_key_id=actor.key_id,
        actor_staff_user_id=actor.staff_user_id,
        occurred_at=now,
        note=note[:200] if note else None,
    )
    session.add(event)
    return event


def list_events(session: Session, payout_id: int) -> list[SupplierPayoutEvent]:
    return list(
        session.scalars(
            select(SupplierPayoutEvent)
            .where(SupplierPayoutEvent.supplier_payout_id == payout_id)
            .order_by(SupplierPayoutEvent.occurred_at, SupplierPayoutEvent.id)
        )
    )


def last_event(session: Session, payout_id: int, action: str) -> SupplierPayoutEvent | None:
    return session.scalar(
        select(SupplierPayoutEvent)
        .where(SupplierPayoutEvent.supplier_payout_id == payout_id,
               SupplierPayoutEvent.action == action)
        .order_by(SupplierPayoutEvent.id.desc())
        .limit(1)
    )
