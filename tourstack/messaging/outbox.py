"""Write outbox messages in the caller's transaction; deliver them per consumer with retries.

Why this shape: `enqueue` only adds a row to the session it is given, so the message commits
or rolls back with the change that caused it. `drain` takes due messages of one consumer
(oldest first; on PostgreSQL `FOR UPDATE SKIP LOCKED`, so two workers never take the same
row), hands each to the consumer's `deliver` function and records the outcome in its own
short transaction: delivered with the consumer's answer, or the error with the next attempt
pushed back exponentially, or, after `max_attempts`, dead (kept for a person to look at and
requeue). Deliveries are at-least-once: a worker dying after `deliver` and before the commit
delivers again, with the same idempotency key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tourstack.db.models import OutboxMessage

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 30.0
    factor: float = 2.0
    max_seconds: float = 3600.0
    max_attempts: int = 8

    def delay(self, attempts: int) -> dt.timedelta:
        """The wait after the `attempts`-th failure: base, then doubling, capped."""
        return dt.timedelta(seconds=min(self.max_seconds, self.base_seconds * self.factor ** max(0, attempts - 1)))


@dataclass(frozen=True)
class DrainSummary:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def enqueue(session: Session, *, consumer: str, kind: str, key: str, payload: dict[str, Any]) -> OutboxMessage:
    """Add a message to `session` (the transaction of the change); nothing is sent now."""
    message = OutboxMessage(
        consumer=consumer, kind=kind, idempotency_key=key, payload=payload, status=PENDING,
        attempts=0, next_attempt_at=dt.datetime.now(dt.UTC),
    )
    session.add(message)
    return message


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def drain(
    sessions: sessionmaker[Session],
    consumer: str,
    deliver: Callable[[OutboxMessage], str | None],
    *,
    now: dt.datetime | None = None,
    batch: int = 100,
    policy: RetryPolicy = RetryPolicy(),
) -> DrainSummary:
    """Deliver up to `batch` due messages of `consumer`; one transaction per message."""
    at = _now(now)
    with sessions() as session:
        ids = list(session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.consumer == consumer, OutboxMessage.status == PENDING,
                   OutboxMessage.next_attempt_at <= at)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(batch)
        ))
    delivered = failed = dead = 0
    for message_id in ids:
        with sessions() as session, session.begin():
            message = session.scalar(
                select(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING)
                .with_for_update(skip_locked=True)
            )
            if message is None:  # another worker has it, or had it
                continue
            try:
                answer = deliver(message)
            except Exception as exc:  # any failure of the consumer is recorded, then retried
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if message.attempts >= policy.max_attempts:
                    message.status = DEAD
                    dead += 1
                else:
                    message.next_attempt_at = at + policy.delay(message.attempts)
                    failed += 1
                continue
            message.attempts += 1
            message.status = DELIVERED
            message.delivered_at = at
            message.result = (answer or "")[:500] or None
            delivered += 1
    return DrainSummary(delivered=delivered, failed=failed, dead=dead)
