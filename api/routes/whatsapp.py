"""WhatsApp: the providers' webhooks (public, signature-verified) and staff's conversations.

Webhooks: Meta's handshake (`GET /whatsapp/webhook`, the verify token) and deliveries (`POST`,
`X-Hub-Signature-256` over the raw body with the app secret), Twilio's callbacks (`POST
/whatsapp/twilio/status`, `X-Twilio-Signature` checked by twilio's RequestValidator over the
public URL and the form). A missing or wrong signature, or an unset secret, answers 401 before
the body is parsed, and nothing is stored. Redeliveries store nothing (unique provider ids).

Staff (`messages:read` to read, `messages:manage` to reply and to record an opt-in): customers'
numbers and conversations are the operator's, not agents'.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from twilio.request_validator import RequestValidator

from api.deps import CanManageMessages, CanReadMessages, SessionDep, SettingsDep
from api.problems import ApiProblem
from api.schemas.common import DbId, Page, problem_responses
from api.schemas.messaging import OutboxMessageOut
from api.schemas.whatsapp import (
    ContactOut, ConversationMessageOut, ConversationOut, OptInIn, ReplyIn, WebhookAcceptedOut,
)
from tourstack.db.models import Customer
from tourstack.errors import NotFound
from tourstack.messaging.whatsapp.config import whatsapp_config_from_settings
from tourstack.messaging.whatsapp.consent import record_opt_in, window_open
from tourstack.messaging.whatsapp.conversations import get_conversation, list_conversations, queue_reply
from tourstack.messaging.whatsapp.twilio_api import STATUS_CALLBACK_PATH
from tourstack.messaging.whatsapp.webhooks import WebhookOutcome, meta_signature_valid, process_meta, process_twilio

router = APIRouter(prefix="/whatsapp", tags=["whatsapp"])
log = logging.getLogger("api.whatsapp")
_TEXT = {"content": {"text/plain": {"schema": {"type": "string"}}}}


def _unauthorized(what: str) -> ApiProblem:
    return ApiProblem(401, f"missing or invalid {what} signature", slug="unauthorized", title="Unauthorized")


def _accepted(outcome: WebhookOutcome) -> WebhookAcceptedOut:
    return WebhookAcceptedOut(stored=outcome.stored, duplicates=outcome.duplicates, statuses=outcome.statuses,
                              opted_out=outcome.opted_out, ignored=len(outcome.ignored))


def _commit_once(session, work):
    """Run `work(session)` and commit; a parallel redelivery that won the unique race is a
    duplicate, so it is read again as one."""
    try:
        outcome = work(session)
        session.commit()
        return outcome
    except IntegrityError:
        session.rollback()
        outcome = work(session)
        session.commit()
        return outcome


@router.get("/webhook", response_class=PlainTextResponse,
            responses={200: {"description": "the challenge, echoed", **_TEXT}, **problem_responses(403, 422)})
def verify_webhook(settings: SettingsDep,
                   mode: Annotated[str, Query(alias="hub.mode", max_length=32)],
                   token: Annotated[str, Query(alias="hub.verify_token", max_length=256)],
                   challenge: Annotated[str, Query(alias="hub.challenge", max_length=256)]) -> PlainTextResponse:
    """Meta's subscription handshake: echo `hub.challenge` when the verify token matches."""
    expected = settings.whatsapp_verify_token.get_secret_value() if settings.whatsapp_verify_token else ""
    if mode != "subscribe" or not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ApiProblem(403, "wrong hub.mode or hub.verify_token", slug="forbidden", title="Forbidden")
    return PlainTextResponse(challenge)


@router.post("/webhook", response_model=WebhookAcceptedOut, responses=problem_responses(401))
async def meta_webhook(request: Request, session: SessionDep, settings: SettingsDep) -> WebhookAcceptedOut:
    """Inbound messages and delivery reports from the Cloud API. Unknown event types: 200, ignored."""
    body = await request.body()
    secret = settings.whatsapp_app_secret.get_secret_value() if settings.whatsapp_app_secret else ""
    if not meta_signature_valid(secret, body, request.headers.get("x-hub-signature-256")):
        raise _unauthorized("X-Hub-Signature-256")
    try:
        payload = json.loads(body)
    except ValueError:
        log.warning("whatsapp webhook: a signed body that is not JSON, ignored")
        return WebhookAcceptedOut(stored=0, duplicates=0, statuses=0, opted_out=0, ignored=1)
    config = whatsapp_config_from_settings(settings)
    outcome = await run_in_threadpool(_commit_once, session, lambda s: process_meta(s, payload, config))
    return _accepted(outcome)


@router.post("/twilio/status", response_model=WebhookAcceptedOut, responses=problem_responses(401))
async def twilio_callback(request: Request, session: SessionDep, settings: SettingsDep) -> WebhookAcceptedOut:
    """Twilio's status callbacks (and inbound messages, when the sender's webhook points here)."""
    body = (await request.body()).decode("utf-8", "replace")
    form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
    token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else ""
    url = settings.public_url.rstrip("/") + STATUS_CALLBACK_PATH + (f"?{request.url.query}" if request.url.query else "")
    signature = request.headers.get("x-twilio-signature")
    if not token or not signature or not RequestValidator(token).validate(url, form, signature):
        raise _unauthorized("X-Twilio-Signature")
    config = whatsapp_config_from_settings(settings)
    ref = request.query_params.get("ref")
    outcome = await run_in_threadpool(_commit_once, session, lambda s: process_twilio(s, form, ref, config))
    return _accepted(outcome)


@router.get("/conversations", response_model=Page[ContactOut], responses=problem_responses(400, 401, 403, 422))
def conversations(session: SessionDep, _: CanReadMessages, limit: Annotated[int, Query(ge=1, le=200)] = 50,
                  cursor: Annotated[str | None, Query(max_length=200)] = None) -> Page[ContactOut]:
    """Customers' numbers, newest first, with their consent and window."""
    page = list_conversations(session, limit=limit, cursor=cursor)
    return Page[ContactOut](items=[ContactOut.model_validate(c) for c in page.items], next_cursor=page.next_cursor)


@router.get("/conversations/{conversation_id}", response_model=ConversationOut,
            responses=problem_responses(401, 403, 404, 422))
def conversation(session: SessionDep, settings: SettingsDep, _: CanReadMessages,
                 conversation_id: DbId) -> ConversationOut:
    contact, messages = get_conversation(session, conversation_id)
    return ConversationOut(contact=ContactOut.model_validate(contact),
                           window_open=window_open(contact, whatsapp_config_from_settings(settings)),
                           messages=[ConversationMessageOut.model_validate(m) for m in messages])


@router.post("/conversations/{conversation_id}/replies", response_model=OutboxMessageOut, status_code=202,
             responses=problem_responses(401, 403, 404, 409, 422))
def reply(session: SessionDep, settings: SettingsDep, principal: CanManageMessages, conversation_id: DbId,
          body: ReplyIn) -> OutboxMessageOut:
    """Queue a free-form reply: only to an opted-in number inside the 24-hour window (409 otherwise)."""
    row = queue_reply(session, conversation_id, body.text, whatsapp_config_from_settings(settings))
    session.commit()
    log.info("whatsapp reply queued", extra={"message_id": row.id, "key_id": principal.key_id})
    return OutboxMessageOut.model_validate(row)


@router.post("/opt-ins", response_model=ContactOut, responses=problem_responses(401, 403, 404, 422))
def opt_in(session: SessionDep, principal: CanManageMessages, body: OptInIn) -> ContactOut:
    """Record a customer's consent to WhatsApp messages (where it was given, now)."""
    if body.customer_id is not None and session.get(Customer, body.customer_id) is None:
        raise NotFound(f"customer {body.customer_id} not found")
    contact = record_opt_in(session, body.phone, source=body.source, customer_id=body.customer_id)
    session.commit()
    log.info("whatsapp opt-in recorded", extra={"contact_id": contact.id, "key_id": principal.key_id})
    return ContactOut.model_validate(contact)
