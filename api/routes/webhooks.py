"""Gateway webhooks: public (no API key), authenticated by the gateway's signature instead.

The raw body is read before any parsing because every signature covers the exact bytes. A bad
signature answers 400 (the delivery is stored as invalid and never processed); a duplicate of a
processed event answers 200 without doing anything; a parked or failed event also answers 200,
because it is stored and our schedule retries it - a 5xx would only make the gateway resend
what we already hold. If PayPal's verification API is unreachable we answer 503 so PayPal
delivers again later.
"""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import PaymentsDep, SessionDep
from api.problems import ApiProblem
from api.schemas.common import problem_responses
from tourstack.payments import GatewayUnavailable, InvalidSignature, receive

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
log = logging.getLogger("api.webhooks")
MAX_BODY = 1_000_000


@router.post("/{gateway}", responses=problem_responses(400, 404, 413, 503))
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
