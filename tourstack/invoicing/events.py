"""Who acts on invoices, and the audit trail (`invoice_events`) of what they did."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.auth import Principal
from tourstack.db.models import Invoice, InvoiceEvent


@dataclass(frozen=True)
class Actor:
    """The person or system behind a step. System steps (payments) have no key and no user."""

    role: str | None = None
    key_id: int | None = None
    staff_user_id: int | None = None

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(role=principal.role, key_id=principal.key_id,
                   staff_user_id=principal.staff_user_id)

    def is_same_as(self, event: InvoiceEvent) -> bool:
        """Same person: the same staff user, or (for keys without a user) the same key."""
        if self.staff_user_id is not None and event.actor_staff_user_id == self.staff_user_id:
            return True
        return self.key_id is not None and event.actor_key_id == self.key_id


SYSTEM = Actor(role="system")


def record_event(
    session: Session,
    invoice: Invoice,
    action: str,
    from_status: str | None,
    to_status: str,
    actor: Actor,
    *,
    now: dt.datetime | None = None,
    note: str | None = None,
) -> InvoiceEvent:
    event = InvoiceEvent(
        invoice_id=invoice.id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_role=actor.role,
        actor_key_id=actor.key_id,
        actor_staff_user_id=actor.staff_user_id,
        occurred_at=now or dt.datetime.now(dt.UTC),
        note=note[:200] if note else None,
    )
    session.add(event)
    return event


def list_events(session: Session, invoice_id: int) -> list[InvoiceEvent]:
    return list(
        session.scalars(
            select(InvoiceEvent)
            .where(InvoiceEvent.invoice_id == invoice_id)
            .order_by(InvoiceEvent.occurred_at, InvoiceEvent.id)
        )
    )


def last_event(session: Session, invoice_id: int, action: str) -> InvoiceEvent | None:
    return session.scalar(
        select(InvoiceEvent)
        .where(InvoiceEvent.invoice_id == invoice_id, InvoiceEvent.action == action)
        .order_by(InvoiceEvent.id.desc())
        .limit(1)
    )
