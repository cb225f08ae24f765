"""Gateway webhooks: public (no API key), authenticated by the gateway's signature instead.

The raw body is read before any parsing because every signature covers the exact bytes. A bad
signature answers 400 (the delivery is stored as invalid and never processed); a duplicate of a
processed event answers 200 without doing anything; a parked or failed event also answers 200,
because it is stored and our schedule retries it - a 5xx would only make the gateway resend
what we already hold. If PayPal's verification API is unreachable we answer 503 so PayPal
delivers again later.

Finance (and admins) list the stored events - above all the dead-lettered ones, which processing
gave up on - and requeue one once its cause is fixed. Payloads are never shown: they can carry
payer details.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from api.deps import PaymentsDep, SessionDep, require_role
from api.problems import ApiProblem
from api.schemas.common import DbId, Page, problem_responses
from api.schemas.payments import WebhookEventOut, WebhookRetryOut
from tourstack.auth import Principal
from tourstack.payments import (
    GatewayUnavailable,
    InvalidSignature,
    list_events,
    receive,
    requeue,
)
from tourstack.payments.webhooks import STATUSES

# One router, two prefixes: the signed deliveries and the keyed finance views of what was stored.
router = APIRouter(prefix="/api/v1", tags=["webhooks"])
log = logging.getLogger("api.webhooks")
MAX_BODY = 1_000_000
FinanceStaff = Annotated[Principal, Depends(require_role("finance", "admin"))]
EventStatus = Literal[STATUSES]  # type: ignore[valid-type]  # the statuses tourstack.payments.webhooks defines


@router.get("/webhook-events", response_model=Page[WebhookEventOut], responses=problem_responses(400, 401, 403, 422))
def get_events(
    session: SessionDep, principal: FinanceStaff,
    status: EventStatus | None = None,
    gateway: Literal["stripe", "razorpay", "paypal"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[WebhookEventOut]:
    """Stored webhook events, newest first (e.g. `?status=dead_lettered`)."""
    page = list_events(session, status=status, gateway=gateway, limit=limit, cursor=cursor)
    return Page[WebhookEventOut](items=[WebhookEventOut.build(e) for e in page.items], next_cursor=page.next_cursor)


@router.post("/webhook-events/{event_id}/retry", response_model=WebhookRetryOut,
             responses=problem_responses(401, 403, 404, 409))
def post_retry(session: SessionDep, principal: FinanceStaff, payments: PaymentsDep, event_id: DbId) -> WebhookRetryOut:
    """Give an unprocessed (typically dead-lettered) event a fresh set of attempts, starting now."""
    row, outcome = requeue(session, event_id, gateways=payments.gateways)
    log.info("webhook event %s requeued by key %s: %s", event_id, principal.key_id, outcome)
    return WebhookRetryOut(event=WebhookEventOut.build(row), outcome=outcome)


@router.post("/webhooks/{gateway}", responses=problem_responses(400, 404, 413, 503))
async def post_webhook(gateway: Literal["stripe", "razorpay", "paypal"], request: Request,
                       session: SessionDep, payments: PaymentsDep) -> dict[str, str]:
    adapter = payments.gateways.get(gateway)
    if adapter is None:
        raise ApiProblem(404, f"{gateway} is not configured", slug="not-found")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ApiProblem(413, "the body is too large", slug="too-large")
    try:
        receipt = await run_in_threadpool(receive, session, adapter, body, dict(request.headers))
    except InvalidSignature as exc:
        raise ApiProblem(400, "the webhook signature does not verify", slug="invalid-signature",
                         title="Invalid signature") from exc
    except GatewayUnavailable as exc:
        raise ApiProblem(503, "the signature cannot be verified right now", slug="gateway-unavailable") from exc
    log.info("webhook %s %s: %s", gateway, receipt.event.event_id, receipt.outcome)
    return {"event_id": receipt.event.event_id, "outcome": receipt.outcome}
