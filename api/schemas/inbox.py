"""The inbound-mail task list and the rates read from a supplier's sheet."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tourstack.db.models.inbox import InboxTask
from tourstack.inbox.rate_staging import Diff


class TaskOut(BaseModel):
    id: int
    kind: str = Field(description="booking_mismatch, unmatched_booking, review_cancellation, approve_rates, "
                                  "unreadable_message")
    status: str
    priority: int = Field(description="1 most urgent")
    title: str
    message_id: int | None
    booking_id: int | None
    detail: dict[str, Any]
    suggested_reply: str | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolved_by: str | None

    @classmethod
    def build(cls, t: InboxTask) -> TaskOut:
        return cls(id=t.id, kind=t.kind, status=t.status, priority=t.priority, title=t.title, message_id=t.message_id,
                   booking_id=t.booking_id, detail=json.loads(t.detail or "{}"), suggested_reply=t.suggested_reply,
                   created_at=t.created_at, resolved_at=t.resolved_at, resolved_by=t.resolved_by)


class TaskResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["done", "dismissed"]


class StagedRateOut(BaseModel):
    id: int
    status: str
    service: str = Field(description="the live rate's service name: item, and occupancy in brackets")
    season: str | None
    valid: str
    currency: str
    new_price: str = Field(description="decimal string, as read from the sheet")
    old_price: str | None = Field(description="the live rate it replaces; null for a new rate")
    old_currency: str | None
    change: Literal["new", "changed", "unchanged"]

    @classmethod
    def build(cls, status: str, d: Diff) -> StagedRateOut:
        return cls(id=d.staged_id, status=status, service=d.service, season=d.season, valid=d.valid,
                   currency=d.currency, new_price=str(d.new_price),
                   old_price=None if d.old_price is None else str(d.old_price), old_currency=d.old_currency,
                   change=d.change)


class StagedRates(BaseModel):
    message_id: int
    supplier_id: int | None = Field(description="the sender's supplier; null when not recognised")
    items: list[StagedRateOut]


class RateDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool = Field(description="true applies every pending rate of the sheet; false rejects them")
    supplier_id: int | None = Field(None, ge=1, le=2_147_483_647,
                                    description="required when the sender was not recognised")


class InboundReceipt(BaseModel):
    """What a provider's delivery became: a new stored message, or one we already held."""

    message_id: int
    outcome: Literal["stored", "duplicate"]
    status: str = Field(description="stored, processed or failed (kept, with a task for a person)")
