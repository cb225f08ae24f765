"""Where a thing's conversation started in a channel that threads (Slack), so later messages
about it reply there.

Why in the database and not in the payload: the first message's id (Slack's `ts`) is known only
after it was sent, by whichever dispatcher sent it; every later message, sent by any dispatcher,
must find it. The first writer wins (INSERT ... ON CONFLICT DO NOTHING), so two dispatchers that
both started a thread at once agree on one root from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.models.messaging import MessageThread


@dataclass(frozen=True)
class ThreadRoot:
    thread_id: str  # Slack: the root message's ts
    provider_channel: str | None  # Slack: the channel id the root was posted in


def thread_root(sessions: Callable[[], Session], channel: str, recipient: str, key: str) -> ThreadRoot | None:
    with sessions() as session:
        row = session.scalars(select(MessageThread).where(
            MessageThread.channel == channel, MessageThread.recipient == recipient,
            MessageThread.thread_key == key)).one_or_none()
        return ThreadRoot(row.provider_thread_id, row.provider_channel) if row else None


def remember_root(sessions: Callable[[], Session], channel: str, recipient: str, key: str,
                  root: ThreadRoot) -> None:
    """Record a thread's first message (commits); a root already recorded stays."""
    now = utcnow()
    with sessions() as session:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(MessageThread).values(
            channel=channel, recipient=recipient[:255], thread_key=key[:160],
            provider_thread_id=root.thread_id, provider_channel=root.provider_channel,
            created_at=now, updated_at=now,
        ).on_conflict_do_nothing(index_elements=["channel", "recipient", "thread_key"]))
        session.commit()
