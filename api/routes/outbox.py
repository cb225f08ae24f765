"""The messaging outbox: what was sent or is waiting, the dead letters, and replaying them.

Staff only (`messages:read` to read, `messages:manage` to replay): messages carry customers'
phone numbers and addresses, and agents have no use for the operator's delivery queue.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import CanManageMessages, CanReadMessages, SessionDep
from api.schemas.common import DbId, Page, problem_responses
from api.schemas.messaging import AlertNotificationIn, AlertsAcceptedOut, OutboxMessageOut, OutboxSummaryOut
from tourstack.messaging import CHANNELS, STATUSES, get_message, list_messages, replay, status_counts
from tourstack.messaging.events import announce_alert

router = APIRouter(prefix="/outbox", tags=["messaging"])
log = logging.getLogger("api.outbox")

StatusFilter = Annotated[Literal[STATUSES] | None, Query(description="only messages in this status")]
ChannelFilter = Annotated[Literal[CHANNELS] | None, Query(description="only messages of this channel")]


@router.get("/messages", response_model=Page[OutboxMessageOut], responses=problem_responses(401, 403, 422))
def get_messages(session: SessionDep, _: CanReadMessages, status: StatusFilter = None, channel: ChannelFilter = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50,
                 cursor: Annotated[str | None, Query(max_length=200)] = None) -> Page[OutboxMessageOut]:
    """Newest first; `status=dead` lists what needs a person."""
    page = list_messages(session, status=status, channel=channel, limit=limit, cursor=cursor)
    return Page[OutboxMessageOut](items=[OutboxMessageOut.model_validate(m) for m in page.items],
                                  next_cursor=page.next_cursor)


@router.get("/summary", response_model=OutboxSummaryOut, responses=problem_responses(401, 403))
def get_summary(session: SessionDep, _: CanReadMessages) -> OutboxSummaryOut:
    return OutboxSummaryOut(counts=status_counts(session))


@router.get("/messages/{message_id}", response_model=OutboxMessageOut, responses=problem_responses(401, 403, 404, 422))
def get_one(session: SessionDep, _: CanReadMessages, message_id: DbId) -> OutboxMessageOut:
    return OutboxMessageOut.model_validate(get_message(session, message_id))


@router.post("/messages/{message_id}/replay", response_model=OutboxMessageOut,
             responses=problem_responses(401, 403, 404, 409, 422))
def post_replay(session: SessionDep, principal: CanManageMessages, message_id: DbId) -> OutboxMessageOut:
    """dead or failed -> pending, with a fresh set of tries (409 for any other status)."""
    row = replay(session, message_id)
    session.commit()
    log.info("outbox message replayed", extra={"message_id": row.id, "key_id": principal.key_id})
    return OutboxMessageOut.model_validate(row)


@router.post("/alerts", response_model=AlertsAcceptedOut, status_code=202,
             responses=problem_responses(401, 403, 422))
def post_alerts(session: SessionDep, _: CanManageMessages, body: AlertNotificationIn) -> AlertsAcceptedOut:
    """System alerts into the team channels (`system.alert`: Slack #ops-alerts, Teams
    operations). Alertmanager posts here (`webhook_configs` with `authorization: {credentials:
    <ops key>}`); a repeat of a firing alert is the same event and writes nothing."""
    queued = duplicates = 0
    for alert in body.alerts:
        routed = announce_alert(
            session, name=alert.labels.get("alertname", "alert"), status=alert.status,
            severity=alert.labels.get("severity"), summary=alert.annotations.get("summary"),
            detail=alert.annotations.get("description"), fingerprint=alert.fingerprint,
            starts_at=alert.startsAt, labels=alert.labels)
        queued += len(routed.queued)
        duplicates += routed.duplicates
    session.commit()
    return AlertsAcceptedOut(alerts=len(body.alerts), queued=queued, duplicates=duplicates)
