"""Inbound mail from a provider's route: Mailgun's `forward()` to this URL, public and signed.

No API key: Mailgun's signature (HMAC-SHA256 of timestamp + token with
TOURSTACK_MAILGUN_WEBHOOK_SIGNING_KEY) authenticates the delivery, checked on the raw body before
anything is stored (tourstack.inbox.mailgun). A missing, wrong or stale signature, a replayed
token, or an unset key answers 401 and stores nothing. A verified delivery is stored first
(committed) and then processed, like every other way in; the same message again answers 200
`duplicate`. Mailgun retries anything but a 2xx or a 406, so a failure to store (5xx) is
delivered again later.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import SessionDep, SettingsDep
from api.problems import ApiProblem
from api.schemas.common import problem_responses
from api.schemas.inbox import InboundReceipt
from tourstack.inbox import mailgun

router = APIRouter(prefix="/inbox/inbound", tags=["inbox"])
log = logging.getLogger("api.inbox.inbound")


def _refused(reason: str) -> ApiProblem:
    return ApiProblem(401, f"the Mailgun signature does not verify: {reason}", slug="invalid-signature",
                      title="Invalid signature")


@router.post("/mailgun/mime", response_model=InboundReceipt, responses=problem_responses(401, 413, 422))
@router.post("/mailgun", response_model=InboundReceipt, responses=problem_responses(401, 413, 422))
async def mailgun_inbound(request: Request, session: SessionDep, settings: SettingsDep) -> InboundReceipt:
    """A Mailgun route's delivery: a form with `timestamp`, `token`, `signature` and the raw
    message in `body-mime`, which Mailgun posts only when the forward() URL ends in `mime`: forward
    to `/api/v1/inbox/inbound/mailgun/mime` (`/mailgun` takes the same form)."""
    body = await request.body()
    key = settings.mailgun_webhook_signing_key.get_secret_value() if settings.mailgun_webhook_signing_key else ""
    fields = mailgun.read_form(body, request.headers.get("content-type", ""))
    delivery = mailgun.delivery(fields)
    try:
        mailgun.verify(key, delivery)
    except mailgun.InvalidDelivery as exc:
        log.warning("mailgun delivery refused (%s, %d bytes)", exc, len(body))
        raise _refused(str(exc)) from None
    try:
        outcome = await run_in_threadpool(mailgun.receive, session, delivery)
    except mailgun.InvalidDelivery as exc:
        log.warning("mailgun delivery refused (%s)", exc)
        raise _refused(str(exc)) from None
    except mailgun.NotMime as exc:
        raise ApiProblem(422, str(exc), slug="not-mime", title="Raw message missing") from None
    log.info("mailgun delivery stored as inbox message %s (%s)", outcome.message_id,
             "new" if outcome.new else "duplicate")
    return InboundReceipt(message_id=outcome.message_id, outcome="stored" if outcome.new else "duplicate",
                          status=outcome.status)
