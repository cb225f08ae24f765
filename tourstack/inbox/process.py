"""One inbound message end to end: store the raw bytes (committed), parse, screen attachments,
categorise, read a confirmation and match it, open the tasks a person must do.

Why the commit before parsing: whatever the parser or an extractor does with a hostile message
(malformed MIME, a bomb, a charset lie), the message is already kept and can be processed again.
Processing a message twice does nothing new: the same bytes are one row, and a row already
processed returns its recorded result.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models.inbox import InboxConfirmation, InboxMessage, InboxTask
from tourstack.inbox.ai_classifier import OpenAIClassifier, decide
from tourstack.inbox.ai_reply import OpenAIReplyWriter, suggest_replies
from tourstack.inbox.confirmation import extract
from tourstack.inbox.matching import KINDS, record
from tourstack.inbox.parse import parse
from tourstack.inbox import rate_sheets
from tourstack.inbox.rate_staging import stage
from tourstack.inbox.safety import screen
from tourstack.inbox.store import record_parse, store_raw

log = logging.getLogger("tourstack.inbox")


@dataclass
class Outcome:
    message_id: int
    new: bool
    status: str
    category: str | None
    reason: str | None
    flags: list[str]
    extraction: dict | None
    tasks: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return dict(self.__dict__)


def _outcome(session: Session, row: InboxMessage, new: bool, reason: str | None = None) -> Outcome:
    tasks = session.scalars(select(InboxTask).where(InboxTask.message_id == row.id).order_by(InboxTask.id))
    return Outcome(row.id, new, row.status, row.category, reason, json.loads(row.flags or "[]"),
                   json.loads(row.extraction) if row.extraction else None,
                   [{"id": t.id, "kind": t.kind, "title": t.title, "priority": t.priority} for t in tasks])


def ingest(session: Session, raw: bytes, source: str, *, ai: OpenAIClassifier | None = None,
           replies: OpenAIReplyWriter | None = None) -> Outcome:
    """Store (committed), process (committed), then, with a reply writer, add model-written
    suggestions beside the templates (committed separately: a provider failure changes nothing
    recorded before it)."""
    row, new = store_raw(session, raw, source)
    session.commit()
    if row.status == "processed":
        return _outcome(session, row, new)
    try:
        reason = _process(session, row, raw, ai)
    except Exception as exc:  # a bug must not lose the message: it stays stored, with the error
        session.rollback()
        row = session.get(InboxMessage, row.id)
        row.status, row.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        session.add(InboxTask(message_id=row.id, kind="unreadable_message", priority=2,
                              title=f"Message {row.id} could not be processed", detail=json.dumps({"error": row.error})))
        session.commit()
        log.exception("inbox message %s failed", row.id)
        return _outcome(session, row, new)
    session.commit()
    if replies is not None:
        try:
            suggest_replies(session, row.id, replies)
        except Exception:  # only the suggestion is lost; the template is on the task
            session.rollback()
            log.exception("reply suggestions for inbox message %s failed", row.id)
    return _outcome(session, row, new, reason)


def _process(session: Session, row: InboxMessage, raw: bytes, ai: OpenAIClassifier | None) -> str:
    parsed = parse(raw)
    parsed.attachments, attachment_flags = screen(parsed.attachments)
    for flag in attachment_flags:
        parsed.flag(flag)
    record_parse(row, parsed)
    if "unparseable" in parsed.flags:
        session.add(InboxTask(message_id=row.id, kind="unreadable_message", priority=2,
                              title=f"Message {row.id} could not be read", detail=json.dumps({"flags": parsed.flags})))
        return "unparseable"
    decision = decide(parsed, ai)
    row.category, row.classifier, row.confidence_pct = decision.category, decision.classifier, decision.confidence_pct
    if decision.category in KINDS:
        exists = session.scalar(select(InboxConfirmation.id).where(InboxConfirmation.message_id == row.id))
        fields = extract(parsed)
        row.extraction = json.dumps({"kind": decision.category, **fields.as_json()})
        if exists is None:
            session.flush()
            record(session, row, decision.category, fields)
    elif decision.category == "rate_sheet" and not session.scalar(
            select(InboxTask.id).where(InboxTask.message_id == row.id, InboxTask.kind == "approve_rates")):
        rates = rate_sheets.extract(parsed)
        row.extraction = json.dumps({"kind": "rate_sheet", "rates": [r.as_json() for r in rates]})
        session.flush()
        if rates:
            stage(session, row, rates)
        else:
            session.add(InboxTask(message_id=row.id, kind="unreadable_message", priority=2,
                                  title=f"Rate sheet {row.id}: no rates could be read",
                                  detail=json.dumps({"attachments": [a.filename for a in parsed.attachments],
                                                     "flags": parsed.flags})))
    return decision.reason
