"""What happened to the messages: provider status updates, the dead letters and replaying them.

Why statuses only move forward: providers report delivery asynchronously, out of order and more
than once (a WhatsApp "read" can arrive before its "delivered", and every status webhook may be
redelivered). Applying only forward moves (sent < delivered < read; failed from sent or
delivered) makes a duplicate or late report change nothing.
"""

from __future__ import annotations

import datetime as dt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.locking import lock_rows
from tourstack.db.models.messaging import OutboxMessage
from tourstack.errors import Conflict, Invalid, NotFound
from tourstack.sales.pagination import Page, keyset_page

STATUSES: tuple[str, ...] = ("pending", "sending", "sent", "delivered", "read", "failed", "dead")
PROVIDER_STATUSES: tuple[str, ...] = ("delivered", "read", "failed")
_RANK = {"sent": 1, "delivered": 2, "read": 3}


class MessageNotFound(NotFound):
    code = "message-not-found"


class NotReplayable(Conflict):
    code = "message-not-replayable"
    title = "Message not replayable"


class InvalidStatus(Invalid):
    code = "invalid-message-status"


def record_status(session: Session, *, channel: str, provider_message_id: str, status: str,
                  reason: str | None = None, at: dt.datetime | None = None) -> OutboxMessage | None:
    """Apply a provider's report on one of its message ids (in the caller's transaction).

    Returns the row when the report moved it forward; None when it is unknown, a duplicate or
    behind what is already recorded."""
    if status not in PROVIDER_STATUSES:
        raise InvalidStatus(f"unknown delivery status {status!r}; expected one of {', '.join(PROVIDER_STATUSES)}")
    found = session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.channel == channel, OutboxMessage.provider_message_id == provider_message_id)).first()
    if found is None:
        return None
    row = lock_rows(session, OutboxMessage, [found])[found]
    current = row.status
    if status == "failed":
        moves = current in ("sent", "delivered")
    else:
        moves = current in _RANK and _RANK[status] > _RANK[current]
    if not moves:
        return None
    row.status, row.status_at = status, at or utcnow()
    if status == "failed":
        row.reason = (reason or "the provider reported a failure")[:1000]
    return row


def replay(session: Session, message_id: int) -> OutboxMessage:
    """Put a dead message back in the queue with a fresh set of tries (caller commits)."""
    row = lock_rows(session, OutboxMessage, [message_id]).get(message_id)
    if row is None:
        raise MessageNotFound(f"message {message_id} not found")
    if row.status not in ("dead", "failed"):
        raise NotReplayable(f"message {message_id} is {row.status}; only dead or failed messages can be replayed")
    row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
    row.replays += 1
    row.lease_until = row.claim_token = None
    return row


def get_message(session: Session, message_id: int) -> OutboxMessage:
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise MessageNotFound(f"message {message_id} not found")
    return row


def list_messages(session: Session, *, status: str | None = None, channel: str | None = None,
                  limit: int = 50, cursor: str | None = None) -> Page[OutboxMessage]:
    """Newest first, one keyset page (tourstack.sales.pagination)."""
    if status is not None and status not in STATUSES:
        raise InvalidStatus(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    stmt = select(OutboxMessage)
    if status is not None:
        stmt = stmt.where(OutboxMessage.status == status)
    if channel is not None:
        stmt = stmt.where(OutboxMessage.channel == channel)
    return keyset_page(session, stmt, OutboxMessage, limit, cursor)


def status_counts(session: Session) -> dict[str, int]:
    """Messages per status (every status present, zero where none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)):
        counts[status] = n
    return counts
