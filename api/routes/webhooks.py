"""Gateway webhooks: public (no API key), authenticated by the gateway's signature instead.

The raw body is read before any parsing because every signature covers the exact bytes (the
request gate in api/input_guard.py has already refused bodies over 1 MB, JSON nested too deep
and NUL bytes). A delivery whose signature is missing or wrong answers 400 and is not stored:
it is tallied per gateway and source address (the client address the server sees; behind a
proxy, run uvicorn with --proxy-headers and --forwarded-allow-ips so it is the caller's), and a
source past TOURSTACK_WEBHOOK_REJECTIONS_PER_MINUTE such deliveries in a minute is answered 429
without verification until the minute is over. A duplicate of a stored event answers 200
`duplicate` without doing anything, also when it arrives concurrently with the first copy; a
parked or failed event also answers 200, because it is stored and our schedule retries it - a
5xx would only make the gateway resend what we already hold. If PayPal's verification API is
unreachable we answer 503 so PayPal delivers again later.

Keys with `webhooks:manage` (finance and admin) list the stored events - above all the dead-lettered ones, which processing
gave up on - and requeue one once its cause is fixed, and read the rejection tallies. Payloads
are never shown: they can carry payer details.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from api.deps import CanManageWebhooks, PaymentsDep, SessionDep
from api.problems import ApiProblem
from api.schemas.common import DbId, Page, problem_responses
from api.schemas.payments import WebhookEventOut, WebhookRejectionOut, WebhookRetryOut
from tourstack.payments import (
    GatewayUnavailable,
    InvalidSignature,
    list_events,
    receive,
    requeue,
)
from tourstack.payments.webhook_guard import BAD_SIGNATURE, UNSIGNED, WebhookGuard, guard_from_settings
from tourstack.payments.webhooks import STATUSES

# One router, two paths: the signed deliveries and the keyed finance views of what was stored.
router = APIRouter(tags=["webhooks"])
log = logging.getLogger("api.webhooks")
MAX_BODY = 1_000_000
EventStatus = Literal[STATUSES]  # type: ignore[valid-type]  # the statuses tourstack.payments.webhooks defines
# The header each gateway signs with: without it a delivery is "unsigned", with it "bad_signature".
SIGNATURE_HEADERS = {"stripe": "stripe-signature", "razorpay": "x-razorpay-signature",
                     "paypal": "paypal-transmission-sig"}


def get_webhook_guard(request: Request) -> WebhookGuard:
    """One per app (its in-process counters must be shared by every request); Redis-backed when
    TOURSTACK_REDIS_URL is set. Tests may preset `app.state.webhook_guard`."""
    guard = getattr(request.app.state, "webhook_guard", None)
    if guard is None:
        settings = request.app.state.settings
        guard = request.app.state.webhook_guard = guard_from_settings(
            settings.redis_url, settings.webhook_rejections_per_minute)
    return guard


WebhookGuardDep = Annotated[WebhookGuard, Depends(get_webhook_guard)]


def _source(request: Request) -> str:
    return (request.client.host if request.client else "unknown")[:64]


@router.get("/webhook-events", response_model=Page[WebhookEventOut], responses=problem_responses(400, 401, 403, 422))
def get_events(
    session: SessionDep, principal: CanManageWebhooks,
    status: EventStatus | None = None,
    gateway: Literal["stripe", "razorpay", "paypal"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[WebhookEventOut]:
    """Stored webhook events, newest first (e.g. `?status=dead_lettered`)."""
    page = list_events(session, status=status, gateway=gateway, limit=limit, cursor=cursor)
    return Page[WebhookEventOut](items=[WebhookEventOut.model_validate(e, from_attributes=True) for e in page.items], next_cursor=page.next_cursor)


@router.get("/webhook-events/rejections", response_model=list[WebhookRejectionOut],
            responses=problem_responses(401, 403))
def get_rejections(principal: CanManageWebhooks, guard: WebhookGuardDep) -> list[WebhookRejectionOut]:
    """Deliveries refused for a missing or bad signature, per gateway and source, newest first
    (kept in Redis for 7 days when configured; otherwise since this process started)."""
    return [WebhookRejectionOut.model_validate(t, from_attributes=True) for t in guard.tallies()]


@router.post("/webhook-events/{event_id}/retry", response_model=WebhookRetryOut,
             responses=problem_responses(401, 403, 404, 409))
def post_retry(session: SessionDep, principal: CanManageWebhooks, payments: PaymentsDep, event_id: DbId) -> WebhookRetryOut:
    """Give an unprocessed (typically dead-lettered) event a fresh set of attempts, starting now."""
    row, outcome = requeue(session, event_id, gateways=payments.gateways)
    log.info("webhook event %s requeued by key %s: %s", event_id, principal.key_id, outcome)
    return WebhookRetryOut(event=WebhookEventOut.model_validate(row, from_attributes=True), outcome=outcome)


@router.post("/webhooks/{gateway}", responses=problem_responses(400, 404, 413, 422, 429, 503))
async def post_webhook(gateway: Literal["stripe", "razorpay", "paypal"], request: Request,
                       session: SessionDep, payments: PaymentsDep, guard: WebhookGuardDep) -> dict[str, str]:
    adapter = payments.gateways.get(gateway)
    if adapter is None:
        raise ApiProblem(404, f"{gateway} is not configured", slug="not-found")
    source = _source(request)
    retry_after = guard.retry_after(gateway, source)
    if retry_after is not None:
        raise ApiProblem(429, "too many deliveries with a missing or bad signature from this source",
                         slug="rate-limited", title="Too many requests", headers={"Retry-After": str(retry_after)})
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ApiProblem(413, "the body is too large", slug="too-large")
    try:
        receipt = await run_in_threadpool(receive, session, adapter, body, dict(request.headers))
    except InvalidSignature as exc:
        reason = BAD_SIGNATURE if request.headers.get(SIGNATURE_HEADERS[gateway]) else UNSIGNED
        at_limit = guard.reject(gateway, source, reason)
        # the reason is our own wording; never the body, which nobody vouches for
        log.warning("webhook %s from %s refused (%s, %d bytes): %s", gateway, source, reason, len(body), exc)
        if at_limit:
            log.warning("webhook %s: source %s reached %d refused deliveries this minute; answering 429 "
                        "until the minute is over", gateway, source, guard.per_minute)
        raise ApiProblem(400, "the webhook signature does not verify", slug="invalid-signature",
                         title="Invalid signature") from exc
    except GatewayUnavailable as exc:
        raise ApiProblem(503, "the signature cannot be verified right now", slug="gateway-unavailable") from exc
    log.info("webhook %s %s: %s", gateway, receipt.event.event_id, receipt.outcome)
    return {"event_id": receipt.event.event_id, "outcome": receipt.outcome}
