"""Keep the raw message first: one committed row per distinct message, before any parsing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tourstack.db.models.inbox import InboxMessage

SOURCES = ("file", "imap", "smtp", "mailgun")


def store_raw(session: Session, raw: bytes, source: str, *, received_at: dt.datetime | None = None) -> tuple[InboxMessage, bool]:
    """The stored row for these bytes and whether it is new; the same bytes twice are one row.

    The caller commits before parsing, so whatever the parser does afterwards the mail is kept.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    digest = hashlib.sha256(raw).hexdigest()
    existing = session.scalar(select(InboxMessage).where(InboxMessage.sha256 == digest))
    if existing is not None:
        return existing, False
    row = InboxMessage(sha256=digest, source=source, received_at=received_at or dt.datetime.now(dt.UTC),
                       size_bytes=len(raw), raw=raw, status="stored", flags="[]")
    try:
        with session.begin_nested():  # two deliveries of one message at once: the unique digest decides
            session.add(row)
    except IntegrityError:
        existing = session.scalar(select(InboxMessage).where(InboxMessage.sha256 == digest))
        if existing is None:
            raise
        return existing, False
    return row, True


def record_parse(row: InboxMessage, parsed) -> None:
    """Copy what parsing found onto the stored row (headers, flags); the raw bytes stay as they are."""
    row.message_id = parsed.message_id
    row.from_address = (parsed.from_address or "")[:320] or None
    row.subject = parsed.subject or None
    row.flags = json.dumps(sorted(set(json.loads(row.flags or "[]")) | set(parsed.flags)))
    row.status = "failed" if "unparseable" in parsed.flags else "processed"
    row.processed_at = dt.datetime.now(dt.UTC)
