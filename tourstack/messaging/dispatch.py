"""Delivering the outbox: claim due rows, send them, record what happened.

Three short transactions per batch, never a network call inside one:
1. claim: lock due rows (PostgreSQL `FOR UPDATE SKIP LOCKED`, so parallel dispatchers take
   disjoint rows; SQLite: the database's write lock), then the rate slots of their recipients
   in key order (so two dispatchers never wait on each other in a cycle). A row whose recipient
   is not free yet is deferred to the slot's time, without counting a try; the others are marked
   `sending` with a lease and a claim token, and their slot moves on by the channel's interval.
2. send, outside any transaction.
3. record, per row and only if the claim is still ours (the token): sent with the provider's
   id; or back to pending after the back-off (a provider's Retry-After wins, and also holds the
   recipient's slot); or dead once the tries are spent or the provider refused for good.

A dispatcher that dies between 1 and 3 leaves rows `sending`; when their lease ends any
dispatcher claims them again (delivery is at least once; transports pass the idempotency key to
providers that deduplicate).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.locking import hold_write_lock, is_sqlite
from tourstack.db.models.messaging import OutboxMessage, OutboxRateSlot
from tourstack.messaging.config import MessagingConfig, shipped_config
from tourstack.messaging.transports import DeliveryError, OutboundMessage, Transport

log = logging.getLogger("tourstack.messaging")
LEASE = dt.timedelta(minutes=5)
_REASON_LIMIT = 1000


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0

    def add(self, other: DispatchReport) -> None:
        for name in ("claimed", "sent", "retried", "dead", "deferred"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _due(now: dt.datetime):
    pending = and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
    abandoned = and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now)
    return or_(pending, abandoned)


def _lock_slots(session: Session, keys: list[str], now: dt.datetime) -> dict[str, OutboxRateSlot]:
    if not keys:
        return {}
    insert = sqlite_insert if is_sqlite(session) else pg_insert
    for key in keys:  # sorted: concurrent inserts of one key queue up instead of deadlocking
        session.execute(insert(OutboxRateSlot).values(rate_key=key, next_free_at=now)
                        .on_conflict_do_nothing(index_elements=["rate_key"]))
    stmt = select(OutboxRateSlot).where(OutboxRateSlot.rate_key.in_(keys)).order_by(OutboxRateSlot.rate_key)
    if not is_sqlite(session):
        stmt = stmt.with_for_update()
    return {slot.rate_key: slot for slot in session.scalars(stmt.execution_options(populate_existing=True))}


def claim(session: Session, config: MessagingConfig, *, now: dt.datetime, limit: int,
          report: DispatchReport, channels: tuple[str, ...]) -> list[OutboundMessage]:
    """Step 1 (commits): lock and lease the due messages of `channels` whose recipients are free."""
    hold_write_lock(session)
    stmt = (select(OutboxMessage).where(_due(now), OutboxMessage.channel.in_(channels))
            .order_by(OutboxMessage.id).limit(limit))
    if not is_sqlite(session):
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list(session.scalars(stmt.execution_options(populate_existing=True)))
    paced = sorted({r.rate_key for r in rows if config.channels[r.channel].min_interval_s > 0})
    slots = _lock_slots(session, paced, now)
    token = secrets.token_hex(8)
    claimed: list[OutboundMessage] = []
    for row in rows:
        slot = slots.get(row.rate_key)
        if slot is not None:
            if slot.next_free_at > now:
                row.status, row.next_attempt_at, row.lease_until = "pending", slot.next_free_at, None
                report.deferred += 1
                continue
            slot.next_free_at = now + dt.timedelta(seconds=config.channels[row.channel].min_interval_s)
        row.status, row.lease_until, row.claim_token = "sending", now + LEASE, token
        row.attempts += 1
        claimed.append(OutboundMessage(
            id=row.id, idempotency_key=row.idempotency_key, event_type=row.event_type,
            event_key=row.event_key, channel=row.channel, recipient=row.recipient,
            payload=json.loads(row.payload), attempt=row.attempts, claim_token=token))
    session.commit()
    report.claimed += len(claimed)
    return claimed


def _owned(session: Session, message: OutboundMessage) -> OutboxMessage | None:
    hold_write_lock(session)
    stmt = select(OutboxMessage).where(OutboxMessage.id == message.id)
    if not is_sqlite(session):
        stmt = stmt.with_for_update()
    row = session.scalars(stmt.execution_options(populate_existing=True)).one_or_none()
    if row is None or row.status != "sending" or row.claim_token != message.claim_token:
        return None  # another dispatcher took it over after our lease ended
    return row


def record_sent(session: Session, message: OutboundMessage, provider_id: str, *, now: dt.datetime) -> bool:
    """Step 3 on success (commits)."""
    row = _owned(session, message)
    if row is not None:
        row.status, row.provider_message_id, row.sent_at, row.status_at = "sent", provider_id, now, now
        row.lease_until = row.claim_token = None
        row.reason = None
    session.commit()
    return row is not None


def record_failure(session: Session, message: OutboundMessage, error: DeliveryError,
                   config: MessagingConfig, *, now: dt.datetime) -> str | None:
    """Step 3 on failure (commits): 'pending' (retry later) or 'dead'; None if no longer ours."""
    row = _owned(session, message)
    if row is None:
        session.commit()
        return None
    policy = config.channels[row.channel]
    row.reason = str(error)[:_REASON_LIMIT] or type(error).__name__
    row.lease_until = row.claim_token = None
    if not error.temporary or row.attempts >= policy.max_attempts:
        row.status, row.status_at = "dead", now
    else:
        wait = policy.backoff(row.attempts)
        if error.retry_after is not None:
            asked = dt.timedelta(seconds=error.retry_after)
            wait = max(wait, asked)
            if policy.min_interval_s > 0:  # the provider throttles the recipient, not only this row
                slots = _lock_slots(session, [row.rate_key], now)
                slot = slots[row.rate_key]
                slot.next_free_at = max(slot.next_free_at, now + asked)
        row.status, row.next_attempt_at = "pending", now + wait
    session.commit()
    return row.status


Clock = Callable[[], dt.datetime]


def dispatch_due(
    sessions: Callable[[], Session],
    transports: Mapping[str, Transport],
    config: MessagingConfig | None = None,
    *,
    limit: int = 100,
    clock: Clock = utcnow,
) -> DispatchReport:
    """One batch: claim up to `limit` due messages, send each, record each outcome.

    `sessions` makes a new session (a sessionmaker); a channel without a transport is not
    claimed at all, so its messages wait for one to be configured instead of failing."""
    config = config or shipped_config()
    report = DispatchReport()
    with sessions() as session:
        claimed = claim(session, config, now=clock(), limit=limit, report=report,
                        channels=tuple(transports))
    for message in claimed:
        try:
            provider_id = transports[message.channel].send(message)
        except DeliveryError as exc:
            error = exc
        except Exception as exc:  # a transport bug must not lose the message: retry, then dead
            log.exception("transport %s raised", message.channel)
            error = DeliveryError(f"{type(exc).__name__}: transport error", temporary=True)
        else:
            with sessions() as session:
                if record_sent(session, message, provider_id, now=clock()):
                    report.sent += 1
            continue
        with sessions() as session:
            outcome = record_failure(session, message, error, config, now=clock())
        if outcome == "dead":
            report.dead += 1
            log.error("outbox message %s dead after %s tries: %s", message.id, message.attempt, error)
        elif outcome == "pending":
            report.retried += 1
    return report
