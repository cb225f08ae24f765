"""What WhatsApp tells us: inbound messages and delivery reports, from Meta's and Twilio's webhooks.

Why this shape: both providers redeliver webhooks and report statuses out of order. An inbound
message is stored once (its provider id is unique per provider: a redelivery, even a parallel
one, inserts nothing and does nothing else). A status report moves the conversation's message
and the outbox row forward only (tourstack.messaging.status.record_status), so a repeat or a
late report changes nothing. A report may arrive before the send's own answer (the answer was
lost): it names our reference (Cloud API `biz_opaque_callback_data`, Twilio's callback `ref`),
which records the provider's id for the retry to find instead of sending again.

Signatures are checked by the API layer before anything here runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.models import WhatsAppMessage
from tourstack.messaging.status import record_status
from tourstack.messaging.whatsapp.config import WhatsAppConfig, shipped_whatsapp_config
from tourstack.messaging.whatsapp.consent import ensure_contact, is_opt_out, record_opt_out
from tourstack.messaging.whatsapp.phones import InvalidPhone
from tourstack.messaging.whatsapp.sending import STATUS_RANK

log = logging.getLogger("tourstack.messaging.whatsapp")
_TWILIO_STATUS = {"queued": "sending", "accepted": "sending", "sending": "sending", "sent": "sent",
                  "delivered": "delivered", "read": "read", "undelivered": "failed", "failed": "failed"}


@dataclass
class WebhookOutcome:
    stored: int = 0
    duplicates: int = 0
    statuses: int = 0
    opted_out: int = 0
    ignored: list[str] = field(default_factory=list)


def meta_signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256="):].strip().lower())


def _at(timestamp: Any) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(timestamp), dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return utcnow()


def store_inbound(session: Session, *, provider: str, provider_message_id: str, phone: str, kind: str,
                  body: str | None, at: dt.datetime, config: WhatsAppConfig) -> tuple[bool, bool]:
    """One inbound message (caller commits): (stored, opted_out). A known id stores nothing."""
    contact = ensure_contact(session, phone)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    new_id = session.execute(insert(WhatsAppMessage).values(
        contact_id=contact.id, direction="inbound", provider=provider, provider_message_id=provider_message_id[:128],
        kind=kind[:16], body=body, status="received", at=at, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["provider", "provider_message_id"])
        .returning(WhatsAppMessage.id)).scalar_one_or_none()
    if new_id is None:
        return False, False
    if contact.last_inbound_at is None or at > contact.last_inbound_at:
        contact.last_inbound_at = at
    contact.last_message_at = max(filter(None, (contact.last_message_at, at)))
    if kind == "text" and is_opt_out(body, config):
        # recorded when read, not at the message's own (second-resolution, earlier) time: an
        # opt-in given in between must not appear to come after the STOP
        record_opt_out(session, contact.phone, source=f"{provider}:inbound", config=config)
        return True, True
    return True, False


def apply_status(session: Session, *, provider: str, provider_message_id: str, status: str,
                 client_ref: str | None = None, reason: str | None = None, at: dt.datetime | None = None) -> bool:
    """One delivery report (caller commits). True when it moved something forward."""
    clauses = [(WhatsAppMessage.provider == provider) & (WhatsAppMessage.provider_message_id == provider_message_id)]
    if client_ref:
        clauses.append(WhatsAppMessage.client_ref == client_ref)
    stmt = select(WhatsAppMessage).where(WhatsAppMessage.direction == "outbound", or_(*clauses))
    if session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    row = session.scalars(stmt).first()
    moved = False
    if row is not None:
        if not row.provider_message_id:
            row.provider_message_id = provider_message_id[:128]  # the send's answer was lost
            moved = True
        if status == "failed":
            if row.status in ("sending", "sent", "delivered"):
                row.status, row.reason, moved = "failed", (reason or "failed")[:1000], True
        elif STATUS_RANK.get(status, -1) > STATUS_RANK.get(row.status, 99):
            row.status, moved = status, True
    if status in ("delivered", "read", "failed"):
        outbox = record_status(session, channel="whatsapp", provider_message_id=provider_message_id,
                               status=status, reason=reason, at=at)
        moved = moved or outbox is not None
    return moved


def _meta_reason(status: dict) -> str | None:
    errors = status.get("errors") or []
    if not errors:
        return None
    first = errors[0] if isinstance(errors[0], dict) else {}
    details = (first.get("error_data") or {}).get("details") if isinstance(first.get("error_data"), dict) else None
    text = f"{first.get('code')} {first.get('title') or first.get('message') or ''}".strip()
    return f"{text} ({details})" if details else text


def process_meta(session: Session, payload: Any, config: WhatsAppConfig | None = None) -> WebhookOutcome:
    """A Cloud API webhook body (caller commits). What is not a message or a status is ignored."""
    config = config or shipped_whatsapp_config()
    outcome = WebhookOutcome()
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        outcome.ignored.append(f"object {str(payload.get('object') if isinstance(payload, dict) else None)[:40]}")
        return outcome
    for entry in payload.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            if not isinstance(change, dict) or change.get("field") != "messages":
                outcome.ignored.append(f"field {str((change or {}).get('field'))[:40]}")
                continue
            value = change.get("value") or {}
            for message in value.get("messages") or []:
                _meta_message(session, message, config, outcome)
            for status in value.get("statuses") or []:
                name = str(status.get("status") or "")
                if name not in STATUS_RANK and name != "failed" or not status.get("id"):
                    outcome.ignored.append(f"status {name[:20]}")
                    continue
                if apply_status(session, provider="meta", provider_message_id=str(status["id"]), status=name,
                                client_ref=status.get("biz_opaque_callback_data"), reason=_meta_reason(status),
                                at=_at(status.get("timestamp"))):
                    outcome.statuses += 1
    if outcome.ignored:
        log.info("whatsapp webhook: ignored %s", ", ".join(outcome.ignored[:10]))
    return outcome


def _meta_message(session: Session, message: dict, config: WhatsAppConfig, outcome: WebhookOutcome) -> None:
    kind = str(message.get("type") or "unknown")
    if not message.get("id") or not message.get("from"):
        outcome.ignored.append("message without id or sender")
        return
    body = None
    if kind == "text":
        body = str((message.get("text") or {}).get("body") or "")
    elif kind == "button":
        body = str((message.get("button") or {}).get("text") or "")
        kind = "text"  # a quick-reply button ("Stop promotions") reads like text
    try:
        stored, opted_out = store_inbound(session, provider="meta", provider_message_id=str(message["id"]),
                                          phone=str(message["from"]), kind=kind, body=body,
                                          at=_at(message.get("timestamp")), config=config)
    except InvalidPhone:
        outcome.ignored.append("message from an invalid number")
        return
    outcome.stored += stored
    outcome.duplicates += not stored
    outcome.opted_out += opted_out


def process_twilio(session: Session, form: dict[str, str], ref: str | None,
                   config: WhatsAppConfig | None = None) -> WebhookOutcome:
    """A Twilio callback (caller commits): a status report, or an inbound message (Body)."""
    config = config or shipped_whatsapp_config()
    outcome = WebhookOutcome()
    sid = form.get("MessageSid") or form.get("SmsSid")
    if not sid:
        outcome.ignored.append("no MessageSid")
        return outcome
    status = form.get("MessageStatus") or form.get("SmsStatus")
    if status == "received" or (status is None and "Body" in form):
        try:
            stored, opted_out = store_inbound(session, provider="twilio", provider_message_id=sid,
                                              phone=form.get("From", ""), kind="text", body=form.get("Body"),
                                              at=utcnow(), config=config)
        except InvalidPhone:
            outcome.ignored.append("message from an invalid number")
            return outcome
        outcome.stored, outcome.duplicates, outcome.opted_out = int(stored), int(not stored), int(opted_out)
        return outcome
    mapped = _TWILIO_STATUS.get(status or "")
    if mapped is None:
        outcome.ignored.append(f"status {str(status)[:20]}")
        return outcome
    reason = None
    if mapped == "failed":
        reason = f"twilio {form.get('ErrorCode') or status}" + (f" {form['ErrorMessage']}" if form.get("ErrorMessage") else "")
    if apply_status(session, provider="twilio", provider_message_id=sid, status=mapped, client_ref=ref,
                    reason=reason):
        outcome.statuses += 1
    return outcome
