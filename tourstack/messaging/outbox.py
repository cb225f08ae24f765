"""Writing messages: an event becomes one outbox row per route, in the caller's transaction.

Why the caller's transaction: the row must commit or roll back with the business change it tells
(see tourstack.db.models.messaging). Nothing here commits. Writing is idempotent: the row's key
is the event, channel and recipient, and a second write of the same key is a no-op (INSERT ... ON
CONFLICT DO NOTHING on PostgreSQL and SQLite alike), so a retried request or a replayed webhook
announcing the same event never makes a second message.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.models.messaging import OutboxMessage
from tourstack.errors import Invalid
from tourstack.messaging.config import CHANNELS, MessagingConfig, Route, shipped_config


class InvalidMessage(Invalid):
    code = "invalid-message"
    title = "Invalid message"


@dataclass(frozen=True)
class Event:
    """A business event to tell people about.

    `key` identifies this occurrence (`BK-000123` for a booking's creation, `BK-000123:v4` for
    its fourth change): the same key is the same event, whatever retries announce it.
    `facts` is what the message shows (JSON-serialisable; Decimals become strings). `recipients`
    names the event's own recipients for `@role` routes (`customer_whatsapp`, ...).
    """

    type: str
    key: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    recipients: Mapping[str, str] = field(default_factory=dict)
    amount_inr: Decimal | None = None
    count: int | None = None
    thread: str | None = None  # later messages of the same thread (a booking) go together
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Skipped:
    channel: str
    to: str
    reason: str


@dataclass(frozen=True)
class Routed:
    queued: tuple[OutboxMessage, ...]
    duplicates: int
    skipped: tuple[Skipped, ...]


def _json_default(value: Any) -> str:
    if isinstance(value, (Decimal, dt.date, dt.datetime, dt.time)):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def idempotency_key(event_type: str, event_key: str, channel: str, recipient: str) -> str:
    return f"{event_type}|{event_key}|{channel}|{recipient}"[:255]


def enqueue(
    session: Session,
    *,
    event_type: str,
    event_key: str,
    channel: str,
    recipient: str,
    payload: Mapping[str, Any],
    not_before: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Write one message row (in the caller's transaction); None when its key already exists."""
    if channel not in CHANNELS:
        raise InvalidMessage(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    if not recipient.strip() or not event_key.strip() or not event_type.strip():
        raise InvalidMessage("a message needs an event type, an event key and a recipient")
    now = utcnow()
    key = idempotency_key(event_type, event_key, channel, recipient)
    values = {
        "idempotency_key": key, "event_type": event_type, "event_key": event_key[:160],
        "channel": channel, "recipient": recipient, "rate_key": f"{channel}:{recipient}"[:280],
        "payload": json.dumps(payload, default=_json_default, ensure_ascii=False, sort_keys=True),
        "status": "pending", "attempts": 0, "replays": 0, "next_attempt_at": not_before or now,
        "created_at": now, "updated_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["idempotency_key"])
    result = session.execute(stmt.returning(OutboxMessage.id))
    new_id = result.scalar_one_or_none()
    if new_id is None:
        return None
    return session.scalars(select(OutboxMessage).where(OutboxMessage.id == new_id)).one()


def _recipient(route: Route, event: Event) -> str | None:
    if route.to.startswith("@"):
        return event.recipients.get(route.to[1:]) or None
    return route.to


def _skip_reason(route: Route, event: Event, config: MessagingConfig) -> str | None:
    when = route.when
    if when.min_amount_inr is not None:
        if event.amount_inr is None:
            return "the event has no INR amount for min_amount_inr"
        if event.amount_inr < config.threshold(when.min_amount_inr):
            return f"below {when.min_amount_inr}"
    if when.min_count is not None and (event.count or 0) < when.min_count:
        return f"count below {when.min_count}"
    return None


def _consent_reason(session: Session, channel: str, recipient: str, event_type: str) -> str | None:
    """Customers' consent (tourstack.messaging.whatsapp.consent): nothing on WhatsApp without a
    current opt-in, and no marketing on any channel to someone who opted out of it."""
    from tourstack.messaging.whatsapp.config import whatsapp_config_from_settings
    from tourstack.messaging.whatsapp.consent import is_opted_in, opted_out_of_marketing
    from tourstack.settings import get_settings

    if channel == "whatsapp" and not is_opted_in(session, recipient):
        return "no current WhatsApp opt-in"
    marketing = whatsapp_config_from_settings(get_settings()).is_marketing(event_type)
    if marketing and opted_out_of_marketing(session, recipient):
        return "the recipient opted out of marketing"
    return None


def route_event(session: Session, event: Event, config: MessagingConfig | None = None) -> Routed:
    """Queue the event on every route its type has, honouring thresholds, mutes and quiet hours."""
    config = config or shipped_config()
    at = event.at or utcnow()
    queued: list[OutboxMessage] = []
    skipped: list[Skipped] = []
    duplicates = 0
    for route in config.routes.get(event.type, ()):
        recipient = _recipient(route, event)
        if recipient is None:
            skipped.append(Skipped(route.channel, route.to, "the event names no such recipient"))
            continue
        reason = _skip_reason(route, event, config) or _consent_reason(session, route.channel, recipient, event.type)
        preference = config.preference(route.channel, recipient)
        if reason is None and event.type in preference.muted:
            reason = "muted by the recipient"
        if reason is not None:
            skipped.append(Skipped(route.channel, recipient, reason))
            continue
        quiet = preference.quiet_hours.release_time(at) if preference.quiet_hours else None
        payload = {"event": event.type, "key": event.key, "at": at, "facts": dict(event.facts),
                   "thread": event.thread}
        row = enqueue(session, event_type=event.type, event_key=event.key, channel=route.channel,
                      recipient=recipient, payload=payload, not_before=quiet)
        if row is None:
            duplicates += 1
        else:
            queued.append(row)
    return Routed(tuple(queued), duplicates, tuple(skipped))
