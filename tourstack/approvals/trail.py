"""The audit trail of a workflow: one append-only row per step, in the step's transaction.

Why rows and not log lines: finance must be able to show who moved a document, when and from
which status, and separation of duties reads the trail to find the maker. The event tables of
invoices and supplier payouts share one shape (subject id, action, from/to status, actor,
occurred_at, note) and differ only in the column naming their subject.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from tourstack.approvals.actor import Actor

Event = TypeVar("Event")
NOTE_LENGTH = 200  # the note column's width


@dataclass(frozen=True)
class AuditTrail(Generic[Event]):
    model: type[Event]
    subject: InstrumentedAttribute[int]  # the event's column naming its subject, e.g. InvoiceEvent.invoice_id

    def record(
        self,
        session: Session,
        subject: Any,
        action: str,
        from_status: str | None,
        to_status: str,
        actor: Actor,
        *,
        now: dt.datetime | None = None,
        note: str | None = None,
    ) -> Event:
        """Add the row for one step on `subject` (a flushed row with an id); the caller commits."""
        event = self.model(
            **{self.subject.key: subject.id},
            action=action,
            from_status=from_status,
            to_status=to_status,
            **actor.columns(),
            occurred_at=now or dt.datetime.now(dt.UTC),
            note=note[:NOTE_LENGTH] if note else None,
        )
        session.add(event)
        return event

    def list(self, session: Session, subject_id: int) -> list[Event]:
        """Every step on one subject, oldest first."""
        model: Any = self.model
        return list(session.scalars(
            select(model).where(self.subject == subject_id).order_by(model.occurred_at, model.id)))

    def last(self, session: Session, subject_id: int, action: str) -> Event | None:
        """The latest step of one kind (e.g. who submitted it last)."""
        model: Any = self.model
        return session.scalar(
            select(model).where(self.subject == subject_id, model.action == action)
            .order_by(model.id.desc()).limit(1))
