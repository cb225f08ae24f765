"""Outbox messages as the API shows them: what was to be said, to whom, and what happened."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator


class OutboxMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_type: str
    event_key: str
    channel: str
    recipient: str
    status: str = Field(description="pending, sending, sent, delivered, read, failed or dead")
    attempts: int
    replays: int
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None
    status_at: dt.datetime | None
    provider_message_id: str | None
    reason: str | None = Field(description="the provider's or the dispatcher's last reason")
    payload: dict[str, Any]
    created_at: dt.datetime

    @field_validator("payload", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class OutboxSummaryOut(BaseModel):
    counts: dict[str, int] = Field(description="messages per status; `dead` ones wait for a replay")


def _rfc3339_text(value):
    """Alertmanager sends RFC 3339 text; a bare number would otherwise be read as Unix seconds."""
    if not isinstance(value, str):
        raise ValueError("startsAt must be an RFC 3339 date-time string")
    return value


class AlertIn(BaseModel):
    """One alert of an Alertmanager webhook notification (version 4)."""

    model_config = ConfigDict(extra="ignore")

    status: str = Field(pattern="^(firing|resolved)$")
    labels: dict[str, str] = Field(default_factory=dict, max_length=50)
    annotations: dict[str, str] = Field(default_factory=dict, max_length=50)
    startsAt: Annotated[dt.datetime, BeforeValidator(_rfc3339_text)]  # noqa: N815 (Alertmanager's field name)
    fingerprint: str = Field(min_length=1, max_length=64)


class AlertNotificationIn(BaseModel):
    """Alertmanager's webhook body (`webhook_configs`); other senders may post the same shape."""

    model_config = ConfigDict(extra="ignore")

    version: str = "4"
    status: str = Field(default="firing", pattern="^(firing|resolved)$")
    alerts: list[AlertIn] = Field(min_length=1, max_length=100)


class AlertsAcceptedOut(BaseModel):
    alerts: int
    queued: int  # messages written now
    duplicates: int  # already announced (a repeat of the same firing)
