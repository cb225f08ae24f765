"""WhatsApp conversations as staff see them, and what staff may send or record."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import DbId


class ContactOut(BaseModel):
    """A customer's number (E.164) with its consent and its customer-service window."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the conversation id")
    phone: str
    customer_id: int | None
    opted_in: bool = Field(description="opted in, and not opted out since")
    opted_in_at: dt.datetime | None
    opt_in_source: str | None
    opted_out_at: dt.datetime | None
    opt_out_source: str | None
    last_inbound_at: dt.datetime | None = Field(description="opens the 24-hour window for free-form replies")
    last_message_at: dt.datetime | None


class ConversationMessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    direction: str = Field(description="inbound or outbound")
    provider: str = Field(description="meta or twilio")
    provider_message_id: str | None
    kind: str
    template: str | None
    body: str | None = Field(description="the text; for a template, its variables as a JSON list")
    status: str = Field(description="received (inbound); sending, sent, delivered, read or failed (outbound)")
    reason: str | None
    at: dt.datetime


class ConversationOut(BaseModel):
    contact: ContactOut
    window_open: bool = Field(description="a free-form reply is allowed now")
    messages: list[ConversationMessageOut] = Field(description="the newest 100, oldest first")


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4096, pattern=r"\S")


class OptInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = Field(min_length=8, max_length=32, description="the customer's number, E.164 (+919812345678)")
    source: str = Field(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9_.:-]+$",
                        description="where consent was given: booking_form, phone_call, paper_form, ...")
    customer_id: DbId | None = None


class WebhookAcceptedOut(BaseModel):
    stored: int = Field(description="new inbound messages")
    duplicates: int = Field(description="inbound messages already stored (a redelivery)")
    statuses: int = Field(description="delivery reports that moved a message forward")
    opted_out: int = Field(description="numbers that opted out with this delivery")
    ignored: int = Field(description="entries of unknown types, ignored")
