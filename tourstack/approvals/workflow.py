"""Lock-and-transition, and separation of duties, for any record with a status.

Why every step locks first: two concurrent steps on one record would both pass the status check
and both write. `lock` takes the row lock (SELECT ... FOR UPDATE on PostgreSQL, the database
write lock on SQLite: tourstack.db.locking) before the status is read, so the second step sees
the first one's result and is refused (409). Callers that lock other rows too (issuing locks the
booking first) take those locks before calling `lock`, in the order tourstack.db.locking
documents.

Why the maker cannot approve: a second person checks every document that moves money. The
maker is whoever took the workflow's `maker_action` last, as the audit trail records it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from tourstack.approvals.actor import Actor
from tourstack.approvals.trail import AuditTrail
from tourstack.db.locking import lock_row
from tourstack.approvals.errors import IllegalTransition, SeparationOfDuties
from tourstack.errors import NotFound

Row = TypeVar("Row")
# action -> (statuses it may start from, status it leads to)
Transitions = Mapping[str, tuple[frozenset[str], str]]


@dataclass(frozen=True)
class Workflow(Generic[Row]):
    """One domain's workflow: its rows, transition table, audit trail and errors."""

    noun: str  # how messages name a row: "invoice", "supplier payout"
    model: type[Row]
    transitions: Transitions
    trail: AuditTrail[Any]
    not_found: type[NotFound]
    illegal: type[IllegalTransition]  # the domain's own, for its title
    same_person: type[SeparationOfDuties]
    maker_action: str  # the step that makes the record: "submit", "propose"
    maker_done: str  # the same in the past tense, for messages: "submitted", "proposed"

    def lock(self, session: Session, row_id: int) -> Row:
        """The row, locked until the transaction ends; not found if there is none."""
        row = lock_row(session, self.model, row_id)
        if row is None:
            raise self.not_found(f"{self.noun} {row_id} not found")
        return row

    def move(
        self, session: Session, row: Any, action: str, actor: Actor, *,
        now: dt.datetime | None = None, note: str | None = None,
    ) -> str:
        """Apply `action` to a locked row if its status allows it, and record the step.

        Returns the status it left."""
        allowed, target = self.transitions[action]
        if row.status not in allowed:
            raise self.illegal(
                f"cannot {action.replace('_', ' ')} {self.noun} {row.id}: it is {row.status}"
                f" (allowed from {', '.join(sorted(allowed))})"
            )
        previous = row.status
        row.status = target
        self.trail.record(session, row, action, previous, target, actor, now=now, note=note)
        return previous

    def check_not_maker(self, session: Session, row: Any, actor: Actor) -> None:
        """Refuse an approval by whoever made the record (read under the row's lock)."""
        made = self.trail.last(session, row.id, self.maker_action)
        if made is not None and actor.is_same_as(made):
            raise self.same_person(
                f"{self.noun} {row.id} was {self.maker_done} by the same user; another person must approve it"
            )
