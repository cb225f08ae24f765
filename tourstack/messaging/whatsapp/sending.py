"""What both WhatsApp backends do around the provider's call: the rules, and the send's record.

Before the call (one short transaction, `prepare`): the number must be E.164 and opted in now;
free-form text only inside the customer-service window; otherwise the event's template from
whatsapp.yaml with its variables from the event's facts. Each refusal is permanent (the
message goes to the dead letters with the reason, nothing is sent). The outbound message is
recorded under the outbox's idempotency key (`client_ref`, unique) before the call.

Exactly-once as far as it can be had: neither the Cloud API nor Twilio deduplicates on a key of
ours, so the key travels with the message (Cloud API `biz_opaque_callback_data`, Twilio's
status-callback URL) and comes back in the provider's status reports. A retry first looks for
the provider id recorded under the key (by the send's own answer or by a status report) and, if
there is one, returns it without sending. A send that timed out after the request left waits
`uncertain_hold_s` (whatsapp.yaml) for that report before trying again; only a provider that
accepted the message and reported nothing in that time can deliver it twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tourstack.db.base import utcnow
from tourstack.db.models import WhatsAppMessage
from tourstack.messaging.transports import DeliveryError, OutboundMessage
from tourstack.messaging.whatsapp.config import Template, WhatsAppConfig
from tourstack.messaging.whatsapp.consent import contact_for, window_open
from tourstack.messaging.whatsapp.phones import InvalidPhone, e164

FREE_FORM_EVENT = "whatsapp.reply"
STATUS_RANK = {"sending": 0, "sent": 1, "delivered": 2, "read": 3}


@dataclass(frozen=True)
class Prepared:
    phone: str
    client_ref: str
    text: str | None = None
    template: Template | None = None
    values: tuple[str, ...] = ()
    known_provider_id: str | None = None  # sent before (its answer or a status report said so)
    attempted_at: dt.datetime | None = None  # an earlier try left and got no answer


def _template_values(template: Template, facts: dict[str, Any], event_type: str) -> tuple[str, ...]:
    values = []
    for name in template.params:
        value = facts.get(name)
        if value is None or str(value).strip() == "":
            raise DeliveryError(f"whatsapp: the {event_type} event has no {name!r} for template "
                                f"{template.name!r}", temporary=False)
        values.append(str(value)[:1024])
    return tuple(values)


def prepare(sessions: Callable[[], Any], message: OutboundMessage, config: WhatsAppConfig, *,
            provider: str, now: dt.datetime | None = None) -> Prepared:
    """Check the rules and record the outbound message (commits); DeliveryError when refused."""
    now = now or utcnow()
    try:
        phone = e164(message.recipient)
    except InvalidPhone as exc:
        raise DeliveryError(f"whatsapp: {exc}", temporary=False) from None
    with sessions() as session:
        known = session.scalars(select(WhatsAppMessage).where(
            WhatsAppMessage.client_ref == message.idempotency_key)).one_or_none()
        if known is not None and known.provider_message_id:
            return Prepared(phone, message.idempotency_key, known_provider_id=known.provider_message_id)
        attempted_at = known.at if known is not None and known.status == "sending" else None
        contact = contact_for(session, phone)
        if contact is None or not contact.opted_in:
            raise DeliveryError("whatsapp: the number has no current opt-in; nothing was sent", temporary=False)
        facts = dict(message.payload.get("facts") or {})
        if message.event_type == FREE_FORM_EVENT:
            text = str(facts.get("text") or "").strip()
            if not text:
                raise DeliveryError("whatsapp: a free-form message without text", temporary=False)
            if not window_open(contact, config, now):
                raise DeliveryError(
                    f"whatsapp: free-form text outside the {config.window_hours:g}-hour customer-service "
                    "window (no inbound message from the number in that time); only templates may be sent",
                    temporary=False)
            prepared = Prepared(phone, message.idempotency_key, text=text[:4096], attempted_at=attempted_at)
        else:
            template = config.templates.get(message.event_type)
            if template is None:
                raise DeliveryError(f"whatsapp: no template for {message.event_type} in whatsapp.yaml",
                                    temporary=False)
            prepared = Prepared(phone, message.idempotency_key, template=template, attempted_at=attempted_at,
                                values=_template_values(template, facts, message.event_type))
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        body = prepared.text if prepared.text else json.dumps(list(prepared.values), ensure_ascii=False)
        session.execute(insert(WhatsAppMessage).values(
            contact_id=contact.id, direction="outbound", provider=provider, client_ref=message.idempotency_key,
            outbox_message_id=message.id, kind="text" if prepared.text else "template",
            template=prepared.template.name if prepared.template else None, body=body, status="sending",
            at=now, created_at=now, updated_at=now).on_conflict_do_nothing(index_elements=["client_ref"]))
        contact.last_message_at = now
        session.commit()
    return prepared


def record_accepted(sessions: Callable[[], Any], client_ref: str, provider_message_id: str) -> None:
    """The provider's answer: its id for our message (a status report may have been first)."""
    with sessions() as session:
        row = session.scalars(select(WhatsAppMessage).where(WhatsAppMessage.client_ref == client_ref)).one_or_none()
        if row is not None and not row.provider_message_id:
            row.provider_message_id = provider_message_id
            if row.status in ("sending", "failed"):  # a replayed refusal that went through now
                row.status, row.reason = "sent", None
        session.commit()


def record_refused(sessions: Callable[[], Any], client_ref: str, reason: str) -> None:
    with sessions() as session:
        row = session.scalars(select(WhatsAppMessage).where(WhatsAppMessage.client_ref == client_ref)).one_or_none()
        if row is not None and not row.provider_message_id:
            row.status, row.reason = "failed", reason[:1000]
        session.commit()


def uncertain(provider: str, config: WhatsAppConfig) -> DeliveryError:
    """The request left and no answer came: maybe accepted. Wait for the status report."""
    return DeliveryError(f"whatsapp: {provider} did not answer in time (the message may have been accepted); "
                         "waiting for its status report before sending again",
                         retry_after=config.uncertain_hold_s)
